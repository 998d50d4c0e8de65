/**
 * The kubelet's resource metrics endpoint (`/metrics/resource`) as messages: metrics-server
 * asks every node's kubelet each `--metric-resolution`; the kubelet answers with cumulative CPU
 * time and the working set of the node and of each running container, stamped with the time of
 * measurement — the Prometheus series `container_cpu_usage_seconds_total`,
 * `container_memory_working_set_bytes`, `node_cpu_usage_seconds_total`,
 * `node_memory_working_set_bytes`.
 */
import type { Message } from "../../core/component";

/** metrics-server → kubelet. */
export interface ScrapeResourceMetrics extends Message {
  verb: "SCRAPE";
  path: "/metrics/resource";
  requestId: number;
}

/** One container's sample. */
export interface ContainerSample {
  namespace: string;
  pod: string;
  container: string;
  /** `container_cpu_usage_seconds_total` (cumulative, seconds). */
  cpuSeconds: number;
  /** `container_memory_working_set_bytes`. */
  memoryBytes: number;
}

/** kubelet → metrics-server. */
export interface ResourceMetrics extends Message {
  verb: "RESOURCE-METRICS";
  requestId: number;
  node: string;
  /** When the samples were taken (virtual ms). */
  at: number;
  nodeCpuSeconds: number;
  nodeMemoryBytes: number;
  containers: ContainerSample[];
}
