/**
 * Group commit for the command log. A commit costs one fsync (milliseconds on real disks), and
 * every input must be durable before it is acknowledged; committing each input alone caps a
 * worker at the disk's flush rate. The batcher gathers the appends of all clusters that arrive
 * while the previous commit is in flight and writes them in one transaction — one fsync for the
 * lot. Each cluster's appends still go through the fenced statement of `CommandLog`, so a batch
 * can commit some clusters and refuse others (fenced, conflict) independently.
 */
import type pg from "pg";
import { type AppendOutcome, type ClusterProgress, CommandLog, type NewCommand } from "./command-log";

/** One input's append, as the worker hands it over. */
export interface PendingAppend {
  clusterId: string;
  partition: number;
  token: number;
  command: NewCommand;
  /** The cluster row after this command (the last entry of a cluster in a batch wins). */
  progress: Omit<ClusterProgress, "expectSeq">;
}

interface Waiting extends PendingAppend {
  resolve: (outcome: AppendOutcome) => void;
  reject: (error: unknown) => void;
}

/** Most appends in one transaction. */
const MAX_BATCH = 500;

/** One per worker process. */
export class AppendBatcher {
  private buffer: Waiting[] = [];
  private flushing = false;
  private readonly log: CommandLog;

  constructor(pool: pg.Pool) {
    this.log = new CommandLog(pool);
  }

  /** Resolves once the command is committed (`ok`) or refused; rejects when the database failed. */
  append(entry: PendingAppend): Promise<AppendOutcome> {
    return new Promise((resolve, reject) => {
      this.buffer.push({ ...entry, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.buffer.length > 0) {
        const batch = this.buffer.splice(0, MAX_BATCH);
        await this.commit(batch);
      }
    } finally {
      this.flushing = false;
    }
  }

  private async commit(batch: Waiting[]): Promise<void> {
    // Per cluster, in arrival order (which is sequence order: one partition consumer per cluster).
    const groups = new Map<string, Waiting[]>();
    for (const w of batch) {
      const g = groups.get(w.clusterId);
      if (g) g.push(w);
      else groups.set(w.clusterId, [w]);
    }
    let outcomes: Map<string, AppendOutcome>;
    try {
      // One statement for the whole batch: one round trip and one commit (one fsync).
      outcomes = await this.log.appendMany(
        [...groups].map(([clusterId, entries]) => {
          const first = entries[0]!;
          const last = entries.at(-1)!;
          return {
            clusterId,
            partition: first.partition,
            token: first.token,
            commands: entries.map((e) => e.command),
            progress: { ...last.progress, expectSeq: first.command.seq - 1 },
          };
        }),
      );
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    for (const [clusterId, entries] of groups) {
      const outcome = outcomes.get(clusterId) ?? "conflict";
      for (const w of entries) w.resolve(outcome);
    }
  }
}
