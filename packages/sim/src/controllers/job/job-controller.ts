/**
 * The Job controller (pkg/controller/job/job_controller.go, v1.32): runs pods until
 * `completions` succeed (NonIndexed, or one per index for Indexed Jobs) with at most
 * `parallelism` at once; counts finished pods through the `batch.kubernetes.io/job-tracking`
 * finalizer (a finished pod's uid goes to `status.uncountedTerminatedPods`, its finalizer is
 * removed, then it moves to `succeeded`/`failed`); waits 10 s × 2ⁿ after pod failures; fails the
 * Job past `backoffLimit` or `activeDeadlineSeconds` (FailureTarget first, Failed once no pod is
 * terminating); completes it with SuccessCriteriaMet then Complete.
 * Events: `SuccessfulCreate`, `SuccessfulDelete`, `Completed` "Job completed",
 * `BackoffLimitExceeded` "Job has reached the specified backoff limit", `DeadlineExceeded`
 * "Job was active longer than specified deadline", `Suspended`/`Resumed`.
 * Not modelled: podFailurePolicy, backoffLimitPerIndex, successPolicy, managedBy.
 */
import { type LabelSelectorRequirements, labelSelectorFromObject } from "../../api/selectors";
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
  satisfiedExpectations,
} from "../framework/expectations";
import {
  comparePodsForDeletion,
  isPodActive,
  isPodReady,
  isPodTerminating,
  podFromTemplate,
  podKey,
} from "../framework/pod-util";
import { parseTimestampMs } from "../framework/time";
import { type BackoffRecord, newBackoffRecord, remainingBackoffMs } from "./backoff";
import { COMPLETION_INDEX, completionIndex, formatIndexes, parseIndexes } from "./indexes";

/** `batch.JobTrackingFinalizer`. */
export const JOB_TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
/** `MaxPodCreateDeletePerSync`. */
const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
/** `MaxUncountedPods`. */
const MAX_UNCOUNTED_PODS = 500;
/** `syncJobBatchPeriod`: pod events are batched into one sync per second. */
const SYNC_JOB_BATCH_PERIOD_MS = 1000;

const JOBS = "jobs.batch";
const PODS = "pods";

interface Data {
  expectations: Expectations;
  /** podBackoffStore: per Job key. */
  backoff: Record<string, BackoffRecord>;
  /** finalizerExpectations: per Job key, the uids whose finalizer removal is in flight. */
  removing: Record<string, Record<string, true>>;
}

type Ctx = SyncContext<Data>;
type HCtx = HandlerContext<Data>;

