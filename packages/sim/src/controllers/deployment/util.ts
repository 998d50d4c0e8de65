/**
 * Deployment helpers (pkg/controller/deployment/util/deployment_util.go and
 * pkg/controller/controller_utils.go): annotations, fenceposts, conditions, status and the
 * replica-set orderings the controller uses.
 */
import type { KubeObject } from "../../api/types";
import { deepEqual } from "../../core/clone";
import { parseTimestampMs } from "../framework/time";

/** `RevisionAnnotation` and friends. */
export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas";
/** `apps.DefaultDeploymentUniqueLabelKey`. */
export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";
/** `maxRevHistoryLengthInChars`. */
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

/** Annotations never copied from a Deployment to its ReplicaSets (`annotationsToSkip`). */
const ANNOTATIONS_TO_SKIP = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  "deprecated.deployment.rollback.to",
]);

/** Condition reasons (deployment_util.go). */
export const Reasons = {
  NewRSAvailable: "NewReplicaSetAvailable",
  TimedOut: "ProgressDeadlineExceeded",
  ReplicaSetUpdated: "ReplicaSetUpdated",
  FailedRSCreate: "ReplicaSetCreateError",
  NewRS: "NewReplicaSetCreated",
  FoundNewRS: "FoundNewReplicaSet",
  PausedDeploy: "DeploymentPaused",
  ResumedDeploy: "DeploymentResumed",
  MinimumReplicasAvailable: "MinimumReplicasAvailable",
  MinimumReplicasUnavailable: "MinimumReplicasUnavailable",
} as const;

