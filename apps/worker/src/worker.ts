import type { Database } from "@kubelab/db";
import { type JobName, JobQueues, jobCatalog, QUEUES, queueOptions } from "@kubelab/jobs";
import type { Logger, Metrics } from "@kubelab/ops";
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { handlers } from "./handlers";

/** The running consumers of one worker process. */
export interface JobWorkers {
  queues: JobQueues;
  workers: Worker[];
  /** Refreshes the queue depth gauge (called before each `/metrics` scrape). */
  refreshQueueDepth: () => Promise<void>;
  close: () => Promise<void>;
}

const HOUR_MS = 3_600_000;

/** Starts a BullMQ consumer per queue of the catalog and the recurring maintenance jobs. */
export async function startJobWorkers(deps: {
  connection: Redis;
  redisPrefix: string;
  db: Database;
  logger: Logger;
  metrics: Metrics;
  concurrency: number;
}): Promise<JobWorkers> {
  const { connection, redisPrefix, db, logger, metrics } = deps;
  const queues = new JobQueues(connection, redisPrefix);
  const workers = QUEUES.map(
    (queue) =>
      new Worker(
        queue,
        async (job: Job) => {
          const name = job.name as JobName;
          const handler = handlers[name];
          if (!handler) throw new Error(`no handler for job ${job.name}`);
          const started = performance.now();
          let outcome = "completed";
          try {
            return await withTimeout(handler({ db }, job.data), jobCatalog[name].timeoutMs, job.name);
          } catch (error) {
            outcome = "failed";
            throw error;
          } finally {
            metrics.jobDuration.observe({ queue, name, outcome }, (performance.now() - started) / 1000);
          }
        },
        { ...queueOptions(connection, redisPrefix), concurrency: deps.concurrency },
      ),
  );
  for (const worker of workers) {
    worker.on("failed", (job, error) =>
      logger.warn({ job: job?.name, id: job?.id, err: error }, "job failed"),
    );
    // While Redis is down BullMQ reports every reconnect attempt; one line per outage is enough
    // (/readyz says Redis is unreachable meanwhile).
    let lastReported = 0;
    worker.on("error", (error) => {
      const now = Date.now();
      if (now - lastReported < 30_000) return;
      lastReported = now;
      logger.error({ err: error }, "worker error (repeats within 30 s are not logged)");
    });
  }
  await queues.schedule("purge-expired-guests", "maintenance.purge-expired-guests", HOUR_MS, {});

  return {
    queues,
    workers,
    refreshQueueDepth: async () => {
      for (const name of QUEUES) {
        const counts = await queues.queue(name).getJobCounts("waiting", "active", "delayed", "failed");
        for (const [state, value] of Object.entries(counts))
          metrics.queueDepth.set({ queue: name, state }, value);
      }
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
      await queues.close();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
