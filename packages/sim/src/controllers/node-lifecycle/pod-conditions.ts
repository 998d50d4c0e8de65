/**
 * Pod condition helpers (`k8s.io/kubernetes/pkg/api/v1/pod/util.go`): `IsPodReady`,
 * `GetPodCondition`, `UpdatePodCondition`, and `MarkPodsNotReady`'s per-pod change
 * (`pkg/controller/util/node/controller_utils.go`).
 */
import type { Pod, PodCondition, PodStatus } from "kubernetes-types/core/v1";

/** `GetPodCondition`. */
export function getPodCondition(status: PodStatus | undefined, type: string): PodCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** `IsPodReady`: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return getPodCondition(pod.status, "Ready")?.status === "True";
}

/** `IsPodTerminal`: phase Succeeded or Failed. */
export function isPodTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === "Succeeded" || phase === "Failed";
}

/**
 * `UpdatePodCondition`: set a condition in a copy of the status; `lastTransitionTime` is now
 * unless the status is unchanged. Returns the new status, or null when nothing changed.
 */
export function updatePodCondition(
  status: PodStatus | undefined,
  condition: PodCondition,
  nowTime: string,
): PodStatus | null {
  const conditions = [...(status?.conditions ?? [])];
  const i = conditions.findIndex((c) => c.type === condition.type);
  const next: PodCondition = { ...condition, lastTransitionTime: nowTime };
  if (i < 0) {
    conditions.push(next);
    return { ...(status ?? {}), conditions };
  }
  const old = conditions[i]!;
  if (next.status === old.status) next.lastTransitionTime = old.lastTransitionTime;
  const equal =
    next.status === old.status &&
    (next.reason ?? "") === (old.reason ?? "") &&
    (next.message ?? "") === (old.message ?? "") &&
    (next.lastProbeTime ?? null) === (old.lastProbeTime ?? null) &&
    (next.lastTransitionTime ?? null) === (old.lastTransitionTime ?? null);
  if (equal) return null;
  conditions[i] = next;
  return { ...(status ?? {}), conditions };
}

/**
 * `MarkPodsNotReady` for one pod: its Ready condition set to False (reason and message kept),
 * or null when it has no Ready condition or it is already False.
 */
export function podMarkedNotReady(pod: Pod, nowTime: string): Pod | null {
  const ready = getPodCondition(pod.status, "Ready");
  if (!ready) return null;
  const status = updatePodCondition(pod.status, { ...ready, status: "False" }, nowTime);
  return status ? { ...pod, status } : null;
}
