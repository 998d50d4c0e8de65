/**
 * Publishes a cluster's outputs to its capped Redis stream (`<prefix>:cluster:<id>:events`,
 * field `data` holding JSON), which the gateway reads and resumes from by stream id.
 */
import type { ClusterOutput } from "@kubelab/sim";
import type { Redis } from "ioredis";
import { clusterEventsKey } from "../keys";

/** Entries kept per cluster stream (approximate trimming, as XADD MAXLEN ~ does it cheaply). */
export const STREAM_MAXLEN = 10_000;
/** Trace records published per batch: a long catch-up keeps only the newest, counting the rest as dropped. */
const TRACE_BATCH_LIMIT = 2_000;

/** One event as it is written to the stream. */
export type PublishedEvent = (
  | ClusterOutput
  | { type: "deleted" }
  | { type: "clock"; now: number; speed: number }
) & {
  cluster: string;
};

/**
 * Writes outputs (pipelined, one entry per output). Trace is skipped when `withTrace` is false:
 * nobody is watching the live map, and a later viewer starts from the current state anyway.
 */
export async function publishOutputs(
  redis: Redis,
  prefix: string,
  clusterId: string,
  outputs: readonly (ClusterOutput | PublishedEvent)[],
  withTrace: boolean,
): Promise<void> {
  const key = clusterEventsKey(prefix, clusterId);
  const pipeline = redis.pipeline();
  let n = 0;
  for (const output of outputs) {
    let event: object = output;
    if (output.type === "trace") {
      if (!withTrace) continue;
      if (output.events.length > TRACE_BATCH_LIMIT) {
        event = {
          ...output,
          events: output.events.slice(-TRACE_BATCH_LIMIT),
          dropped: output.dropped + output.events.length - TRACE_BATCH_LIMIT,
        };
      }
    }
    pipeline.xadd(
      key,
      "MAXLEN",
      "~",
      String(STREAM_MAXLEN),
      "*",
      "data",
      JSON.stringify({ ...event, cluster: clusterId }),
    );
    n++;
  }
  if (n > 0) {
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }
}
