/**
 * From the metrics' recommendation to the replicas the HPA sets (`horizontal.go`, v1.32):
 * stabilisation over recent recommendations (scale-down waits for the highest recommendation of
 * the window, 300 s by default), the scaling policies of `spec.behavior` (4 pods or 100 % per
 * 15 s up, 100 % per 15 s down), `minReplicas`/`maxReplicas`, and the `AbleToScale` /
 * `ScalingLimited` reasons that explain the outcome. State is plain data, times in ms.
 */
import type { HorizontalPodAutoscalerBehavior, HPAScalingRules } from "kubernetes-types/autoscaling/v2";
import { HPA_DOWNSCALE_STABILIZATION_MS, SCALE_UP_LIMIT_FACTOR, SCALE_UP_LIMIT_MINIMUM } from "./constants";

/** `timestampedRecommendation`. */
export interface TimestampedRecommendation {
  recommendation: number;
  timestamp: number;
}

/** `timestampedScaleEvent` (`replicaChange` is the absolute change). */
export interface TimestampedScaleEvent {
  replicaChange: number;
  timestamp: number;
  outdated: boolean;
}

/** What the controller remembers per HPA between syncs. */
export interface AutoscalerMemory {
  recommendations: TimestampedRecommendation[];
  scaleUpEvents: TimestampedScaleEvent[];
  scaleDownEvents: TimestampedScaleEvent[];
}

/** A reason and message for a condition. */
export interface ConditionReason {
  reason: string;
  message: string;
}

/** The outcome of normalisation: the replicas and the two conditions it sets. */
export interface Normalized {
  desiredReplicas: number;
  ableToScale: ConditionReason;
  scalingLimited: ConditionReason & { status: "True" | "False" };
}

/** `recordInitialRecommendation`: the current size is the first recommendation. */
export function recordInitialRecommendation(m: AutoscalerMemory, currentReplicas: number, now: number): void {
  if (m.recommendations.length === 0)
    m.recommendations.push({ recommendation: currentReplicas, timestamp: now });
}

/** `calculateScaleUpLimit`: max(2 × current, 4). */
export function calculateScaleUpLimit(currentReplicas: number): number {
  return Math.max(SCALE_UP_LIMIT_FACTOR * currentReplicas, SCALE_UP_LIMIT_MINIMUM);
}

/** `stabilizeRecommendation` (no `behavior`): the highest recommendation of the downscale window. */
function stabilizeRecommendation(
  m: AutoscalerMemory,
  prenormalized: number,
  now: number,
  windowMs: number,
): number {
  let max = prenormalized;
  let oldIndex = -1;
  const cutoff = now - windowMs;
  m.recommendations.forEach((rec, i) => {
    if (rec.timestamp < cutoff) oldIndex = i;
    else if (rec.recommendation > max) max = rec.recommendation;
  });
  const entry = { recommendation: prenormalized, timestamp: now };
  if (oldIndex >= 0) m.recommendations[oldIndex] = entry;
  else m.recommendations.push(entry);
  return max;
}

/** `convertDesiredReplicasWithRules`. */
function convertDesiredReplicasWithRules(
  current: number,
  desired: number,
  min: number,
  max: number,
): { replicas: number } & ConditionReason {
  const scaleUpLimit = calculateScaleUpLimit(current);
  let maximumAllowed: number;
  let limiting: ConditionReason;
  if (max > scaleUpLimit) {
    maximumAllowed = scaleUpLimit;
    limiting = {
      reason: "ScaleUpLimit",
      message: "the desired replica count is increasing faster than the maximum scale rate",
    };
  } else {
    maximumAllowed = max;
    limiting = {
      reason: "TooManyReplicas",
      message: "the desired replica count is more than the maximum replica count",
    };
  }
  if (desired < min)
    return {
      replicas: min,
      reason: "TooFewReplicas",
      message: "the desired replica count is less than the minimum replica count",
    };
  if (desired > maximumAllowed) return { replicas: maximumAllowed, ...limiting };
  return {
    replicas: desired,
    reason: "DesiredWithinRange",
    message: "the desired count is within the acceptable range",
  };
}

