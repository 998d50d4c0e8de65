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
  }),
);
