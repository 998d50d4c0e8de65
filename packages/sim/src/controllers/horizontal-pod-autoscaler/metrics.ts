/**
 * Reading pod metrics the way the HPA's REST metrics client does
 * (`pkg/controller/podautoscaler/metrics/client.go` `resourceMetricsClient.GetResourceMetric`,
 * `getPodMetrics`, `getContainerMetrics`; `utilization.go`): a list of `metrics.k8s.io/v1beta1`
 * PodMetrics by label selector, summed per pod in milli-units.
 */
import { parseMilliValue } from "../../api/quantity";

/** `metrics.k8s.io/v1beta1` ContainerMetrics. */
export interface ContainerMetrics {
  name: string;
  usage: Record<string, string>;
}

/** `metrics.k8s.io/v1beta1` PodMetrics (what metrics-server serves for `kubectl top pods` and the HPA). */
export interface PodMetrics {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    creationTimestamp?: string;
  };
  /** When the usage was measured (RFC 3339). */
  timestamp: string;
  /** The measurement window (a Go duration string such as "15s" or "1m0.5s"). */
  window: string;
  containers: ContainerMetrics[];
}

/** `PodMetric`: one pod's usage (milli-units), when and over what window it was measured (ms). */
export interface PodMetric {
  timestamp: number;
  windowMs: number;
  value: number;
}

/** `PodMetricsInfo`: pod name → metric. */
export type PodMetricsInfo = Record<string, PodMetric>;

/** The metrics API path of a namespace's pod metrics. */
export function podMetricsPath(namespace: string): string {
  return `/apis/metrics.k8s.io/v1beta1/namespaces/${namespace}/pods`;
}

/** Parse a Go `time.Duration` string ("15s", "1m30s", "500ms", "1.5s") into ms; 0 when invalid. */
export function parseGoDuration(s: string | undefined): number {
  if (!s) return 0;
  const re = /(\d+(?:\.\d+)?)(h|ms|us|µs|ns|m|s)/g;
  let total = 0;
  let matched = "";
  for (let m = re.exec(s); m; m = re.exec(s)) {
    matched += m[0];
    const n = Number(m[1]);
    const unit: Record<string, number> = {
      h: 3_600_000,
      m: 60_000,
      s: 1000,
      ms: 1,
      us: 0.001,
      µs: 0.001,
      ns: 1e-6,
    };
    total += n * (unit[m[2]!] ?? 0);
  }
  return matched === s ? total : 0;
}

/**
 * `getPodMetrics` / `getContainerMetrics`: the summed usage of one resource per pod (milli-units).
 * A pod with no containers, or a container missing the resource, has no metric. With
 * `container`, only that container counts.
 */
export function podMetricsInfo(
  items: readonly PodMetrics[],
  resource: string,
  parseTime: (t: string) => number,
  container = "",
): PodMetricsInfo {
  const res: PodMetricsInfo = {};
  for (const m of items) {
    let sum = 0;
    let missing = m.containers.length === 0;
    let found = container === "";
    for (const c of m.containers) {
      if (container !== "" && c.name !== container) continue;
      const v = c.usage[resource];
      if (v === undefined) {
        missing = true;
        break;
      }
      found = true;
      sum += parseMilliValue(v);
    }
    if (!missing && found)
      res[m.metadata.name ?? ""] = {
        timestamp: parseTime(m.timestamp),
        windowMs: parseGoDuration(m.window),
        value: sum,
      };
  }
  return res;
}

/**
 * `GetResourceUtilizationRatio`: total usage over total requests of the pods that have both, as a
 * utilisation percentage (integer, truncated) and its ratio to the target; plus the average raw usage.
 */
export function getResourceUtilizationRatio(
  metrics: PodMetricsInfo,
  requests: Record<string, number>,
  targetUtilization: number,
): { ratio: number; utilization: number; rawAverage: number } | { error: string } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let n = 0;
  for (const [pod, m] of Object.entries(metrics)) {
    const r = requests[pod];
    if (r === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += r;
    n++;
  }
  // If the set of requests is completely disjoint from the set of metrics, no metrics match.
  if (requestsTotal === 0) return { error: "no metrics returned matched known pods" };
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(metricsTotal / n) };
}

/** `GetMetricUsageRatio`: average usage over the target (plain-value metrics). */
export function getMetricUsageRatio(
  metrics: PodMetricsInfo,
  targetUsage: number,
): { ratio: number; usage: number } {
  let total = 0;
  let n = 0;
  for (const m of Object.values(metrics)) {
    total += m.value;
    n++;
  }
  const usage = n > 0 ? Math.trunc(total / n) : 0;
  return { ratio: usage / targetUsage, usage };
}
