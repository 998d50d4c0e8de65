/**
 * The HorizontalPodAutoscaler controller (`pkg/controller/podautoscaler/horizontal.go`, v1.32)
 * on the controller framework. Every 15 s per HPA (`--horizontal-pod-autoscaler-sync-period`;
 * the queue's rate limiter is a fixed 15 s delay, `NewDefaultHPARateLimiter`) it:
 *
 * 1. reads the target's `scale` subresource (`AbleToScale`: `SucceededGetScale` / `FailedGetScale`);
 * 2. reads pod metrics from the resource metrics API, `GET /apis/metrics.k8s.io/v1beta1/
 *    namespaces/<ns>/pods?labelSelector=<scale.status.selector>` (what metrics-server serves),
 *    and computes the replicas each metric wants (`replica-calculator.ts`; `ScalingActive`:
 *    `ValidMetricFound`, `FailedGetResourceMetric`, `ScalingDisabled`, `InvalidSelector`);
 * 3. stabilises and limits the recommendation (`normalize.ts`; `AbleToScale`:
 *    `ReadyForNewScale` / `ScaleDownStabilized` / `ScaleUpStabilized`, `ScalingLimited`:
 *    `DesiredWithinRange` / `ScaleUpLimit` / `TooManyReplicas` / `TooFewReplicas` / …);
 * 4. writes the new size to `scale` (event `SuccessfulRescale` "New size: 4; reason: cpu
 *    resource utilization (percentage of request) above target") and the HPA's status.
 *
 * Resource and ContainerResource metrics are supported; Pods, Object and External metrics need
 * the custom/external metrics APIs, which the simulated cluster does not serve (they fail as a
 * real cluster without an adapter does).
 */
import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerCondition,
  HorizontalPodAutoscalerStatus,
  MetricSpec,
  MetricStatus,
} from "kubernetes-types/autoscaling/v2";
import type { Pod } from "kubernetes-types/core/v1";
import { formatQuantity, parseMilliValue, quantityFromMilli } from "../../api/quantity";
import { labelsMatch, parseLabelSelector } from "../../api/selectors";
import type { KubeObject } from "../../api/types";
import {
  defineController,
  errorMessage,
  groupResourceForKind,
  isSuccess,
  keyOf,
  resourcePath,
  type SyncContext,
  splitKey,
  type WriteResult,
} from "../framework";
import { parseTimestampMs } from "../framework/time";
import {
  HPA_COMPONENT,
  HPA_CONCURRENT_SYNCS,
  HPA_DOWNSCALE_STABILIZATION_MS,
  HPA_SYNC_PERIOD_MS,
} from "./constants";
import { type PodMetrics, podMetricsInfo, podMetricsPath } from "./metrics";
import {
  type AutoscalerMemory,
  type Normalized,
  normalizeDesiredReplicas,
  normalizeDesiredReplicasWithBehaviors,
  recordInitialRecommendation,
  storeScaleEvent,
} from "./normalize";
import {
  DEFAULT_REPLICA_CALCULATOR_CONFIG,
  getPlainMetricReplicas,
  getResourceReplicas,
} from "./replica-calculator";

/** The controller's canonical name (`names.HorizontalPodAutoscalerController`); alias `horizontalpodautoscaling`. */
export const HPA_CONTROLLER = "horizontal-pod-autoscaler-controller";

const HPAS = "horizontalpodautoscalers.autoscaling";

/** The controller's plain data: per HPA key, recent recommendations and scale events. */
export interface HpaData {
  downscaleStabilizationMs: number;
  memory: Record<string, AutoscalerMemory>;
}

type Ctx = SyncContext<HpaData>;

