/**
 * A pod's QoS class (pkg/apis/core/v1/helper/qos GetPodQOS): Guaranteed when every container has
 * CPU and memory limits equal to its requests, BestEffort when none has any, Burstable otherwise.
 */

import { parseMilliValue } from "../../api/quantity";
import type { KubeObject } from "../../api/types";

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

/** The `status.qosClass` of a pod. */
export function podQosClass(pod: KubeObject): "Guaranteed" | "Burstable" | "BestEffort" {
  const containers: { resources?: Resources }[] = [
    ...(pod.spec?.initContainers ?? []),
    ...(pod.spec?.containers ?? []),
  ];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ["cpu", "memory"]) {
      const rq = req[r];
      const lm = lim[r];
      if ((rq !== undefined && parseMilliValue(rq) !== 0) || (lm !== undefined && parseMilliValue(lm) !== 0))
        any = true;
      if (lm === undefined) guaranteed = false;
      else if (rq !== undefined && parseMilliValue(rq) !== parseMilliValue(lm)) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}
