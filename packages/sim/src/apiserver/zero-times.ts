/**
 * Go's JSON encoding of an unset `metav1.Time` that is not a pointer: `omitempty` does not
 * apply to structs, and a zero Time marshals as `null`. So a stored Pod condition without a
 * probe time reads back as `lastProbeTime: null`, whether the client omitted it or deleted it
 * with a strategic merge patch (`"lastProbeTime": null`): what `kubectl get -o yaml` shows on a
 * real cluster. The decoder here drops nulls like Go's does; this puts the `null`s back where
 * Go's encoder writes them, for the non-pointer Time fields of the v1.32 types
 * (k8s.io/api: PodCondition, NodeCondition, ContainerStateRunning/Terminated, the workload and
 * Job conditions, Event). Pointer fields (`startTime`, `deletionTimestamp`…) stay omitted.
 */
import type { KubeObject } from "../api/types";

/** A path below the object: field names, `*` for every item of a list. */
type Path = readonly string[];

const conditions = (...fields: string[]): Path[] => fields.map((f) => ["status", "conditions", "*", f]);

/** ContainerStateRunning.startedAt, ContainerStateTerminated.startedAt/finishedAt in every status list. */
const CONTAINER_STATE_TIMES: Path[] = (() => {
  const out: Path[] = [];
  for (const list of ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"]) {
    for (const state of ["state", "lastState"]) {
      out.push(["status", list, "*", state, "running", "startedAt"]);
      out.push(["status", list, "*", state, "terminated", "startedAt"]);
      out.push(["status", list, "*", state, "terminated", "finishedAt"]);
    }
  }
  return out;
})();

/** By `apiVersion/kind`: where the non-pointer Times are. */
const ZERO_TIMES: Record<string, Path[]> = {
  "v1/Pod": [...conditions("lastProbeTime", "lastTransitionTime"), ...CONTAINER_STATE_TIMES],
  "v1/Node": conditions("lastHeartbeatTime", "lastTransitionTime"),
  "v1/Namespace": conditions("lastTransitionTime"),
  "v1/PersistentVolumeClaim": conditions("lastProbeTime", "lastTransitionTime"),
  "v1/ReplicationController": conditions("lastTransitionTime"),
  "v1/Event": [["firstTimestamp"], ["lastTimestamp"], ["eventTime"]],
  "apps/v1/Deployment": conditions("lastUpdateTime", "lastTransitionTime"),
  "apps/v1/ReplicaSet": conditions("lastTransitionTime"),
  "apps/v1/DaemonSet": conditions("lastTransitionTime"),
  "apps/v1/StatefulSet": conditions("lastTransitionTime"),
  "batch/v1/Job": conditions("lastProbeTime", "lastTransitionTime"),
  "autoscaling/v2/HorizontalPodAutoscaler": conditions("lastTransitionTime"),
};

function fill(node: unknown, path: Path, i: number): void {
  if (typeof node !== "object" || node === null) return;
  const seg = path[i]!;
  if (seg === "*") {
    if (Array.isArray(node)) for (const item of node) fill(item, path, i + 1);
    return;
  }
  if (Array.isArray(node)) return;
  const obj = node as Record<string, unknown>;
  if (i === path.length - 1) {
    if (!(seg in obj)) obj[seg] = null;
    return;
  }
  fill(obj[seg], path, i + 1);
}

/** Sets the absent non-pointer Time fields of a decoded object (a private copy) to null, in place. */
export function materializeZeroTimes(obj: KubeObject): void {
  const paths = ZERO_TIMES[`${obj.apiVersion}/${obj.kind}`];
  if (!paths) return;
  for (const p of paths) fill(obj, p, 0);
}
