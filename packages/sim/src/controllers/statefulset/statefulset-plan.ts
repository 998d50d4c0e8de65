/**
 * `updateStatefulSet` (`pkg/controller/statefulset/stateful_set_control.go`, v1.32) as a pure
 * plan: from the set, its current and update revisions, its pods and PVCs, the writes to make
 * this round and the status. `OrderedReady` (monotonic) does one thing at a time — create the
 * lowest missing ordinal once every predecessor is Running and Ready, delete the highest
 * condemned ordinal, replace the highest out-of-date pod at or above the partition — and waits;
 * `Parallel` does everything it can at once.
 */
import type { PersistentVolumeClaim } from "kubernetes-types/core/v1";
import type { KubeObject, OwnerReference } from "../../api/types";
import {
  claimOwnerRefs,
  endOrdinal,
  getOrdinal,
  identityMatches,
  isCreated,
  isFailed,
  isPending,
  isRunningAndAvailable,
  isRunningAndReady,
  isSucceeded,
  isTerminating,
  isUnavailable,
  newStatefulSetPod,
  podClaims,
  podInOrdinalRange,
  podRevision,
  retentionPolicy,
  revisionTemplate,
  startOrdinal,
  storageMatches,
  withIdentityAndStorage,
} from "./stateful-pods";

/** One write the plan asks for. */
export type StatefulSetAction =
  | { kind: "createPod"; pod: KubeObject; claims: PersistentVolumeClaim[] }
  | { kind: "createClaims"; pod: KubeObject; claims: PersistentVolumeClaim[] }
  | { kind: "deletePod"; pod: KubeObject }
  | { kind: "updatePod"; pod: KubeObject }
  | { kind: "updateClaimOwners"; claim: KubeObject; ownerReferences: OwnerReference[] };

/** `apps.StatefulSetStatus` as the controller computes it. */
export interface StatefulSetStatus {
  observedGeneration: number;
  replicas: number;
  readyReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
}

/** What one round decided. */
export interface StatefulSetPlan {
  status: StatefulSetStatus;
  actions: StatefulSetAction[];
}

/** Looks a PVC up in the cache by name. */
export type ClaimLookup = (name: string) => KubeObject | undefined;

function countStatus(
  status: StatefulSetStatus,
  pods: readonly (KubeObject | null)[],
  minReady: number,
  now: number,
): void {
  status.replicas = 0;
  status.readyReplicas = 0;
  status.availableReplicas = 0;
  status.currentReplicas = 0;
  status.updatedReplicas = 0;
  for (const pod of pods) {
    if (!pod) continue;
    if (isCreated(pod)) status.replicas++;
    if (isRunningAndReady(pod)) {
      status.readyReplicas++;
      if (isRunningAndAvailable(pod, minReady, now)) status.availableReplicas++;
    }
    if (isCreated(pod) && !isTerminating(pod)) {
      const rev = podRevision(pod);
      if (rev === status.currentRevision) status.currentReplicas++;
      if (rev === status.updateRevision) status.updatedReplicas++;
    }
  }
}

/** `hasStaleOwnerRef`: a PVC owned by an earlier pod of the same name. */
function hasStaleOwnerRef(claim: KubeObject, pod: KubeObject): boolean {
  return (claim.metadata.ownerReferences ?? []).some(
    (r) => r.kind === "Pod" && r.name === pod.metadata.name && r.uid !== pod.metadata.uid,
  );
}

/** `PodClaimIsStale`: with `whenScaled: Delete`, a PVC still owned by a previous pod blocks creation. */
function podClaimIsStale(set: KubeObject, pod: KubeObject, ordinal: number, claims: ClaimLookup): boolean {
  if (retentionPolicy(set).whenScaled === "Retain") return false;
  return podClaims(set, pod, ordinal).some((c) => {
    const existing = claims(c.metadata?.name ?? "");
    return !!existing && hasStaleOwnerRef(existing, pod);
  });
}

/** `ClaimsMatchRetentionPolicy` + the owner-reference fixes `UpdatePodClaimForRetentionPolicy` makes. */
function claimOwnerFixes(set: KubeObject, pod: KubeObject, claims: ClaimLookup): StatefulSetAction[] {
  const o = getOrdinal(set, pod);
  const out: StatefulSetAction[] = [];
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const existing = claims(`${t.metadata?.name}-${set.metadata.name}-${o}`);
    if (!existing) continue;
    const refs = claimOwnerRefs(existing, set, pod);
    if (refs) out.push({ kind: "updateClaimOwners", claim: existing, ownerReferences: refs });
  }
  return out;
}

/** The PVCs of a pod not in the cache yet (`createPersistentVolumeClaims` skips existing ones). */
function missingClaims(
  set: KubeObject,
  pod: KubeObject,
  ordinal: number,
  claims: ClaimLookup,
): PersistentVolumeClaim[] {
  return podClaims(set, pod, ordinal).filter((c) => !claims(c.metadata?.name ?? ""));
}

/**
 * Plan one round of `updateStatefulSet`. `pods` are the pods the set controls; `claims` looks
 * PVCs up; `now` is Unix ms (availability).
 */
