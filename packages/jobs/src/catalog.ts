import { z } from "zod";

/** How one kind of job is queued and retried. The worker registers a handler per entry. */
export interface JobDefinition<P extends z.ZodType> {
  /** The BullMQ queue it runs on. */
  queue: QueueName;
  payload: P;
  attempts: number;
  /** Exponential back-off base between attempts, in ms. */
  backoffMs: number;
  /** A run taking longer than this is abandoned and counts as a failed attempt. */
  timeoutMs: number;
}

/** The queues of the service. Cluster partitions get their own queues (`partitionQueue`). */
export const QUEUES = ["maintenance"] as const;
export type QueueName = (typeof QUEUES)[number];

const define = <P extends z.ZodType>(definition: JobDefinition<P>) => definition;

/** Every job the service runs, by name, with its payload schema. */
export const jobCatalog = {
  /** Deletes sandbox accounts (and, by cascade, their clusters) that expired unused. */
  "maintenance.purge-expired-guests": define({
    queue: "maintenance",
    payload: z.object({ batchSize: z.number().int().min(1).max(10_000).default(500) }),
    attempts: 3,
    backoffMs: 5_000,
    timeoutMs: 60_000,
  }),
} as const;

export type JobName = keyof typeof jobCatalog;
export type JobPayload<N extends JobName> = z.input<(typeof jobCatalog)[N]["payload"]>;
export type ParsedJobPayload<N extends JobName> = z.output<(typeof jobCatalog)[N]["payload"]>;

/** Validates a payload against its job's schema (throws a ZodError naming the bad fields). */
export function parseJobPayload<N extends JobName>(name: N, payload: unknown): ParsedJobPayload<N> {
  return jobCatalog[name].payload.parse(payload) as ParsedJobPayload<N>;
}
