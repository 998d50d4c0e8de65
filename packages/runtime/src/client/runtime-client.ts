/**
 * The producer side, used by the web app (tRPC, the Kubernetes facade) and the gateway: turns an
 * input into a job on the cluster's partition queue and waits for the owner's reply on this
 * client's pub/sub channel, with a timeout that is always a clear error, never a hang.
 *
 * BullMQ gives the ordering (one queue per partition, consumed with concurrency 1 by the lease
 * holder); the reply comes back on Redis pub/sub rather than through BullMQ's completion events,
 * which saves a stream read per job and lets one subscription serve every request of a process.
 */
import { randomUUID } from "node:crypto";
import { bullPrefix } from "@kubelab/jobs";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { RuntimeError } from "../errors";
import { clusterViewersKey, partitionQueueName, replyChannel } from "../keys";
import { partitionOf } from "../partitions";
import { type ClusterJob, type InputJob, JOB, type Reply, type RuntimeInput } from "../protocol";
import { takeRequest } from "../quotas/quotas";

/** Settings of a client. */
export interface RuntimeClientOptions {
  /** Commands connection (queues, quotas). */
  redis: Redis;
  /** A dedicated connection for the reply subscription (a subscribed connection can do nothing else). */
  subscriber: Redis;
  prefix: string;
  partitions: number;
  /** How long to wait for an answer by default (ms). */
  timeoutMs?: number;
}

/** What a successful input returns. */
export interface Applied<T = unknown> {
  result: T;
  /** Its place in the cluster's command log. */
  seq: number;
  /** Virtual time it was applied at. */
  at: number;
}

interface Pending {
  resolve: (reply: Reply) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** One per process. Call `start()` before sending. */
export class RuntimeClient {
  readonly clientId = randomUUID();
  private readonly pending = new Map<string, Pending>();
  private readonly queues = new Map<number, Queue>();
  private started: Promise<void> | undefined;

  constructor(private readonly options: RuntimeClientOptions) {}

  /** Subscribe to this client's reply channel (idempotent). */
  start(): Promise<void> {
    if (!this.started) {
      const channel = replyChannel(this.options.prefix, this.clientId);
      this.options.subscriber.on("message", (ch: string, message: string) => {
        if (ch !== channel) return;
        let reply: Reply;
        try {
          reply = JSON.parse(message) as Reply;
        } catch {
          return;
        }
        const p = this.pending.get(reply.inputId);
        if (!p) return;
        this.pending.delete(reply.inputId);
        clearTimeout(p.timer);
        p.resolve(reply);
      });
      this.started = this.options.subscriber.subscribe(channel).then(() => {});
    }
    return this.started;
  }

  /** The partition a cluster belongs to. */
  partitionOf(clusterId: string): number {
    return partitionOf(clusterId, this.options.partitions);
  }

  /**
   * Apply an input to a cluster and wait until it is in the command log and applied. Throws a
   * `RuntimeError` (TIMEOUT, UNAVAILABLE, NOT_FOUND, BAD_INPUT) otherwise.
   */
  async send<T = unknown>(
    clusterId: string,
    input: RuntimeInput,
    options: { actorId?: string | null; timeoutMs?: number; inputId?: string } = {},
  ): Promise<Applied<T>> {
    const inputId = options.inputId ?? randomUUID();
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const data: InputJob = {
      clusterId,
      inputId,
      input,
      actorId: options.actorId ?? null,
      replyTo: this.clientId,
      deadline: Date.now() + timeoutMs,
    };
    const reply = await this.request(clusterId, JOB.input, data, inputId, timeoutMs, {
      jobId: inputId,
      attempts: 5,
      backoff: { type: "fixed", delay: 250 },
    });
    return unwrap<T>(reply);
  }

