/**
 * The ReplicaSet controller (pkg/controller/replicaset/replica_set.go): keeps
 * `spec.replicas` active pods per ReplicaSet. It claims pods (adopting matching orphans,
 * releasing pods that no longer match), creates missing pods in slow-start batches of 1, 2,
 * 4, … (at most `burstReplicas` 500 per sync), deletes surplus pods in `getPodsToDelete` order,
 * waits for its informer to observe what it asked for (expectations), and writes the status.
 * Events: `SuccessfulCreate` "Created pod: <pod>", `FailedCreate` "Error creating: <err>",
 * `SuccessfulDelete` "Deleted pod: <pod>", `FailedDelete` "Error deleting: <err>".
 */
import { type LabelSelectorRequirements, labelSelectorFromObject, labelsMatch } from "../../api/selectors";
import type { KubeObject } from "../../api/types";
import { type ClaimPlan, claimResults, claimsPending, issueClaims, planClaims } from "../framework/claim";
import {
  defineController,
  errorMessage,
  type HandlerContext,
  isSuccess,
  type SyncContext,
  type WriteResult,
} from "../framework/controller";
import {
  CONTROLLER_UID_INDEX,
  getControllerOf,
  keyOf,
  NAMESPACE_INDEX,
  newControllerRef,
  ORPHAN_INDEX,
  splitKey,
} from "../framework/controller-ref";
import {
  creationObserved,
  deleteExpectations,
  deletionObserved,
  type Expectations,
  expectCreations,
  expectDeletions,
  lowerExpectations,
  satisfiedExpectations,
} from "../framework/expectations";
import {
  comparePodsForDeletion,
  isPodActive,
  isPodReady,
  podFromTemplate,
  podKey,
} from "../framework/pod-util";
import { calculateReplicaSetStatus, replicaSetStatusUnchanged } from "./status";

/** `BurstReplicas`: at most this many creations or deletions per sync. */
export const BURST_REPLICAS = 500;
/** `controller.SlowStartInitialBatchSize`. */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

const RS = "replicasets.apps";
const PODS = "pods";

interface Data {
  expectations: Expectations;
}

type Ctx = SyncContext<Data>;

/** Where a sync is: the pods it works on and what it has done so far (step data, plain). */
interface Progress {
  pods: KubeObject[];
  /** Pods to create in total this sync, created so far, the current batch size. */
  diff: number;
  created: number;
  batch: number;
  manageError: string | null;
}

function resolveControllerRef(
  c: HandlerContext<Data>,
  namespace: string,
  pod: KubeObject,
): KubeObject | undefined {
  const ref = getControllerOf(pod);
  if (ref?.kind !== "ReplicaSet") return undefined;
  const rs = c.get(RS, namespace, ref.name);
  return rs?.metadata.uid === ref.uid ? rs : undefined;
}

/** `GetPodReplicaSets`: ReplicaSets of the pod's namespace whose selector matches it (for orphans). */
function podReplicaSets(c: HandlerContext<Data>, pod: KubeObject): KubeObject[] {
  const ns = pod.metadata.namespace ?? "";
  return c.list(RS, ns).filter((rs) => {
    const sel = safeSelector(rs);
    return sel !== null && sel.length > 0 && labelsMatch(sel, pod.metadata.labels);
  });
}

function safeSelector(rs: KubeObject): LabelSelectorRequirements {
  try {
    return labelSelectorFromObject(rs.spec?.selector);
  } catch {
    return null;
  }
}

function onPodDeleted(c: HandlerContext<Data>, pod: KubeObject): void {
  const rs = resolveControllerRef(c, pod.metadata.namespace ?? "", pod);
  if (!rs) return;
  const key = keyOf(rs);
  deletionObserved(c.data.expectations, key, podKey(pod));
  c.enqueue(key);
}

function onPodChanged(c: HandlerContext<Data>, pod: KubeObject, old: KubeObject | undefined): void {
  if (!old) {
    if (pod.metadata.deletionTimestamp) {
      onPodDeleted(c, pod);
      return;
    }
    const rs = resolveControllerRef(c, pod.metadata.namespace ?? "", pod);
    if (getControllerOf(pod)) {
      if (!rs) return;
      creationObserved(c.data.expectations, keyOf(rs));
      c.enqueue(keyOf(rs));
      return;
    }
    for (const r of podReplicaSets(c, pod)) c.enqueue(keyOf(r));
    return;
  }
  if (pod.metadata.resourceVersion === old.metadata.resourceVersion) return;
  const labelChanged =
    JSON.stringify(pod.metadata.labels ?? {}) !== JSON.stringify(old.metadata.labels ?? {});
  if (pod.metadata.deletionTimestamp) {
    onPodDeleted(c, pod);
    if (labelChanged) onPodDeleted(c, old);
    return;
  }
  const cur = getControllerOf(pod);
  const prev = getControllerOf(old);
  const refChanged = JSON.stringify(cur ?? null) !== JSON.stringify(prev ?? null);
  if (refChanged && prev) {
    const oldRs = resolveControllerRef(c, old.metadata.namespace ?? "", old);
    if (oldRs) c.enqueue(keyOf(oldRs));
  }
  if (cur) {
    const rs = resolveControllerRef(c, pod.metadata.namespace ?? "", pod);
    if (!rs) return;
    c.enqueue(keyOf(rs));
    // A pod that became ready is available only after minReadySeconds: look again then (+1 s skew).
    const minReady = rs.spec?.minReadySeconds ?? 0;
    if (!isPodReady(old) && isPodReady(pod) && minReady > 0)
      c.enqueueAfter(keyOf(rs), minReady * 1000 + 1000);
    return;
  }
  if (labelChanged || refChanged) for (const r of podReplicaSets(c, pod)) c.enqueue(keyOf(r));
}

