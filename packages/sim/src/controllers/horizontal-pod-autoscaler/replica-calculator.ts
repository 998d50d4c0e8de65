/**
 * `ReplicaCalculator` (`pkg/controller/podautoscaler/replica_calculator.go`, v1.32): desired
 * replicas = ceil(ready pods × usage / target), with the 10 % tolerance, pods without metrics
 * counted at 100 % of their request on a scale-down and 0 % on a scale-up, and unready pods
 * (Pending, or CPU samples taken before readiness settled) counted at 0 % on a scale-up.
 */
import type { Container, Pod } from "kubernetes-types/core/v1";
import { parseMilliValue } from "../../api/quantity";
import { getPodCondition } from "../node-lifecycle/pod-conditions";
import { HPA_CPU_INITIALIZATION_PERIOD_MS, HPA_INITIAL_READINESS_DELAY_MS, HPA_TOLERANCE } from "./constants";
import { getMetricUsageRatio, getResourceUtilizationRatio, type PodMetricsInfo } from "./metrics";

/** The calculator's settings (controller flags). */
export interface ReplicaCalculatorConfig {
  tolerance: number;
  cpuInitializationPeriodMs: number;
  delayOfInitialReadinessStatusMs: number;
}

/** The v1.32 defaults. */
export const DEFAULT_REPLICA_CALCULATOR_CONFIG: ReplicaCalculatorConfig = {
  tolerance: HPA_TOLERANCE,
  cpuInitializationPeriodMs: HPA_CPU_INITIALIZATION_PERIOD_MS,
  delayOfInitialReadinessStatusMs: HPA_INITIAL_READINESS_DELAY_MS,
};

/** A calculation's result, or the error text the HPA's condition and event carry. */
export type ReplicaResult =
  | { replicas: number; utilization: number; rawUsage: number; timestamp: number }
  | { error: string };

/** Unix ms of an RFC 3339 time, supplied by the caller (keeps this module free of time parsing). */
export type TimeParser = (t: string) => number;

/** `groupPods`: the ready count and the unready, missing and ignored pods. */
export function groupPods(
  pods: readonly Pod[],
  metrics: PodMetricsInfo,
  resource: string,
  now: number,
  parseTime: TimeParser,
  config: ReplicaCalculatorConfig = DEFAULT_REPLICA_CALCULATOR_CONFIG,
): { readyPodCount: number; unready: Set<string>; missing: Set<string>; ignored: Set<string> } {
  const unready = new Set<string>();
  const missing = new Set<string>();
  const ignored = new Set<string>();
  let readyPodCount = 0;
  for (const pod of pods) {
    const name = pod.metadata?.name ?? "";
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === "Failed") {
      ignored.add(name);
      continue;
    }
    // Pending pods are treated as unready.
    if (pod.status?.phase === "Pending") {
      unready.add(name);
      continue;
    }
    const metric = metrics[name];
    if (!metric) {
      missing.add(name);
      continue;
    }
    if (resource === "cpu") {
      const condition = getPodCondition(pod.status, "Ready");
      const startTime = pod.status?.startTime;
      let isUnready: boolean;
      if (!condition || !startTime) isUnready = true;
      else {
        const start = parseTime(startTime);
        const transition = parseTime(condition.lastTransitionTime ?? startTime);
        if (start + config.cpuInitializationPeriodMs > now) {
          // Within the initialisation period: ignore the sample if the pod is unready or the
          // sample's window started before the pod's last readiness change.
          isUnready = condition.status === "False" || metric.timestamp < transition + metric.windowMs;
        } else {
          // Afterwards: ignore it only if the pod is unready and has never been ready.
          isUnready =
            condition.status === "False" && start + config.delayOfInitialReadinessStatusMs > transition;
        }
      }
      if (isUnready) {
        unready.add(name);
        continue;
      }
    }
    readyPodCount++;
  }
  return { readyPodCount, unready, missing, ignored };
}

/**
 * `calculatePodRequests`: each pod's request of the resource (milli-units) over its containers
 * and restartable init containers (sidecars), or one `container` only. A container without a
 * request is an error.
 */
export function calculatePodRequests(
  pods: readonly Pod[],
  container: string,
  resource: string,
): Record<string, number> | { error: string } {
  const requests: Record<string, number> = {};
  for (const pod of pods) {
    let sum = 0;
    const containers: Container[] = [
      ...(pod.spec?.containers ?? []),
      ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always"),
    ];
    for (const c of containers) {
      if (container !== "" && container !== c.name) continue;
      const req = c.resources?.requests?.[resource];
      if (req === undefined)
        return {
          error: `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name ?? ""}`,
        };
      sum += parseMilliValue(String(req));
    }
    requests[pod.metadata?.name ?? ""] = sum;
  }
  return requests;
}

function without(metrics: PodMetricsInfo, names: Set<string>): PodMetricsInfo {
  const out: PodMetricsInfo = {};
  for (const [k, v] of Object.entries(metrics)) if (!names.has(k)) out[k] = v;
  return out;
}

/**
 * `GetResourceReplicas`: replicas for a target average utilisation (percent of request).
 * `metrics` is what the metrics API returned; `timestamp` is the first item's.
 */
