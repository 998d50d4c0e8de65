import type { Pod } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import { parseEpoch } from "../../core/time";
import { type PodMetrics, parseGoDuration, podMetricsInfo } from "./metrics";
import {
  type AutoscalerMemory,
  normalizeDesiredReplicas,
  normalizeDesiredReplicasWithBehaviors,
  recordInitialRecommendation,
  storeScaleEvent,
} from "./normalize";
import { getResourceReplicas } from "./replica-calculator";

const T0 = parseEpoch("2025-01-01T00:00:00Z");
const NOW = T0 + 3_600_000; // an hour in: pods are past their CPU initialisation period

function pod(name: string, opts: { phase?: string; ready?: boolean; cpu?: string } = {}): Pod {
  return {
    metadata: { name, namespace: "default" },
    spec: {
      containers: [{ name: "app", image: "nginx", resources: { requests: { cpu: opts.cpu ?? "100m" } } }],
    },
    status: {
      phase: opts.phase ?? "Running",
      startTime: "2025-01-01T00:00:00Z",
      conditions: [
        {
          type: "Ready",
          status: opts.ready === false ? "False" : "True",
          lastTransitionTime: "2025-01-01T00:00:05Z",
        },
      ],
    },
  };
}

function sample(name: string, cpu: string): PodMetrics {
  return {
    metadata: { name, namespace: "default" },
    timestamp: "2025-01-01T00:59:50Z",
    window: "15s",
    containers: [{ name: "app", usage: { cpu, memory: "10Mi" } }],
  };
}

const calc = (current: number, target: number, pods: Pod[], samples: PodMetrics[]) =>
  getResourceReplicas(
    current,
    target,
    "cpu",
    "",
    pods,
    podMetricsInfo(samples, "cpu", parseEpoch),
    T0,
    NOW,
    parseEpoch,
  );

describe("metrics", () => {
  it("sums container usage per pod in milli-units and parses windows", () => {
    const m = podMetricsInfo(
      [
        {
          metadata: { name: "a" },
          timestamp: "2025-01-01T00:00:10Z",
          window: "1m0.5s",
          containers: [
            { name: "x", usage: { cpu: "250m" } },
            { name: "y", usage: { cpu: "1" } },
          ],
        },
        { metadata: { name: "b" }, timestamp: "2025-01-01T00:00:10Z", window: "15s", containers: [] },
      ],
      "cpu",
      parseEpoch,
    );
    expect(m).toEqual({ a: { timestamp: T0 + 10_000, windowMs: 60_500, value: 1250 } });
    expect(parseGoDuration("500ms")).toBe(500);
  });
});

describe("replica calculator", () => {
  it("computes ceil(ready pods × utilisation / target)", () => {
    const r = calc(2, 50, [pod("a"), pod("b")], [sample("a", "200m"), sample("b", "100m")]);
    // (200 + 100) / (100 + 100) = 150 % of request; 150 / 50 = 3 → ceil(3 × 2) = 6.
    expect(r).toEqual({ replicas: 6, utilization: 150, rawUsage: 150, timestamp: T0 });
  });

  it("keeps the current size within the 10 % tolerance", () => {
    expect(calc(2, 50, [pod("a"), pod("b")], [sample("a", "54m"), sample("b", "54m")])).toMatchObject({
      replicas: 2,
    });
    expect(calc(2, 50, [pod("a"), pod("b")], [sample("a", "56m"), sample("b", "56m")])).toMatchObject({
      replicas: 3,
    });
  });

  it("counts pods without metrics at 100 % on a scale-down", () => {
    // Two pods at 20 % (ratio 0.4) and one missing: (20 + 20 + 100) / 300 = 46 % → ratio 0.93: no change.
    expect(
      calc(3, 50, [pod("a"), pod("b"), pod("c")], [sample("a", "20m"), sample("b", "20m")]),
    ).toMatchObject({
      replicas: 3,
      utilization: 20,
    });
    // At 1 % the scale-down happens over all four pods: (1 + 1 + 1 + 100) / 400 = 25 % → ceil(0.5 × 4) = 2.
    expect(
      calc(
        4,
        50,
        [pod("a"), pod("b"), pod("c"), pod("d")],
        [sample("a", "1m"), sample("b", "1m"), sample("c", "1m")],
      ),
    ).toMatchObject({ replicas: 2, utilization: 1 });
  });

  it("counts unready and pending pods at 0 % on a scale-up", () => {
    const pods = [pod("a"), pod("b", { phase: "Pending" }), pod("c", { ready: false })];
    // Ready pod a at 200 % → ratio 4; with b and c at 0: 200 / 300 = 66 % → ratio 1.33 → ceil(1.33 × 3) = 4.
    expect(calc(3, 50, pods, [sample("a", "200m"), sample("c", "0m")])).toMatchObject({
      replicas: 4,
      utilization: 200,
    });
  });

  it("reports missing requests and missing metrics", () => {
    const noRequest = pod("a");
    noRequest.spec!.containers[0]!.resources = {};
    expect(calc(1, 50, [noRequest], [sample("a", "10m")])).toEqual({
      error: "missing request for cpu in container app of Pod a",
    });
    expect(calc(1, 50, [pod("a")], [])).toEqual({ error: "did not receive metrics for any ready pods" });
  });
});