interface Condition {
  type: string;
  status: string;
  lastProbeTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

function newCondition(
  type: string,
  reason: string,
  message: string,
  now: string,
  status = "True",
): Condition {
  return { type, status, lastProbeTime: now, lastTransitionTime: now, reason, message };
}

function findCondition(job: KubeObject, type: string): Condition | undefined {
  return ((job.status?.conditions as Condition[] | undefined) ?? []).find(
    (c) => c.type === type && c.status === "True",
  );
}

/** `IsJobFinished`: Complete or Failed is True. */
export function isJobFinished(job: KubeObject): boolean {
  return !!findCondition(job, "Complete") || !!findCondition(job, "Failed");
}

function hasTrackingFinalizer(pod: KubeObject): boolean {
  return (pod.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}

function onlyReplaceFailedPods(job: KubeObject): boolean {
  return job.spec?.podReplacementPolicy === "Failed" || !!job.spec?.podFailurePolicy;
}

/** `isPodFailed`: Failed, or (unless only failed pods are replaced) deleted before succeeding. */
function isPodFailed(pod: KubeObject, job: KubeObject): boolean {
  if (pod.status?.phase === "Failed") return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!pod.metadata.deletionTimestamp && pod.status?.phase !== "Succeeded";
}

function isIndexed(job: KubeObject): boolean {
  return job.spec?.completionMode === "Indexed";
}

function suspended(job: KubeObject): boolean {
  return job.spec?.suspend === true;
}

/**
 * The selector, or the one the apiserver generates (`batch.kubernetes.io/controller-uid`).
 * Workaround: the simulated apiserver does not yet generate it (see generateJobSelector in api/).
 */
function selectorOf(job: KubeObject): LabelSelectorRequirements {
  try {
    return labelSelectorFromObject(
      job.spec?.selector ?? { matchLabels: { "batch.kubernetes.io/controller-uid": job.metadata.uid ?? "" } },
    );
  } catch {
    return null;
  }
}

/** The pod template with what the Job registry adds to it when the apiserver did not (workaround). */
function templateOf(job: KubeObject): { metadata?: KubeObject["metadata"]; spec?: unknown } {
  const t = job.spec?.template ?? {};
  if (job.spec?.selector || job.spec?.manualSelector) return t;
  const uid = job.metadata.uid ?? "";
  const name = job.metadata.name ?? "";
  return {
    ...t,
    metadata: {
      ...(t.metadata ?? {}),
      labels: {
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": name,
        "controller-uid": uid,
        "job-name": name,
        ...(t.metadata?.labels ?? {}),
      },
    },
  };
}

// ---- handlers ---------------------------------------------------------------------------------

function jobOf(c: HCtx, pod: KubeObject): KubeObject | undefined {
  const ref = getControllerOf(pod);
  if (ref?.kind !== "Job") return undefined;
  const job = c.get(JOBS, pod.metadata.namespace ?? "", ref.name);
  return job?.metadata.uid === ref.uid ? job : undefined;
}

function orphanKey(pod: KubeObject): string {
  return `orphan|${podKey(pod)}`;
}

function onPod(c: HCtx, pod: KubeObject, old: KubeObject | undefined, deleted: boolean): void {
  const job = jobOf(c, pod);
  if (!job) {
    // A pod keeping the tracking finalizer with no Job to count it: remove the finalizer.
    if (!deleted && hasTrackingFinalizer(pod) && getControllerOf(pod)?.kind === "Job")
      c.enqueue(orphanKey(pod));
    return;
  }
  const key = keyOf(job);
  if (!hasTrackingFinalizer(pod)) delete c.data.removing[key]?.[pod.metadata.uid ?? ""];
  if (deleted || pod.metadata.deletionTimestamp) {
    deletionObserved(c.data.expectations, key, podKey(pod));
  } else if (!old) {
    creationObserved(c.data.expectations, key);
  }
  if (old && old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
  // Pod events are batched: one Job sync per second at most (enqueueSyncJobBatched). The
  // pod failure back-off is applied when the Job syncs (manageJob).
  c.enqueueAfter(key, SYNC_JOB_BATCH_PERIOD_MS);
}

function onJob(c: HCtx, job: KubeObject, old: KubeObject | undefined, deleted: boolean): void {
  const key = keyOf(job);
  if (deleted) {
    deleteExpectations(c.data.expectations, key);
    delete c.data.backoff[key];
    delete c.data.removing[key];
    for (const pod of c.byIndex(PODS, CONTROLLER_UID_INDEX, job.metadata.uid ?? ""))
      if (hasTrackingFinalizer(pod)) c.enqueue(orphanKey(pod));
    return;
  }
  c.enqueue(key);
  // A changed activeDeadlineSeconds: look again when it passes.
  const ads = job.spec?.activeDeadlineSeconds;
  if (old && ads !== undefined && ads !== old.spec?.activeDeadlineSeconds && job.status?.startTime) {
    const left = parseTimestampMs(job.status.startTime) + ads * 1000 - (c.unixMs ?? 0);
    c.enqueueAfter(key, Math.max(0, left));
  }
}

// ---- sync ---------------------------------------------------------------------------------------

/** One sync's working state (step data). */
interface Run {
  job: KubeObject;
  pods: KubeObject[];
  status: Record<string, unknown>;
  satisfied: boolean;
  /** `jobCtx.finishedCondition`. */
  finished: Condition | null;
  active: number;
  ready: number;
  terminating: number;
  succeeded: number;
  failed: number;
  prevSucceededIndexes: number[];
  succeededIndexes: number[];
  backoff: BackoffRecord;
  suspendCondChanged: boolean;
  manageCalled: boolean;
  manageError: string | null;
  /** Slow-start progress of pod creation. */
  toCreate: number;
  batch: number;
  indexesToAdd: number[];
  /** Track phase. */
  podsToRemoveFinalizer: string[];
  withFinalizer: Record<string, true>;
  reachedMax: boolean;
  jobFinished: boolean;
}

/** The Job controller. */
export const jobController = defineController<Data>({
  name: "job-controller",
  aliases: ["job"],
  component: "job-controller",
  // --concurrent-job-syncs default 5 (pkg/controller/job/config/v1alpha1/defaults.go).
  workers: 5,
  // DefaultJobApiBackOff 1 s, MaxJobApiBackOff 60 s (job_controller.go), no overall bucket.
  rateLimiter: { baseDelayMs: 1000, maxDelayMs: 60_000, bucket: null },
  informers: [{ resource: JOBS }, { resource: PODS, indexers: [CONTROLLER_UID_INDEX, ORPHAN_INDEX] }],
  init: () => ({ expectations: {}, backoff: {}, removing: {} }),
  handlers: {
    [JOBS]: (c, d) => onJob(c, d.object, d.old, d.type === "DELETED"),
    [PODS]: (c, d) => onPod(c, d.object, d.old, d.type === "DELETED"),
  },
  sync(c, key) {
    if (key.startsWith("orphan|")) {
      removeOrphanFinalizer(c, key.slice("orphan|".length));
      return;
    }
    const { namespace, name } = splitKey(key);
    const job = c.get(JOBS, namespace, name);
    if (!job) {
      deleteExpectations(c.data.expectations, key);
      delete c.data.backoff[key];
      return;
    }
    if (isJobFinished(job)) {
      delete c.data.backoff[key];
      return;
    }
    const selector = selectorOf(job);
    if (selector === null) return;
    const satisfied = satisfiedExpectations(c.data.expectations, key, c.now);
    const candidates = [
      ...c.byIndex(PODS, CONTROLLER_UID_INDEX, job.metadata.uid ?? ""),
      ...c.byIndex(PODS, ORPHAN_INDEX, namespace),
    ];
    const plan = planClaims(job, selector, candidates);
    if (claimsPending(plan)) {
      issueClaims(c, PODS, job, plan);
      c.continueWith("claimed", { plan, satisfied });
      return;
    }
    evaluate(c, job, plan.claimed, satisfied);
  },
  steps: {
    claimed(c, results, data) {
      const { plan, satisfied } = data as { plan: ClaimPlan; satisfied: boolean };
      const { claimed, error } = claimResults(plan, results);
      if (error !== null) {
        c.fail(error);
        return;
      }
      const { namespace, name } = splitKey(c.key);
      const job = c.get(JOBS, namespace, name);
      if (job) evaluate(c, job, claimed, satisfied);
    },
    deletedActive(c, results, data) {
      const run = data as Run;
      let deleted = 0;
      for (const r of results) {
        if (isSuccess(r) || r.code === 404) {
          deleted++;
          if (isSuccess(r))
            c.event(run.job, "Normal", "SuccessfulDelete", `Deleted pod: ${r.label as string}`);
        } else run.manageError ??= errorMessage(r);
      }
      if (deleted !== run.active || !run.satisfied) run.finished = null;
      run.active -= deleted;
      run.terminating += deleted;
      track(c, run);
    },
    deletedExtra(c, results, data) {
      const run = data as Run;
      for (const r of results) {
        const key = r.label as string;
        if (isSuccess(r)) {
          run.active--;
          c.event(run.job, "Normal", "SuccessfulDelete", `Deleted pod: ${splitKey(key).name}`);
          continue;
        }
        deletionObserved(c.data.expectations, c.key, key);
        if (r.code === 404) run.active--;
        else run.manageError ??= errorMessage(r);
      }
      afterManage(c, run);
    },
    created(c, results, data) {
      const run = data as Run;
      let errors = 0;
      for (const r of results) {
        if (isSuccess(r)) {
          c.event(
            run.job,
            "Normal",
            "SuccessfulCreate",
            `Created pod: ${(r.body as KubeObject).metadata.name}`,
          );
          continue;
        }
        if (namespaceTerminating(r)) continue;
        errors++;
        creationObserved(c.data.expectations, c.key);
        run.active--;
        run.manageError ??= errorMessage(r);
        c.event(run.job, "Warning", "FailedCreate", `Error creating: ${errorMessage(r)}`);
      }
      run.toCreate -= run.batch;
      if (errors > 0 && run.toCreate > 0) {
        // Slow-start failure: skip the rest; they will never be observed.
        run.active -= run.toCreate;
        for (let i = 0; i < run.toCreate; i++) creationObserved(c.data.expectations, c.key);
        run.toCreate = 0;
      }
      if (run.toCreate > 0) {
        run.batch = Math.min(2 * run.batch, run.toCreate);
        createBatch(c, run);
        return;
      }
      afterManage(c, run);
    },
    flushed(c, results, data) {
      const run = data as Run;
      const r = results[0]!;
      if (!isSuccess(r)) {
        c.fail(`adding uncounted pods to status: ${errorMessage(r)}`);
        return;
      }
      run.job = r.body as KubeObject;
      run.status = { ...(run.job.status ?? {}) };
      c.data.backoff[c.key] = run.backoff;
      removeFinalizers(c, run);
    },
    finalizersRemoved(c, results, data) {
      const run = data as Run;
      let rmError: string | null = null;
      for (const r of results) {
        const uid = r.label as string;
        if (isSuccess(r) || r.code === 404) delete run.withFinalizer[uid];
        else {
          rmError ??= errorMessage(r);
          delete c.data.removing[c.key]?.[uid];
        }
      }
      finish(c, run, rmError);
    },
    final(c, results, data) {
      const run = data as Run & { rmError: string | null };
      const r = results[0]!;
      if (!isSuccess(r)) {
        c.fail(`removing uncounted pods from status: ${errorMessage(r)}`);
        return;
      }
      c.data.backoff[c.key] = run.backoff;
      if (run.jobFinished && run.finished) {
        const job = r.body as KubeObject;
        if (run.finished.type === "Complete") c.event(job, "Normal", "Completed", "Job completed");
        else c.event(job, "Warning", run.finished.reason, run.finished.message);
      }
      if (run.rmError) c.fail(run.rmError);
      else if (run.manageError) c.fail(run.manageError);
    },
    orphanDone() {},
  },
});

function namespaceTerminating(r: WriteResult): boolean {
  const causes =
    (r.body as { details?: { causes?: { type?: string }[] } } | undefined)?.details?.causes ?? [];
  return causes.some((x) => x.type === "NamespaceTerminating");
}

/** `handleOrphanPod`: drop the tracking finalizer of a pod whose Job is gone or finished. */
function removeOrphanFinalizer(c: Ctx, key: string): void {
  const { namespace, name } = splitKey(key);
  const pod = c.get(PODS, namespace, name);
  if (!pod || !hasTrackingFinalizer(pod)) return;
  const ref = getControllerOf(pod);
  if (ref?.kind === "Job") {
    const job = c.get(JOBS, namespace, ref.name);
    if (job?.metadata.uid === ref.uid && !isJobFinished(job)) return;
  }
  c.patch(PODS, namespace, name, removeFinalizerPatch(pod), "strategic");
}

function removeFinalizerPatch(pod: KubeObject): unknown {
  return {
    metadata: { "$deleteFromPrimitiveList/finalizers": [JOB_TRACKING_FINALIZER], uid: pod.metadata.uid },
  };
}

/** The first part of `syncJob`: counts, the finished condition, and pod management. */
function evaluate(c: Ctx, job: KubeObject, pods: KubeObject[], satisfied: boolean): void {
  const key = c.key;
  const status: Record<string, unknown> = { ...(job.status ?? {}) };
  const uncounted =
    (status.uncountedTerminatedPods as { succeeded?: string[]; failed?: string[] } | undefined) ?? {};
  status.uncountedTerminatedPods = { ...uncounted };
  const uncountedSucceeded = new Set(uncounted.succeeded ?? []);
  const uncountedFailed = new Set(uncounted.failed ?? []);
  const removing = c.data.removing[key] ?? {};
  const activePods = pods.filter(isPodActive);
  const fresh = (p: KubeObject) => hasTrackingFinalizer(p) && !removing[p.metadata.uid ?? ""];
  const newSucceeded = pods.filter(
    (p) => p.status?.phase === "Succeeded" && fresh(p) && !uncountedSucceeded.has(p.metadata.uid ?? ""),
  );
  const newFailed = pods.filter(
    (p) => isPodFailed(p, job) && fresh(p) && !uncountedFailed.has(p.metadata.uid ?? ""),
  );
  const now = c.timestamp();
  const run: Run = {
    job,
    pods,
    status,
    satisfied,
    finished: null,
    active: activePods.length,
    ready: activePods.filter(isPodReady).length,
    terminating: pods.filter(isPodTerminating).length,
    succeeded:
      ((status.succeeded as number | undefined) ?? 0) + newSucceeded.length + uncountedSucceeded.size,
    failed: ((status.failed as number | undefined) ?? 0) + newFailed.length + uncountedFailed.size,
    prevSucceededIndexes: [],
    succeededIndexes: [],
    backoff: newBackoffRecord(c.data.backoff[key], newSucceeded, newFailed, c.unixMs),
    suspendCondChanged: false,
    manageCalled: false,
    manageError: null,
    toCreate: 0,
    batch: 0,
    indexesToAdd: [],
    podsToRemoveFinalizer: [],
    withFinalizer: {},
    reachedMax: false,
    jobFinished: false,
  };
  if (!status.startTime && !suspended(job)) status.startTime = now;

  const scm = findCondition(job, "SuccessCriteriaMet");
  const failureTarget = findCondition(job, "FailureTarget");
  if (scm) run.finished = scm;
  else if (failureTarget)
    run.finished = newCondition("Failed", failureTarget.reason, failureTarget.message, now);
  else if (run.failed > (job.spec?.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, pods))
    run.finished = newCondition(
      "FailureTarget",
      "BackoffLimitExceeded",
      "Job has reached the specified backoff limit",
      now,
    );
  else if (pastActiveDeadline(job, status, c.unixMs))
    run.finished = newCondition(
      "FailureTarget",
      "DeadlineExceeded",
      "Job was active longer than specified deadline",
      now,
    );
  else if (job.spec?.activeDeadlineSeconds !== undefined && !suspended(job) && status.startTime) {
    const left =
      parseTimestampMs(status.startTime as string) + job.spec.activeDeadlineSeconds * 1000 - c.unixMs;
    c.enqueueAfter(key, Math.max(0, left));
  }
  if (isIndexed(job)) {
    const completions = job.spec?.completions ?? 1;
    run.prevSucceededIndexes = parseIndexes(status.completedIndexes as string | undefined, completions);
    const fromPods = pods
      .filter((p) => p.status?.phase === "Succeeded" && hasTrackingFinalizer(p))
      .map(completionIndex)
      .filter((ix) => ix >= 0 && ix < completions);
    run.succeededIndexes = [...new Set([...run.prevSucceededIndexes, ...fromPods])].sort((a, b) => a - b);
    run.succeeded = run.succeededIndexes.length;
  }

  if (
    run.finished !== null &&
    run.finished.type !== "SuccessCriteriaMet" &&
    run.finished.type !== "Complete"
  ) {
    // deleteActivePods: a failing Job stops its pods.
    if (activePods.length === 0) {
      if (!satisfied) run.finished = null;
      track(c, run);
      return;
    }
    for (const p of activePods)
      c.delete(PODS, p.metadata.namespace ?? "", p.metadata.name ?? "", undefined, {
        label: p.metadata.name,
      });
    c.continueWith("deletedActive", run);
    return;
  }
  if (run.finished === null && satisfied && !job.metadata.deletionTimestamp) {
    run.manageCalled = true;
    manageJob(c, run, activePods);
    return;
  }
  afterManage(c, run);
}

/** `pastBackoffLimitOnFailure`: with restartPolicy OnFailure, container restarts count as failures. */
function pastBackoffLimitOnFailure(job: KubeObject, pods: KubeObject[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== "OnFailure") return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== "Running" && p.status?.phase !== "Pending") continue;
    for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])])
      restarts += s.restartCount ?? 0;
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

