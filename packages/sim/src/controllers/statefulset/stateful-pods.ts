/**
 * StatefulSet pod identity and storage (`pkg/controller/statefulset/stateful_set_utils.go`,
 * v1.32): stable names `<set>-<ordinal>`, hostname and subdomain, the
 * `statefulset.kubernetes.io/pod-name` and `apps.kubernetes.io/pod-index` labels, the revision
 * label, PVCs `<claim>-<set>-<ordinal>` from `volumeClaimTemplates` and their owner references
 * under `persistentVolumeClaimRetentionPolicy` (StatefulSetAutoDeletePVC, on since 1.27).
 */
import type { PersistentVolumeClaim, Pod, Volume } from "kubernetes-types/core/v1";
import type { KubeObject, OwnerReference } from "../../api/types";
import { canonicalJson, computeHash } from "../deployment/hash";
import { newControllerRef } from "../framework/controller-ref";
import { isPodAvailable, isPodReady, podFromTemplate } from "../framework/pod-util";

/** `apps.StatefulSetPodNameLabel`. */
export const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
/** `apps.PodIndexLabel` (PodIndexLabel, on since 1.28). */
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
/** `apps.StatefulSetRevisionLabel` (= `controller-revision-hash`; holds the revision's name). */
export const REVISION_LABEL = "controller-revision-hash";

/** `getStartOrdinal`: `spec.ordinals.start` (StatefulSetStartOrdinal, GA in 1.31). */
export function startOrdinal(set: KubeObject): number {
  return set.spec?.ordinals?.start ?? 0;
}

/** `getEndOrdinal`. */
export function endOrdinal(set: KubeObject): number {
  return startOrdinal(set) + (set.spec?.replicas ?? 1) - 1;
}

/** `getParentNameAndOrdinal`: the ordinal of a pod of this set, or -1. */
export function getOrdinal(set: KubeObject, pod: KubeObject): number {
  const m = /^(.*)-([0-9]+)$/.exec(pod.metadata.name ?? "");
  if (!m || m[1] !== set.metadata.name) return -1;
  const n = Number(m[2]);
  return Number.isSafeInteger(n) ? n : -1;
}

/** `podInOrdinalRange`. */
export function podInOrdinalRange(set: KubeObject, pod: KubeObject): boolean {
  const o = getOrdinal(set, pod);
  return o >= startOrdinal(set) && o <= endOrdinal(set);
}

/** `getPodName`. */
export function podName(set: KubeObject, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** `getPersistentVolumeClaimName`: `<claim>-<set>-<ordinal>`. */
export function claimName(set: KubeObject, claim: string, ordinal: number): string {
  return `${claim}-${set.metadata.name}-${ordinal}`;
}

/** `getPodRevision`. */
export function podRevision(pod: KubeObject): string {
  return pod.metadata.labels?.[REVISION_LABEL] ?? "";
}

/** `isCreated`: the apiserver gave it a phase. */
export function isCreated(pod: KubeObject): boolean {
  return !!pod.status?.phase;
}
/** `isPending`. */
export function isPending(pod: KubeObject): boolean {
  return pod.status?.phase === "Pending";
}
/** `isFailed`. */
export function isFailed(pod: KubeObject): boolean {
  return pod.status?.phase === "Failed";
}
/** `isSucceeded`. */
export function isSucceeded(pod: KubeObject): boolean {
  return pod.status?.phase === "Succeeded";
}
/** `isTerminating`. */
export function isTerminating(pod: KubeObject): boolean {
  return !!pod.metadata.deletionTimestamp;
}
/** `isRunningAndReady`. */
export function isRunningAndReady(pod: KubeObject): boolean {
  return pod.status?.phase === "Running" && isPodReady(pod);
}
/** `isRunningAndAvailable`. */
export function isRunningAndAvailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  return pod.status?.phase === "Running" && isPodAvailable(pod, minReadySeconds, now);
}
/** `isUnavailable`: not running and available, or terminating. */
export function isUnavailable(pod: KubeObject, minReadySeconds: number, now: number): boolean {
  return !isRunningAndAvailable(pod, minReadySeconds, now) || isTerminating(pod);
}

