/**
 * A worker runtime in a process of its own, for the tests that kill one (`kill -9`) or restart
 * the services under it. Configuration comes as one JSON argument; it prints `ready <workerId>`
 * once it has joined, and stops gracefully on SIGTERM.
 */
import { createLogger, createPgPool, createRedis } from "@kubelab/ops";
import { ClusterRuntime } from "../worker/cluster-runtime";

const config = JSON.parse(process.argv[2] ?? "{}") as {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  partitions: number;
  leaseMs: number;
  snapshotEvery?: number;
  logLevel?: string;
};
const logger = createLogger("worker-process", config.logLevel ?? "warn");
const redis = createRedis(config.redisUrl, { name: "worker-process" });
redis.on("error", () => {});
const pool = createPgPool(config.databaseUrl, 8);
const runtime = new ClusterRuntime({
  redis,
  pool,
  prefix: config.prefix,
  partitions: config.partitions,
  logger,
  leaseMs: config.leaseMs,
  snapshotEvery: config.snapshotEvery ?? 100,
});
await runtime.start();
process.stdout.write(`ready ${runtime.workerId}\n`);
process.on("SIGTERM", () => {
  void runtime
    .stop()
    .catch(() => {})
    .finally(() => {
      redis.disconnect();
      void pool.end().finally(() => process.exit(0));
    });
});