function pastActiveDeadline(job: KubeObject, status: Record<string, unknown>, nowMs: number): boolean {
  const ads = job.spec?.activeDeadlineSeconds;
  if (ads === undefined || !status.startTime || suspended(job)) return false;
  return nowMs - parseTimestampMs(status.startTime as string) >= ads * 1000;
}

/** `manageJob`: delete surplus pods or create missing ones (slow start), within parallelism. */
function manageJob(c: Ctx, run: Run, activePods: KubeObject[]): void {
  const job = run.job;
  const key = c.key;
  const parallelism = job.spec?.parallelism ?? 1;
  if (suspended(job)) {
    deleteExtra(c, run, activePods, activePods.length);
    return;
  }
  let wantActive: number;
  const completions = job.spec?.completions;
  if (completions === undefined || completions === null)
    wantActive = run.succeeded > 0 ? run.active : parallelism;
  else wantActive = Math.max(0, Math.min(completions - run.succeeded, parallelism));
  const rmAtLeast = Math.max(0, run.active - wantActive);
  if (rmAtLeast > 0) {
    deleteExtra(c, run, activePods, rmAtLeast);
    return;
  }
  const terminating = onlyReplaceFailedPods(job) ? run.terminating : 0;
  let diff = wantActive - terminating - run.active;
  if (diff <= 0) {
    afterManage(c, run);
    return;
  }
  const wait = remainingBackoffMs(run.backoff, c.unixMs);
  if (wait > 0) {
    // Pod failure back-off: come back when it has passed.
    c.enqueueAfter(key, wait);
    afterManage(c, run);
    return;
  }
  diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
  if (isIndexed(job)) {
    run.indexesToAdd = firstPendingIndexes(run, activePods, diff, completions ?? 1);
    diff = run.indexesToAdd.length;
  }
  if (diff === 0) {
    afterManage(c, run);
    return;
  }
  expectCreations(c.data.expectations, key, diff, c.now);
  run.active += diff;
  run.toCreate = diff;
  run.batch = Math.min(diff, 1);
  createBatch(c, run);
}