/** A Deployment condition. */
export interface DeploymentCondition {
  type: string;
  status: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** `NewDeploymentCondition` (both times now). */
export function newCondition(
  type: string,
  status: string,
  reason: string,
  message: string,
  now: string,
): DeploymentCondition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** `GetDeploymentCondition`. */
export function getCondition(
  status: Record<string, unknown> | undefined,
  type: string,
): DeploymentCondition | undefined {
  return ((status?.conditions as DeploymentCondition[] | undefined) ?? []).find((c) => c.type === type);
}

/**
 * `SetDeploymentCondition`: no change when status and reason are the same; keep
 * lastTransitionTime when only the reason changes; the condition moves to the end.
 */
export function setCondition(status: Record<string, unknown>, cond: DeploymentCondition): void {
  const cur = getCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  const next = { ...cond };
  if (cur && cur.status === cond.status) next.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [
    ...((status.conditions as DeploymentCondition[] | undefined) ?? []).filter((c) => c.type !== cond.type),
    next,
  ];
}

/** `RemoveDeploymentCondition`. */
export function removeCondition(status: Record<string, unknown>, type: string): void {
  const list = ((status.conditions as DeploymentCondition[] | undefined) ?? []).filter(
    (c) => c.type !== type,
  );
  if (list.length > 0) status.conditions = list;
  else delete status.conditions;
}

/** spec.replicas (defaulted to 1 by the apiserver). */
export function replicasOf(o: KubeObject): number {
  return o.spec?.replicas ?? 1;
}

/** `intstrutil.GetScaledValueFromIntOrPercent`. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === "number") return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) return Number.parseInt(v, 10) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** `IsRollingUpdate`. */
export function isRollingUpdate(d: KubeObject): boolean {
  return (d.spec?.strategy?.type ?? "RollingUpdate") === "RollingUpdate";
}

/** `ResolveFenceposts`: maxSurge rounds up, maxUnavailable down; both 0 → maxUnavailable 1. */
export function resolveFenceposts(d: KubeObject): { surge: number; unavailable: number } {
  const desired = replicasOf(d);
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const surge = scaledValue(ru.maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(ru.maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** `MaxUnavailable`. */
export function maxUnavailable(d: KubeObject): number {
  if (!isRollingUpdate(d) || replicasOf(d) === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, replicasOf(d));
}

/** `MaxSurge`. */
export function maxSurge(d: KubeObject): number {
  if (!isRollingUpdate(d)) return 0;
  return resolveFenceposts(d).surge;
}

/** `HasProgressDeadline` (math.MaxInt32 means none). */
export function hasProgressDeadline(d: KubeObject): boolean {
  const p = d.spec?.progressDeadlineSeconds;
  return p !== undefined && p !== null && p !== 2147483647;
}

/** `HasRevisionHistoryLimit`. */
export function hasRevisionHistoryLimit(d: KubeObject): boolean {
  const l = d.spec?.revisionHistoryLimit;
  return l !== undefined && l !== null && l !== 2147483647;
}

/** Sum of spec.replicas (`GetReplicaCountForReplicaSets`). */
export function specReplicas(rss: readonly KubeObject[]): number {
  return rss.reduce((n, rs) => n + replicasOf(rs), 0);
}

/** Sum of a status count. */
export function statusCount(rss: readonly KubeObject[], field: string): number {
  return rss.reduce((n, rs) => n + ((rs.status?.[field] as number | undefined) ?? 0), 0);
}

/** `FilterActiveReplicaSets`: spec.replicas > 0. */
export function activeReplicaSets(rss: readonly KubeObject[]): KubeObject[] {
  return rss.filter((rs) => replicasOf(rs) > 0);
}

function creationMs(o: KubeObject): number {
  return parseTimestampMs(o.metadata.creationTimestamp ?? "");
}

/** `ReplicaSetsByCreationTimestamp`: older first, then by name. */
export function byCreationTimestamp(a: KubeObject, b: KubeObject): number {
  const d = creationMs(a) - creationMs(b);
  if (d !== 0) return d;
  return (a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1;
}

/** `ReplicaSetsBySizeNewer`: larger first; equal size: newer first. */
export function bySizeNewer(a: KubeObject, b: KubeObject): number {
  if (replicasOf(a) === replicasOf(b)) return -byCreationTimestamp(a, b);
  return replicasOf(b) - replicasOf(a);
}

/** `ReplicaSetsBySizeOlder`: larger first; equal size: older first. */
export function bySizeOlder(a: KubeObject, b: KubeObject): number {
  if (replicasOf(a) === replicasOf(b)) return byCreationTimestamp(a, b);
  return replicasOf(b) - replicasOf(a);
}

/** `Revision(rs)`: the revision annotation as a number (0 when absent or invalid). */
export function revisionOf(o: KubeObject): number {
  const v = o.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined || !/^\d+$/.test(v)) return 0;
  return Number(v);
}

/** `ReplicaSetsByRevision`: lower revision first, then creation time. */
export function byRevision(a: KubeObject, b: KubeObject): number {
  const d = revisionOf(a) - revisionOf(b);
  return d !== 0 ? d : byCreationTimestamp(a, b);
}

/** `MaxRevision`. */
export function maxRevision(rss: readonly KubeObject[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

function withoutHash(template: KubeObject["spec"]): unknown {
  const t = template ?? {};
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  const metadata = { ...(t.metadata ?? {}) };
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  else delete metadata.labels;
  return { ...t, metadata };
}

/** `EqualIgnoreHash`: the templates are equal but for the pod-template-hash label. */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  return deepEqual(withoutHash(a as KubeObject["spec"]), withoutHash(b as KubeObject["spec"]));
}

/** `FindNewReplicaSet`: the oldest ReplicaSet whose template equals the Deployment's. */
export function findNewReplicaSet(d: KubeObject, rss: readonly KubeObject[]): KubeObject | undefined {
  return [...rss]
    .sort(byCreationTimestamp)
    .find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** `GetDesiredReplicasAnnotation` / max-replicas: the number, or undefined. */
export function intAnnotation(o: KubeObject, key: string): number | undefined {
  const v = o.metadata.annotations?.[key];
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

/** `SetReplicasAnnotations`: returns the annotations with desired/max set, or null when unchanged. */
export function replicasAnnotations(
  rs: KubeObject,
  desired: number,
  max: number,
): Record<string, string> | null {
  const a = rs.metadata.annotations ?? {};
  if (a[DESIRED_REPLICAS_ANNOTATION] === String(desired) && a[MAX_REPLICAS_ANNOTATION] === String(max))
    return null;
  return { ...a, [DESIRED_REPLICAS_ANNOTATION]: String(desired), [MAX_REPLICAS_ANNOTATION]: String(max) };
}

/**
 * `SetNewReplicaSetAnnotations`: copy the Deployment's annotations (but the skipped ones), raise
 * the revision (remembering the old one in revision-history when rolling back to it), and for a
 * ReplicaSet about to be created set desired/max replicas. Returns the new annotations, or null.
 */
export function newReplicaSetAnnotations(
  d: KubeObject,
  rs: KubeObject,
  newRevision: number,
  exists: boolean,
): Record<string, string> | null {
  const a: Record<string, string> = { ...(rs.metadata.annotations ?? {}) };
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const oldRevision = a[REVISION_ANNOTATION];
  let oldInt = 0;
  if (oldRevision !== undefined && oldRevision !== "") {
    if (!/^\d+$/.test(oldRevision)) return changed ? a : null;
    oldInt = Number(oldRevision);
  }
  if (oldInt < newRevision) {
    a[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined) {
      // Rolling back to this ReplicaSet: keep its previous revisions for history.
      const history = a[REVISION_HISTORY_ANNOTATION] ?? "";
      if (history === "") a[REVISION_HISTORY_ANNOTATION] = oldRevision;
      else {
        let old = history.split(",");
        let total = history.length + oldRevision.length + 1;
        let start = 0;
        while (total > MAX_REV_HISTORY_LENGTH_IN_CHARS && start < old.length) {
          total -= old[start]!.length + 1;
          start++;
        }
        if (total <= MAX_REV_HISTORY_LENGTH_IN_CHARS) {
          old = [...old.slice(start), oldRevision];
          a[REVISION_HISTORY_ANNOTATION] = old.join(",");
        }
      }
    }
  }
  if (!exists) {
    const withReplicas = replicasAnnotations(
      { ...rs, metadata: { ...rs.metadata, annotations: a } },
      replicasOf(d),
      replicasOf(d) + maxSurge(d),
    );
    if (withReplicas) return withReplicas;
  }
  return changed ? a : null;
}

/** `calculateStatus`: the Deployment status from its ReplicaSets, with the Available condition. */
export function calculateStatus(
  d: KubeObject,
  allRSs: readonly KubeObject[],
  newRS: KubeObject | undefined,
  now: string,
): Record<string, unknown> {
  const available = statusCount(allRSs, "availableReplicas");
  const total = specReplicas(allRSs);
  const status: Record<string, unknown> = {
    observedGeneration: d.metadata.generation,
    replicas: statusCount(allRSs, "replicas"),
    updatedReplicas: newRS ? (newRS.status?.replicas ?? 0) : 0,
    readyReplicas: statusCount(allRSs, "readyReplicas"),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  const conditions = (d.status?.conditions as DeploymentCondition[] | undefined) ?? [];
  if (conditions.length > 0) status.conditions = conditions.map((c) => ({ ...c }));
  if (available >= replicasOf(d) - maxUnavailable(d))
    setCondition(
      status,
      newCondition(
        "Available",
        "True",
        Reasons.MinimumReplicasAvailable,
        "Deployment has minimum availability.",
        now,
      ),
    );
  else
    setCondition(
      status,
      newCondition(
        "Available",
        "False",
        Reasons.MinimumReplicasUnavailable,
        "Deployment does not have minimum availability.",
        now,
      ),
    );
  return omitZeroCounts(status);
}

/** The status counts are `omitempty` in apps/v1 (all but none): drop zeros as the JSON encoder does. */
function omitZeroCounts(status: Record<string, unknown>): Record<string, unknown> {
  for (const k of [
    "replicas",
    "updatedReplicas",
    "readyReplicas",
    "availableReplicas",
    "unavailableReplicas",
    "observedGeneration",
  ])
    if (status[k] === 0 || status[k] === undefined) delete status[k];
  return status;
}

/** `DeploymentComplete`. */
export function deploymentComplete(d: KubeObject, s: Record<string, unknown>): boolean {
  const want = replicasOf(d);
  return (
    ((s.updatedReplicas as number | undefined) ?? 0) === want &&
    ((s.replicas as number | undefined) ?? 0) === want &&
    ((s.availableReplicas as number | undefined) ?? 0) === want &&
    ((s.observedGeneration as number | undefined) ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** `DeploymentProgressing`: more updated, fewer old, more ready or more available replicas. */
export function deploymentProgressing(d: KubeObject, s: Record<string, unknown>): boolean {
  const o = d.status ?? {};
  const n = (x: unknown) => (x as number | undefined) ?? 0;
  const oldOld = n(o.replicas) - n(o.updatedReplicas);
  const newOld = n(s.replicas) - n(s.updatedReplicas);
  return (
    n(s.updatedReplicas) > n(o.updatedReplicas) ||
    newOld < oldOld ||
    n(s.readyReplicas) > n(o.readyReplicas) ||
    n(s.availableReplicas) > n(o.availableReplicas)
  );
}

/** `DeploymentTimedOut`: no progress reported for progressDeadlineSeconds. */
export function deploymentTimedOut(d: KubeObject, s: Record<string, unknown>, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(s, "Progressing");
  if (!cond) return false;
  if (cond.reason === Reasons.NewRSAvailable) return false;
  if (cond.reason === Reasons.TimedOut) return true;
  return parseTimestampMs(cond.lastUpdateTime) + d.spec.progressDeadlineSeconds * 1000 < nowMs;
}
