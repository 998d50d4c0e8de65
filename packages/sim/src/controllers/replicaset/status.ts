/**
 * ReplicaSet status (pkg/controller/replicaset/replica_set_utils.go `calculateStatus`): replicas,
 * fullyLabeledReplicas, readyReplicas, availableReplicas (ready for minReadySeconds), the
 * `ReplicaFailure` condition while creating or deleting pods fails, and observedGeneration.
 */
import type { KubeObject } from "../../api/types";
import { deepEqual } from "../../core/clone";
import { isPodAvailable, isPodReady } from "../framework/pod-util";

/** A ReplicaSet condition. */
export interface ReplicaSetCondition {
  type: string;
  status: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** `calculateStatus`. `manageError` is the error creating/deleting pods returned, if any. */
export function calculateReplicaSetStatus(
  rs: KubeObject,
  pods: readonly KubeObject[],
  manageError: string | null,
  nowMs: number,
  timestamp: string,
): Record<string, unknown> {
  const status: Record<string, unknown> = { ...(rs.status ?? {}) };
  const templateLabels: Record<string, string> = rs.spec?.template?.metadata?.labels ?? {};
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    const labels = pod.metadata.labels ?? {};
    if (Object.entries(templateLabels).every(([k, v]) => labels[k] === v)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, nowMs)) available++;
    }
  }
  let conditions = [...((rs.status?.conditions as ReplicaSetCondition[] | undefined) ?? [])];
  const failure = conditions.find((c) => c.type === "ReplicaFailure");
  if (manageError !== null && !failure) {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
    conditions.push({
      type: "ReplicaFailure",
      status: "True",
      lastTransitionTime: timestamp,
      reason,
      message: manageError,
    });
  } else if (manageError === null && failure) {
    conditions = conditions.filter((c) => c.type !== "ReplicaFailure");
  }
  if (conditions.length > 0) status.conditions = conditions;
  else delete status.conditions;
  // `replicas` is always written; the other counts are `omitempty` in apps/v1.
  status.replicas = pods.length;
  setOrOmit(status, "fullyLabeledReplicas", fullyLabeled);
  setOrOmit(status, "readyReplicas", ready);
  setOrOmit(status, "availableReplicas", available);
  return status;
}

function setOrOmit(o: Record<string, unknown>, k: string, v: number): void {
  if (v !== 0) o[k] = v;
  else delete o[k];
}

/** `updateReplicaSetStatus`'s short-cut: nothing to write when the counts, conditions and generation agree. */
export function replicaSetStatusUnchanged(rs: KubeObject, next: Record<string, unknown>): boolean {
  const s = rs.status ?? {};
  return (
    (s.replicas ?? 0) === next.replicas &&
    (s.fullyLabeledReplicas ?? 0) === (next.fullyLabeledReplicas ?? 0) &&
    (s.readyReplicas ?? 0) === (next.readyReplicas ?? 0) &&
    (s.availableReplicas ?? 0) === (next.availableReplicas ?? 0) &&
    rs.metadata.generation === s.observedGeneration &&
    deepEqual(s.conditions ?? [], next.conditions ?? [])
  );
}
