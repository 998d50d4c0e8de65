/**
 * The Deployment controller (pkg/controller/deployment): owns ReplicaSets named
 * `<deployment>-<pod-template-hash>`, rolls out template changes (RollingUpdate within
 * maxSurge/maxUnavailable, or Recreate), scales proportionally, keeps `revisionHistoryLimit` old
 * ReplicaSets, honours `paused`, and reports the Available/Progressing conditions with
 * `progressDeadlineSeconds`. Rollback (`kubectl rollout undo`) is a template change back to an
 * old ReplicaSet's template: that ReplicaSet becomes the new one and gets the next revision.
 *
 * One sync is the real `syncDeployment`: a sequence of decisions, each possibly writing and
 * waiting for the answer before the next (`Run.stage`), so the order of API calls, events and
 * conditions is the real one.
 */
import { type LabelSelectorRequirements, labelSelectorFromObject, labelsMatch } from "../../api/selectors";
import type { KubeObject } from "../../api/types";
import { deepEqual } from "../../core/clone";
import { type ClaimPlan, claimResults, claimsPending, issueClaims, planClaims } from "../framework/claim";
import {
  defineController,
  errorMessage,
  type HandlerContext,
  isSuccess,
  type SyncContext,
  statusReason,
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
import { parseTimestampMs } from "../framework/time";
import { computeHash } from "./hash";
import {
  activeReplicaSets,
  byCreationTimestamp,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  calculateStatus,
  DESIRED_REPLICAS_ANNOTATION,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  equalIgnoreHash,
  findNewReplicaSet,
  getCondition,
  hasProgressDeadline,
  hasRevisionHistoryLimit,
  intAnnotation,
  isRollingUpdate,
  MAX_REPLICAS_ANNOTATION,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newCondition,
  newReplicaSetAnnotations,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  Reasons,
  removeCondition,
  replicasAnnotations,
  replicasOf,
  scaledValue,
  setCondition,
  specReplicas,
  statusCount,
} from "./util";

const DEPLOY = "deployments.apps";
const RS = "replicasets.apps";
const PODS = "pods";

type Ctx = SyncContext<null>;

/** Where a sync is. */
type Stage =
  | "pausedConditions"
  | "afterPaused"
  | "scalingCheck"
  | "rolling"
  | "reconcileNew"
  | "afterReconcileNew"
  | "reconcileOld"
  | "afterReconcileOld"
  | "recreate"
  | "afterRecreateScaleDown"
  | "recreateScaleUp"
  | "afterRecreateScaleUp"
  | "revision"
  | "revisionCreated"
  | "scale"
  | "cleanup"
  | "syncStatus"
  | "rolloutStatus"
  | "done";

/** A sync in progress (step data: plain). */
interface Run {
  d: KubeObject;
  rsList: KubeObject[];
  /** Recreate: whether pods of old ReplicaSets are still running (podMap, from the cache at start). */
  oldPodsRunning: boolean;
  stage: Stage;
  /** The `revision` sub-stage: create the new ReplicaSet if missing, then go on to `revisionThen`. */
  revisionCreate: boolean;
  revisionThen: Stage;
  /** `cleanup` goes on to this stage. */
  cleanupThen: Stage;
  /** `scale` goes on to this stage. */
  scaleThen: Stage;
  /** Whether the last scaling step changed any ReplicaSet's size. */
  scaled: boolean;
  /** The name of the ReplicaSet being created (revisionCreated). */
  creating: { name: string; replicas: number } | null;
  /** An error that ends the sync once the current writes are answered. */
  error: string | null;
  /** The answer to the create of the new ReplicaSet. */
  createResult: WriteResult | null;
  /** The revision annotation the Deployment should carry after its status write (see `applyResults`). */
  wantRevision: string | null;
}

/** A label on a write: what the answer updates in the run, and the event to record on success. */
interface Label {
  kind: "deployment" | "rs" | "createRS" | "deleteRS" | "annotations";
  /** `ScalingReplicaSet` messages to record on success. */
  events?: string[];
  /** For RS scale writes: replicas before and after (to know whether it scaled). */
  from?: number;
  to?: number;
}

// ---- handlers ---------------------------------------------------------------------------------

function deploymentForRS(c: HandlerContext<null>, rs: KubeObject): KubeObject | undefined {
  const ref = getControllerOf(rs);
  if (ref?.kind !== "Deployment") return undefined;
  const d = c.get(DEPLOY, rs.metadata.namespace ?? "", ref.name);
  return d?.metadata.uid === ref.uid ? d : undefined;
}

function selectorOf(o: KubeObject): LabelSelectorRequirements {
  try {
    return labelSelectorFromObject(o.spec?.selector);
  } catch {
    return null;
  }
}

/** `getDeploymentsForReplicaSet`: Deployments whose selector matches an orphan ReplicaSet. */
function deploymentsSelecting(c: HandlerContext<null>, rs: KubeObject): KubeObject[] {
  return c.list(DEPLOY, rs.metadata.namespace ?? "").filter((d) => {
    const sel = selectorOf(d);
    return sel !== null && sel.length > 0 && labelsMatch(sel, rs.metadata.labels);
  });
}

function onReplicaSet(
  c: HandlerContext<null>,
  rs: KubeObject,
  old: KubeObject | undefined,
  deleted: boolean,
): void {
  if (deleted || (!old && rs.metadata.deletionTimestamp)) {
    const d = deploymentForRS(c, rs);
    if (d) c.enqueue(keyOf(d));
    return;
  }
  if (old && old.metadata.resourceVersion === rs.metadata.resourceVersion) return;
  const cur = getControllerOf(rs);
  const prev = old ? getControllerOf(old) : undefined;
  const refChanged = JSON.stringify(cur ?? null) !== JSON.stringify(prev ?? null);
  if (old && refChanged && prev) {
    const d = deploymentForRS(c, old);
    if (d) c.enqueue(keyOf(d));
  }
  if (cur) {
    const d = deploymentForRS(c, rs);
    if (d) c.enqueue(keyOf(d));
    return;
  }
  const labelChanged =
    !old || JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(rs.metadata.labels ?? {});
  if (labelChanged || refChanged) for (const d of deploymentsSelecting(c, rs)) c.enqueue(keyOf(d));
}

/** `deletePod`: a Recreate Deployment waits for its old pods to be gone; sync it when the last one goes. */
function onPodDeleted(c: HandlerContext<null>, pod: KubeObject): void {
  const rsRef = getControllerOf(pod);
  if (rsRef?.kind !== "ReplicaSet") return;
  const rs = c.get(RS, pod.metadata.namespace ?? "", rsRef.name);
  if (!rs) return;
  const d = deploymentForRS(c, rs);
  if (d?.spec?.strategy?.type !== "Recreate") return;
  let pods = 0;
  for (const r of c.byIndex(RS, CONTROLLER_UID_INDEX, d.metadata.uid ?? ""))
    pods += c.byIndex(PODS, CONTROLLER_UID_INDEX, r.metadata.uid ?? "").length;
  if (pods === 0) c.enqueue(keyOf(d));
}

// ---- the sync -----------------------------------------------------------------------------------

/** The Deployment controller. */
export const deploymentController = defineController<null>({
  name: "deployment-controller",
  aliases: ["deployment"],
  component: "deployment-controller",
  // --concurrent-deployment-syncs (pkg/controller/deployment/config/v1alpha1/defaults.go).
  workers: 5,
  informers: [
    { resource: DEPLOY, indexers: [NAMESPACE_INDEX] },
    { resource: RS, indexers: [CONTROLLER_UID_INDEX, ORPHAN_INDEX] },
    { resource: PODS, indexers: [CONTROLLER_UID_INDEX] },
  ],
  init: () => null,
  handlers: {
    [DEPLOY]: (c, d) => c.enqueue(keyOf(d.type === "DELETED" ? d.object : d.object)),
    [RS]: (c, d) => onReplicaSet(c, d.object, d.old, d.type === "DELETED"),
    [PODS]: (c, d) => {
      if (d.type === "DELETED") onPodDeleted(c, d.object);
    },
  },
  sync(c, key) {
    const { namespace, name } = splitKey(key);
    const d = c.get(DEPLOY, namespace, name);
    if (!d) return;
    const selector = selectorOf(d);
    if (selector !== null && selector.length === 0) {
      // An empty selector selects every pod: refuse (`SelectingAll`).
      c.event(
        d,
        "Warning",
        "SelectingAll",
        "This deployment is selecting all pods. A non-empty selector is required.",
      );
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0))
        c.updateStatus(DEPLOY, {
          ...d,
          status: { ...(d.status ?? {}), observedGeneration: d.metadata.generation },
        });
      return;
    }
    if (selector === null) return;
    // getReplicaSetsForDeployment: the ReplicaSets it controls and the orphans it may adopt.
    const candidates = [
      ...c.byIndex(RS, CONTROLLER_UID_INDEX, d.metadata.uid ?? ""),
      ...c.byIndex(RS, ORPHAN_INDEX, namespace),
    ];
    const plan = planClaims(d, selector, candidates);
    if (claimsPending(plan)) {
      issueClaims(c, RS, d, plan);
      c.continueWith("claimed", { plan });
      return;
    }
    begin(c, d, plan.claimed);
  },
  steps: {
    claimed(c, results, data) {
      const { plan } = data as { plan: ClaimPlan };
      const { claimed, error } = claimResults(plan, results);
      if (error !== null) {
        c.fail(error);
        return;
      }
      const { namespace, name } = splitKey(c.key);
      const d = c.get(DEPLOY, namespace, name);
      if (d) begin(c, d, claimed);
    },
    resume(c, results, data) {
      const run = data as Run;
      const followUp = applyResults(c, run, results);
      if (run.error !== null) {
        c.fail(run.error);
        return;
      }
      if (followUp) c.continueWith("resume", run);
      else advance(c, run);
    },
  },
});