/** `identityMatches`. */
export function identityMatches(set: KubeObject, pod: KubeObject): boolean {
  const o = getOrdinal(set, pod);
  return (
    o >= 0 &&
    pod.metadata.name === podName(set, o) &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name &&
    pod.metadata.labels?.[POD_INDEX_LABEL] === String(o)
  );
}

/** `storageMatches`: each claim template's volume points at the pod's PVC. */
export function storageMatches(set: KubeObject, pod: KubeObject): boolean {
  const o = getOrdinal(set, pod);
  if (o < 0) return false;
  const volumes: Record<string, Volume> = {};
  for (const v of (pod as Pod).spec?.volumes ?? []) volumes[v.name] = v;
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const v = volumes[t.metadata?.name ?? ""];
    if (!v || v.persistentVolumeClaim?.claimName !== claimName(set, t.metadata?.name ?? "", o)) return false;
  }
  return true;
}

/** `updateIdentity` + `updateStorage` on a copy of a pod. */
export function withIdentityAndStorage(set: KubeObject, pod: KubeObject, ordinal: number): KubeObject {
  const name = podName(set, ordinal);
  const labels = {
    ...(pod.metadata.labels ?? {}),
    [POD_NAME_LABEL]: name,
    [POD_INDEX_LABEL]: String(ordinal),
  };
  const out: KubeObject = {
    ...pod,
    metadata: { ...pod.metadata, name, namespace: set.metadata.namespace ?? "", labels },
    spec: { ...pod.spec },
  };
  const templates = set.spec?.volumeClaimTemplates ?? [];
  if (templates.length > 0) {
    const claims: Record<string, Volume> = {};
    for (const t of templates) {
      const n = t.metadata?.name ?? "";
      claims[n] = { name: n, persistentVolumeClaim: { claimName: claimName(set, n, ordinal) } };
    }
    const volumes: Volume[] = [];
    for (const v of (pod.spec?.volumes ?? []) as Volume[]) if (!claims[v.name]) volumes.push(v);
    // The claims' volumes come first, then the template's own (updateStorage).
    out.spec.volumes = [...Object.values(claims), ...volumes];
  }
  return out;
}

/** `newStatefulSetPod`: from a template (the set's, or a revision's), named, with identity and storage. */
export function newStatefulSetPod(
  set: KubeObject,
  template: unknown,
  ordinal: number,
  revisionName: string,
): KubeObject {
  const base = podFromTemplate(
    template as { metadata?: KubeObject["metadata"]; spec?: unknown },
    set,
    newControllerRef(set),
  );
  const pod = withIdentityAndStorage(set, base, ordinal);
  // initIdentity: hostname and subdomain are set once, at creation.
  pod.spec.hostname = pod.metadata.name;
  if (set.spec?.serviceName) pod.spec.subdomain = set.spec.serviceName;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [REVISION_LABEL]: revisionName };
  return pod;
}

/** `getPersistentVolumeClaimRetentionPolicy` with its defaults (Retain / Retain). */
export function retentionPolicy(set: KubeObject): { whenDeleted: string; whenScaled: string } {
  const p = set.spec?.persistentVolumeClaimRetentionPolicy ?? {};
  return { whenDeleted: p.whenDeleted ?? "Retain", whenScaled: p.whenScaled ?? "Retain" };
}

function hasOwner(refs: readonly OwnerReference[], uid: string | undefined): boolean {
  return refs.some((r) => r.uid === uid);
}

/**
 * `updateClaimOwnerRefForSetAndPod`: the owner references a PVC should carry under the
 * retention policy — the StatefulSet for `whenDeleted: Delete` (while the pod is in range),
 * the Pod for `whenScaled: Delete` once the pod is scaled away. Returns null when unchanged.
 */
