/**
 * The DaemonSet controller (`pkg/controller/daemon/daemon_controller.go`, `update.go`, v1.32)
 * on the controller framework: one pod per eligible node (node name, node affinity /
 * nodeSelector, taints with the daemon tolerations), created with node affinity
 * `metadata.name In [<node>]` so the default scheduler binds it; failed pods replaced with
 * back-off; ControllerRevisions with `controller-revision-hash`; RollingUpdate within
 * `maxUnavailable` / `maxSurge` (OnDelete leaves old pods alone); the status numbers
 * (desired/current/ready/up-to-date/available/misscheduled). Events `SuccessfulCreate`
 * "Created pod: <name>", `SuccessfulDelete` "Deleted pod: <name>", `FailedDaemonPod`.
 */
import type { Node } from "kubernetes-types/core/v1";
import { type LabelSelectorRequirements, labelSelectorFromObject, labelsMatch } from "../../api/selectors";
import type { KubeObject } from "../../api/types";
import {
  CONTROLLER_UID_INDEX,
  claimResults,
  claimsPending,
  defineController,
  errorMessage,
  getControllerOf,
  type HandlerContext,
  isSuccess,
  issueClaims,
  keyOf,
  newControllerRef,
  ORPHAN_INDEX,
  planClaims,
  type SyncContext,
  splitKey,
  type WriteResult,
} from "../framework";
import {
  creationObserved,
  deleteExpectations,
  deletionObserved,
  type Expectations,
  lowerExpectations,
  satisfiedExpectations,
} from "../framework/expectations";
import { isPodReady, podFromTemplate, podKey } from "../framework/pod-util";
import {
  CONTROLLER_REVISION_HASH_LABEL,
  createPodTemplate,
  nodeShouldRunDaemonPod,
  replaceNodeNameNodeAffinity,
  targetNodeName,
} from "./daemon-pods";
import { type BackoffEntry, daemonSetCounts, planManage, planRollingUpdate } from "./daemonset-plan";
import { matchRevision, maxRevision, newRevision, revisionsToDelete } from "./history";

/** The controller's canonical name (`names.DaemonSetController`); alias `daemonset`. */
export const DAEMONSET_CONTROLLER = "daemonset-controller";

const DS = "daemonsets.apps";
const CR = "controllerrevisions.apps";
const PODS = "pods";
/** `BurstReplicas`: creations or deletions per sync. */
const BURST_REPLICAS = 250;
/** `controller.SlowStartInitialBatchSize`. */
const SLOW_START_INITIAL_BATCH_SIZE = 1;

/** The controller's plain data. */
export interface DaemonSetData {
  expectations: Expectations;
  /** `failedPodsBackoff` by `<ds uid>/<node>`. */
  backoff: Record<string, BackoffEntry>;
}

type Ctx = SyncContext<DaemonSetData>;
type HCtx = HandlerContext<DaemonSetData>;

/** A sync's progress (step data, plain). */
interface Progress {
  pods: KubeObject[];
  hash: string;
  old: KubeObject[];
  phase: "manage" | "rolling";
  creates: string[];
  created: number;
  batch: number;
  error: string | null;
}

function safeSelector(ds: KubeObject): LabelSelectorRequirements {
  try {
    return labelSelectorFromObject(ds.spec?.selector);
  } catch {
    return null;
  }
}

function current(c: Ctx): KubeObject | undefined {
  const { namespace, name } = splitKey(c.key);
  return c.get(DS, namespace, name);
}

// ---- event handlers ------------------------------------------------------------------------

function resolveControllerRef(c: HCtx, obj: KubeObject): KubeObject | undefined {
  const ref = getControllerOf(obj);
  if (ref?.kind !== "DaemonSet") return undefined;
  const ds = c.get(DS, obj.metadata.namespace ?? "", ref.name);
  return ds?.metadata.uid === ref.uid ? ds : undefined;
}

/** `getDaemonSetsForPod`: DaemonSets of the namespace whose selector matches an orphan. */
function daemonSetsForPod(c: HCtx, pod: KubeObject): KubeObject[] {
  return c.list(DS, pod.metadata.namespace ?? "").filter((ds) => {
    const sel = safeSelector(ds);
    return sel !== null && sel.length > 0 && labelsMatch(sel, pod.metadata.labels);
  });
}

