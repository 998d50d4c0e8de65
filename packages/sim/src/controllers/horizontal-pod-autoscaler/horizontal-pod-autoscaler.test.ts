/**
 * The HPA controller in a running control plane with the ReplicaSet controller and the fake
 * kubelet. Until the node side provides the resource metrics API, the test plays
 * metrics-server: it serves `metrics.k8s.io/v1beta1` PodMetrics through a
 * CustomResourceDefinition at the same path (`/apis/metrics.k8s.io/v1beta1/namespaces/<ns>/pods`)
 * and writes each pod's CPU usage every 15 s (`--metric-resolution`).
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { registerController } from "../../controller-manager/registry";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";
import { clusterTime, ensureDefaultServiceAccount } from "../node-lifecycle/testing/test-kubelet";
import { HPA_CONTROLLER, horizontalPodAutoscalerController } from "./horizontal-pod-autoscaler-controller";

registerController(horizontalPodAutoscalerController);

const HPAS = "horizontalpodautoscalers.autoscaling";
const METRICS = "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods";

/** Serve PodMetrics as metrics-server does, through a CRD at the metrics API's path. */
function installMetricsApi(c: ControllerTestCluster): void {
  const r = c.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
    body: {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "pods.metrics.k8s.io" },
      spec: {
        group: "metrics.k8s.io",
        scope: "Namespaced",
        names: { plural: "pods", singular: "podmetrics", kind: "PodMetrics" },
        versions: [
          {
            name: "v1beta1",
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
          },
        ],
      },
    },
  });
  if (r.code !== 201) throw new Error(`CRD: ${r.code} ${JSON.stringify(r.body)}`);
  c.advance(50);
}

/** One scrape: every running pod of the ReplicaSet reports `cpuMilli` of usage. */
function scrape(c: ControllerTestCluster, cpuMilli: number): void {
  const now = clusterTime(c);
  for (const p of c.list("pods", "default")) {
    if (p.status?.phase !== "Running" || p.metadata.deletionTimestamp) continue;
    const name = p.metadata.name!;
    const body = {
      apiVersion: "metrics.k8s.io/v1beta1",
      kind: "PodMetrics",
      metadata: { name, namespace: "default", labels: p.metadata.labels },
      timestamp: now,
      window: "15s",
      containers: [{ name: "app", usage: { cpu: `${cpuMilli}m`, memory: "20Mi" } }],
    };
    const existing = c.request("GET", `${METRICS}/${name}`);
    if (existing.code === 200) {
      const rv = (existing.body as KubeObject).metadata.resourceVersion;
      c.request("PUT", `${METRICS}/${name}`, {
        body: { ...body, metadata: { ...body.metadata, resourceVersion: rv } },
      });
    } else c.request("POST", METRICS, { body });
  }
}

function replicas(c: ControllerTestCluster): number {
  return c.get("replicasets.apps", "default", "web")!.spec.replicas;
}

function setup(hpaSpec: Record<string, unknown> = {}) {
  const c = new ControllerTestCluster({
    controllers: ["replicaset-controller", HPA_CONTROLLER],
    kubelet: { startDelayMs: 2_000 },
  });
  ensureDefaultServiceAccount(c);
  installMetricsApi(c);
  c.create("replicasets.apps", {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: "web", namespace: "default" },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "app", image: "nginx", resources: { requests: { cpu: "100m" } } }] },
      },
    },
  });
  c.create(HPAS, {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "web", namespace: "default" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web" },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } },
        },
      ],
      ...hpaSpec,
    },
  });
  return c;
}

/** Run for `ms`, scraping every 15 s at `cpuMilli` per pod. */
function load(c: ControllerTestCluster, cpuMilli: number, ms: number, until?: () => boolean): boolean {
  const end = c.sim.now + ms;
  while (c.sim.now < end) {
    scrape(c, cpuMilli);
    const next = Math.min(end, c.sim.now + 15_000);
    while (c.sim.now < next) {
      if (until?.()) return true;
      c.advance(Math.min(500, next - c.sim.now));
    }
  }
  return until?.() ?? false;
}

function condition(c: ControllerTestCluster, type: string): Record<string, string> | undefined {
  return c.get(HPAS, "default", "web")!.status?.conditions?.find((x: { type: string }) => x.type === type);
}