function begin(c: Ctx, d: KubeObject, rsList: KubeObject[]): void {
  const run: Run = {
    d,
    rsList,
    oldPodsRunning: false,
    stage: "pausedConditions",
    revisionCreate: false,
    revisionThen: "done",
    cleanupThen: "done",
    scaleThen: "done",
    scaled: false,
    creating: null,
    error: null,
    createResult: null,
    wantRevision: null,
  };
  if (d.spec?.strategy?.type === "Recreate") run.oldPodsRunning = oldPodsRunning(c, d, rsList);
  if (d.metadata.deletionTimestamp) {
    // syncStatusOnly
    revision(run, false, "syncStatus");
  }
  advance(c, run);
}

/** `oldPodsRunning` over the pods of the Deployment's ReplicaSets (by index). */
function oldPodsRunning(c: Ctx, d: KubeObject, rsList: KubeObject[]): boolean {
  const newRS = findNewReplicaSet(d, rsList);
  const old = rsList.filter((rs) => rs !== newRS);
  if (statusCount(old, "replicas") > 0) return true;
  for (const rs of old)
    for (const pod of c.byIndex(PODS, CONTROLLER_UID_INDEX, rs.metadata.uid ?? "")) {
      const phase = pod.status?.phase;
      if (phase !== "Failed" && phase !== "Succeeded") return true;
    }
  return false;
}