/** A sync in progress, carried from step to step (plain data). */
interface Reconcile {
  key: string;
  hpa: HorizontalPodAutoscaler;
  /** The status as it was, to skip a write that changes nothing. */
  original: HorizontalPodAutoscalerStatus;
  /** The scale subresource (`autoscaling/v1` Scale) and where it lives. */
  scale?: KubeObject;
  scalePath?: string;
  currentReplicas?: number;
  minReplicas?: number;
  desiredReplicas?: number;
  rescaleReason?: string;
  metricStatuses?: MetricStatus[];
}

/** `setCondition`: `lastTransitionTime` moves only when the status does. */
function setCondition(
  r: Reconcile,
  now: string,
  type: string,
  status: string,
  reason: string,
  message: string,
): void {
  const list = [...(r.hpa.status?.conditions ?? [])];
  let c = list.find((x) => x.type === type);
  if (!c) {
    c = { type, status: "" } as HorizontalPodAutoscalerCondition;
    list.push(c);
  }
  const i = list.indexOf(c);
  const next: HorizontalPodAutoscalerCondition = { ...c, status, reason, message };
  if (c.status !== status) next.lastTransitionTime = now;
  list[i] = next;
  r.hpa.status = { ...(r.hpa.status ?? { desiredReplicas: 0 }), conditions: list };
}

/** `setStatus`. */
function setStatus(
  r: Reconcile,
  now: string,
  currentReplicas: number,
  desiredReplicas: number,
  rescale: boolean,
): void {
  const old = r.hpa.status ?? { desiredReplicas: 0 };
  const status: HorizontalPodAutoscalerStatus = { currentReplicas, desiredReplicas };
  const last = rescale ? now : old.lastScaleTime;
  if (last) status.lastScaleTime = last;
  if (r.metricStatuses && r.metricStatuses.length > 0) status.currentMetrics = r.metricStatuses;
  if (old.conditions) status.conditions = old.conditions;
  r.hpa.status = status;
}

/** `updateStatusIfNeeded`. */
function updateStatusIfNeeded(c: Ctx, r: Reconcile): void {
  if (JSON.stringify(r.original) === JSON.stringify(r.hpa.status ?? {})) return;
  c.updateStatus(HPAS, r.hpa as KubeObject, { label: "status" });
}

function memoryOf(c: Ctx, key: string): AutoscalerMemory {
  let m = c.data.memory[key];
  if (!m) {
    m = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
    c.data.memory[key] = m;
  }
  return m;
}

/** `reconcileAutoscaler`, first part: find and read the target's scale. */
function reconcile(c: Ctx, key: string): void {
  const { namespace, name } = splitKey(key);
  const cached = c.get(HPAS, namespace, name) as HorizontalPodAutoscaler | undefined;
  if (!cached) {
    delete c.data.memory[key];
    return;
  }
  // Requests are always re-added with the resync delay: each HPA is processed every 15 s.
  c.enqueueRateLimited(key);
  const hpa = JSON.parse(JSON.stringify(cached)) as HorizontalPodAutoscaler;
  const r: Reconcile = { key, hpa, original: JSON.parse(JSON.stringify(hpa.status ?? {})) };
  const ref = hpa.spec!.scaleTargetRef;
  const gr = groupResourceForKind(ref.apiVersion ?? "", ref.kind);
  if (!gr) {
    const err = `no matches for kind "${ref.kind}" in group "${(ref.apiVersion ?? "").split("/").slice(0, -1).join("/")}"`;
    failedGetScale(c, r, err);
    return;
  }
  r.scalePath = resourcePath(gr, namespace, ref.name, "scale");
  c.request({ method: "GET", path: r.scalePath });
  c.continueWith("scale", r);
}

function failedGetScale(c: Ctx, r: Reconcile, err: string): void {
  c.event(r.hpa as KubeObject, "Warning", "FailedGetScale", err);
  setCondition(
    r,
    c.timestamp(),
    "AbleToScale",
    "False",
    "FailedGetScale",
    `the HPA controller was unable to get the target's current scale: ${err}`,
  );
  updateStatusIfNeeded(c, r);
  c.continueWith("done", r);
}