/** The ReplicaSet controller. */
export const replicaSetController = defineController<Data>({
  name: "replicaset-controller",
  aliases: ["replicaset"],
  component: "replicaset-controller",
  // --concurrent-replicaset-syncs (pkg/controller/replicaset/config/v1alpha1/defaults.go).
  workers: 5,
  informers: [
    { resource: RS, indexers: [CONTROLLER_UID_INDEX, NAMESPACE_INDEX] },
    { resource: PODS, indexers: [CONTROLLER_UID_INDEX, ORPHAN_INDEX] },
  ],
  init: () => ({ expectations: {} }),
  handlers: {
    [RS]: (c, d) => {
      const key = keyOf(d.object);
      if (d.type === "DELETED") deleteExpectations(c.data.expectations, key);
      else if (d.old && d.old.metadata.uid !== d.object.metadata.uid)
        deleteExpectations(c.data.expectations, keyOf(d.old));
      c.enqueue(key);
    },
    [PODS]: (c, d) => {
      if (d.type === "DELETED") onPodDeleted(c, d.object);
      else onPodChanged(c, d.object, d.old);
    },
  },
  sync(c, key) {
    const { namespace, name } = splitKey(key);
    const rs = c.get(RS, namespace, name);
    if (!rs) {
      deleteExpectations(c.data.expectations, key);
      return;
    }
    const selector = safeSelector(rs);
    if (selector === null) return; // invalid selector: nothing to do (the error is only logged)
    // Every pod of the namespace, through indexes: those this ReplicaSet controls and the orphans.
    const candidates = [
      ...c.byIndex(PODS, CONTROLLER_UID_INDEX, rs.metadata.uid ?? ""),
      ...c.byIndex(PODS, ORPHAN_INDEX, namespace),
    ].filter(isPodActive);
    const plan = planClaims(rs, selector, candidates);
    const needsSync = satisfiedExpectations(c.data.expectations, key, c.now);
    if (claimsPending(plan)) {
      issueClaims(c, PODS, rs, plan);
      c.continueWith("claimed", { plan, needsSync });
      return;
    }
    manageReplicas(c, rs, plan.claimed, needsSync);
  },
  steps: {
    claimed(c, results, data) {
      const { plan, needsSync } = data as { plan: ClaimPlan; needsSync: boolean };
      const { claimed, error } = claimResults(plan, results);
      if (error !== null) {
        c.fail(error);
        return;
      }
      const rs = current(c);
      if (rs) manageReplicas(c, rs, claimed, needsSync);
    },
    created(c, results, data) {
      const p = data as Progress;
      const rs = current(c);
      let failed: WriteResult | null = null;
      for (const r of results) {
        if (isSuccess(r) || namespaceTerminating(r)) {
          p.created++;
          if (rs && isSuccess(r))
            c.event(rs, "Normal", "SuccessfulCreate", `Created pod: ${(r.body as KubeObject).metadata.name}`);
          continue;
        }
        failed ??= r;
        if (rs) c.event(rs, "Warning", "FailedCreate", `Error creating: ${errorMessage(r)}`);
      }
      const remaining = p.diff - p.created;
      if (failed === null && remaining > 0 && rs) {
        // The whole batch succeeded: the next one may be twice as large.
        p.batch = Math.min(2 * p.batch, remaining);
        createBatch(c, rs, p);
        return;
      }
      if (remaining > 0) {
        // Skipped and failed creations will never be observed.
        lowerExpectations(c.data.expectations, c.key, remaining, 0);
      }
      if (failed !== null) p.manageError = errorMessage(failed);
      if (rs) writeStatus(c, rs, p.pods, p.manageError);
      else if (p.manageError !== null) c.fail(p.manageError);
    },
    deleted(c, results, data) {
      const p = data as Progress;
      const rs = current(c);
      for (const r of results) {
        const pod = r.label as string;
        if (isSuccess(r)) {
          if (rs) c.event(rs, "Normal", "SuccessfulDelete", `Deleted pod: ${splitKey(pod).name}`);
          continue;
        }
        deletionObserved(c.data.expectations, c.key, pod);
        if (r.code === 404) continue;
        if (rs) c.event(rs, "Warning", "FailedDelete", `Error deleting: ${errorMessage(r)}`);
        p.manageError ??= errorMessage(r);
      }
      if (rs) writeStatus(c, rs, p.pods, p.manageError);
      else if (p.manageError !== null) c.fail(p.manageError);
    },
    statusWritten(c, results, data) {
      const { manageError } = data as { manageError: string | null };
      const r = results[0];
      if (r && !isSuccess(r)) {
        c.fail(`updating status: ${errorMessage(r)}`);
        return;
      }
      if (manageError !== null) {
        c.fail(manageError);
        return;
      }
      const rs = r ? (r.body as KubeObject) : current(c);
      if (!rs) return;
      // Resync after MinReadySeconds as a last line of defence against clock skew.
      const minReady = rs.spec?.minReadySeconds ?? 0;
      const want = rs.spec?.replicas ?? 1;
      if (
        minReady > 0 &&
        (rs.status?.readyReplicas ?? 0) === want &&
        (rs.status?.availableReplicas ?? 0) !== want
      )
        c.enqueueAfter(c.key, minReady * 1000);
    },
  },
});

