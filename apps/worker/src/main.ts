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
import { env } from "./env";
import { type JobWorkers, startJobWorkers } from "./worker";

// The worker process: BullMQ consumers (cluster partitions come with the
// runtime) and an HTTP server for /healthz, /readyz and /metrics.
const logger = createLogger("worker", env.LOG_LEVEL);
const metrics = createMetrics("worker");
const connection = createRedis(env.REDIS_URL, { name: "worker-bull" });
const probeRedis = createRedis(env.REDIS_URL, { name: "worker-probe", offlineQueue: false });
const pool = createPgPool(env.DATABASE_URL);
const db = createDatabase(env.DATABASE_URL);
for (const r of [connection, probeRedis])
  r.on("error", (error) => logger.debug({ err: error.message }, "redis"));

let jobs: JobWorkers | undefined;
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
  await jobs?.close();
  await Promise.all([db.$disconnect(), pool.end(), connection.quit(), probeRedis.quit()]);
});

jobs = await startJobWorkers({
  connection,
  redisPrefix: env.REDIS_PREFIX,
  db,
  logger,
  metrics,
  concurrency: env.WORKER_CONCURRENCY,
});
logger.info("consuming queues");