function revision(run: Run, create: boolean, then: Stage): void {
  run.stage = "revision";
  run.revisionCreate = create;
  run.revisionThen = then;
}

function newAndOld(run: Run): { newRS: KubeObject | undefined; oldRSs: KubeObject[] } {
  const newRS = findNewReplicaSet(run.d, run.rsList);
  return { newRS, oldRSs: run.rsList.filter((rs) => rs !== newRS) };
}

/** Run stages until one waits for answers (then the `resume` step continues) or the sync ends. */
function advance(c: Ctx, run: Run): void {
  for (;;) {
    const waiting = runStage(c, run);
    if (waiting) {
      c.continueWith("resume", run);
      return;
    }
    if (run.stage === "done") return;
  }
}

/** Run the current stage; true when it made calls to wait for. */
function runStage(c: Ctx, run: Run): boolean {
  const d = run.d;
  switch (run.stage) {
    case "pausedConditions": {
      run.stage = "afterPaused";
      return checkPausedConditions(c, run);
    }
    case "afterPaused":
      if (d.spec?.paused) {
        revision(run, false, "scale");
        run.scaleThen = "cleanup";
        run.cleanupThen = "syncStatus";
        return false;
      }
      revision(run, false, "scalingCheck");
      return false;
    case "scalingCheck": {
      const { newRS, oldRSs } = newAndOld(run);
      const all = activeReplicaSets(newRS ? [...oldRSs, newRS] : oldRSs);
      const scaling = all.some((rs) => {
        const desired = intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
        return desired !== undefined && desired !== replicasOf(d);
      });
      if (scaling) {
        run.stage = "scale";
        run.scaleThen = "syncStatus";
        return false;
      }
      run.stage = d.spec?.strategy?.type === "Recreate" ? "recreate" : "rolling";
      return false;
    }
    case "rolling":
      revision(run, true, "reconcileNew");
      return false;
    case "reconcileNew": {
      run.stage = "afterReconcileNew";
      run.scaled = false;
      const { newRS, oldRSs } = newAndOld(run);
      if (!newRS) return false;
      const want = replicasOf(d);
      if (replicasOf(newRS) === want) return false;
      if (replicasOf(newRS) > want) return scaleRS(c, run, newRS, want);
      // NewRSNewReplicas: scale up within maxSurge.
      const surge = scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge, want, true);
      const current = specReplicas([...oldRSs, newRS]);
      const maxTotal = want + surge;
      if (current >= maxTotal) return false;
      const up = Math.min(maxTotal - current, want - replicasOf(newRS));
      return scaleRS(c, run, newRS, replicasOf(newRS) + up);
    }
    case "afterReconcileNew":
      run.stage = run.scaled ? "rolloutStatus" : "reconcileOld";
      return false;
    case "reconcileOld":
      run.stage = "afterReconcileOld";
      run.scaled = false;
      return reconcileOldReplicaSets(c, run);
    case "afterReconcileOld":
      if (run.scaled) run.stage = "rolloutStatus";
      else if (deploymentComplete(d, d.status ?? {})) {
        run.stage = "cleanup";
        run.cleanupThen = "rolloutStatus";
      } else run.stage = "rolloutStatus";
      return false;
    case "recreate": {
      run.stage = "afterRecreateScaleDown";
      run.scaled = false;
      const { oldRSs } = newAndOld(run);
      let waiting = false;
      for (const rs of activeReplicaSets(oldRSs)) waiting = scaleRS(c, run, rs, 0) || waiting;
      return waiting;
    }
    case "afterRecreateScaleDown": {
      if (run.scaled || run.oldPodsRunning) {
        run.stage = "rolloutStatus";
        return false;
      }
      const { newRS } = newAndOld(run);
      if (!newRS) revision(run, true, "recreateScaleUp");
      else run.stage = "recreateScaleUp";
      return false;
    }
    case "recreateScaleUp": {
      run.stage = "afterRecreateScaleUp";
      const { newRS } = newAndOld(run);
      return newRS ? scaleRS(c, run, newRS, replicasOf(d)) : false;
    }
    case "afterRecreateScaleUp":
      if (deploymentComplete(d, d.status ?? {})) {
        run.stage = "cleanup";
        run.cleanupThen = "rolloutStatus";
      } else run.stage = "rolloutStatus";
      return false;
    case "revision":
      return syncRevision(c, run);
    case "revisionCreated":
      return afterCreate(c, run);
    case "scale":
      run.stage = run.scaleThen;
      return scale(c, run);
    case "cleanup":
      run.stage = run.cleanupThen;
      if (run.cleanupThen === "syncStatus" && !d.spec?.paused) return false; // sync(): only when paused
      return cleanupDeployment(c, run);
    case "syncStatus": {
      run.stage = "done";
      const { newRS, oldRSs } = newAndOld(run);
      const status = calculateStatus(d, newRS ? [...oldRSs, newRS] : oldRSs, newRS, c.timestamp());
      if (deepEqual(d.status ?? {}, status)) return false;
      return writeStatus(c, run, status);
    }
    case "rolloutStatus":
      run.stage = "done";
      return syncRolloutStatus(c, run);
    case "done":
      return false;
  }
}

