/**
 * Pod helpers controllers share (k8s.io/kubernetes pkg/api/v1/pod util.go and
 * pkg/controller/controller_utils.go): readiness and availability, active pods, pods from a
 * template, and the ranking that decides which pods a scale-down deletes first.
 */
import type { KubeObject } from "../../api/types";
import { parseTimestampMs } from "./time";

/** `podutil.GetPodReadyCondition`. */
export function podReadyCondition(
  pod: KubeObject,
): { status: string; lastTransitionTime?: string } | undefined {
  for (const c of pod.status?.conditions ?? []) if (c.type === "Ready") return c;
  return undefined;
}

/** `podutil.IsPodReady`: the Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  return podReadyCondition(pod)?.status === "True";
}

/**
 * `podutil.IsPodAvailable`: ready for at least `minReadySeconds` (measured from the Ready
 * condition's lastTransitionTime; `nowMs` in Unix ms).
 */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const t = podReadyCondition(pod)?.lastTransitionTime;
  if (!t) return false;
  return parseTimestampMs(t) + minReadySeconds * 1000 <= nowMs;
}

/** `controller.IsPodActive`: not Succeeded, not Failed, not being deleted. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && !pod.metadata.deletionTimestamp;
}

/** `controller.IsPodTerminating`: being deleted and not yet terminal. */
export function isPodTerminating(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return !!pod.metadata.deletionTimestamp && phase !== "Succeeded" && phase !== "Failed";
}

/** `controller.PodKey`: `namespace/name`. */
export function podKey(pod: KubeObject): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

/**
 * `controller.GetPodFromTemplate`: a pod for `owner` from a pod template, with `generateName:
 * <owner>-` and the controller reference.
 */
export function podFromTemplate(
  template: { metadata?: KubeObject["metadata"]; spec?: unknown },
  owner: KubeObject,
  controllerRef: NonNullable<KubeObject["metadata"]["ownerReferences"]>[number] | null,
): KubeObject {
  const meta: KubeObject["metadata"] = { generateName: `${owner.metadata.name}-` };
  const t = template.metadata ?? {};
  if (t.labels && Object.keys(t.labels).length > 0) meta.labels = { ...t.labels };
  if (t.annotations && Object.keys(t.annotations).length > 0) meta.annotations = { ...t.annotations };
  if (t.finalizers && t.finalizers.length > 0) meta.finalizers = [...t.finalizers];
  if (controllerRef) meta.ownerReferences = [{ ...controllerRef }];
  return { apiVersion: "v1", kind: "Pod", metadata: meta, spec: structuredCloneJson(template.spec ?? {}) };
}

function structuredCloneJson<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** `podPhaseToOrdinal`: Pending < Unknown < Running. */
const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function maxRestarts(pod: KubeObject): number {
  let m = 0;
  for (const c of pod.status?.containerStatuses ?? []) m = Math.max(m, c.restartCount ?? 0);
  return m;
}

/** `logarithmicRankDiff`: compare floor(log2(age in ns)) of two times (LogarithmicScaleDown, on since 1.22). */
function logRank(tMs: number, nowMs: number): number {
  const d = (nowMs - tMs) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/**
 * `controller.ActivePodsWithRanks.Less`: the order in which a ReplicaSet deletes pods when it
 * scales down (the first are deleted first):
 * 1. unassigned before assigned; 2. Pending < Unknown < Running; 3. not ready before ready;
 * 4. lower `controller.kubernetes.io/pod-deletion-cost`; 5. more pods of the same owner family
 * on the same node first (`rank`); 6. ready more recently first (log2 buckets);
 * 7. more container restarts first; 8. created more recently first (log2 buckets), then uid.
 */
export function comparePodsForDeletion(
  a: KubeObject,
  b: KubeObject,
  rankA: number,
  rankB: number,
  nowMs: number,
): number {
  const na = a.spec?.nodeName ?? "";
  const nb = b.spec?.nodeName ?? "";
  if (na !== nb && (na === "" || nb === "")) return na === "" ? -1 : 1;
  const pa = PHASE_ORDINAL[a.status?.phase ?? ""] ?? 0;
  const pb = PHASE_ORDINAL[b.status?.phase ?? ""] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return ra ? 1 : -1;
  const ca = deletionCost(a);
  const cb = deletionCost(b);
  if (ca !== cb) return ca - cb;
  if (rankA !== rankB) return rankB - rankA;
  if (ra && rb) {
    const ta = podReadyCondition(a)?.lastTransitionTime;
    const tb = podReadyCondition(b)?.lastTransitionTime;
    if (ta !== tb) {
      if (!ta || !tb) return ta ? 1 : -1; // afterOrZero: a zero time sorts first
      const d = logRank(parseTimestampMs(ta), nowMs) - logRank(parseTimestampMs(tb), nowMs);
      if (d !== 0) return d;
      return uidOrder(a, b);
    }
  }
  const xa = maxRestarts(a);
  const xb = maxRestarts(b);
  if (xa !== xb) return xb - xa;
  const ka = a.metadata.creationTimestamp;
  const kb = b.metadata.creationTimestamp;
  if (ka !== kb) {
    if (!ka || !kb) return ka ? 1 : -1;
    const d = logRank(parseTimestampMs(ka), nowMs) - logRank(parseTimestampMs(kb), nowMs);
    if (d !== 0) return d;
    return uidOrder(a, b);
  }
  return 0;
}

function uidOrder(a: KubeObject, b: KubeObject): number {
  const ua = a.metadata.uid ?? "";
  const ub = b.metadata.uid ?? "";
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/** `helper.GetDeletionCostFromPodAnnotations` (PodDeletionCost, on by default): 0 when absent or invalid. */
function deletionCost(pod: KubeObject): number {
  const v = pod.metadata.annotations?.["controller.kubernetes.io/pod-deletion-cost"];
  if (v === undefined || !/^-?\d+$/.test(v)) return 0;
  const n = Number(v);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}