/** `firstPendingIndexes`: the lowest indexes neither succeeded nor running. */
function firstPendingIndexes(
  run: Run,
  activePods: KubeObject[],
  count: number,
  completions: number,
): number[] {
  const taken = new Set<number>(run.succeededIndexes);
  for (const p of activePods) taken.add(completionIndex(p));
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < count; i++) if (!taken.has(i)) out.push(i);
  return out;
}

function createBatch(c: Ctx, run: Run): void {
  const job = run.job;
  const ref = newControllerRef(job);
  const base = templateOf(job);
  for (let i = 0; i < run.batch; i++) {
    const pod = podFromTemplate(base, job, ref);
    pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []), JOB_TRACKING_FINALIZER];
    if (isIndexed(job)) {
      const ix = run.indexesToAdd.shift()!;
      pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [COMPLETION_INDEX]: String(ix) };
      pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [COMPLETION_INDEX]: String(ix) };
      pod.metadata.generateName = `${job.metadata.name}-${ix}-`;
      pod.spec.hostname = `${job.metadata.name}-${ix}`;
      // addCompletionIndexEnvVariables
      for (const ctr of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
        const env = (ctr.env ?? []) as { name: string }[];
        if (!env.some((e) => e.name === "JOB_COMPLETION_INDEX"))
          ctr.env = [
            ...env,
            {
              name: "JOB_COMPLETION_INDEX",
              valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } },
            },
          ];
      }
    }
    c.create(PODS, job.metadata.namespace ?? "", pod);
  }
  c.continueWith("created", run);
}