// ---- writes ---------------------------------------------------------------------------------------

/** PUT the Deployment's status (and, through the same object, its revision annotation). */
function writeStatus(
  c: Ctx,
  run: Run,
  status: Record<string, unknown>,
  metadata?: KubeObject["metadata"],
): boolean {
  const body = { ...run.d, metadata: metadata ?? run.d.metadata, status };
  c.updateStatus(DEPLOY, body, { label: { kind: "deployment" } satisfies Label });
  return true;
}

/** `scaleReplicaSet`: PUT the ReplicaSet with its new size and the desired/max-replicas annotations. */
function scaleRS(c: Ctx, run: Run, rs: KubeObject, newScale: number, operation?: "up" | "down"): boolean {
  const d = run.d;
  const from = replicasOf(rs);
  const annotations = replicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d));
  if (from === newScale && !annotations) return false;
  const body: KubeObject = {
    ...rs,
    metadata: annotations ? { ...rs.metadata, annotations } : rs.metadata,
    spec: { ...rs.spec, replicas: newScale },
  };
  const label: Label = { kind: "rs", from, to: newScale };
  if (from !== newScale) {
    const op = operation ?? (from < newScale ? "up" : "down");
    // v1.32 message (PR #125118): "Scaled up replica set web-5d4f8 from 0 to 3".
    label.events = [`Scaled ${op} replica set ${rs.metadata.name} from ${from} to ${newScale}`];
  }
  c.update(RS, body, { label });
  return true;
}

/**
 * Fold the answers into the run: the Deployment and ReplicaSets as written, events, errors.
 * Returns true when it made a follow-up call the run must wait for.
 */
function applyResults(c: Ctx, run: Run, results: readonly WriteResult[]): boolean {
  for (const r of results) {
    const l = r.label as Label | null;
    if (!l) continue;
    if (l.kind === "createRS") {
      run.createResult = r;
      continue;
    }
    if (!isSuccess(r)) {
      if (l.kind === "deleteRS" && r.code === 404) continue;
      run.error ??= errorMessage(r);
      continue;
    }
    const obj = r.body as KubeObject;
    if (l.kind === "deployment" || l.kind === "annotations") run.d = obj;
    else if (l.kind === "rs") {
      replaceRS(run, obj);
      if (l.from !== l.to) run.scaled = true;
    } else if (l.kind === "deleteRS") {
      const name = (obj as { details?: { name?: string } }).details?.name;
      run.rsList = run.rsList.filter((x) => x.metadata.name !== name);
    }
    for (const message of l.events ?? []) c.event(run.d, "Normal", "ScalingReplicaSet", message);
  }
  // Workaround: the simulated apiserver's deployments/status keeps the old metadata, while the
  // real deploymentStatusStrategy lets the revision annotation through; patch it on if missing.
  const want = run.wantRevision;
  run.wantRevision = null;
  if (want !== null && run.error === null && run.d.metadata.annotations?.[REVISION_ANNOTATION] !== want) {
    c.patch(
      DEPLOY,
      run.d.metadata.namespace ?? "",
      run.d.metadata.name ?? "",
      { metadata: { annotations: { [REVISION_ANNOTATION]: want } } },
      "merge",
      { label: { kind: "annotations" } satisfies Label },
    );
    return true;
  }
  return false;
}

