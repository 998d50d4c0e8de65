/**
 * `TriggerTimeTracker` (`pkg/controller/util/endpoint/trigger_time_tracker.go`): the time of the
 * change that caused an endpoints update, for the `endpoints.kubernetes.io/last-change-trigger-time`
 * annotation. A pod's trigger time is its Ready condition's `lastTransitionTime`; a Service's is
 * its creation. The annotation carries the earliest trigger time that changed since the last sync.
 */
import type { Pod, Service } from "kubernetes-types/core/v1";
import { getPodCondition } from "../node-lifecycle/pod-conditions";

/** What the tracker remembers per Service (plain data). */
export interface ServiceTriggerState {
  /** Pod name → its trigger time (RFC 3339) at the last sync. */
  pods: Record<string, string>;
  service: string;
}

/**
 * `ComputeEndpointLastChangeTriggerTime`: returns the annotation value ("" for none) and the new
 * state to remember. A Service seen for the first time gets its creation timestamp.
 */
export function computeLastChangeTriggerTime(
  state: ServiceTriggerState | undefined,
  service: Service,
  pods: readonly Pod[],
): { triggerTime: string; state: ServiceTriggerState } {
  let min = "";
  const podTimes: Record<string, string> = {};
  for (const pod of pods) {
    const t = getPodCondition(pod.status, "Ready")?.lastTransitionTime ?? "";
    if (!t) continue;
    const name = pod.metadata?.name ?? "";
    podTimes[name] = t;
    // RFC 3339 UTC strings of one format compare in time order.
    if (t > (state?.pods[name] ?? "") && (min === "" || t < min)) min = t;
  }
  const svcTime = service.metadata?.creationTimestamp ?? "";
  if (svcTime > (state?.service ?? "") && (min === "" || svcTime < min)) min = svcTime;
  const next: ServiceTriggerState = { pods: podTimes, service: svcTime };
  if (!state) return { triggerTime: svcTime, state: next };
  return { triggerTime: min, state: next };
}