/** The target's scale is known: decide whether metrics are needed. */
function gotScale(c: Ctx, results: WriteResult[], data: unknown): void {
  const r = data as Reconcile;
  const res = results[0]!;
  if (!isSuccess(res)) {
    failedGetScale(c, r, errorMessage(res));
    return;
  }
  const now = c.timestamp();
  const scale = res.body as KubeObject;
  r.scale = scale;
  setCondition(
    r,
    now,
    "AbleToScale",
    "True",
    "SucceededGetScale",
    "the HPA controller was able to get the target's current scale",
  );
  const current = scale.spec?.replicas ?? 0;
  r.currentReplicas = current;
  recordInitialRecommendation(memoryOf(c, r.key), current, c.unixMs);
  const min = r.hpa.spec?.minReplicas ?? 1;
  r.minReplicas = min;
  const max = r.hpa.spec!.maxReplicas;
  if (current === 0 && min !== 0) {
    // Autoscaling is disabled for a target scaled to zero.
    setCondition(
      r,
      now,
      "ScalingActive",
      "False",
      "ScalingDisabled",
      "scaling is disabled since the replica count of the target is zero",
    );
    finish(c, r, 0, false);
    return;
  }
  if (current > max) {
    r.rescaleReason = "Current number of replicas above Spec.MaxReplicas";
    rescale(c, r, max);
    return;
  }
  if (current < min) {
    r.rescaleReason = "Current number of replicas below Spec.MinReplicas";
    rescale(c, r, min);
    return;
  }
  // validateAndParseSelector
  const selector = String(scale.status?.selector ?? "");
  if (selector === "") {
    c.event(r.hpa as KubeObject, "Warning", "SelectorRequired", "selector is required");
    setCondition(
      r,
      now,
      "ScalingActive",
      "False",
      "InvalidSelector",
      "the HPA target's scale is missing a selector",
    );
    metricsFailed(c, r, "selector is required");
    return;
  }
  try {
    parseLabelSelector(selector);
  } catch (e) {
    const msg = `couldn't convert selector into a corresponding internal selector object: ${(e as Error).message}`;
    c.event(r.hpa as KubeObject, "Warning", "InvalidSelector", msg);
    setCondition(r, now, "ScalingActive", "False", "InvalidSelector", msg);
    metricsFailed(c, r, msg);
    return;
  }
  // One metrics read per namespace serves every resource metric of the HPA.
  const needsResourceMetrics = (r.hpa.spec?.metrics ?? []).some(
    (m) => m.type === "Resource" || m.type === "ContainerResource",
  );
  if (needsResourceMetrics) {
    c.request({
      method: "GET",
      path: podMetricsPath(r.hpa.metadata?.namespace ?? ""),
      query: { labelSelector: selector },
    });
  }
  c.continueWith("metrics", r);
}

/** A metric's outcome. */
type MetricOutcome =
  | { ok: true; replicas: number; name: string; status: MetricStatus }
  | { ok: false; reason: string; error: string };

const RESOURCE_API_MISSING = "the server could not find the requested resource (get pods.metrics.k8s.io)";

