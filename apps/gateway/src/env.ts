import { parseEnv, ZBaseEnv, ZPort } from "@kubelab/config";
import { z } from "zod";

/** The gateway's configuration, validated once at start-up. */
export const env = parseEnv(
  "gateway",
  ZBaseEnv.extend({
    PORT: ZPort.default(3001),
    /** Shared with the web app, which signs the tickets this gateway checks. */
    TICKET_SECRET: z.string().min(32, "must be at least 32 characters"),
    /** Interval between pings to idle connections, in ms. */
    WS_PING_INTERVAL_MS: z.coerce.number().int().min(1_000).default(30_000),
    /** Bytes a client may leave unread before messages to it are dropped. */
    WS_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1_024).default(1_048_576),
    /** Live connections one user (ticket subject) may hold at once. */
    WS_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).default(20),
    /** Number of cluster partitions: must equal the worker's (it names the queue a wake-up goes to). */
    PARTITIONS: z.coerce.number().int().min(1).max(4096).default(64),
  }),
);