/** Delete `n` active pods, the least advanced first (`activePodsForRemoval`). */
function deleteExtra(c: Ctx, run: Run, activePods: KubeObject[], n: number): void {
  const victims = [...activePods]
    .sort((a, b) => comparePodsForDeletion(a, b, 0, 0, c.unixMs))
    .slice(0, Math.min(n, MAX_POD_CREATE_DELETE_PER_SYNC));
  if (victims.length === 0) {
    afterManage(c, run);
    return;
  }
  expectDeletions(c.data.expectations, c.key, victims.map(podKey), c.now);
  for (const v of victims)
    c.delete(PODS, v.metadata.namespace ?? "", v.metadata.name ?? "", undefined, { label: podKey(v) });
  c.continueWith("deletedExtra", run);
}

/** After `manageJob`: completion, the Suspended condition, then status tracking. */
function afterManage(c: Ctx, run: Run): void {
  const job = run.job;
  const completions = job.spec?.completions;
  const complete =
    completions === undefined || completions === null
      ? run.succeeded > 0 && run.active === 0
      : run.succeeded >= completions && run.active === 0;
  const now = c.timestamp();
  if (complete && run.finished === null) {
    // JobSuccessPolicy (beta, on): reason CompletionsReached; the terminal condition comes later.
    run.finished = newCondition(
      "SuccessCriteriaMet",
      "CompletionsReached",
      "Reached expected number of succeeded pods",
      now,
    );
  } else if (run.manageCalled && !complete) {
    const conds = [...((run.status.conditions as Condition[] | undefined) ?? [])];
    const cur = conds.find((x) => x.type === "Suspended");
    if (suspended(job)) {
      if (cur?.status !== "True") {
        run.status.conditions = [
          ...conds.filter((x) => x.type !== "Suspended"),
          newCondition("Suspended", "JobSuspended", "Job suspended", now),
        ];
        run.suspendCondChanged = true;
        c.event(job, "Normal", "Suspended", "Job suspended");
      }
    } else if (cur && cur.status !== "False") {
      run.status.conditions = conds.map((x) =>
        x.type === "Suspended" ? newCondition("Suspended", "JobResumed", "Job resumed", now, "False") : x,
      );
      run.suspendCondChanged = true;
      c.event(job, "Normal", "Resumed", "Job resumed");
      run.status.startTime = now;
    }
  }
  track(c, run);
}