export function claimOwnerRefs(
  claim: { metadata?: { ownerReferences?: OwnerReference[] } },
  set: KubeObject,
  pod: KubeObject,
): OwnerReference[] | null {
  let refs = [...(claim.metadata?.ownerReferences ?? [])];
  const before = JSON.stringify(refs);
  const setRef: OwnerReference = {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    name: set.metadata.name ?? "",
    uid: set.metadata.uid ?? "",
  };
  const podRef: OwnerReference = {
    apiVersion: "v1",
    kind: "Pod",
    name: pod.metadata.name ?? "",
    uid: pod.metadata.uid ?? "",
  };
  const add = (r: OwnerReference) => {
    if (!hasOwner(refs, r.uid)) refs.push(r);
  };
  const remove = (uid: string | undefined) => {
    refs = refs.filter((r) => r.uid !== uid);
  };
  const p = retentionPolicy(set);
  const scaledDown = !podInOrdinalRange(set, pod);
  if (p.whenScaled === "Retain" && p.whenDeleted === "Delete") {
    add(setRef);
    remove(pod.metadata.uid);
  } else if (p.whenScaled === "Delete" && p.whenDeleted === "Retain") {
    remove(set.metadata.uid);
    if (scaledDown && pod.metadata.uid) add(podRef);
    else remove(pod.metadata.uid);
  } else if (p.whenScaled === "Delete" && p.whenDeleted === "Delete") {
    if (scaledDown) {
      remove(set.metadata.uid);
      if (pod.metadata.uid) add(podRef);
    } else {
      add(setRef);
      remove(pod.metadata.uid);
    }
  }
  return JSON.stringify(refs) === before ? null : refs;
}

/** `getPersistentVolumeClaims`: the PVCs a pod of the set needs, labelled with the set's matchLabels. */
export function podClaims(set: KubeObject, pod: KubeObject, ordinal: number): PersistentVolumeClaim[] {
  const out: PersistentVolumeClaim[] = [];
  for (const t of set.spec?.volumeClaimTemplates ?? []) {
    const claim = JSON.parse(JSON.stringify(t)) as PersistentVolumeClaim;
    claim.apiVersion = "v1";
    claim.kind = "PersistentVolumeClaim";
    claim.metadata = {
      ...(claim.metadata ?? {}),
      name: claimName(set, t.metadata?.name ?? "", ordinal),
      namespace: set.metadata.namespace ?? "",
      labels: { ...(claim.metadata?.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
    };
    // A template may carry a status; the new claim must not.
    delete (claim as unknown as Record<string, unknown>).status;
    const refs = claimOwnerRefs(claim, set, pod);
    if (refs) claim.metadata.ownerReferences = refs;
    out.push(claim);
  }
  return out;
}

// ---- revisions ------------------------------------------------------------------------------

/** `getPatch`: `{"spec":{"template":{…,"$patch":"replace"}}}`. */
export function revisionData(set: KubeObject): Record<string, unknown> {
  return { spec: { template: { ...(set.spec?.template ?? {}), $patch: "replace" } } };
}

/**
 * `newRevision` / `history.NewControllerRevision`: named `<set>-<hash of its data>`, labelled with
 * the template's labels and `controller-revision-hash: <hash>`, owned by the set.
 */
export function newRevision(set: KubeObject, revision: number, collisionCount: number): KubeObject {
  const data = revisionData(set);
  const hash = computeHash(data, collisionCount);
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: `${set.metadata.name}-${hash}`,
      namespace: set.metadata.namespace ?? "",
      labels: { ...(set.spec?.template?.metadata?.labels ?? {}), [REVISION_LABEL]: hash },
      ownerReferences: [newControllerRef(set)],
    },
    data,
    revision,
  };
}

/** `history.EqualRevision`: same data. */
export function equalRevision(a: KubeObject, b: KubeObject): boolean {
  return canonicalJson(a.data ?? null) === canonicalJson(b.data ?? null);
}

/** `ApplyRevision`: the pod template a revision recorded. */
export function revisionTemplate(revision: KubeObject): unknown {
  const { $patch: _directive, ...template } = (revision.data?.spec?.template ?? {}) as Record<
    string,
    unknown
  >;
  return template;
}