describe("normalisation without behavior", () => {
  it("scales down only to the highest recommendation of the last 300 s", () => {
    const m: AutoscalerMemory = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
    recordInitialRecommendation(m, 4, 0);
    const early = normalizeDesiredReplicas(m, 4, 1, 1, 10, 15_000);
    expect(early.desiredReplicas).toBe(4);
    expect(early.ableToScale.reason).toBe("ScaleDownStabilized");
    const stillEarly = normalizeDesiredReplicas(m, 4, 1, 1, 10, 299_000);
    expect(stillEarly.desiredReplicas).toBe(4);
    const late = normalizeDesiredReplicas(m, 4, 1, 1, 10, 301_000);
    expect(late).toEqual({
      desiredReplicas: 1,
      ableToScale: { reason: "ReadyForNewScale", message: "recommended size matches current size" },
      scalingLimited: {
        status: "False",
        reason: "DesiredWithinRange",
        message: "the desired count is within the acceptable range",
      },
    });
  });

  it("limits a scale-up to max(2 × current, 4) and to maxReplicas", () => {
    const m: AutoscalerMemory = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
    expect(normalizeDesiredReplicas(m, 1, 20, 1, 10, 0)).toMatchObject({
      desiredReplicas: 4,
      scalingLimited: { status: "True", reason: "ScaleUpLimit" },
    });
    expect(normalizeDesiredReplicas(m, 8, 20, 1, 10, 0)).toMatchObject({
      desiredReplicas: 10,
      scalingLimited: { status: "True", reason: "TooManyReplicas" },
    });
    expect(normalizeDesiredReplicas(m, 3, 1, 2, 10, 400_000)).toMatchObject({
      scalingLimited: { reason: "TooFewReplicas" },
    });
  });
});

describe("normalisation with behavior", () => {
  const defaults = {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [
        { type: "Pods", value: 4, periodSeconds: 15 },
        { type: "Percent", value: 100, periodSeconds: 15 },
      ],
    },
    scaleDown: { selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
  };

  it("applies the scale-up policies per period, counting recent scale events", () => {
    const m: AutoscalerMemory = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
    const a = normalizeDesiredReplicasWithBehaviors(m, defaults, 1, 20, 1, 50, 0);
    // max(1 + 4 pods, 1 × 200 %) = 5.
    expect(a).toMatchObject({
      desiredReplicas: 5,
      scalingLimited: { status: "True", reason: "ScaleUpLimit" },
    });
    storeScaleEvent(m, defaults, 1, 5, 0);
    // 10 s later the period still counts the +4: the period started at 1 replica.
    expect(normalizeDesiredReplicasWithBehaviors(m, defaults, 5, 20, 1, 50, 10_000).desiredReplicas).toBe(5);
    // After 15 s the period starts at 5: max(5 + 4, 10) = 10.
    expect(normalizeDesiredReplicasWithBehaviors(m, defaults, 5, 20, 1, 50, 16_000).desiredReplicas).toBe(10);
  });

  it("stabilises scale-down over the flag's 300 s window when the behavior leaves it unset", () => {
    const m: AutoscalerMemory = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] };
    recordInitialRecommendation(m, 6, 0);
    expect(normalizeDesiredReplicasWithBehaviors(m, defaults, 6, 2, 1, 10, 60_000)).toMatchObject({
      desiredReplicas: 6,
      ableToScale: { reason: "ScaleDownStabilized" },
    });
    expect(normalizeDesiredReplicasWithBehaviors(m, defaults, 6, 2, 1, 10, 301_000).desiredReplicas).toBe(2);
  });
});
