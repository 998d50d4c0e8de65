import { parseEnv, ZBaseEnv, ZPort } from "@kubelab/config";
import { z } from "zod";

/** The worker's configuration, validated once at start-up. */
export const env = parseEnv(
  "worker",
  ZBaseEnv.extend({
    PORT: ZPort.default(3002),
    /** Number of cluster partitions; fixed for the lifetime of a deployment. */
    PARTITIONS: z.coerce.number().int().min(1).max(4096).default(64),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
    /** Partition lease time (ms): a dead worker's clusters move to another within about this long. */
    LEASE_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
    /** Snapshot a cluster after this many commands (and at least every SNAPSHOT_INTERVAL_MS when it changed). */
    SNAPSHOT_EVERY: z.coerce.number().int().min(1).max(100_000).default(100),
    SNAPSHOT_INTERVAL_MS: z.coerce.number().int().min(1_000).default(30_000),
    /** A cluster nobody used or watched for this long is evicted to its snapshot and its clock frozen. */
    CLUSTER_SLEEP_AFTER_MS: z.coerce.number().int().min(1_000).default(600_000),
    /** Most clusters one worker keeps in memory. */
    MAX_HOT_CLUSTERS: z.coerce.number().int().min(1).default(5_000),
    /** PostgreSQL connections of the runtime (command log appends run in parallel across partitions). */
    RUNTIME_DB_POOL: z.coerce.number().int().min(1).max(200).default(16),
  }),
);