function replaceRS(run: Run, rs: KubeObject): void {
  const i = run.rsList.findIndex((x) => x.metadata.uid === rs.metadata.uid);
  if (i >= 0) run.rsList[i] = rs;
  else run.rsList.push(rs);
}

/** `checkPausedConditions`: Progressing=Unknown DeploymentPaused / DeploymentResumed. */
function checkPausedConditions(c: Ctx, run: Run): boolean {
  const d = run.d;
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(d.status, "Progressing");
  if (cond?.reason === Reasons.TimedOut) return false;
  const pausedCond = cond?.reason === Reasons.PausedDeploy;
  const status = { ...(d.status ?? {}) };
  if (d.spec?.paused && !pausedCond)
    setCondition(
      status,
      newCondition("Progressing", "Unknown", Reasons.PausedDeploy, "Deployment is paused", c.timestamp()),
    );
  else if (!d.spec?.paused && pausedCond)
    setCondition(
      status,
      newCondition("Progressing", "Unknown", Reasons.ResumedDeploy, "Deployment is resumed", c.timestamp()),
    );
  else return false;
  return writeStatus(c, run, status);
}

/**
 * `getNewReplicaSet` (inside `getAllReplicaSetsAndSyncRevision`): keep the new ReplicaSet's
 * annotations and the Deployment's revision in step, or create the new ReplicaSet.
 */
function syncRevision(c: Ctx, run: Run): boolean {
  const d = run.d;
  run.stage = run.revisionThen;
  const { newRS, oldRSs } = newAndOld(run);
  const newRevision = maxRevision(oldRSs) + 1;
  if (newRS) {
    const annotations = newReplicaSetAnnotations(d, newRS, newRevision, true);
    const minReady = d.spec?.minReadySeconds ?? 0;
    if (annotations || (newRS.spec?.minReadySeconds ?? 0) !== minReady) {
      const spec = { ...newRS.spec };
      if (minReady > 0) spec.minReadySeconds = minReady;
      else delete spec.minReadySeconds;
      c.update(
        RS,
        {
          ...newRS,
          metadata: { ...newRS.metadata, annotations: annotations ?? newRS.metadata.annotations },
          spec,
        },
        {
          label: { kind: "rs" } satisfies Label,
        },
      );
      return true;
    }
    const revision = newRS.metadata.annotations?.[REVISION_ANNOTATION] ?? "";
    let needsUpdate = false;
    const metadata = { ...d.metadata };
    if ((d.metadata.annotations?.[REVISION_ANNOTATION] ?? "") !== revision) {
      metadata.annotations = { ...(d.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
      run.wantRevision = revision;
      needsUpdate = true;
    }
    const status = { ...(d.status ?? {}) };
    if (hasProgressDeadline(d) && !getCondition(d.status, "Progressing")) {
      setCondition(
        status,
        newCondition(
          "Progressing",
          "True",
          Reasons.FoundNewRS,
          `Found new replica set "${newRS.metadata.name}"`,
          c.timestamp(),
        ),
      );
      needsUpdate = true;
    }
    return needsUpdate ? writeStatus(c, run, status, metadata) : false;
  }
  if (!run.revisionCreate) return false;

  // The new ReplicaSet: named after the template hash, with the hash in its labels and selector.
  const collisionCount = d.status?.collisionCount as number | undefined;
  const hash = computeHash(d.spec.template, collisionCount);
  const template = JSON.parse(JSON.stringify(d.spec.template)) as KubeObject["spec"];
  template.metadata = {
    ...(template.metadata ?? {}),
    labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash },
  };
  const selector = JSON.parse(JSON.stringify(d.spec.selector ?? {})) as {
    matchLabels?: Record<string, string>;
  };
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const rs: KubeObject = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      ownerReferences: [newControllerRef(d)],
      labels: template.metadata.labels,
    },
    spec: { replicas: 0, selector, template },
  };
  if ((d.spec?.minReadySeconds ?? 0) > 0) rs.spec.minReadySeconds = d.spec.minReadySeconds;
  // NewRSNewReplicas
  const want = replicasOf(d);
  let replicas = want;
  if (isRollingUpdate(d)) {
    const surge = scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge, want, true);
    const current = specReplicas(oldRSs);
    const maxTotal = want + surge;
    replicas = current >= maxTotal ? 0 : Math.min(maxTotal - current, want);
  }
  rs.spec.replicas = replicas;
  const annotations = newReplicaSetAnnotations(d, rs, newRevision, false);
  if (annotations) rs.metadata.annotations = annotations;
  run.creating = { name: rs.metadata.name!, replicas };
  run.stage = "revisionCreated";
  c.create(RS, d.metadata.namespace ?? "", rs, { label: { kind: "createRS" } satisfies Label });
  return true;
}