/** `computeStatusForResourceMetricGeneric` for one Resource / ContainerResource metric. */
function computeResourceMetric(
  c: Ctx,
  r: Reconcile,
  spec: MetricSpec,
  metricsAnswer: WriteResult | undefined,
  pods: Pod[],
): MetricOutcome {
  const container = spec.type === "ContainerResource" ? (spec.containerResource?.container ?? "") : "";
  const source = spec.type === "ContainerResource" ? spec.containerResource! : spec.resource!;
  const resource = source.name;
  const failReason =
    spec.type === "ContainerResource" ? "FailedGetContainerResourceMetric" : "FailedGetResourceMetric";
  const wrap = (inner: string) =>
    spec.type === "ContainerResource"
      ? `failed to get ${container} container metric value: ${inner}`
      : `failed to get ${resource} resource metric value: ${inner}`;
  const kind = source.target.averageValue !== undefined ? "usage" : "utilization";
  const fail = (err: string): MetricOutcome => {
    const inner = `failed to get ${resource} ${kind}: ${err}`;
    c.event(r.hpa as KubeObject, "Warning", failReason, inner);
    return { ok: false, reason: failReason, error: wrap(inner) };
  };
  // GetResourceMetric
  if (!metricsAnswer || !isSuccess(metricsAnswer)) {
    const msg =
      metricsAnswer?.code === 404
        ? RESOURCE_API_MISSING
        : metricsAnswer
          ? errorMessage(metricsAnswer)
          : "no answer";
    return fail(
      `unable to get metrics for resource ${resource}: unable to fetch metrics from resource metrics API: ${msg}`,
    );
  }
  const items = ((metricsAnswer.body as { items?: PodMetrics[] }).items ?? []) as PodMetrics[];
  if (items.length === 0)
    return fail(
      `unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`,
    );
  const info = podMetricsInfo(items, resource, parseTimestampMs, container);
  const timestamp = parseTimestampMs(items[0]!.timestamp);
  const current = r.scale?.spec?.replicas ?? 0;
  const now = c.unixMs;
  if (source.target.averageValue !== undefined) {
    const target = quantityMilli(source.target.averageValue);
    const res = getPlainMetricReplicas(
      current,
      target,
      resource,
      pods,
      info,
      timestamp,
      now,
      parseTimestampMs,
      DEFAULT_REPLICA_CALCULATOR_CONFIG,
    );
    if ("error" in res) return fail(res.error);
    const value = formatQuantity(quantityFromMilli(res.rawUsage));
    const status: MetricStatus =
      spec.type === "ContainerResource"
        ? {
            type: "ContainerResource",
            containerResource: { name: resource, container, current: { averageValue: value } },
          }
        : { type: "Resource", resource: { name: resource, current: { averageValue: value } } };
    return { ok: true, replicas: res.replicas, name: `${resource} resource`, status };
  }
  if (source.target.averageUtilization === undefined)
    return fail(
      "invalid resource metric source: neither an average utilization target nor an average value (usage) target was set",
    );
  const res = getResourceReplicas(
    current,
    source.target.averageUtilization,
    resource,
    container,
    pods,
    info,
    timestamp,
    now,
    parseTimestampMs,
    DEFAULT_REPLICA_CALCULATOR_CONFIG,
  );
  if ("error" in res) return fail(res.error);
  const current2 = {
    averageUtilization: res.utilization,
    averageValue: formatQuantity(quantityFromMilli(res.rawUsage)),
  };
  const status: MetricStatus =
    spec.type === "ContainerResource"
      ? { type: "ContainerResource", containerResource: { name: resource, container, current: current2 } }
      : { type: "Resource", resource: { name: resource, current: current2 } };
  const name =
    spec.type === "ContainerResource"
      ? `${resource} container resource utilization (percentage of request)`
      : `${resource} resource utilization (percentage of request)`;
  return { ok: true, replicas: res.replicas, name, status };
}

/** `Quantity.MilliValue()` of a target (`averageValue: 500m`). */
function quantityMilli(q: string | number): number {
  return parseMilliValue(String(q));
}

