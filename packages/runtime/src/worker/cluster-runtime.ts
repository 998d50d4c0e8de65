/**
 * The worker side of the runtime: holds partition leases, consumes each held partition's queue
 * with concurrency 1, keeps hot clusters in memory, appends every input to the command log
 * before acknowledging it, snapshots, publishes events, wakes clusters at their timers, and
 * evicts idle ones to their snapshot. Workers join and leave at any time; partitions move to
 * the worker rendezvous hashing picks, and a dead worker's partitions are taken over once its
 * leases expire.
 */
import { randomUUID } from "node:crypto";
import { bullPrefix } from "@kubelab/jobs";
import type { Logger } from "@kubelab/ops";
import { Cluster, type ClusterInput, type ClusterOutput, parseClusterSpec } from "@kubelab/sim";
import { type Job, Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type pg from "pg";
import { publishOutputs } from "../events/event-publisher";
import {
  type Attention,
  clockTarget,
  DEFAULT_WAKE_POLICY,
  nextWakeWall,
  runUntil,
  type VirtualClock,
  type WakePolicy,
  withSpeed,
} from "../host/clock";
import { HostedCluster } from "../host/hosted-cluster";
import { clusterEventsKey, clusterViewersKey, partitionQueueName, replyChannel } from "../keys";
import { desiredOwner, desiredPartitions } from "../lease/assignment";
import { heartbeat, leave } from "../lease/membership";
import { type HeldLease, PartitionLeases } from "../lease/partition-leases";
import { AppendBatcher } from "../log/append-batcher";
import { canonicalJson } from "../log/canonical-json";
import { type AppendOutcome, type CommandKind, CommandLog, type StoredCommand } from "../log/command-log";
import {
  type ClusterJob,
  type InputJob,
  JOB,
  type Reply,
  type RuntimeInput,
  ZClusterJob,
  ZInputJob,
  ZRuntimeInput,
} from "../protocol";
import { quotaFor } from "../quotas/quotas";

/** Settings of a worker's runtime. */
export interface RuntimeOptions {
  /** Commands connection (leases, events, replies, queues). */
  redis: Redis;
  pool: pg.Pool;
  prefix: string;
  partitions: number;
  logger: Logger;
  workerId?: string;
  /** Lease time: a dead worker's partitions are taken over after at most this (plus one round). */
  leaseMs?: number;
  /** Snapshot after this many commands… */
  snapshotEvery?: number;
  /** …or this long after the first unsnapshotted command. */
  snapshotIntervalMs?: number;
  /** Evict (and freeze the clock of) a cluster nobody watched or used for this long. */
  sleepAfterMs?: number;
  /** Most clusters held in memory; the least recently used idle ones are evicted beyond it. */
  maxHot?: number;
  wake?: Partial<WakePolicy>;
  /** Called after every job (tests and metrics): which partition, what job, how long it took. */
  onJob?: (event: { partition: number; name: string; clusterId: string; ms: number }) => void;
  /** Called on every wake-up at a timer: how late it ran after its due wall time (ms). */
  onWake?: (event: { clusterId: string; kind: "live" | "delayed"; lateMs: number }) => void;
}

interface HeldPartition {
  lease: HeldLease;
  worker: Worker;
  /** Until when the lease is known valid (last successful renewal + lease time). */
  validUntil: number;
}

/** Thrown inside a job when this worker no longer holds the partition: the job is retried by the next holder. */
class NotHolder extends Error {}

/** A worker's runtime. `start()` joins the pool of workers; `stop()` leaves it gracefully. */
export class ClusterRuntime {
  readonly workerId: string;
  private readonly leases: PartitionLeases;
  private readonly log: CommandLog;
  private readonly batcher: AppendBatcher;
  private readonly held = new Map<number, HeldPartition>();
  private readonly hot = new Map<string, HostedCluster>();
  private readonly loading = new Map<string, Promise<HostedCluster | null>>();
  private readonly queues = new Map<number, Queue>();
  private readonly policy: WakePolicy;
  private readonly leaseMs: number;
  private readonly snapshotEvery: number;
  private readonly snapshotIntervalMs: number;
  private readonly sleepAfterMs: number;
  private readonly maxHot: number;
  private loop: ReturnType<typeof setInterval> | undefined;
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private rebalancing: Promise<void> | undefined;
  private stopped = false;
  /** Partitions seen without a holder in the previous round (rescued if still free). */
  private orphans = new Set<number>();
  private readonly logger: Logger;

  constructor(private readonly options: RuntimeOptions) {
    this.workerId = options.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? 10_000;
    this.snapshotEvery = options.snapshotEvery ?? 100;
    this.snapshotIntervalMs = options.snapshotIntervalMs ?? 30_000;
    this.sleepAfterMs = options.sleepAfterMs ?? 600_000;
    this.maxHot = options.maxHot ?? 5_000;
    this.policy = { ...DEFAULT_WAKE_POLICY, ...options.wake };
    this.logger = options.logger.child({ worker: this.workerId });
    this.leases = new PartitionLeases(
      options.redis,
      options.pool,
      options.prefix,
      this.workerId,
      this.leaseMs,
    );
    this.log = new CommandLog(options.pool);
    this.batcher = new AppendBatcher(options.pool);
  }

  /** Join: register, take this worker's share of partitions, and keep doing so. */
  async start(): Promise<void> {
    await this.rebalance();
    this.loop = setInterval(() => void this.rebalance(), Math.max(50, Math.floor(this.leaseMs / 4)));
    this.sweeper = setInterval(
      () => void this.sweep(),
      Math.max(100, Math.min(5_000, this.sleepAfterMs / 4)),
    );
  }

  /** Leave gracefully: snapshot hot clusters, give every lease back, deregister. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.loop);
    clearInterval(this.sweeper);
    await this.rebalancing?.catch(() => {});
    await Promise.all([...this.held.keys()].map((p) => this.releasePartition(p)));
    await leave(this.options.redis, this.options.prefix, this.workerId).catch(() => {});
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  /** Partitions held now (for tests, metrics and operators). */
  heldPartitions(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  /** Clusters in memory now. */
  hotClusters(): string[] {
    return [...this.hot.keys()];
  }

  /** A hot cluster's simulation (tests and benchmarks compare it with a replay). */
  hostedCluster(clusterId: string): Cluster | undefined {
    return this.hot.get(clusterId)?.cluster;
  }

  // ---- partitions ------------------------------------------------------------------------------

  private rebalance(): Promise<void> {
    if (this.rebalancing) return this.rebalancing;
    this.rebalancing = this.rebalanceOnce()
      .catch((error) => this.logger.warn({ err: error }, "rebalance failed"))
      .finally(() => {
        this.rebalancing = undefined;
      });
    return this.rebalancing;
  }

  private async rebalanceOnce(): Promise<void> {
    if (this.stopped) return;
    const { redis, prefix, partitions } = this.options;
    // Renew first: losing a lease must stop consumption before anything else happens.
    await Promise.all(
      [...this.held.entries()].map(async ([p, h]) => {
        const started = Date.now();
        let ok = false;
        try {
          ok = await this.leases.renew(h.lease);
        } catch (error) {
          // Redis unreachable: the lease may run out; stop before it can.
          if (Date.now() < h.validUntil - this.leaseMs / 4) return;
          this.logger.warn({ err: error, partition: p }, "lease renewal failed");
        }
        if (ok) h.validUntil = started + this.leaseMs;
        else await this.losePartition(p, "lease lost");
      }),
    );
    const live = await heartbeat(redis, prefix, this.workerId, this.leaseMs);
    if (this.stopped) return;
    const desired = new Set(desiredPartitions(this.workerId, live, partitions));
    // Hand over what another live worker should own.
    await Promise.all(
      [...this.held.keys()]
        .filter((p) => !desired.has(p) && desiredOwner(p, live) !== this.workerId)
        .map((p) => this.releasePartition(p)),
    );
    const holders = await this.leases.holders(partitions);
    const orphans = new Set<number>();
    for (let p = 0; p < partitions; p++) {
      if (this.held.has(p) || holders[p] !== null) continue;
      // Ours by hashing, or free for two rounds in a row (its rightful owner is not taking it).
      if (desired.has(p) || this.orphans.has(p)) await this.acquirePartition(p);
      else orphans.add(p);
    }
    this.orphans = orphans;
  }

  private async acquirePartition(p: number): Promise<void> {
    if (this.stopped) return;
    const started = Date.now();
    const lease = await this.leases.tryAcquire(p);
    if (!lease) return;
    const { redis, prefix } = this.options;
    const worker = new Worker(partitionQueueName(p), (job) => this.process(p, job), {
      connection: redis,
      prefix: bullPrefix(prefix),
      concurrency: 1,
      // A job whose worker died is given back after this (BullMQ's stalled-job check).
      lockDuration: this.leaseMs,
      stalledInterval: Math.max(1_000, Math.floor(this.leaseMs / 2)),
      maxStalledCount: 2,
    });
    worker.on("error", (error) => this.logger.warn({ err: error, partition: p }, "partition consumer error"));
    worker.on("failed", (job, error) =>
      this.logger.warn({ err: error, partition: p, job: job?.name, id: job?.id }, "job failed"),
    );
    this.held.set(p, { lease, worker, validUntil: started + this.leaseMs });
    this.logger.info({ partition: p, token: lease.token }, "partition acquired");
  }

  /** Graceful hand-over: finish the current job, snapshot hot clusters, give the lease back. */
  private async releasePartition(p: number): Promise<void> {
    const h = this.held.get(p);
    if (!h) return;
    await h.worker.close().catch(() => {});
    const clusters = [...this.hot.values()].filter((hc) => hc.partition === p);
    await Promise.all(clusters.map((hc) => this.evict(hc, true)));
    this.held.delete(p);
    await this.leases.release(h.lease).catch(() => {});
    this.logger.info({ partition: p }, "partition released");
  }

  /** The lease is gone: stop at once and forget the partition's clusters (the next holder restores them). */
  private async losePartition(p: number, reason: string): Promise<void> {
    const h = this.held.get(p);
    if (!h) return;
    this.held.delete(p);
    for (const hc of [...this.hot.values()]) if (hc.partition === p) this.forget(hc);
    this.logger.warn({ partition: p, reason }, "partition lost");
    await h.worker.close(true).catch(() => {});
  }

  private holding(p: number): HeldPartition {
    const h = this.held.get(p);
    if (!h || Date.now() > h.validUntil)
      throw new NotHolder(`partition ${p} is not held by ${this.workerId}`);
    return h;
  }

  // ---- jobs ------------------------------------------------------------------------------------

  private async process(p: number, job: Job): Promise<unknown> {
    this.holding(p);
    const started = performance.now();
    let clusterId = "";
    try {
      switch (job.name) {
        case JOB.input: {
          const data = ZInputJob.parse(job.data);
          clusterId = data.clusterId;
          return await this.handleInput(p, job, data);
        }
        case JOB.tick:
        case JOB.boot:
        case JOB.drop: {
          const data = ZClusterJob.parse(job.data);
          clusterId = data.clusterId;
          if (job.name === JOB.tick) return await this.handleTick(p, job, data);
          if (job.name === JOB.boot) return await this.handleBoot(p, data);
          return await this.handleDrop(p, data);
        }
        default:
          this.logger.warn({ job: job.name }, "unknown job");
          return null;
      }
    } finally {
      this.options.onJob?.({ partition: p, name: job.name, clusterId, ms: performance.now() - started });
    }
  }

  private async handleInput(p: number, job: Job, data: InputJob): Promise<void> {
    // The client stopped waiting: applying it now would surprise it. (It was told so.)
    if (Date.now() > data.deadline) return;
    const hc = await this.hosted(p, data.clusterId);
    if (!hc) {
      await this.reply(data.replyTo, {
        inputId: data.inputId,
        ok: false,
        code: "NOT_FOUND",
        message: `cluster ${data.clusterId} not found`,
      });
      return;
    }
    await hc.exclusive(async () => {
      if (!hc.alive) throw new NotHolder("cluster was dropped");
      const already = hc.replied(data.inputId);
      if (already) return this.reply(data.replyTo, already);
      if (job.timestamp < hc.loadedAt) {
        // Queued before this worker loaded the cluster: a previous owner may have applied it.
        const seq = await this.log.findInput(hc.id, data.inputId);
        if (seq !== null) {
          return this.reply(data.replyTo, {
            inputId: data.inputId,
            ok: true,
            result: { duplicate: true },
            seq,
            at: hc.cluster.now(),
          });
        }
      }
      const refusal = this.admit(hc, data.input);
      if (refusal) {
        return this.reply(data.replyTo, {
          inputId: data.inputId,
          ok: true,
          result: refusal,
          seq: hc.lastSeq,
          at: hc.cluster.now(),
        });
      }
      await this.apply(p, hc, data);
    });
  }

  /** Quotas enforced inside a cluster: a refused input changes nothing and is not logged. */
  private admit(hc: HostedCluster, input: RuntimeInput): unknown {
    if (input.type !== "api" || input.method !== "POST") return null;
    if (!/^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(input.path)) return null;
    // Pods users ran; the control plane's static pods in kube-system do not count.
    const pods = hc.cluster.summary().counts.workloadPods;
    if (pods < hc.limits.maxPods) return null;
    const name = (input.body as { metadata?: { name?: string } } | undefined)?.metadata?.name ?? "";
    // The wording of the apiserver's ResourceQuota admission refusal.
    const message = `pods "${name}" is forbidden: exceeded quota: kubelab-account, requested: pods=1, used: pods=${pods}, limited: pods=${hc.limits.maxPods}`;
    return {
      code: 403,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message,
        reason: "Forbidden",
        details: { name, kind: "pods" },
        code: 403,
      },
    };
  }

  private async apply(p: number, hc: HostedCluster, data: InputJob): Promise<void> {
    const lease = this.holding(p).lease;
    const wall = Date.now();
    const outputs: ClusterOutput[] = this.catchUp(hc, wall);
    const at = hc.cluster.now();
    // Exactly what a replay will read back from the log (jsonb reorders keys).
    const input = canonicalJson(data.input);
    let result: unknown;
    let clock = hc.clock;
    let kind: CommandKind = "API";
    if (input.type === "time") {
      kind = "TIME";
      if (input.action === "pause") clock = withSpeed(clock, 0, at, wall);
      else if (input.action === "resume") clock = withSpeed(clock, clock.speed || 1, at, wall);
      else if (input.action === "speed") clock = withSpeed(clock, input.speed, at, wall);
      if (input.action === "pause" || input.action === "resume" || input.action === "speed") {
        result = { now: at, speed: clock.speed };
      }
    }
    if (result === undefined) {
      if (input.type === "fault") kind = "FAULT";
      const r = hc.cluster.submit(input as ClusterInput);
      outputs.push(...r.outputs);
      result = r.response;
    }
    // An input keeps time running for the settling window (for ever while someone watches).
    clock = runUntil(
      clock,
      hc.cluster.now(),
      wall,
      clock.until === null && hc.viewers ? null : wall + this.policy.settleMs,
    );
    const seq = hc.lastSeq + 1;
    // Group commit: the append joins the next batch; the consumer goes on with the next job while
    // it commits. Nothing is acknowledged (and no event shown) before the commit.
    const committed = this.batcher.append({
      clusterId: hc.id,
      partition: p,
      token: lease.token,
      command: { seq, kind, payload: input, virtualTimeMs: at, actorId: data.actorId, inputId: data.inputId },
      progress: {
        virtualTimeMs: clock.virtual,
        anchorWallMs: clock.wall,
        speed: clock.speed,
        status: clock.speed === 0 ? "PAUSED" : "RUNNING",
      },
    });
    // Awaited in order by the outbox; marked handled now so an early failure is not "unhandled".
    committed.catch(() => {});
    hc.lastSeq = seq;
    hc.clock = clock;
    hc.commandsSinceSnapshot++;
    hc.lastInputWall = wall;
    hc.lastUsedWall = wall;
    const reply: Reply = { inputId: data.inputId, ok: true, result, seq, at };
    if (input.type === "time")
      outputs.push({ type: "clock", now: hc.cluster.now(), speed: clock.speed } as never);
    this.afterCommit(hc, p, committed, outputs, reply, data.replyTo);
    this.maybeSnapshot(hc, lease.token);
    await this.schedule(hc);
  }

  /**
   * What follows a commit, in the cluster's order: events, then the reply (a client that saw the
   * answer finds the change in the stream). A refused or failed append drops the in-memory
   * cluster, which ran ahead of the log: the next job restores it from what is durable.
   */
  private afterCommit(
    hc: HostedCluster,
    p: number,
    committed: Promise<AppendOutcome>,
    outputs: ClusterOutput[],
    reply: Reply & { ok: true },
    replyTo: string | null,
  ): void {
    hc.outbox = hc.outbox.then(async () => {
      let outcome: AppendOutcome | "error";
      try {
        outcome = await committed;
      } catch (error) {
        this.logger.warn({ err: error, cluster: hc.id }, "append failed");
        outcome = "error";
      }
      if (outcome !== "ok") {
        this.forget(hc);
        if (outcome === "fenced") void this.losePartition(p, "fenced by a newer lease holder");
        await this.reply(replyTo, {
          inputId: reply.inputId,
          ok: false,
          code: "UNAVAILABLE",
          message:
            outcome === "error"
              ? "the command log is unavailable; the input may not have been applied, retry"
              : "the cluster moved to another worker; the input was not applied, retry",
        });
        return;
      }
      hc.remember(reply);
      await this.publish(hc, outputs, reply, replyTo);
    });
  }

  private async handleTick(p: number, job: Job, data: ClusterJob): Promise<void> {
    let hc = this.hot.get(data.clusterId);
    // A wake-up without a due time means someone just started watching: look again now.
    if (hc && data.due === undefined) hc.viewersCheckedAt = 0;
    if (hc && data.due !== undefined) {
      const id = job.id ?? "";
      hc.tickJobs.delete(id);
      if (hc.tickDue === data.due) hc.tickDue = null;
    }
    if (!hc) {
      // A timer of a cluster that is not in memory: after a take-over it must resume; a sleeping
      // cluster's leftover timer must not wake it.
      const record = await this.log.cluster(data.clusterId);
      if (!record || record.deleted) return;
      if (record.status === "SLEEPING" && data.due !== undefined) return;
      hc = (await this.hosted(p, data.clusterId)) ?? undefined;
      if (!hc) return;
    }
    const target = hc;
    await target.exclusive(async () => {
      if (!target.alive) return;
      this.holding(p);
      if (data.due !== undefined)
        this.options.onWake?.({ clusterId: target.id, kind: "delayed", lateMs: Date.now() - data.due });
      await this.tickNow(target);
    });
  }

  private async tickNow(hc: HostedCluster): Promise<void> {
    const outputs = this.catchUp(hc, Date.now());
    // After the events of inputs still committing, never before them.
    hc.outbox = hc.outbox.then(() => (hc.alive ? this.publish(hc, outputs) : undefined));
    await this.schedule(hc);
  }

  private async handleBoot(p: number, data: ClusterJob): Promise<void> {
    const hc = await this.hosted(p, data.clusterId);
    if (!hc) {
      if (data.inputId)
        await this.reply(data.replyTo ?? null, {
          inputId: data.inputId,
          ok: false,
          code: "NOT_FOUND",
          message: `cluster ${data.clusterId} not found`,
        });
      return;
    }
    await hc.exclusive(async () => {
      const lease = this.holding(p).lease;
      if (hc.lastSnapshotWall === hc.loadedAt && hc.commandsSinceSnapshot === 0) {
        // A brand-new cluster: its first snapshot, so no restore ever has to build it again. Not
        // awaited: the CREATE command already makes the cluster durable; the reply need not wait.
        void this.snapshot(hc, lease.token).catch((error) =>
          this.logger.warn({ err: error, cluster: hc.id }, "first snapshot failed"),
        );
      }
      const summary = hc.cluster.summary();
      const reply: Reply = {
        inputId: data.inputId ?? "",
        ok: true,
        result: summary,
        seq: hc.lastSeq,
        at: hc.cluster.now(),
      };
      await this.publish(
        hc,
        [{ type: "status", at: hc.cluster.now(), summary }],
        data.inputId ? reply : undefined,
        data.replyTo ?? null,
      );
      await this.schedule(hc);
    });
  }

  private async handleDrop(p: number, data: ClusterJob): Promise<void> {
    this.holding(p);
    const hc = this.hot.get(data.clusterId);
    if (hc) await hc.exclusive(() => this.forget(hc));
    const { redis, prefix } = this.options;
    await publishOutputs(
      redis,
      prefix,
      data.clusterId,
      [{ type: "deleted", cluster: data.clusterId }],
      false,
    );
    await redis.expire(clusterEventsKey(prefix, data.clusterId), 60);
    await this.log.purge(data.clusterId);
    if (data.inputId)
      await this.reply(data.replyTo ?? null, {
        inputId: data.inputId,
        ok: true,
        result: { deleted: true },
        seq: 0,
        at: 0,
      });
  }

  // ---- hosting ---------------------------------------------------------------------------------

  /** The cluster in memory, loading it (snapshot + log) on first use; null when it does not exist. */
  private async hosted(p: number, clusterId: string): Promise<HostedCluster | null> {
    const hot = this.hot.get(clusterId);
    if (hot) return hot;
    let loading = this.loading.get(clusterId);
    if (!loading) {
      loading = this.load(p, clusterId).finally(() => this.loading.delete(clusterId));
      this.loading.set(clusterId, loading);
    }
    return loading;
  }

  private async load(p: number, clusterId: string): Promise<HostedCluster | null> {
    const record = await this.log.cluster(clusterId);
    if (!record || record.deleted) return null;
    if (record.partition !== p) {
      // Web and worker disagree on PARTITIONS: refusing keeps one owner per cluster.
      throw new Error(
        `cluster ${clusterId} belongs to partition ${record.partition}, not ${p}: check PARTITIONS`,
      );
    }
    const snapshot = await this.log.latestSnapshot(clusterId);
    let cluster: Cluster;
    let commands: StoredCommand[];
    if (snapshot) {
      cluster = Cluster.restore(snapshot.state);
      commands = await this.log.commandsAfter(clusterId, snapshot.seq);
    } else {
      commands = await this.log.commandsAfter(clusterId, 0);
      const create = commands.shift();
      if (create?.kind !== "CREATE") throw new Error(`cluster ${clusterId} has no CREATE command`);
      const { spec: rawSpec, seed } = create.payload as { spec: unknown; seed: number };
      const parsed = parseClusterSpec(rawSpec);
      if (!parsed.ok) throw new Error(`cluster ${clusterId} has an invalid spec`);
      cluster = Cluster.create(parsed.spec, seed);
    }
    for (const command of commands) replay(cluster, command, this.logger);
    const lastSeq = commands.at(-1)?.seq ?? snapshot?.seq ?? 1;
    const wall = Date.now();
    // Time resumes where it was last recorded (it stood still while nobody held the cluster) and
    // runs for a settling window, as after an input.
    const clock: VirtualClock = {
      virtual: Math.max(record.virtualTimeMs, cluster.now()),
      wall,
      speed: record.speed,
      until: wall + this.policy.settleMs,
    };
    const quota = await quotaFor(this.options.pool, record.ownerId);
    const hc = new HostedCluster(record.id, record.ownerId, p, cluster, lastSeq, clock, {
      maxPods: quota.maxPodsPerCluster,
    });
    if (!snapshot) hc.lastSnapshotWall = hc.loadedAt;
    else hc.lastSnapshotWall = wall - 1;
    // The lease went while loading: the next holder serves it (the job is retried there).
    if (!this.held.has(p)) throw new NotHolder(`partition ${p} was lost while loading ${clusterId}`);
    this.hot.set(clusterId, hc);
    this.enforceMaxHot();
    return hc;
  }

  /** Run the cluster up to what its clock reads now. */
  private catchUp(hc: HostedCluster, wall: number): ClusterOutput[] {
    const target = Math.ceil(Math.max(clockTarget(hc.clock, wall), hc.cluster.now()));
    return hc.cluster.advanceTo(target);
  }

  private async attention(hc: HostedCluster): Promise<Attention> {
    const now = Date.now();
    if (now - hc.viewersCheckedAt > 1_000) {
      hc.viewersCheckedAt = now;
      hc.viewers =
        (await this.options.redis.exists(clusterViewersKey(this.options.prefix, hc.id)).catch(() => 0)) === 1;
    }
    // Live: the clock runs on; otherwise it runs for a settling window from when the viewer left.
    const live = hc.viewers || hc.cluster.openWatches() > 0;
    if (live && hc.clock.until !== null) hc.clock = runUntil(hc.clock, hc.cluster.now(), now, null);
    else if (!live && hc.clock.until === null)
      hc.clock = runUntil(hc.clock, hc.cluster.now(), now, now + this.policy.settleMs);
    return live ? "live" : "settling";
  }

  /**
   * Arrange the next wake-up: an in-process timer while someone follows the cluster live, and a
   * delayed job on the partition queue in any case (it survives this worker; the next owner
   * picks the cluster up from it). A cluster nobody follows gets only the delayed job.
   */
  private async schedule(hc: HostedCluster): Promise<void> {
    if (!hc.alive) return;
    const wall = Date.now();
    const attention = await this.attention(hc);
    const next = hc.cluster.nextWakeAt();
    const live = attention === "live" ? nextWakeWall(hc.clock, next, "live", this.policy, wall) : null;
    if (live !== null && (hc.liveTimerDue === null || live < hc.liveTimerDue)) {
      if (hc.liveTimer) clearTimeout(hc.liveTimer);
      hc.liveTimerDue = live;
      hc.liveTimer = setTimeout(() => {
        hc.liveTimer = null;
        hc.liveTimerDue = null;
        this.options.onWake?.({ clusterId: hc.id, kind: "live", lateMs: Date.now() - live });
        void hc
          .exclusive(async () => {
            if (!hc.alive || !this.held.has(hc.partition)) return;
            await this.tickNow(hc);
          })
          .catch((error) => this.logger.warn({ err: error, cluster: hc.id }, "live tick failed"));
      }, live - wall);
    }
    const durable = nextWakeWall(
      hc.clock,
      next,
      attention === "live" ? "settling" : attention,
      this.policy,
      wall,
    );
    if (durable === null) return;
    if (hc.tickDue !== null && hc.tickDue <= durable && hc.tickDue > wall) return;
    const jobId = `tick-${hc.id}-${durable}`;
    hc.tickDue = durable;
    hc.tickJobs.set(jobId, durable);
    await this.queue(hc.partition)
      .add(
        JOB.tick,
        { clusterId: hc.id, due: durable },
        { jobId, delay: Math.max(0, durable - wall), removeOnComplete: true, removeOnFail: 100 },
      )
      .catch((error) => this.logger.warn({ err: error, cluster: hc.id }, "could not schedule a wake-up"));
  }

  private maybeSnapshot(hc: HostedCluster, token: number): void {
    const due =
      hc.commandsSinceSnapshot >= this.snapshotEvery ||
      (hc.commandsSinceSnapshot > 0 && Date.now() - hc.lastSnapshotWall >= this.snapshotIntervalMs);
    if (due)
      void this.snapshot(hc, token).catch((error) =>
        this.logger.warn({ err: error, cluster: hc.id }, "snapshot failed"),
      );
  }

  /**
   * Serialise now (in order with the cluster's inputs) and write once everything before it is
   * committed: a snapshot must never contain an input the log might not.
   */
  private snapshot(hc: HostedCluster, token: number, status?: "SLEEPING"): Promise<boolean> {
    const serialized = hc.cluster.serialize();
    const seq = hc.lastSeq;
    const virtualTimeMs = hc.cluster.now();
    const summary = hc.cluster.summary();
    const clock = hc.clock;
    hc.commandsSinceSnapshot = 0;
    hc.snapshotVirtual = virtualTimeMs;
    hc.lastSnapshotWall = Date.now();
    const written = hc.outbox.then(() => {
      if (!hc.alive && status !== "SLEEPING") return false;
      return this.writeSnapshot(hc, token, { seq, virtualTimeMs, serialized, summary, clock }, status);
    });
    hc.outbox = written.then(
      () => {},
      () => {},
    );
    return written;
  }

  private writeSnapshot(
    hc: HostedCluster,
    token: number,
    snap: { seq: number; virtualTimeMs: number; serialized: string; summary: unknown; clock: VirtualClock },
    status?: "SLEEPING",
  ): Promise<boolean> {
    const { seq, virtualTimeMs, serialized, summary, clock } = snap;
    return this.log.saveSnapshot(
      hc.id,
      hc.partition,
      token,
      { seq, virtualTimeMs, serialized },
      {
        virtualTimeMs,
        anchorWallMs: status === "SLEEPING" ? Date.now() : clock.wall,
        speed: clock.speed,
        status: status ?? (clock.speed === 0 ? "PAUSED" : "RUNNING"),
        summary,
      },
    );
  }

  /** Put a cluster to sleep: snapshot if it moved on, freeze its clock, drop it from memory. */
  private async evict(hc: HostedCluster, graceful: boolean): Promise<void> {
    await hc.exclusive(async () => {
      if (!hc.alive) return;
      const h = this.held.get(hc.partition);
      if (graceful && h) {
        try {
          const wall = Date.now();
          this.catchUp(hc, wall);
          await this.snapshot(hc, h.lease.token, "SLEEPING");
          await this.log.markSleeping(hc.id, hc.partition, h.lease.token, hc.cluster.now());
        } catch (error) {
          this.logger.warn({ err: error, cluster: hc.id }, "could not snapshot before eviction");
        }
      }
      const queue = this.queue(hc.partition);
      await Promise.all([...hc.tickJobs.keys()].map((id) => queue.remove(id).catch(() => 0)));
      this.forget(hc);
    });
  }

  /** Drop from memory without writing anything. */
  private forget(hc: HostedCluster): void {
    hc.alive = false;
    if (hc.liveTimer) clearTimeout(hc.liveTimer);
    hc.liveTimer = null;
    if (this.hot.get(hc.id) === hc) this.hot.delete(hc.id);
  }

  private enforceMaxHot(): void {
    if (this.hot.size <= this.maxHot) return;
    const idle = [...this.hot.values()]
      .filter((hc) => !hc.viewers && hc.cluster.openWatches() === 0)
      .sort((a, b) => a.lastUsedWall - b.lastUsedWall);
    for (const hc of idle.slice(0, this.hot.size - this.maxHot)) void this.evict(hc, true);
  }

  /** Evict clusters nobody used or watched for `sleepAfterMs`. */
  private async sweep(): Promise<void> {
    const now = Date.now();
    const idle = [...this.hot.values()].filter(
      (hc) =>
        now - Math.max(hc.lastUsedWall, hc.lastInputWall) > this.sleepAfterMs &&
        hc.clock.until !== null &&
        hc.clock.until < now &&
        !hc.viewers &&
        hc.cluster.openWatches() === 0,
    );
    for (const hc of idle) {
      // A viewer may have arrived since the last look.
      if ((await this.attention(hc)) === "live") continue;
      await this.evict(hc, true).catch((error) =>
        this.logger.warn({ err: error, cluster: hc.id }, "eviction failed"),
      );
    }
  }

  // ---- Redis -----------------------------------------------------------------------------------

  private queue(p: number): Queue {
    let q = this.queues.get(p);
    if (!q) {
      q = new Queue(partitionQueueName(p), {
        connection: this.options.redis,
        prefix: bullPrefix(this.options.prefix),
      });
      // Connection errors surface on the calls that fail; the connection heals by itself.
      q.on("error", () => {});
      this.queues.set(p, q);
    }
    return q;
  }

  private async publish(
    hc: HostedCluster,
    outputs: ClusterOutput[],
    reply?: Reply,
    replyTo?: string | null,
  ): Promise<void> {
    const { redis, prefix } = this.options;
    try {
      await publishOutputs(redis, prefix, hc.id, outputs, hc.viewers);
    } catch (error) {
      this.logger.warn({ err: error, cluster: hc.id }, "event publish failed");
    }
    if (reply) await this.reply(replyTo ?? null, reply);
  }

  private async reply(replyTo: string | null, reply: Reply): Promise<void> {
    if (!replyTo) return;
    await this.options.redis
      .publish(replyChannel(this.options.prefix, replyTo), JSON.stringify(reply))
      .catch((error) => this.logger.warn({ err: error }, "reply failed"));
  }
}

/** Apply one logged command during a restore, at its recorded virtual time. */
export function replay(cluster: Cluster, command: StoredCommand, logger?: Logger): void {
  if (command.kind === "CREATE" || command.kind === "TICK") return;
  const parsed = ZRuntimeInput.safeParse(command.payload);
  if (!parsed.success) throw new Error(`command ${command.seq} does not parse: ${parsed.error.message}`);
  const input = canonicalJson(parsed.data);
  if (cluster.now() > command.virtualTimeMs) {
    logger?.error(
      { seq: command.seq, at: command.virtualTimeMs, now: cluster.now() },
      "command log out of time order",
    );
  }
  cluster.advanceTo(command.virtualTimeMs);
  if (
    input.type === "time" &&
    (input.action === "pause" || input.action === "resume" || input.action === "speed")
  )
    return;
  cluster.submit(input as ClusterInput);
}