/** `normalizeDesiredReplicas`: the path for an HPA without `spec.behavior`. */
export function normalizeDesiredReplicas(
  m: AutoscalerMemory,
  currentReplicas: number,
  prenormalized: number,
  minReplicas: number,
  maxReplicas: number,
  now: number,
  downscaleStabilizationMs = HPA_DOWNSCALE_STABILIZATION_MS,
): Normalized {
  const stabilized = stabilizeRecommendation(m, prenormalized, now, downscaleStabilizationMs);
  const ableToScale =
    stabilized !== prenormalized
      ? {
          reason: "ScaleDownStabilized",
          message:
            "recent recommendations were higher than current one, applying the highest recent recommendation",
        }
      : { reason: "ReadyForNewScale", message: "recommended size matches current size" };
  const r = convertDesiredReplicasWithRules(currentReplicas, stabilized, minReplicas, maxReplicas);
  return {
    desiredReplicas: r.replicas,
    ableToScale,
    scalingLimited: {
      status: r.replicas === stabilized ? "False" : "True",
      reason: r.reason,
      message: r.message,
    },
  };
}

/** Scaling rules with the controller's defaults filled in where the apiserver left them unset. */
interface Rules {
  stabilizationWindowSeconds: number;
  selectPolicy: string;
  policies: { type: string; value: number; periodSeconds: number }[];
}

function rules(r: HPAScalingRules | undefined, defaultWindowS: number, up: boolean): Rules {
  return {
    stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? defaultWindowS,
    selectPolicy: r?.selectPolicy ?? "Max",
    policies:
      r?.policies ??
      (up
        ? [
            { type: "Pods", value: 4, periodSeconds: 15 },
            { type: "Percent", value: 100, periodSeconds: 15 },
          ]
        : [{ type: "Percent", value: 100, periodSeconds: 15 }]),
  };
}

/** `getReplicasChangePerPeriod`: the change made within the last `periodSeconds`. */
function replicasChangePerPeriod(
  periodSeconds: number,
  events: TimestampedScaleEvent[],
  now: number,
): number {
  const cutoff = now - periodSeconds * 1000;
  let n = 0;
  for (const e of events) if (e.timestamp > cutoff) n += e.replicaChange;
  return n;
}