/** `computeReplicasForMetrics`. */
function gotMetrics(c: Ctx, results: WriteResult[], data: unknown): void {
  const r = data as Reconcile;
  const now = c.timestamp();
  const specs = r.hpa.spec?.metrics ?? [];
  const metricsAnswer = results[0];
  const ns = r.hpa.metadata?.namespace ?? "";
  const selector = parseLabelSelector(String(r.scale?.status?.selector ?? ""));
  const pods = c.list("pods", ns).filter((p) => labelsMatch(selector, p.metadata.labels)) as Pod[];
  const statuses: MetricStatus[] = [];
  let replicas = 0;
  let metric = "";
  let invalid = 0;
  let firstError: { reason: string; error: string } | null = null;
  for (const spec of specs) {
    let out: MetricOutcome;
    if (spec.type === "Resource" || spec.type === "ContainerResource")
      out = computeResourceMetric(c, r, spec, metricsAnswer, pods);
    else {
      // Pods / Object / External metrics need the custom or external metrics API (an adapter).
      const reason =
        spec.type === "Pods"
          ? "FailedGetPodsMetric"
          : spec.type === "Object"
            ? "FailedGetObjectMetric"
            : "FailedGetExternalMetric";
      const api = spec.type === "External" ? "external.metrics.k8s.io" : "custom.metrics.k8s.io";
      const err = `unable to fetch metrics from ${spec.type === "External" ? "external" : "custom"} metrics API: the server could not find the requested resource (get ${api})`;
      c.event(r.hpa as KubeObject, "Warning", reason, err);
      out = { ok: false, reason, error: `failed to get ${spec.type.toLowerCase()} metric value: ${err}` };
    }
    if (!out.ok) {
      if (invalid === 0) firstError = { reason: out.reason, error: out.error };
      invalid++;
      statuses.push({ type: "" } as MetricStatus);
      continue;
    }
    statuses.push(out.status);
    if (replicas === 0 || out.replicas > replicas) {
      replicas = out.replicas;
      metric = out.name;
    }
  }
  // Metric statuses of failed metrics are left empty, as the Go code leaves them zero-valued.
  r.metricStatuses = statuses.filter((s) => s.type !== ("" as MetricStatus["type"]));
  const specReplicas = r.currentReplicas ?? 0;
  if (specs.length > 0 && (invalid >= specs.length || (invalid > 0 && replicas < specReplicas))) {
    const e = firstError!;
    setCondition(
      r,
      now,
      "ScalingActive",
      "False",
      e.reason,
      `the HPA was unable to compute the replica count: ${e.error}`,
    );
    metricsFailed(
      c,
      r,
      `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${e.error}`,
    );
    return;
  }
  setCondition(
    r,
    now,
    "ScalingActive",
    "True",
    "ValidMetricFound",
    `the HPA was able to successfully calculate a replica count from ${metric}`,
  );
  const current = r.currentReplicas ?? 0;
  let desired = 0;
  let rescaleMetric = "";
  if (replicas > desired) {
    desired = replicas;
    rescaleMetric = metric;
  }
  if (desired > current) r.rescaleReason = `${rescaleMetric} above target`;
  if (desired < current) r.rescaleReason = "All metrics below target";
  const m = memoryOf(c, r.key);
  const min = r.minReplicas ?? 1;
  const max = r.hpa.spec!.maxReplicas;
  const t = c.unixMs;
  const n: Normalized = r.hpa.spec?.behavior
    ? normalizeDesiredReplicasWithBehaviors(
        m,
        r.hpa.spec.behavior,
        current,
        desired,
        min,
        max,
        t,
        c.data.downscaleStabilizationMs,
      )
    : normalizeDesiredReplicas(m, current, desired, min, max, t, c.data.downscaleStabilizationMs);
  setCondition(r, now, "AbleToScale", "True", n.ableToScale.reason, n.ableToScale.message);
  setCondition(
    r,
    now,
    "ScalingLimited",
    n.scalingLimited.status,
    n.scalingLimited.reason,
    n.scalingLimited.message,
  );
  if (n.desiredReplicas !== current) rescale(c, r, n.desiredReplicas);
  else finish(c, r, current, false);
}

/** Metrics could not be computed: record what is known and stop (`FailedComputeMetricsReplicas`). */
function metricsFailed(c: Ctx, r: Reconcile, err: string): void {
  setStatus(r, c.timestamp(), r.currentReplicas ?? 0, r.hpa.status?.desiredReplicas ?? 0, false);
  updateStatusIfNeeded(c, r);
  c.event(r.hpa as KubeObject, "Warning", "FailedComputeMetricsReplicas", err);
  c.continueWith("done", r);
}

