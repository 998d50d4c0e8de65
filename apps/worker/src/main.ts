import { createServer } from "node:http";
import { createDatabase } from "@kubelab/db";
import {
  createLogger,
  createMetrics,
  createPgPool,
  createRedis,
  listenUntilSignal,
  postgresCheck,
  redisCheck,
  withOps,
} from "@kubelab/ops";
import { ClusterRuntime } from "@kubelab/runtime";
import { env } from "./env";
import { type JobWorkers, startJobWorkers } from "./worker";

// The worker process: the cluster runtime (partition leases, one BullMQ consumer
// per held partition, hot clusters), the maintenance consumers, and an HTTP
// server for /healthz, /readyz and /metrics.
const logger = createLogger("worker", env.LOG_LEVEL);
const metrics = createMetrics("worker");
const connection = createRedis(env.REDIS_URL, { name: "worker-bull" });
const probeRedis = createRedis(env.REDIS_URL, { name: "worker-probe", offlineQueue: false });
const pool = createPgPool(env.DATABASE_URL);
const db = createDatabase(env.DATABASE_URL);
const runtimePool = createPgPool(env.DATABASE_URL, env.RUNTIME_DB_POOL);
for (const r of [connection, probeRedis])
  r.on("error", (error) => logger.debug({ err: error.message }, "redis"));

let jobs: JobWorkers | undefined;
const runtime = new ClusterRuntime({
  redis: connection,
  pool: runtimePool,
  prefix: env.REDIS_PREFIX,
  partitions: env.PARTITIONS,
  logger,
  leaseMs: env.LEASE_MS,
  snapshotEvery: env.SNAPSHOT_EVERY,
  snapshotIntervalMs: env.SNAPSHOT_INTERVAL_MS,
  sleepAfterMs: env.CLUSTER_SLEEP_AFTER_MS,
  maxHot: env.MAX_HOT_CLUSTERS,
  onJob: ({ name, ms }) =>
    metrics.jobDuration.observe({ queue: "partition", name, outcome: "completed" }, ms / 1000),
});
const server = createServer(
  withOps(
    {
      logger,
      metrics,
      checks: [postgresCheck(pool), redisCheck(probeRedis)],
      beforeScrape: async () => jobs?.refreshQueueDepth(),
    },
    (_req, res) => {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    },
  ),
);

// Serve probes first: while Redis is down the consumers wait to start, and
// /readyz says why.
await listenUntilSignal(server, env.PORT, logger, async () => {
  // Hand partitions over first (snapshots, leases back), so another worker takes them at once.
  await runtime.stop();
  await jobs?.close();
  await Promise.all([db.$disconnect(), pool.end(), runtimePool.end(), connection.quit(), probeRedis.quit()]);
});

jobs = await startJobWorkers({
  connection,
  redisPrefix: env.REDIS_PREFIX,
  db,
  logger,
  metrics,
  concurrency: env.WORKER_CONCURRENCY,
});
// Joining retries by itself (every lease/4) while Redis or PostgreSQL is down.
await runtime.start().catch((error) => logger.warn({ err: error }, "runtime start deferred"));
logger.info({ worker: runtime.workerId }, "consuming queues");