/** `calculateScaleUpLimitWithScalingRules`. */
function scaleUpLimitWithRules(current: number, m: AutoscalerMemory, r: Rules, now: number): number {
  if (r.selectPolicy === "Disabled") return current;
  const minChange = r.selectPolicy === "Min";
  let result = minChange ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  for (const p of r.policies) {
    const added = replicasChangePerPeriod(p.periodSeconds, m.scaleUpEvents, now);
    const deleted = replicasChangePerPeriod(p.periodSeconds, m.scaleDownEvents, now);
    const periodStart = current - added + deleted;
    let proposed = 0;
    if (p.type === "Pods") proposed = periodStart + p.value;
    // Rounded up: a percentage that adds less than one pod must still scale.
    else if (p.type === "Percent") proposed = Math.ceil(periodStart * (1 + p.value / 100));
    result = minChange ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** `calculateScaleDownLimitWithBehaviors`. */
function scaleDownLimitWithRules(current: number, m: AutoscalerMemory, r: Rules, now: number): number {
  if (r.selectPolicy === "Disabled") return current;
  const minChange = r.selectPolicy === "Min";
  let result = minChange ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  for (const p of r.policies) {
    const added = replicasChangePerPeriod(p.periodSeconds, m.scaleUpEvents, now);
    const deleted = replicasChangePerPeriod(p.periodSeconds, m.scaleDownEvents, now);
    const periodStart = current - added + deleted;
    let proposed = 0;
    if (p.type === "Pods") proposed = periodStart - p.value;
    else if (p.type === "Percent") proposed = Math.trunc(periodStart * (1 - p.value / 100));
    result = minChange ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** `normalizeDesiredReplicasWithBehaviors`: the path for an HPA with `spec.behavior`. */
export function normalizeDesiredReplicasWithBehaviors(
  m: AutoscalerMemory,
  behavior: HorizontalPodAutoscalerBehavior,
  currentReplicas: number,
  prenormalized: number,
  minReplicas: number,
  maxReplicas: number,
  now: number,
  downscaleStabilizationMs = HPA_DOWNSCALE_STABILIZATION_MS,
): Normalized {
  // maybeInitScaleDownStabilizationWindow: an unset scale-down window takes the flag's value.
  const up = rules(behavior.scaleUp, 0, true);
  const down = rules(behavior.scaleDown, downscaleStabilizationMs / 1000, false);

  // stabilizeRecommendationWithBehaviors
  const upCutoff = now - up.stabilizationWindowSeconds * 1000;
  const downCutoff = now - down.stabilizationWindowSeconds * 1000;
  let upRec = prenormalized;
  let downRec = prenormalized;
  let oldIndex = -1;
  m.recommendations.forEach((rec, i) => {
    if (rec.timestamp > upCutoff) upRec = Math.min(rec.recommendation, upRec);
    if (rec.timestamp > downCutoff) downRec = Math.max(rec.recommendation, downRec);
    if (rec.timestamp < upCutoff && rec.timestamp < downCutoff) oldIndex = i;
  });
  let stabilized = currentReplicas;
  if (stabilized < upRec) stabilized = upRec;
  if (stabilized > downRec) stabilized = downRec;
  const entry = { recommendation: prenormalized, timestamp: now };
  if (oldIndex >= 0) m.recommendations[oldIndex] = entry;
  else m.recommendations.push(entry);
  const ableToScale =
    stabilized !== prenormalized
      ? prenormalized >= currentReplicas
        ? {
            reason: "ScaleUpStabilized",
            message:
              "recent recommendations were lower than current one, applying the lowest recent recommendation",
          }
        : {
            reason: "ScaleDownStabilized",
            message:
              "recent recommendations were higher than current one, applying the highest recent recommendation",
          }
      : { reason: "ReadyForNewScale", message: "recommended size matches current size" };

  // convertDesiredReplicasWithBehaviorRate
  let replicas = stabilized;
  let limiting: ConditionReason = {
    reason: "DesiredWithinRange",
    message: "the desired count is within the acceptable range",
  };
  if (stabilized > currentReplicas) {
    const limit = Math.max(scaleUpLimitWithRules(currentReplicas, m, up, now), currentReplicas);
    let maximumAllowed = maxReplicas;
    let possible: ConditionReason;
    if (maximumAllowed > limit) {
      maximumAllowed = limit;
      possible = {
        reason: "ScaleUpLimit",
        message: "the desired replica count is increasing faster than the maximum scale rate",
      };
    } else
      possible = {
        reason: "TooManyReplicas",
        message: "the desired replica count is more than the maximum replica count",
      };
    if (stabilized > maximumAllowed) {
      replicas = maximumAllowed;
      limiting = possible;
    }
  } else if (stabilized < currentReplicas) {
    const limit = Math.min(scaleDownLimitWithRules(currentReplicas, m, down, now), currentReplicas);
    let minimumAllowed = minReplicas;
    let possible: ConditionReason;
    if (minimumAllowed < limit) {
      minimumAllowed = limit;
      possible = {
        reason: "ScaleDownLimit",
        message: "the desired replica count is decreasing faster than the maximum scale rate",
      };
    } else
      possible = {
        reason: "TooFewReplicas",
        message: "the desired replica count is less than the minimum replica count",
      };
    if (stabilized < minimumAllowed) {
      replicas = minimumAllowed;
      limiting = possible;
    }
  }
  return {
    desiredReplicas: replicas,
    ableToScale,
    scalingLimited: { status: replicas === stabilized ? "False" : "True", ...limiting },
  };
}

/** `storeScaleEvent`: remember a rescale for the policies' periods (only with `behavior`). */
export function storeScaleEvent(
  m: AutoscalerMemory,
  behavior: HorizontalPodAutoscalerBehavior | undefined,
  prevReplicas: number,
  newReplicas: number,
  now: number,
): void {
  if (!behavior) return;
  const scaleUp = newReplicas > prevReplicas;
  const r = rules(scaleUp ? behavior.scaleUp : behavior.scaleDown, 0, scaleUp);
  const longest = r.policies.reduce((n, p) => Math.max(n, p.periodSeconds), 0);
  const events = scaleUp ? m.scaleUpEvents : m.scaleDownEvents;
  // markScaleEventsOutdated: events older than the longest period are reused.
  const cutoff = now - longest * 1000;
  for (const e of events) if (e.timestamp < cutoff) e.outdated = true;
  const ev = { replicaChange: Math.abs(newReplicas - prevReplicas), timestamp: now, outdated: false };
  let oldIndex = -1;
  events.forEach((e, i) => {
    if (e.outdated) oldIndex = i;
  });
  if (oldIndex >= 0) events[oldIndex] = ev;
  else events.push(ev);
}