function onPodDeleted(c: HCtx, pod: KubeObject): void {
  const ds = resolveControllerRef(c, pod);
  if (!ds) return;
  deletionObserved(c.data.expectations, keyOf(ds), podKey(pod));
  c.enqueue(keyOf(ds));
}

function onPodChanged(c: HCtx, pod: KubeObject, old: KubeObject | undefined): void {
  if (!old) {
    if (pod.metadata.deletionTimestamp) {
      onPodDeleted(c, pod);
      return;
    }
    if (getControllerOf(pod)) {
      const ds = resolveControllerRef(c, pod);
      if (!ds) return;
      creationObserved(c.data.expectations, keyOf(ds));
      c.enqueue(keyOf(ds));
      return;
    }
    for (const ds of daemonSetsForPod(c, pod)) c.enqueue(keyOf(ds));
    return;
  }
  if (pod.metadata.resourceVersion === old.metadata.resourceVersion) return;
  if (pod.metadata.deletionTimestamp) {
    onPodDeleted(c, pod);
    return;
  }
  const cur = getControllerOf(pod);
  const prev = getControllerOf(old);
  if (JSON.stringify(cur ?? null) !== JSON.stringify(prev ?? null) && prev) {
    const oldDs = resolveControllerRef(c, old);
    if (oldDs) c.enqueue(keyOf(oldDs));
  }
  if (cur) {
    const ds = resolveControllerRef(c, pod);
    if (!ds) return;
    c.enqueue(keyOf(ds));
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (!isPodReady(old) && isPodReady(pod) && minReady > 0) c.enqueueAfter(keyOf(ds), minReady * 1000);
    return;
  }
  if (JSON.stringify(pod.metadata.labels ?? {}) !== JSON.stringify(old.metadata.labels ?? {}))
    for (const ds of daemonSetsForPod(c, pod)) c.enqueue(keyOf(ds));
}

/** `updateNode`: only label and taint changes can change where daemon pods belong. */
function onNodeChanged(c: HCtx, node: KubeObject, old: KubeObject | undefined): void {
  if (
    old &&
    JSON.stringify(old.metadata.labels ?? {}) === JSON.stringify(node.metadata.labels ?? {}) &&
    JSON.stringify(old.spec?.taints ?? []) === JSON.stringify(node.spec?.taints ?? [])
  )
    return;
  for (const ds of c.list(DS)) {
    const now = nodeShouldRunDaemonPod(node as Node, ds);
    if (!old) {
      if (now.shouldRun) c.enqueue(keyOf(ds));
      continue;
    }
    const was = nodeShouldRunDaemonPod(old as Node, ds);
    if (was.shouldRun !== now.shouldRun || was.shouldContinueRunning !== now.shouldContinueRunning)
      c.enqueue(keyOf(ds));
  }
}

// ---- sync ----------------------------------------------------------------------------------

/** `syncDaemonSet`: claim pods, then history, manage, rolling update, status. */
function syncDaemonSet(c: Ctx, key: string): void {
  const { namespace, name } = splitKey(key);
  const ds = c.get(DS, namespace, name);
  if (!ds) {
    deleteExpectations(c.data.expectations, key);
    return;
  }
  const sel = ds.spec?.selector;
  if (
    !sel ||
    ((sel.matchLabels === undefined || Object.keys(sel.matchLabels).length === 0) &&
      !sel.matchExpressions?.length)
  ) {
    c.event(
      ds,
      "Warning",
      "SelectingAll",
      "This daemon set is selecting all pods. A non-empty selector is required.",
    );
    return;
  }
  // A DaemonSet being deleted: its history may be gone already, so its status cannot be computed.
  if (ds.metadata.deletionTimestamp) return;
  const selector = safeSelector(ds);
  if (selector === null) return;
  const candidates = [
    ...c.byIndex(PODS, CONTROLLER_UID_INDEX, ds.metadata.uid ?? ""),
    ...c.byIndex(PODS, ORPHAN_INDEX, namespace),
  ];
  const plan = planClaims(ds, selector, candidates);
  if (claimsPending(plan)) {
    issueClaims(c, PODS, ds, plan);
    c.continueWith("claimed", { plan });
    return;
  }
  constructHistory(c, ds, plan.claimed);
}