/** `trackJobStatusAndRemoveFinalizers`, up to the first status flush. */
function track(c: Ctx, run: Run): void {
  const job = run.job;
  const status = run.status;
  let needsFlush =
    run.suspendCondChanged ||
    run.active !== ((job.status?.active as number | undefined) ?? 0) ||
    run.ready !== (job.status?.ready as number | undefined) ||
    run.terminating !== (job.status?.terminating as number | undefined);
  setCount(status, "active", run.active);
  status.ready = run.ready;
  status.terminating = run.terminating;
  const uncounted = status.uncountedTerminatedPods as { succeeded?: string[]; failed?: string[] };
  for (const p of run.pods) if (hasTrackingFinalizer(p)) run.withFinalizer[p.metadata.uid ?? ""] = true;
  if (cleanUncounted(status, run.withFinalizer)) needsFlush = true;
  const removing = c.data.removing[c.key] ?? {};
  const indexed = isIndexed(job);
  const completions = job.spec?.completions ?? 1;
  const newSucceededIndexes: number[] = [];
  const succ = new Set(uncounted.succeeded ?? []);
  const fail = new Set(uncounted.failed ?? []);
  const failingJob =
    run.finished !== null && run.finished.type !== "SuccessCriteriaMet" && run.finished.type !== "Complete";
  for (const pod of run.pods) {
    const uid = pod.metadata.uid ?? "";
    if (!hasTrackingFinalizer(pod) || removing[uid]) continue;
    const considerFailed = isPodFailed(pod, job);
    const canRemove =
      !!job.metadata.deletionTimestamp ||
      run.finished !== null ||
      pod.status?.phase === "Succeeded" ||
      considerFailed;
    if (!canRemove) continue;
    run.podsToRemoveFinalizer.push(uid);
    if (pod.status?.phase === "Succeeded" && !fail.has(uid)) {
      if (indexed) {
        const ix = completionIndex(pod);
        if (ix >= 0 && ix < completions && !run.prevSucceededIndexes.includes(ix)) {
          newSucceededIndexes.push(ix);
          needsFlush = true;
        }
      } else if (!succ.has(uid)) {
        succ.add(uid);
        needsFlush = true;
      }
    } else if (considerFailed || failingJob) {
      const ix = completionIndex(pod);
      if (!fail.has(uid) && (!indexed || (ix >= 0 && ix < completions))) {
        fail.add(uid);
        needsFlush = true;
      }
    }
    if (newSucceededIndexes.length + succ.size + fail.size >= MAX_UNCOUNTED_PODS) {
      run.reachedMax = true;
      break;
    }
  }
  status.uncountedTerminatedPods = uncountedOf([...succ], [...fail]);
  if (indexed) {
    const all = [...new Set([...run.prevSucceededIndexes, ...newSucceededIndexes])];
    setCount(status, "succeeded", all.length);
    const s = formatIndexes(all);
    if (s) status.completedIndexes = s;
    else delete status.completedIndexes;
  }
  const now = c.timestamp();
  if (run.finished?.type === "FailureTarget") {
    status.conditions = [...((status.conditions as Condition[] | undefined) ?? []), run.finished];
    needsFlush = true;
    run.finished = newCondition("Failed", run.finished.reason, run.finished.message, now);
  }
  if (run.finished?.type === "SuccessCriteriaMet") {
    if (!findCondition({ ...job, status } as KubeObject, "SuccessCriteriaMet")) {
      status.conditions = [...((status.conditions as Condition[] | undefined) ?? []), run.finished];
      needsFlush = true;
    }
    run.finished = newCondition("Complete", run.finished.reason, run.finished.message, now);
  }
  if (needsFlush) {
    c.updateStatus(JOBS, { ...job, status });
    c.continueWith("flushed", run);
    return;
  }
  removeFinalizers(c, run);
}

