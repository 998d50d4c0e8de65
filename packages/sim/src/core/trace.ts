/**
 * Trace records: one per message delivered between components, so the UI can animate the flow
 * of a request (kubectl → load balancer → apiserver → etcd → …) and replay history. Records are
 * small flat objects; the host drains them and may limit or filter collection at large scale.
 */

/** One delivered (or dropped) message. */
export interface TraceEvent {
  /** Sequence number of the delivering event (total order). */
  seq: number;
  /** Virtual time of delivery, ms since the cluster epoch. */
  at: number;
  from: string;
  to: string;
  /** What the message is: an HTTP verb (`POST`, `PUT`), `WATCH-EVENT`, `Range`, `Txn`, `AppendEntries`, … */
  verb: string;
  /** The object concerned, as `kind/namespace/name` (or `kind/name` when cluster-scoped). */
  object?: string;
  /** Short extra text (status code, revision, why a message was dropped). */
  detail?: string;
}

/** How much trace the simulation collects. Part of the simulation state. */
export interface TraceConfig {
  /** Collect nothing when false (the fastest mode for benchmarks and headless runs). */
  enabled: boolean;
  /** Keep at most this many undrained records; older ones are discarded and counted in `dropped`. */
  limit: number;
  /** Verbs not to record (e.g. `["AppendEntries"]` to hide raft heartbeats). */
  excludeVerbs: string[];
}

/** The default trace configuration: everything, up to 100,000 undrained records. */
export function defaultTraceConfig(): TraceConfig {
  return { enabled: true, limit: 100_000, excludeVerbs: [] };
}
