import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The Prometheus metrics every Kubelab app exposes on `/metrics`. */
export interface Metrics {
  registry: Registry;
  /** Latency of HTTP requests by method, route (a low-cardinality label) and status code. */
  httpRequestDuration: Histogram<"method" | "route" | "status">;
  /** Jobs waiting/active/delayed/failed per queue, refreshed on every scrape. */
  queueDepth: Gauge<"queue" | "state">;
  /** Time from a job's start to its end, by queue, job name and outcome. */
  jobDuration: Histogram<"queue" | "name" | "outcome">;
  /** Websocket connections currently open (gateway). */
  websocketConnections: Gauge;
  /** Messages dropped or coalesced for slow websocket readers (gateway). */
  websocketDropped: Counter;
}

/** Creates a fresh registry with the process's default metrics and Kubelab's own. */
export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequestDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request latency",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "queue_depth",
      help: "Jobs in a queue by state",
      labelNames: ["queue", "state"],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: "job_duration_seconds",
      help: "Job processing latency",
      labelNames: ["queue", "name", "outcome"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    websocketConnections: new Gauge({
      name: "websocket_connections",
      help: "Open websocket connections",
      registers: [registry],
    }),
    websocketDropped: new Counter({
      name: "websocket_messages_dropped_total",
      help: "Messages dropped or coalesced for slow websocket readers",
      registers: [registry],
    }),
  };
}