function uncountedOf(succeeded: string[], failed: string[]): Record<string, string[]> {
  const u: Record<string, string[]> = {};
  if (succeeded.length > 0) u.succeeded = succeeded;
  if (failed.length > 0) u.failed = failed;
  return u;
}

function setCount(status: Record<string, unknown>, k: string, v: number): void {
  if (v !== 0) status[k] = v;
  else delete status[k];
}

/** `cleanUncountedPodsWithoutFinalizers`: uids whose pods lost the finalizer move to the counters. */
function cleanUncounted(status: Record<string, unknown>, withFinalizer: Record<string, true>): boolean {
  const u = (status.uncountedTerminatedPods as { succeeded?: string[]; failed?: string[] }) ?? {};
  const s = (u.succeeded ?? []).filter((x) => withFinalizer[x]);
  const f = (u.failed ?? []).filter((x) => withFinalizer[x]);
  let updated = false;
  if (s.length !== (u.succeeded ?? []).length) {
    updated = true;
    setCount(
      status,
      "succeeded",
      ((status.succeeded as number | undefined) ?? 0) + (u.succeeded ?? []).length - s.length,
    );
  }
  if (f.length !== (u.failed ?? []).length) {
    updated = true;
    setCount(
      status,
      "failed",
      ((status.failed as number | undefined) ?? 0) + (u.failed ?? []).length - f.length,
    );
  }
  status.uncountedTerminatedPods = uncountedOf(s, f);
  return updated;
}