/** What follows the create of the new ReplicaSet (the switch after `Create` in `getNewReplicaSet`). */
function afterCreate(c: Ctx, run: Run): boolean {
  const r = run.createResult;
  run.createResult = null;
  const d = run.d;
  const creating = run.creating!;
  run.creating = null;
  run.stage = run.revisionThen;
  if (!r) return false;
  let alreadyExists = false;
  if (!isSuccess(r)) {
    if (statusReason(r) === "AlreadyExists") {
      alreadyExists = true;
      const existing = c.get(RS, d.metadata.namespace ?? "", creating.name);
      const ref = existing ? getControllerOf(existing) : undefined;
      if (
        existing &&
        ref?.uid === d.metadata.uid &&
        equalIgnoreHash(d.spec.template, existing.spec?.template)
      ) {
        replaceRS(run, existing);
      } else {
        // A hash collision: bump collisionCount and retry with the next hash.
        const status = {
          ...(d.status ?? {}),
          collisionCount: ((d.status?.collisionCount as number | undefined) ?? 0) + 1,
        };
        run.error = errorMessage(r);
        return writeStatus(c, run, status);
      }
    } else {
      const causes =
        (r.body as { details?: { causes?: { type?: string }[] } } | undefined)?.details?.causes ?? [];
      run.error = errorMessage(r);
      if (causes.some((x) => x.type === "NamespaceTerminating")) return false;
      const msg = `Failed to create new replica set "${creating.name}": ${errorMessage(r)}`;
      c.event(d, "Warning", Reasons.FailedRSCreate, msg);
      if (hasProgressDeadline(d)) {
        const status = { ...(d.status ?? {}) };
        setCondition(
          status,
          newCondition("Progressing", "False", Reasons.FailedRSCreate, msg, c.timestamp()),
        );
        return writeStatus(c, run, status);
      }
      return false;
    }
  } else replaceRS(run, r.body as KubeObject);
  if (!alreadyExists && creating.replicas > 0)
    c.event(
      d,
      "Normal",
      "ScalingReplicaSet",
      `Scaled up replica set ${creating.name} from 0 to ${creating.replicas}`,
    );
  const created = run.rsList.find((x) => x.metadata.name === creating.name);
  const revision = created?.metadata.annotations?.[REVISION_ANNOTATION] ?? "";
  let needsUpdate = false;
  const metadata = { ...d.metadata };
  if ((d.metadata.annotations?.[REVISION_ANNOTATION] ?? "") !== revision) {
    metadata.annotations = { ...(d.metadata.annotations ?? {}), [REVISION_ANNOTATION]: revision };
    run.wantRevision = revision;
    needsUpdate = true;
  }
  const status = { ...(d.status ?? {}) };
  if (!alreadyExists && hasProgressDeadline(d)) {
    setCondition(
      status,
      newCondition(
        "Progressing",
        "True",
        Reasons.NewRS,
        `Created new replica set "${creating.name}"`,
        c.timestamp(),
      ),
    );
    needsUpdate = true;
  }
  return needsUpdate ? writeStatus(c, run, status, metadata) : false;
}

