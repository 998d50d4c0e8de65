import { Queue, type QueueOptions } from "bullmq";
import type { Redis } from "ioredis";
import { type JobName, type JobPayload, jobCatalog, parseJobPayload, type QueueName } from "./catalog";

/** BullMQ keys live under the deployment's Redis prefix, so runs and tenants never collide. */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}:bull`;
}

/** Options shared by every queue and worker of a deployment. */
export function queueOptions(connection: Redis, redisPrefix: string): QueueOptions {
  return { connection, prefix: bullPrefix(redisPrefix) };
}

/** Producer side: the web app and the worker's schedulers only enqueue through this. */
export class JobQueues {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly redisPrefix: string,
  ) {}

  /** The BullMQ queue object for `name` (created once). */
  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, queueOptions(this.connection, this.redisPrefix));
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Validates the payload and adds the job with its catalog retry policy. */
  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, options: { jobId?: string } = {}) {
    const definition = jobCatalog[name];
    const data = parseJobPayload(name, payload);
    return this.queue(definition.queue).add(name, data, {
      jobId: options.jobId,
      attempts: definition.attempts,
      backoff: { type: "exponential", delay: definition.backoffMs },
      removeOnComplete: { count: 1_000 },
      removeOnFail: { count: 5_000 },
    });
  }

  /** Registers (or updates) a job that repeats every `everyMs`. */
  async schedule<N extends JobName>(schedulerId: string, name: N, everyMs: number, payload: JobPayload<N>) {
    const definition = jobCatalog[name];
    return this.queue(definition.queue).upsertJobScheduler(
      schedulerId,
      { every: everyMs },
      { name, data: parseJobPayload(name, payload), opts: { attempts: definition.attempts } },
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