export function planStatefulSetUpdate(
  set: KubeObject,
  currentRevision: KubeObject,
  updateRevision: KubeObject,
  collisionCount: number,
  pods: readonly KubeObject[],
  claims: ClaimLookup,
  now: number,
): StatefulSetPlan {
  const minReady = set.spec?.minReadySeconds ?? 0;
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata.generation ?? 0,
    replicas: 0,
    readyReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    availableReplicas: 0,
    currentRevision: currentRevision.metadata.name ?? "",
    updateRevision: updateRevision.metadata.name ?? "",
    collisionCount,
  };
  countStatus(status, pods, minReady, now);
  const actions: StatefulSetAction[] = [];
  const plan: StatefulSetPlan = { status, actions };

  const start = startOrdinal(set);
  const end = endOrdinal(set);
  const replicas: (KubeObject | null)[] = new Array(Math.max(0, end - start + 1)).fill(null);
  const condemned: KubeObject[] = [];
  for (const pod of pods) {
    if (podInOrdinalRange(set, pod)) replicas[getOrdinal(set, pod) - start] = pod;
    else if (getOrdinal(set, pod) >= 0) condemned.push(pod);
  }
  // newVersionedStatefulSetPod: below the partition a new pod gets the current revision.
  const strategy = set.spec?.updateStrategy ?? { type: "RollingUpdate" };
  const partition = strategy.rollingUpdate?.partition ?? 0;
  for (let ord = start; ord <= end; ord++) {
    if (replicas[ord - start]) continue;
    const useCurrent =
      (strategy.type === "RollingUpdate" &&
        !strategy.rollingUpdate &&
        ord < start + (set.status?.currentReplicas ?? 0)) ||
      (strategy.rollingUpdate !== undefined && ord < start + partition);
    const rev = useCurrent ? currentRevision : updateRevision;
    replicas[ord - start] = newStatefulSetPod(set, revisionTemplate(rev), ord, rev.metadata.name ?? "");
  }
  condemned.sort((a, b) => getOrdinal(set, b) - getOrdinal(set, a));

  let firstUnavailable: KubeObject | null = null;
  for (const p of replicas)
    if (p && isUnavailable(p, minReady, now) && !firstUnavailable) firstUnavailable = p;
  for (let i = condemned.length - 1; i >= 0; i--)
    if (isUnavailable(condemned[i]!, minReady, now) && !firstUnavailable) firstUnavailable = condemned[i]!;

  const recount = () => countStatus(status, [...replicas, ...condemned], minReady, now);
  // A set being deleted only gets its status.
  if (set.metadata.deletionTimestamp) return plan;
  const monotonic = set.spec?.podManagementPolicy !== "Parallel";

  // processReplica for each living replica, in ordinal order.
  for (let i = 0; i < replicas.length; i++) {
    const pod = replicas[i]!;
    const ord = start + i;
    if (isFailed(pod) || isSucceeded(pod)) {
      // A pod that exited (evicted, node reboot) is recreated, whatever its exit code.
      if (!isTerminating(pod)) actions.push({ kind: "deletePod", pod });
      if (monotonic) {
        recount();
        return plan;
      }
      continue;
    }
    if (!isCreated(pod)) {
      if (podClaimIsStale(set, pod, ord, claims)) {
        if (monotonic) {
          recount();
          return plan;
        }
        continue;
      }
      actions.push({ kind: "createPod", pod, claims: missingClaims(set, pod, ord, claims) });
      if (monotonic) {
        recount();
        return plan;
      }
      continue;
    }
    if (isPending(pod)) {
      const missing = missingClaims(set, pod, ord, claims);
      if (missing.length > 0) actions.push({ kind: "createClaims", pod, claims: missing });
    }
    const blocked =
      isTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, now);
    if (blocked && monotonic) {
      recount();
      return plan;
    }
    if (!identityMatches(set, pod) || !storageMatches(set, pod))
      actions.push({ kind: "updatePod", pod: withIdentityAndStorage(set, pod, ord) });
    actions.push(...claimOwnerFixes(set, pod, claims));
  }
  // Condemned pods' PVCs follow the retention policy (whenScaled).
  for (const pod of condemned) actions.push(...claimOwnerFixes(set, pod, claims));

  // processCondemned: scale down from the highest ordinal, one at a time when ordered.
  for (const pod of condemned) {
    if (isTerminating(pod)) {
      if (monotonic) {
        recount();
        return plan;
      }
      continue;
    }
    if (
      monotonic &&
      pod !== firstUnavailable &&
      (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, minReady, now))
    ) {
      recount();
      return plan;
    }
    actions.push({ kind: "deletePod", pod });
    if (monotonic) {
      recount();
      return plan;
    }
  }
  recount();

  if (strategy.type === "OnDelete") return plan;
  // RollingUpdate: replace the highest out-of-date pod at or above the partition, then wait.
  for (let target = replicas.length - 1; target >= partition; target--) {
    const pod = replicas[target]!;
    if (podRevision(pod) !== status.updateRevision && !isTerminating(pod)) {
      actions.push({ kind: "deletePod", pod });
      status.currentReplicas--;
      return plan;
    }
    if (isUnavailable(pod, minReady, now)) return plan;
  }
  return plan;
}

/** `completeRollingUpdate`: once every pod is updated and ready, the update revision becomes current. */
export function completeRollingUpdate(set: KubeObject, status: StatefulSetStatus): void {
  if (
    (set.spec?.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate" &&
    status.updatedReplicas === status.replicas &&
    status.readyReplicas === status.replicas
  ) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
}
