/**
 * A cluster held in a worker's memory: the simulation, its clock, where its log stands, and
 * the bookkeeping of its wake-ups. Everything that touches it runs through `exclusive`, so jobs
 * from its partition queue and its in-process live timer never interleave.
 */
import type { Cluster } from "@kubelab/sim";
import type { Reply } from "../protocol";
import type { VirtualClock } from "./clock";

/** Replies remembered per cluster, to answer a redelivered input without applying it again. */
const REMEMBERED_REPLIES = 256;

/** Limits that apply inside the cluster (from the owner's account quota). */
export interface ClusterLimits {
  maxPods: number;
}

/** One hot cluster. */
export class HostedCluster {
  /** Log high-water mark: the last command applied and appended. */
  lastSeq: number;
  clock: VirtualClock;
  /** Wall ms of the last input (settling window) and of the last use (eviction). */
  lastInputWall: number;
  lastUsedWall: number;
  commandsSinceSnapshot = 0;
  /** Virtual time of the last snapshot (a sleeping cluster is snapshotted when it moved on). */
  snapshotVirtual: number;
  lastSnapshotWall: number;
  /** Wall ms when this worker loaded it: inputs queued before may have been applied by a previous owner. */
  readonly loadedAt = Date.now();
  /** Delayed tick jobs outstanding, by job id → due wall ms. */
  readonly tickJobs = new Map<string, number>();
  /** The earliest outstanding delayed tick (wall ms), if any. */
  tickDue: number | null = null;
  /** In-process timer while someone watches live. */
  liveTimer: ReturnType<typeof setTimeout> | null = null;
  liveTimerDue: number | null = null;
  /** Whether a viewer was present at the last look, and when that was. */
  viewers = false;
  viewersCheckedAt = 0;
  /** False once dropped from memory: late timers and jobs must not touch it. */
  alive = true;
  /** Work that must follow the commits in flight, in order (events, replies, snapshots). */
  outbox: Promise<void> = Promise.resolve();
  private readonly replies = new Map<string, Reply>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly ownerId: string,
    readonly partition: number,
    public cluster: Cluster,
    lastSeq: number,
    clock: VirtualClock,
    readonly limits: ClusterLimits,
  ) {
    this.lastSeq = lastSeq;
    this.clock = clock;
    this.lastInputWall = 0;
    this.lastUsedWall = Date.now();
    this.snapshotVirtual = cluster.now();
    this.lastSnapshotWall = Date.now();
  }

  /** Run `fn` after everything queued on this cluster before it. */
  exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => {});
    return run;
  }

  /** Remember the reply to an input (bounded). */
  remember(reply: Reply): void {
    this.replies.set(reply.inputId, reply);
    if (this.replies.size > REMEMBERED_REPLIES) {
      const oldest = this.replies.keys().next().value;
      if (oldest !== undefined) this.replies.delete(oldest);
    }
  }

  /** The reply given to `inputId`, if this worker applied it. */
  replied(inputId: string): Reply | undefined {
    return this.replies.get(inputId);
  }
}
