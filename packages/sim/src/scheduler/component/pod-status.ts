/**
 * The scheduler's writes to pod status (`pkg/scheduler/schedule_one.go` `updatePod`,
 * `pkg/scheduler/util/utils.go` `PatchPodStatus`, `pkg/api/v1/pod` `UpdatePodCondition`): a
 * strategic merge patch of `pods/<name>/status` with a uid precondition, sent only when the
 * condition (or the nominated node) actually changes.
 */
import type { Pod, PodCondition } from "kubernetes-types/core/v1";
import type { ApiCall } from "../../apiserver/client/api-client";
import type { Context } from "../../core/component";
import type { NominatingInfo } from "../framework/interface";

/** The API tag of status patches (their answers need no handling). */
export const POD_STATUS_TAG = "pod-status";

/** How the scheduler sends a request (through its rate-limited client). */
export type ApiSender = (call: ApiCall, tag: string, data?: unknown) => void;

/**
 * `UpdatePodCondition`: the condition as it would be stored — `lastTransitionTime` is now, or kept
 * from the existing condition of the same type when its status did not change — and whether
 * anything differs from the existing condition.
 */
export function updatedCondition(
  pod: Pod,
  condition: Pick<PodCondition, "type" | "status" | "reason" | "message">,
  now: string,
): { condition: PodCondition; changed: boolean } {
  const old = (pod.status?.conditions ?? []).find((c) => c.type === condition.type);
  const next: PodCondition = {
    type: condition.type,
    status: condition.status,
    lastProbeTime: null as unknown as string,
    lastTransitionTime: old && old.status === condition.status ? old.lastTransitionTime : now,
  };
  if (condition.reason) next.reason = condition.reason;
  if (condition.message) next.message = condition.message;
  const changed =
    !old ||
    old.status !== next.status ||
    (old.reason ?? "") !== (next.reason ?? "") ||
    (old.message ?? "") !== (next.message ?? "") ||
    (old.lastProbeTime ?? null) !== null ||
    old.lastTransitionTime !== next.lastTransitionTime;
  return { condition: next, changed };
}

/**
 * `updatePod(pod, condition, nominatingInfo)`: patch the condition and, when nominatingInfo
 * overrides it with a different value, `status.nominatedNodeName`. Returns whether a patch went out.
 */
export function patchPodCondition(
  ctx: Context,
  send: ApiSender,
  pod: Pod,
  condition: Pick<PodCondition, "type" | "status" | "reason" | "message">,
  nominatingInfo: NominatingInfo | null,
): boolean {
  const nnnNeedsUpdate =
    nominatingInfo !== null &&
    nominatingInfo.mode === "Override" &&
    (pod.status?.nominatedNodeName ?? "") !== nominatingInfo.nominatedNodeName;
  const { condition: next, changed } = updatedCondition(pod, condition, ctx.timestamp());
  if (!changed && !nnnNeedsUpdate) return false;
  const status: Record<string, unknown> = {};
  if (changed) {
    // The two-way strategic merge patch of the old and new status: the condition merged by its
    // `type` key, with the order of the conditions list kept.
    const types = (pod.status?.conditions ?? []).map((x) => ({ type: x.type }));
    if (!types.some((t) => t.type === next.type)) types.push({ type: next.type });
    status["$setElementOrder/conditions"] = types;
    status.conditions = [next];
  }
  if (nnnNeedsUpdate) {
    // "" clears the field (a strategic merge patch deletes a key set to null).
    status.nominatedNodeName =
      nominatingInfo.nominatedNodeName === "" ? null : nominatingInfo.nominatedNodeName;
  }
  patchPodStatus(send, pod, status);
  return true;
}

/** `PatchPodStatus`: a strategic merge patch of `status` with the pod's uid as precondition. */
export function patchPodStatus(send: ApiSender, pod: Pod, status: Record<string, unknown>): void {
  const ns = pod.metadata?.namespace ?? "";
  const name = pod.metadata?.name ?? "";
  send(
    {
      method: "PATCH",
      path: `/api/v1/namespaces/${ns}/pods/${name}/status`,
      contentType: "application/strategic-merge-patch+json",
      body: { metadata: { uid: pod.metadata?.uid }, status },
    },
    POD_STATUS_TAG,
  );
}