function current(c: Ctx): KubeObject | undefined {
  const { namespace, name } = splitKey(c.key);
  return c.get(RS, namespace, name);
}

function namespaceTerminating(r: WriteResult): boolean {
  const causes =
    (r.body as { details?: { causes?: { type?: string }[] } } | undefined)?.details?.causes ?? [];
  return causes.some((x) => x.type === "NamespaceTerminating");
}

/** `manageReplicas`: create or delete pods toward `spec.replicas`, then write status. */
function manageReplicas(c: Ctx, rs: KubeObject, pods: KubeObject[], needsSync: boolean): void {
  const want = rs.spec?.replicas ?? 1;
  const diff = pods.length - want;
  const p: Progress = { pods, diff: 0, created: 0, batch: 0, manageError: null };
  if (!needsSync || rs.metadata.deletionTimestamp || diff === 0) {
    writeStatus(c, rs, pods, null);
    return;
  }
  if (diff < 0) {
    p.diff = Math.min(-diff, BURST_REPLICAS);
    expectCreations(c.data.expectations, c.key, p.diff, c.now);
    p.batch = Math.min(p.diff, SLOW_START_INITIAL_BATCH_SIZE);
    createBatch(c, rs, p);
    return;
  }
  const n = Math.min(diff, BURST_REPLICAS);
  const victims = podsToDelete(c, rs, pods, n);
  expectDeletions(
    c.data.expectations,
    c.key,
    victims.map((v) => podKey(v)),
    c.now,
  );
  for (const v of victims)
    c.delete(PODS, v.metadata.namespace ?? "", v.metadata.name ?? "", undefined, { label: podKey(v) });
  c.continueWith("deleted", p);
}

function createBatch(c: Ctx, rs: KubeObject, p: Progress): void {
  const ref = newControllerRef(rs);
  for (let i = 0; i < p.batch; i++)
    c.create(PODS, rs.metadata.namespace ?? "", podFromTemplate(rs.spec.template, rs, ref));
  c.continueWith("created", p);
}

/**
 * `getPodsToDelete`: rank the pods (`ActivePodsWithRanks`, the rank being how many active pods
 * of the same owner's ReplicaSets share the node) and take the first `n`.
 */
function podsToDelete(c: Ctx, rs: KubeObject, pods: KubeObject[], n: number): KubeObject[] {
  if (n >= pods.length) return pods.slice(0, n);
  const related: KubeObject[] = [];
  const owner = getControllerOf(rs);
  const family = owner ? c.byIndex(RS, CONTROLLER_UID_INDEX, owner.uid) : [rs];
  for (const r of family) related.push(...c.byIndex(PODS, CONTROLLER_UID_INDEX, r.metadata.uid ?? ""));
  const onNode: Record<string, number> = {};
  for (const pod of related)
    if (isPodActive(pod)) onNode[pod.spec?.nodeName ?? ""] = (onNode[pod.spec?.nodeName ?? ""] ?? 0) + 1;
  const nowMs = c.unixMs;
  const ranked = pods.map((pod) => ({ pod, rank: onNode[pod.spec?.nodeName ?? ""] ?? 0 }));
  ranked.sort((a, b) => comparePodsForDeletion(a.pod, b.pod, a.rank, b.rank, nowMs));
  return ranked.slice(0, n).map((x) => x.pod);
}

/** Compute and, when it changed, write the status (`updateReplicaSetStatus`). */
function writeStatus(c: Ctx, rs: KubeObject, pods: KubeObject[], manageError: string | null): void {
  const nowMs = c.unixMs;
  const status = calculateReplicaSetStatus(rs, pods, manageError, nowMs, c.timestamp());
  if (replicaSetStatusUnchanged(rs, status)) {
    c.continueWith("statusWritten", { manageError });
    return;
  }
  status.observedGeneration = rs.metadata.generation;
  c.updateStatus(RS, { ...rs, status });
  c.continueWith("statusWritten", { manageError });
}