function removeFinalizers(c: Ctx, run: Run): void {
  if (run.podsToRemoveFinalizer.length === 0) {
    finish(c, run, null);
    return;
  }
  const removing = c.data.removing[c.key] ?? {};
  c.data.removing[c.key] = removing;
  const byUid: Record<string, KubeObject> = {};
  for (const p of run.pods) byUid[p.metadata.uid ?? ""] = p;
  for (const uid of run.podsToRemoveFinalizer) {
    const pod = byUid[uid]!;
    removing[uid] = true;
    c.patch(
      PODS,
      pod.metadata.namespace ?? "",
      pod.metadata.name ?? "",
      removeFinalizerPatch(pod),
      "strategic",
      { label: uid },
    );
  }
  c.continueWith("finalizersRemoved", run);
}

/** The end of tracking: count what lost its finalizer, finish the Job when nothing is pending. */
function finish(c: Ctx, run: Run, rmError: string | null): void {
  const status = run.status;
  let needsFlush = cleanUncounted(status, run.withFinalizer);
  if (rmError !== null && needsFlush) {
    c.updateStatus(JOBS, { ...run.job, status });
    c.continueWith("final", { ...run, rmError });
    return;
  }
  // enactJobFinished: no uncounted pods left and (delayTerminalCondition) none terminating.
  const u = status.uncountedTerminatedPods as { succeeded?: string[]; failed?: string[] };
  if (
    !run.reachedMax &&
    run.finished !== null &&
    (u.succeeded ?? []).length + (u.failed ?? []).length === 0 &&
    run.terminating === 0
  ) {
    const conds = [...((status.conditions as Condition[] | undefined) ?? [])];
    if (!conds.some((x) => x.type === run.finished!.type && x.status === "True"))
      status.conditions = [...conds.filter((x) => x.type !== run.finished!.type), run.finished];
    if (run.finished.type === "Complete") status.completionTime = run.finished.lastTransitionTime;
    run.jobFinished = true;
    needsFlush = true;
  }
  if (needsFlush) {
    c.updateStatus(JOBS, { ...run.job, status });
    c.continueWith("final", { ...run, rmError });
    return;
  }
  c.data.backoff[c.key] = run.backoff;
  if (rmError) c.fail(rmError);
  else if (run.manageError) c.fail(run.manageError);
}