/** `constructHistory`: find the revision of the current template, or create it. */
function constructHistory(c: Ctx, ds: KubeObject, pods: KubeObject[]): void {
  const histories = c.byIndex(CR, CONTROLLER_UID_INDEX, ds.metadata.uid ?? "");
  const cur: KubeObject[] = [];
  const old: KubeObject[] = [];
  for (const h of histories) (matchRevision(ds, h) ? cur : old).push(h);
  const currRevision = maxRevision(old) + 1;
  if (cur.length === 0) {
    c.create(CR, ds.metadata.namespace ?? "", newRevision(ds, currRevision));
    c.continueWith("history", { pods, old });
    return;
  }
  // dedupCurHistories keeps the newest; its revision number moves to the top.
  cur.sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0));
  const keep = cur[0]!;
  if ((keep.revision ?? 0) < currRevision) c.update(CR, { ...keep, revision: currRevision });
  afterHistory(c, ds, pods, keep.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? "", old);
}

function afterHistory(c: Ctx, ds: KubeObject, pods: KubeObject[], hash: string, old: KubeObject[]): void {
  const p: Progress = { pods, hash, old, phase: "manage", creates: [], created: 0, batch: 0, error: null };
  if (!satisfiedExpectations(c.data.expectations, c.key, c.now)) {
    // Only update status; observedGeneration stays: this generation was not processed.
    writeStatus(c, ds, p, false);
    return;
  }
  const nodes = c.list("nodes") as Node[];
  const m = planManage(ds, nodes, nodeToDaemonPods(pods), hash, c.unixMs, c.data.backoff);
  for (const msg of m.failedPodMessages) c.event(ds, "Warning", "FailedDaemonPod", msg);
  if (m.requeueAfterMs !== null) c.enqueueAfter(c.key, m.requeueAfterMs);
  syncNodes(c, ds, p, m.podsToDelete, m.nodesNeedingDaemonPods);
}

/**
 * `getNodesToDaemonPods(ds, includeDeletedTerminal=false)`: pods by the node they run on (or are
 * pinned to); a terminal pod already being deleted is nothing more to the controller.
 */
function nodeToDaemonPods(pods: readonly KubeObject[]): Record<string, KubeObject[]> {
  const out: Record<string, KubeObject[]> = {};
  for (const p of pods) {
    const terminal = p.status?.phase === "Succeeded" || p.status?.phase === "Failed";
    if (terminal && p.metadata.deletionTimestamp) continue;
    const n = targetNodeName(p);
    if (n === null) continue;
    const list = out[n] ?? [];
    list.push(p);
    out[n] = list;
  }
  return out;
}

/** `syncNodes`: set expectations, delete, and create in slow-start batches (at most 250 each). */
function syncNodes(
  c: Ctx,
  ds: KubeObject,
  p: Progress,
  podsToDelete: string[],
  nodesNeeding: string[],
): void {
  const creates = nodesNeeding.slice(0, BURST_REPLICAS);
  const deletes = podsToDelete.slice(0, BURST_REPLICAS);
  const ns = ds.metadata.namespace ?? "";
  if (creates.length === 0 && deletes.length === 0) {
    phaseDone(c, ds, p);
    return;
  }
  const deleting: Record<string, true> = {};
  for (const d of deletes) deleting[`${ns}/${d}`] = true;
  c.data.expectations[c.key] = { add: creates.length, del: deletes.length, timestamp: c.now, deleting };
  for (const d of deletes) c.delete(PODS, ns, d, undefined, { label: { del: `${ns}/${d}` } });
  p.creates = creates;
  p.created = 0;
  p.batch = Math.min(creates.length, SLOW_START_INITIAL_BATCH_SIZE);
  createBatch(c, ds, p);
}