/** Write the new size to the scale subresource. */
function rescale(c: Ctx, r: Reconcile, desired: number): void {
  r.desiredReplicas = desired;
  const scale = { ...r.scale!, spec: { ...(r.scale!.spec ?? {}), replicas: desired } };
  c.request({ method: "PUT", path: r.scalePath!, body: scale });
  c.continueWith("rescaled", r);
}

function rescaled(c: Ctx, results: WriteResult[], data: unknown): void {
  const r = data as Reconcile;
  const res = results[0]!;
  const now = c.timestamp();
  const desired = r.desiredReplicas!;
  const current = r.currentReplicas ?? 0;
  if (!isSuccess(res)) {
    const err = errorMessage(res);
    c.event(
      r.hpa as KubeObject,
      "Warning",
      "FailedRescale",
      `New size: ${desired}; reason: ${r.rescaleReason ?? ""}; error: ${err}`,
    );
    setCondition(
      r,
      now,
      "AbleToScale",
      "False",
      "FailedUpdateScale",
      `the HPA controller was unable to update the target scale: ${err}`,
    );
    setStatus(r, now, current, r.hpa.status?.desiredReplicas ?? 0, false);
    updateStatusIfNeeded(c, r);
    c.continueWith("done", r);
    return;
  }
  setCondition(
    r,
    now,
    "AbleToScale",
    "True",
    "SucceededRescale",
    `the HPA controller was able to update the target scale to ${desired}`,
  );
  c.event(
    r.hpa as KubeObject,
    "Normal",
    "SuccessfulRescale",
    `New size: ${desired}; reason: ${r.rescaleReason ?? ""}`,
  );
  storeScaleEvent(memoryOf(c, r.key), r.hpa.spec?.behavior, current, desired, c.unixMs);
  finish(c, r, desired, true);
}

function finish(c: Ctx, r: Reconcile, desired: number, didRescale: boolean): void {
  setStatus(r, c.timestamp(), r.currentReplicas ?? 0, desired, didRescale);
  updateStatusIfNeeded(c, r);
  c.continueWith("done", r);
}

/** The HorizontalPodAutoscaler controller. */
export const horizontalPodAutoscalerController = defineController<HpaData>({
  name: HPA_CONTROLLER,
  aliases: ["horizontalpodautoscaling"],
  component: HPA_COMPONENT,
  workers: HPA_CONCURRENT_SYNCS,
  // NewDefaultHPARateLimiter: a fixed delay of the sync period for every AddRateLimited.
  rateLimiter: { baseDelayMs: HPA_SYNC_PERIOD_MS, maxDelayMs: HPA_SYNC_PERIOD_MS, bucket: null },
  informers: [{ resource: HPAS }, { resource: "pods" }],
  init: () => ({ downscaleStabilizationMs: HPA_DOWNSCALE_STABILIZATION_MS, memory: {} }),
  handlers: {
    [HPAS]: (c, d) => {
      // enqueueHPA: always with the resync delay; a deleted HPA is forgotten at its next sync.
      if (d.type === "DELETED") c.enqueue(keyOf(d.object));
      else c.enqueueRateLimited(keyOf(d.object));
    },
  },
  sync: reconcile,
  steps: {
    scale: gotScale,
    metrics: gotMetrics,
    rescaled,
    done(c, results) {
      // The status write's answer; a failure is only logged (FailedUpdateStatus).
      const res = results.find((x) => x.label === "status");
      if (res && !isSuccess(res)) {
        const { namespace, name } = splitKey(c.key);
        const hpa = c.get(HPAS, namespace, name);
        if (hpa) c.event(hpa, "Warning", "FailedUpdateStatus", errorMessage(res));
      }
    },
  },
});
