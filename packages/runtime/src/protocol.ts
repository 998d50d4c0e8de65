/**
 * What travels on a partition's queue and back: the job payloads (validated with zod on the
 * worker side, since anything in Redis is untrusted) and the replies.
 */
import { z } from "zod";

/** An API request from a client (kubectl through the facade, the web terminal, tRPC). */
export const ZApiInput = z.object({
  type: z.literal("api"),
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
  path: z.string().min(1).max(2048).startsWith("/"),
  query: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  contentType: z.string().max(128).optional(),
  user: z
    .object({
      username: z.string().min(1),
      groups: z.array(z.string()).optional(),
      uid: z.string().optional(),
    })
    .optional(),
});

/** Every input a cluster accepts through its queue. */
export const ZRuntimeInput = z.union([
  ZApiInput,
  z.object({ type: z.literal("watch-cancel"), watchId: z.number().int().positive() }),
  z.object({
    type: z.literal("fault"),
    action: z.enum(["stop", "start"]),
    component: z.string().min(1).max(253),
    silent: z.boolean().optional(),
  }),
  z.object({
    type: z.literal("fault"),
    action: z.enum(["cut", "heal"]),
    between: z.tuple([z.string().min(1).max(253), z.string().min(1).max(253)]),
  }),
  z.object({
    type: z.literal("time"),
    action: z.literal("advance"),
    ms: z.number().int().min(0).max(86_400_000),
  }),
  z.object({ type: z.literal("time"), action: z.literal("step") }),
  z.object({ type: z.literal("time"), action: z.literal("pause") }),
  z.object({ type: z.literal("time"), action: z.literal("resume") }),
  z.object({ type: z.literal("time"), action: z.literal("speed"), speed: z.number().gt(0).max(1000) }),
]);
export type RuntimeInput = z.infer<typeof ZRuntimeInput>;

/** Job names on a partition queue. */
export const JOB = {
  /** An input to apply (acknowledged after it is in the command log). */
  input: "input",
  /** Build a new cluster from its CREATE command and snapshot it. */
  boot: "boot",
  /** Wake a cluster at its next timer (delayed), or because someone started watching. */
  tick: "tick",
  /** Drop a deleted cluster from memory and remove its row. */
  drop: "drop",
} as const;

/** Payload of `input` jobs. */
export const ZInputJob = z.object({
  clusterId: z.string().min(1),
  inputId: z.string().min(1).max(128),
  input: ZRuntimeInput,
  actorId: z.string().nullable(),
  /** Client id to reply to (pub/sub), or null when nobody waits. */
  replyTo: z.string().nullable(),
  /** Unix ms after which the client has given up: the input is not applied any more. */
  deadline: z.number(),
});
export type InputJob = z.infer<typeof ZInputJob>;

/** Payload of `boot`, `tick` and `drop` jobs. */
export const ZClusterJob = z.object({
  clusterId: z.string().min(1),
  inputId: z.string().optional(),
  replyTo: z.string().nullable().optional(),
  /** For ticks: the wall time it was scheduled for (stale ticks are recognised by it). */
  due: z.number().optional(),
});
export type ClusterJob = z.infer<typeof ZClusterJob>;

/** Error codes a reply can carry (the client maps them to tRPC codes / Kubernetes Status). */
export type RuntimeErrorCode =
  | "NOT_FOUND"
  | "UNAVAILABLE"
  | "TIMEOUT"
  | "BAD_INPUT"
  | "QUOTA_EXCEEDED"
  | "RATE_LIMITED";

/** The answer to a job, published on the client's reply channel. */
export type Reply =
  | { inputId: string; ok: true; result: unknown; seq: number; at: number }
  | { inputId: string; ok: false; code: RuntimeErrorCode; message: string };