describe("horizontal pod autoscaler", () => {
  it("scales up under load and down only after the 300 s stabilisation window", () => {
    const c = setup();
    // Pods start; within the CPU initialisation period a sample only counts once a whole
    // metrics window (15 s) has passed since the pod became ready.
    load(c, 20, 20_000);
    expect(condition(c, "ScalingActive")).toMatchObject({
      status: "False",
      message:
        "the HPA was unable to compute the replica count: failed to get cpu resource metric value: failed to get cpu utilization: did not receive metrics for any ready pods",
    });
    load(c, 20, 25_000);
    expect(replicas(c)).toBe(1);
    expect(condition(c, "ScalingActive")).toMatchObject({ status: "True", reason: "ValidMetricFound" });
    expect(c.get(HPAS, "default", "web")!.status.currentMetrics).toEqual([
      {
        type: "Resource",
        resource: { name: "cpu", current: { averageUtilization: 20, averageValue: "20m" } },
      },
    ]);

    // 200 % of request on one pod: ceil(1 × 200/50) = 4, which is also the first step's limit max(2 × 1, 4).
    expect(load(c, 200, 60_000, () => replicas(c) > 1)).toBe(true);
    expect(replicas(c)).toBe(4);
    const ups = c.events("default", "web").filter((e) => e.reason === "SuccessfulRescale");
    expect(ups[0]).toMatchObject({
      type: "Normal",
      message: "New size: 4; reason: cpu resource utilization (percentage of request) above target",
      source: { component: "horizontal-pod-autoscaler" },
      involvedObject: { kind: "HorizontalPodAutoscaler", name: "web" },
    });
    expect(c.get(HPAS, "default", "web")!.status).toMatchObject({ currentReplicas: 1, desiredReplicas: 4 });

    // Load holds at 100 % on four pods: 4 × 100/50 = 8.
    expect(load(c, 100, 90_000, () => replicas(c) === 8)).toBe(true);
    // Then at the target (50 %): ratio 1, no change, and the new pods get their metrics.
    load(c, 50, 60_000);
    expect(replicas(c)).toBe(8);

    // The load drops to 10 %: the recommendation is 2 at once, but the scale-down waits for the
    // highest recommendation of the last 5 minutes.
    const drop = c.sim.now;
    let downAt = 0;
    load(c, 10, 400_000, () => {
      if (replicas(c) < 8) {
        downAt = c.sim.now;
        return true;
      }
      return false;
    });
    expect(downAt).toBeGreaterThan(0);
    expect(downAt - drop).toBeGreaterThanOrEqual(285_000);
    // The last recommendation of 8 came from the sync before the drop (syncs every 15 s).
    expect(downAt - drop).toBeLessThanOrEqual(316_000);
    expect(replicas(c)).toBe(2);
    expect(c.events("default", "web").map((e) => e.message)).toContain(
      "New size: 2; reason: All metrics below target",
    );
  }, 60_000);

  it("waits while the metrics API has nothing and says why", () => {
    const c = setup();
    c.advance(40_000);
    expect(replicas(c)).toBe(1);
    expect(condition(c, "AbleToScale")).toMatchObject({ status: "True", reason: "SucceededGetScale" });
    expect(condition(c, "ScalingActive")).toMatchObject({
      status: "False",
      reason: "FailedGetResourceMetric",
      message:
        "the HPA was unable to compute the replica count: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API",
    });
    expect(c.events("default", "web").map((e) => e.reason)).toContain("FailedComputeMetricsReplicas");
  });

  it("applies the behavior's scale-up policies", () => {
    const c = setup({
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: "Max",
          policies: [{ type: "Pods", value: 1, periodSeconds: 60 }],
        },
      },
    });
    load(c, 20, 45_000);
    const start = c.sim.now;
    expect(load(c, 400, 60_000, () => replicas(c) === 2)).toBe(true);
    // One pod per minute at most.
    load(c, 400, 50_000);
    expect(replicas(c)).toBe(2);
    expect(condition(c, "ScalingLimited")).toMatchObject({ status: "True", reason: "ScaleUpLimit" });
    expect(load(c, 400, 30_000, () => replicas(c) === 3)).toBe(true);
    expect(c.sim.now - start).toBeGreaterThanOrEqual(60_000);
  }, 60_000);
});