function createBatch(c: Ctx, ds: KubeObject, p: Progress): void {
  const template = createPodTemplate(ds, p.hash);
  const ref = newControllerRef(ds);
  for (let i = p.created; i < p.created + p.batch; i++) {
    const t = JSON.parse(JSON.stringify(template));
    // The default scheduler binds the pod to its node through this affinity.
    t.spec.affinity = replaceNodeNameNodeAffinity(t.spec.affinity, p.creates[i]!);
    c.create(PODS, ds.metadata.namespace ?? "", podFromTemplate(t, ds, ref), {
      label: { create: p.creates[i] },
    });
  }
  c.continueWith("nodesSynced", p);
}

function nodesSynced(c: Ctx, results: WriteResult[], data: unknown): void {
  const p = data as Progress;
  const ds = current(c);
  let failedCreate = false;
  let attempted = 0;
  for (const r of results) {
    const l = r.label as { create?: string; del?: string };
    if (l.del !== undefined) {
      if (isSuccess(r)) {
        if (ds) c.event(ds, "Normal", "SuccessfulDelete", `Deleted pod: ${splitKey(l.del).name}`);
        continue;
      }
      deletionObserved(c.data.expectations, c.key, l.del);
      if (r.code !== 404) {
        if (ds) c.event(ds, "Warning", "FailedDelete", `Error deleting: ${errorMessage(r)}`);
        p.error ??= errorMessage(r);
      }
      continue;
    }
    if (l.create === undefined) continue;
    attempted++;
    if (isSuccess(r)) {
      if (ds)
        c.event(ds, "Normal", "SuccessfulCreate", `Created pod: ${(r.body as KubeObject).metadata.name}`);
      continue;
    }
    failedCreate = true;
    creationObserved(c.data.expectations, c.key);
    if (ds) c.event(ds, "Warning", "FailedCreate", `Error creating: ${errorMessage(r)}`);
    p.error ??= errorMessage(r);
  }
  p.created += attempted;
  const remaining = p.creates.length - p.created;
  if (!ds) return;
  if (remaining > 0 && !failedCreate) {
    p.batch = Math.min(2 * p.batch, remaining);
    createBatch(c, ds, p);
    return;
  }
  // Skipped creations after a failed batch will never be observed.
  if (remaining > 0) lowerExpectations(c.data.expectations, c.key, remaining, 0);
  phaseDone(c, ds, p);
}

