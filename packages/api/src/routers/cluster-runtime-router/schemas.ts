import { z } from "zod";

/** Input of `clusters.create`. */
export const ZCreateClusterInput = z.object({
  /** Shown in the dashboard; unique per account. A DNS label, like a kubeconfig context name. */
  name: z
    .string()
    .min(1)
    .max(63)
    .regex(
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
      "lower-case letters, digits and '-', starting and ending with a letter or digit",
    ),
  /** The variant (validated by the simulation's spec parser); `{}` is the small default cluster. */
  spec: z.record(z.string(), z.unknown()).default({}),
});
export type TCreateClusterInput = z.infer<typeof ZCreateClusterInput>;

/** A cluster addressed by id. */
export const ZClusterRef = z.object({ clusterId: z.string().min(1).max(64) });
export type TClusterRef = z.infer<typeof ZClusterRef>;

/** Input of `clusters.time`: pause, resume, speed, step or advance a cluster's virtual time. */
export const ZTimeControlInput = z.object({
  clusterId: z.string().min(1).max(64),
  control: z.discriminatedUnion("action", [
    z.object({ action: z.literal("pause") }),
    z.object({ action: z.literal("resume") }),
    z.object({ action: z.literal("step") }),
    z.object({ action: z.literal("advance"), ms: z.number().int().min(1).max(86_400_000) }),
    z.object({ action: z.literal("speed"), speed: z.number().min(0.1).max(1000) }),
  ]),
});
export type TTimeControlInput = z.infer<typeof ZTimeControlInput>;

/** Input of `clusters.issueTicket`. */
export const ZIssueTicketInput = z.object({
  clusterId: z.string().min(1).max(64),
  scope: z.enum(["view", "operate"]).default("view"),
});
export type TIssueTicketInput = z.infer<typeof ZIssueTicketInput>;