/** `reconcileOldReplicaSets`: clean up unhealthy old replicas, then scale old ReplicaSets down within maxUnavailable. */
function reconcileOldReplicaSets(c: Ctx, run: Run): boolean {
  const d = run.d;
  const { newRS, oldRSs: allOld } = newAndOld(run);
  if (!newRS) return false;
  const oldRSs = activeReplicaSets(allOld).sort(byCreationTimestamp);
  const oldPods = specReplicas(allOld);
  if (oldPods === 0) return false;
  const allPods = specReplicas([...allOld, newRS]);
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = replicasOf(newRS) - ((newRS.status?.availableReplicas as number | undefined) ?? 0);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // Sizes after each step, per ReplicaSet name; one write per ReplicaSet with its events.
  const size: Record<string, number> = {};
  const events: Record<string, string[]> = {};
  const note = (rs: KubeObject, from: number, to: number) => {
    size[rs.metadata.name!] = to;
    const list = events[rs.metadata.name!] ?? [];
    list.push(`Scaled down replica set ${rs.metadata.name} from ${from} to ${to}`);
    events[rs.metadata.name!] = list;
  };
  // cleanupUnhealthyReplicas
  let cleaned = 0;
  for (const rs of oldRSs) {
    if (cleaned >= maxScaledDown) break;
    const cur = replicasOf(rs);
    const available = (rs.status?.availableReplicas as number | undefined) ?? 0;
    if (cur === 0 || cur === available) continue;
    const down = Math.min(maxScaledDown - cleaned, cur - available);
    note(rs, cur, cur - down);
    cleaned += down;
  }
  // scaleDownOldReplicaSetsForRollingUpdate
  const availablePods = statusCount([...oldRSs, newRS], "availableReplicas");
  if (availablePods > minAvailable) {
    const total = availablePods - minAvailable;
    let done = 0;
    for (const rs of oldRSs) {
      if (done >= total) break;
      const cur = size[rs.metadata.name!] ?? replicasOf(rs);
      if (cur === 0) continue;
      const down = Math.min(cur, total - done);
      note(rs, cur, cur - down);
      done += down;
    }
  }
  let waiting = false;
  for (const rs of oldRSs) {
    const to = size[rs.metadata.name!];
    if (to === undefined) continue;
    waiting = scaleWithEvents(c, run, rs, to, events[rs.metadata.name!] ?? []) || waiting;
  }
  return waiting;
}

function scaleWithEvents(c: Ctx, run: Run, rs: KubeObject, to: number, messages: string[]): boolean {
  const d = run.d;
  const annotations = replicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d));
  const body: KubeObject = {
    ...rs,
    metadata: annotations ? { ...rs.metadata, annotations } : rs.metadata,
    spec: { ...rs.spec, replicas: to },
  };
  c.update(RS, body, { label: { kind: "rs", from: replicasOf(rs), to, events: messages } satisfies Label });
  return true;
}

/** `scale`: proportional scaling of all active ReplicaSets when the Deployment's size changes. */
function scale(c: Ctx, run: Run): boolean {
  const d = run.d;
  const { newRS, oldRSs } = newAndOld(run);
  const want = replicasOf(d);
  // FindActiveOrLatest
  const sortedOld = [...oldRSs].sort((a, b) => -byCreationTimestamp(a, b));
  const active = activeReplicaSets(newRS ? [...sortedOld, newRS] : sortedOld);
  let activeOrLatest: KubeObject | undefined;
  if (active.length === 0) activeOrLatest = newRS ?? sortedOld[0];
  else if (active.length === 1) activeOrLatest = active[0];
  if (activeOrLatest) {
    if (replicasOf(activeOrLatest) === want) return false;
    return scaleRS(c, run, activeOrLatest, want);
  }
  // IsSaturated: the new ReplicaSet has everything: old ones go to zero.
  if (
    newRS &&
    replicasOf(newRS) === want &&
    intAnnotation(newRS, DESIRED_REPLICAS_ANNOTATION) === want &&
    ((newRS.status?.availableReplicas as number | undefined) ?? 0) === want
  ) {
    let waiting = false;
    for (const old of activeReplicaSets(oldRSs)) waiting = scaleRS(c, run, old, 0) || waiting;
    return waiting;
  }
  if (!isRollingUpdate(d)) return false;
  const all = activeReplicaSets(newRS ? [...oldRSs, newRS] : oldRSs);
  const allowed = want > 0 ? want + maxSurge(d) : 0;
  const toAdd = allowed - specReplicas(all);
  let op: "up" | "down" | undefined;
  if (toAdd > 0) {
    all.sort(bySizeNewer);
    op = "up";
  } else if (toAdd < 0) {
    all.sort(bySizeOlder);
    op = "down";
  }
  let added = 0;
  const size: Record<string, number> = {};
  for (const rs of all) {
    if (toAdd !== 0) {
      const p = proportion(rs, d, toAdd, added);
      size[rs.metadata.name!] = replicasOf(rs) + p;
      added += p;
    } else size[rs.metadata.name!] = replicasOf(rs);
  }
  let waiting = false;
  all.forEach((rs, i) => {
    if (i === 0 && toAdd !== 0)
      size[rs.metadata.name!] = Math.max(0, size[rs.metadata.name!]! + toAdd - added);
    waiting = scaleRS(c, run, rs, size[rs.metadata.name!]!, op) || waiting;
  });
  return waiting;
}