/** After manage: the rolling update (when nothing is in flight); after that: history cleanup and status. */
function phaseDone(c: Ctx, ds: KubeObject, p: Progress): void {
  if (p.phase === "manage" && satisfiedExpectations(c.data.expectations, c.key, c.now)) {
    p.phase = "rolling";
    if ((ds.spec?.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate") {
      const nodes = c.list("nodes") as Node[];
      const u = planRollingUpdate(ds, nodes, nodeToDaemonPods(p.pods), p.hash, c.unixMs);
      syncNodes(c, ds, p, u.podsToDelete, u.nodesToCreate);
      return;
    }
  }
  // cleanupHistory: old revisions no live pod runs, beyond revisionHistoryLimit.
  const live = new Set<string>();
  for (const pod of p.pods)
    if (!pod.metadata.deletionTimestamp)
      live.add(pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? "");
  for (const r of revisionsToDelete(ds, p.old, live))
    c.delete(CR, r.metadata.namespace ?? "", r.metadata.name ?? "", undefined, { label: { history: true } });
  writeStatus(c, ds, p, true);
}

/** `updateDaemonSetStatus` + `storeDaemonSetStatus`. */
function writeStatus(c: Ctx, ds: KubeObject, p: Progress, updateObservedGen: boolean): void {
  const nodes = c.list("nodes") as Node[];
  // The pods as the cache sees them now (the claimed set may have changed during the sync).
  const pods = c.byIndex(PODS, CONTROLLER_UID_INDEX, ds.metadata.uid ?? "");
  const counts = daemonSetCounts(ds, nodes, nodeToDaemonPods(pods), p.hash, c.unixMs);
  const old = ds.status ?? {};
  const status: Record<string, unknown> = {
    currentNumberScheduled: counts.currentNumberScheduled,
    numberMisscheduled: counts.numberMisscheduled,
    desiredNumberScheduled: counts.desiredNumberScheduled,
    numberReady: counts.numberReady,
  };
  const observedGeneration = updateObservedGen ? ds.metadata.generation : old.observedGeneration;
  if (observedGeneration) status.observedGeneration = observedGeneration;
  // omitempty fields.
  if (counts.updatedNumberScheduled) status.updatedNumberScheduled = counts.updatedNumberScheduled;
  if (counts.numberAvailable) status.numberAvailable = counts.numberAvailable;
  if (counts.numberUnavailable) status.numberUnavailable = counts.numberUnavailable;
  if (old.collisionCount !== undefined) status.collisionCount = old.collisionCount;
  if (old.conditions) status.conditions = old.conditions;
  const same = JSON.stringify(sortKeys(old)) === JSON.stringify(sortKeys(status));
  if (!same) c.updateStatus(DS, { ...ds, status }, { label: { status: true } });
  // Resync after minReadySeconds as a last line of defence against clock skew.
  const minReady = ds.spec?.minReadySeconds ?? 0;
  if (minReady > 0 && counts.numberReady !== counts.numberAvailable) c.enqueueAfter(c.key, minReady * 1000);
  c.continueWith("finished", { error: p.error });
}

function sortKeys(o: Record<string, unknown>): [string, unknown][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The DaemonSet controller. */
export const daemonSetController = defineController<DaemonSetData>({
  name: DAEMONSET_CONTROLLER,
  aliases: ["daemonset"],
  component: "daemonset-controller",
  // --concurrent-daemonset-syncs
  workers: 2,
  informers: [
    { resource: DS },
    { resource: CR, indexers: [CONTROLLER_UID_INDEX] },
    { resource: PODS, indexers: [CONTROLLER_UID_INDEX, ORPHAN_INDEX] },
    { resource: "nodes" },
  ],
  init: () => ({ expectations: {}, backoff: {} }),
  handlers: {
    [DS]: (c, d) => {
      if (d.type === "DELETED") deleteExpectations(c.data.expectations, keyOf(d.object));
      c.enqueue(keyOf(d.object));
    },
    [CR]: (c, d) => {
      const ds = resolveControllerRef(c, d.object);
      if (ds) c.enqueue(keyOf(ds));
    },
    [PODS]: (c, d) => {
      if (d.type === "DELETED") onPodDeleted(c, d.object);
      else onPodChanged(c, d.object, d.old);
    },
    nodes: (c, d) => {
      if (d.type !== "DELETED") onNodeChanged(c, d.object, d.old);
    },
  },
  sync: syncDaemonSet,
  steps: {
    claimed(c, results, data) {
      const { plan } = data as { plan: ReturnType<typeof planClaims> };
      const { claimed, error } = claimResults(plan, results);
      if (error !== null) {
        c.fail(error);
        return;
      }
      const ds = current(c);
      if (ds) constructHistory(c, ds, claimed);
    },
    history(c, results, data) {
      const { pods, old } = data as { pods: KubeObject[]; old: KubeObject[] };
      const r = results[0]!;
      const ds = current(c);
      if (!ds) return;
      if (!isSuccess(r)) {
        // A revision of that name exists with another template: a hash collision. Count it so
        // the next hash differs (the cache not having seen our own create is retried as is).
        const existing = c.get(CR, ds.metadata.namespace ?? "", newRevision(ds, 0).metadata.name ?? "");
        if (r.code === 409 && existing && !matchRevision(ds, existing)) {
          const collisionCount = (ds.status?.collisionCount ?? 0) + 1;
          c.updateStatus(DS, { ...ds, status: { ...(ds.status ?? {}), collisionCount } });
        }
        c.fail(`creating ControllerRevision: ${errorMessage(r)}`);
        return;
      }
      const cr = r.body as KubeObject;
      afterHistory(c, ds, pods, cr.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? "", old);
    },
    nodesSynced,
    finished(c, results, data) {
      const { error } = data as { error: string | null };
      const status = results.find((r) => (r.label as { status?: boolean } | null)?.status);
      if (status && !isSuccess(status)) {
        c.fail(`updating status: ${errorMessage(status)}`);
        return;
      }
      if (error !== null) c.fail(error);
    },
  },
});