  /**
   * Apply an input on behalf of an account, counting it against the account's requests per
   * second first (RATE_LIMITED beyond it: a Kubernetes client gets 429 with Retry-After).
   */
  async sendAs<T = unknown>(
    accountId: string,
    requestsPerSecond: number,
    clusterId: string,
    input: RuntimeInput,
    options: { timeoutMs?: number } = {},
  ): Promise<Applied<T>> {
    const taken = await takeRequest(this.options.redis, this.options.prefix, accountId, requestsPerSecond);
    if (!taken.ok) {
      throw new RuntimeError(
        "RATE_LIMITED",
        `too many requests: this account may send ${requestsPerSecond} per second`,
        taken.retryAfterSeconds,
      );
    }
    return this.send<T>(clusterId, input, { ...options, actorId: accountId });
  }

  /** Build a just-created cluster (row and CREATE command already written) and wait until it serves. */
  async boot<T = unknown>(clusterId: string, timeoutMs?: number): Promise<Applied<T>> {
    const inputId = `boot-${clusterId}`;
    const t = timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const data: ClusterJob = { clusterId, inputId, replyTo: this.clientId };
    return unwrap<T>(
      await this.request(clusterId, JOB.boot, data, inputId, t, {
        jobId: inputId,
        attempts: 5,
        backoff: { type: "fixed", delay: 250 },
      }),
    );
  }

  /** Have the owner drop a deleted cluster (row marked deleted already) and remove its data. */
  async drop(clusterId: string, timeoutMs?: number): Promise<void> {
    const inputId = `drop-${clusterId}-${randomUUID().slice(0, 8)}`;
    const t = timeoutMs ?? this.options.timeoutMs ?? 10_000;
    const data: ClusterJob = { clusterId, inputId, replyTo: this.clientId };
    unwrap(
      await this.request(clusterId, JOB.drop, data, inputId, t, {
        jobId: inputId,
        attempts: 5,
        backoff: { type: "fixed", delay: 250 },
      }),
    );
  }

  /**
   * Someone started watching: mark the cluster watched for `ttlMs` (refresh it while watching)
   * and wake it so its time runs live from now. Does not wait.
   */
  async watch(clusterId: string, ttlMs = 15_000): Promise<void> {
    const { redis, prefix } = this.options;
    const fresh = await redis.set(clusterViewersKey(prefix, clusterId), "1", "PX", ttlMs, "GET");
    if (fresh === null) await this.wake(clusterId);
  }

  /** Ask the owner to run the cluster up to now and re-plan its wake-ups (no answer). */
  async wake(clusterId: string): Promise<void> {
    const second = Math.floor(Date.now() / 1000);
    await this.queue(this.partitionOf(clusterId)).add(
      JOB.tick,
      { clusterId },
      { jobId: `wake-${clusterId}-${second}`, removeOnComplete: true, removeOnFail: 100 },
    );
  }

  /** Stop: fail what still waits, unsubscribe, close queues. */
  async close(): Promise<void> {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ inputId: id, ok: false, code: "UNAVAILABLE", message: "client closed" });
    }
    this.pending.clear();
    await this.options.subscriber
      .unsubscribe(replyChannel(this.options.prefix, this.clientId))
      .catch(() => {});
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  private async request(
    clusterId: string,
    name: string,
    data: object,
    inputId: string,
    timeoutMs: number,
    jobOptions: { jobId: string; attempts: number; backoff: { type: "fixed"; delay: number } },
  ): Promise<Reply> {
    await this.start();
    const answered = new Promise<Reply>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(inputId);
        resolve({
          inputId,
          ok: false,
          code: "TIMEOUT",
          message: `the cluster did not answer within ${timeoutMs} ms; the input may or may not have been applied`,
        });
      }, timeoutMs);
      this.pending.set(inputId, { resolve, timer });
    });
    try {
      await this.queue(this.partitionOf(clusterId)).add(name, data, {
        ...jobOptions,
        removeOnComplete: true,
        removeOnFail: 1_000,
      });
    } catch (error) {
      const p = this.pending.get(inputId);
      if (p) clearTimeout(p.timer);
      this.pending.delete(inputId);
      throw new RuntimeError("UNAVAILABLE", `the queue is unavailable: ${(error as Error).message}`);
    }
    return answered;
  }

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
}

function unwrap<T>(reply: Reply): Applied<T> {
  if (!reply.ok) throw new RuntimeError(reply.code, reply.message);
  return { result: reply.result as T, seq: reply.seq, at: reply.at };
}