export function getResourceReplicas(
  currentReplicas: number,
  targetUtilization: number,
  resource: string,
  container: string,
  pods: readonly Pod[],
  metricsIn: PodMetricsInfo,
  timestamp: number,
  now: number,
  parseTime: TimeParser,
  config: ReplicaCalculatorConfig = DEFAULT_REPLICA_CALCULATOR_CONFIG,
): ReplicaResult {
  if (pods.length === 0) return { error: "no pods returned by selector while calculating replica count" };
  const { readyPodCount, unready, missing, ignored } = groupPods(
    pods,
    metricsIn,
    resource,
    now,
    parseTime,
    config,
  );
  let metrics = without(without(metricsIn, ignored), unready);
  const requests = calculatePodRequests(pods, container, resource);
  if ("error" in requests) return { error: requests.error as string };
  if (Object.keys(metrics).length === 0) return { error: "did not receive metrics for any ready pods" };

  const first = getResourceUtilizationRatio(metrics, requests, targetUtilization);
  if ("error" in first) return { error: first.error };
  const { ratio: usageRatio, utilization, rawAverage } = first;
  const result = (replicas: number): ReplicaResult => ({
    replicas,
    utilization,
    rawUsage: rawAverage,
    timestamp,
  });

  const scaleUpWithUnready = unready.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && missing.size === 0) {
    if (Math.abs(1.0 - usageRatio) <= config.tolerance) return result(currentReplicas);
    return result(Math.ceil(usageRatio * readyPodCount));
  }

  metrics = { ...metrics };
  if (missing.size > 0) {
    if (usageRatio < 1.0) {
      // Scale-down: count missing pods at 100 % of their request (or at the target above 100 %).
      const fallback = Math.max(100, targetUtilization);
      for (const p of missing)
        metrics[p] = { timestamp: 0, windowMs: 0, value: Math.trunc(((requests[p] ?? 0) * fallback) / 100) };
    } else if (usageRatio > 1.0) {
      // Scale-up: count missing pods at 0 %.
      for (const p of missing) metrics[p] = { timestamp: 0, windowMs: 0, value: 0 };
    }
  }
  if (scaleUpWithUnready) for (const p of unready) metrics[p] = { timestamp: 0, windowMs: 0, value: 0 };

  const again = getResourceUtilizationRatio(metrics, requests, targetUtilization);
  if ("error" in again) return { error: again.error };
  const newRatio = again.ratio;
  if (
    Math.abs(1.0 - newRatio) <= config.tolerance ||
    (usageRatio < 1.0 && newRatio > 1.0) ||
    (usageRatio > 1.0 && newRatio < 1.0)
  ) {
    // The change would be too small, or would flip the direction of scaling.
    return result(currentReplicas);
  }
  const newReplicas = Math.ceil(newRatio * Object.keys(metrics).length);
  if ((newRatio < 1.0 && newReplicas > currentReplicas) || (newRatio > 1.0 && newReplicas < currentReplicas))
    return result(currentReplicas);
  return result(newReplicas);
}

/** `GetRawResourceReplicas` / `calcPlainMetricReplicas`: replicas for a target average value (milli-units). */
export function getPlainMetricReplicas(
  currentReplicas: number,
  targetUsage: number,
  resource: string,
  pods: readonly Pod[],
  metricsIn: PodMetricsInfo,
  timestamp: number,
  now: number,
  parseTime: TimeParser,
  config: ReplicaCalculatorConfig = DEFAULT_REPLICA_CALCULATOR_CONFIG,
): ReplicaResult {
  if (pods.length === 0) return { error: "no pods returned by selector while calculating replica count" };
  const { readyPodCount, unready, missing, ignored } = groupPods(
    pods,
    metricsIn,
    resource,
    now,
    parseTime,
    config,
  );
  let metrics = without(without(metricsIn, ignored), unready);
  if (Object.keys(metrics).length === 0) return { error: "did not receive metrics for any ready pods" };
  const { ratio: usageRatio, usage } = getMetricUsageRatio(metrics, targetUsage);
  const result = (replicas: number): ReplicaResult => ({
    replicas,
    utilization: usage,
    rawUsage: usage,
    timestamp,
  });
  const scaleUpWithUnready = unready.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && missing.size === 0) {
    if (Math.abs(1.0 - usageRatio) <= config.tolerance) return result(currentReplicas);
    return result(Math.ceil(usageRatio * readyPodCount));
  }
  metrics = { ...metrics };
  if (missing.size > 0) {
    if (usageRatio < 1.0)
      for (const p of missing) metrics[p] = { timestamp: 0, windowMs: 0, value: targetUsage };
    else if (usageRatio > 1.0) for (const p of missing) metrics[p] = { timestamp: 0, windowMs: 0, value: 0 };
  }
  if (scaleUpWithUnready) for (const p of unready) metrics[p] = { timestamp: 0, windowMs: 0, value: 0 };
  const newRatio = getMetricUsageRatio(metrics, targetUsage).ratio;
  if (
    Math.abs(1.0 - newRatio) <= config.tolerance ||
    (usageRatio < 1.0 && newRatio > 1.0) ||
    (usageRatio > 1.0 && newRatio < 1.0)
  )
    return result(currentReplicas);
  const newReplicas = Math.ceil(newRatio * Object.keys(metrics).length);
  if ((newRatio < 1.0 && newReplicas > currentReplicas) || (newRatio > 1.0 && newReplicas < currentReplicas))
    return result(currentReplicas);
  return result(newReplicas);
}