/** `GetProportion` / `getReplicaSetFraction`. */
function proportion(rs: KubeObject, d: KubeObject, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  let fraction: number;
  if (replicasOf(d) === 0) fraction = -replicasOf(rs);
  else {
    const maxReplicas = replicasOf(d) + maxSurge(d);
    let before = intAnnotation(rs, MAX_REPLICAS_ANNOTATION) ?? 0;
    if (before === 0) before = (d.status?.replicas as number | undefined) ?? 0;
    // integer.RoundToInt32: round half away from zero.
    fraction =
      before === 0
        ? 0
        : Math.sign((replicasOf(rs) * maxReplicas) / before) *
            Math.round(Math.abs((replicasOf(rs) * maxReplicas) / before)) -
          replicasOf(rs);
  }
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** `cleanupDeployment`: delete the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
function cleanupDeployment(c: Ctx, run: Run): boolean {
  const d = run.d;
  if (!hasRevisionHistoryLimit(d)) return false;
  const { oldRSs } = newAndOld(run);
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
  const diff = cleanable.length - d.spec.revisionHistoryLimit;
  if (diff <= 0) return false;
  let waiting = false;
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i]!;
    if (
      ((rs.status?.replicas as number | undefined) ?? 0) !== 0 ||
      replicasOf(rs) !== 0 ||
      (rs.metadata.generation ?? 0) > ((rs.status?.observedGeneration as number | undefined) ?? 0)
    )
      continue;
    c.delete(RS, rs.metadata.namespace ?? "", rs.metadata.name ?? "", undefined, {
      label: { kind: "deleteRS" } satisfies Label,
    });
    waiting = true;
  }
  return waiting;
}

/** `syncRolloutStatus`: status, the Progressing condition and its deadline, ReplicaFailure. */
function syncRolloutStatus(c: Ctx, run: Run): boolean {
  const d = run.d;
  const now = c.timestamp();
  const { newRS, oldRSs } = newAndOld(run);
  const all = newRS ? [...oldRSs, newRS] : oldRSs;
  const status = calculateStatus(d, all, newRS, now);
  if (!hasProgressDeadline(d)) removeCondition(status, "Progressing");
  const current = getCondition(d.status, "Progressing");
  const complete =
    (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && current?.reason === Reasons.NewRSAvailable;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, status)) {
      const msg = newRS
        ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.`
        : `Deployment "${d.metadata.name}" has successfully progressed.`;
      setCondition(status, newCondition("Progressing", "True", Reasons.NewRSAvailable, msg, now));
    } else if (deploymentProgressing(d, status)) {
      const msg = newRS
        ? `ReplicaSet "${newRS.metadata.name}" is progressing.`
        : `Deployment "${d.metadata.name}" is progressing.`;
      const cond = newCondition("Progressing", "True", Reasons.ReplicaSetUpdated, msg, now);
      // Progress refreshes lastUpdateTime even with the same reason; lastTransitionTime stays while True.
      if (current) {
        if (current.status === "True") cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, "Progressing");
      }
      setCondition(status, cond);
    } else if (deploymentTimedOut(d, status, c.unixMs)) {
      const msg = newRS
        ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.`
        : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setCondition(status, newCondition("Progressing", "False", Reasons.TimedOut, msg, now));
    }
  }
  // getReplicaFailures: the new ReplicaSet's ReplicaFailure condition first, then the old ones'.
  const failure = [newRS, ...oldRSs]
    .filter((x): x is KubeObject => !!x)
    .flatMap((rs) =>
      (
        (rs.status?.conditions as
          | { type: string; status: string; reason: string; message: string; lastTransitionTime: string }[]
          | undefined) ?? []
      ).filter((x) => x.type === "ReplicaFailure"),
    )[0];
  if (failure)
    setCondition(status, {
      type: "ReplicaFailure",
      status: failure.status,
      lastUpdateTime: failure.lastTransitionTime,
      lastTransitionTime: failure.lastTransitionTime,
      reason: failure.reason,
      message: failure.message,
    });
  else removeCondition(status, "ReplicaFailure");
  if (deepEqual(d.status ?? {}, status)) {
    requeueStuckDeployment(c, d, status);
    return false;
  }
  return writeStatus(c, run, status);
}

/** `requeueStuckDeployment`: look again when the progress deadline would pass. */
function requeueStuckDeployment(c: Ctx, d: KubeObject, status: Record<string, unknown>): void {
  const cond = getCondition(d.status, "Progressing");
  if (!hasProgressDeadline(d) || !cond) return;
  if (deploymentComplete(d, status) || cond.reason === Reasons.TimedOut) return;
  const after = parseTimestampMs(cond.lastUpdateTime) + d.spec.progressDeadlineSeconds * 1000 - c.unixMs;
  if (after < 1000) c.enqueueRateLimited(c.key);
  // Add a second to avoid milliseconds skew in AddAfter.
  else c.enqueueAfter(c.key, after + 1000);
}
