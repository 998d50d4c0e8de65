/**
 * Done-when 5 of issue 4: load sent through the data path raises the backends' CPU, which
 * metrics-server reports through `metrics.k8s.io`, and the HPA scales the Deployment out; when
 * the load stops, it scales back in after the 5-minute downscale stabilisation window.
 * Real: control plane, kube-controller-manager (Deployment, ReplicaSet, EndpointSlice, HPA
 * controllers), kube-proxy, CoreDNS caches, metrics-server. Played by the test: scheduler,
 * kubelets (`NetworkTestCluster`) and the kubelets' `/metrics/resource` (`resource-metrics-kubelet`).
 */
import { describe, expect, it } from "vitest";
import { ADMIN_USER, type ApiRequest } from "../../apiserver/http";
import { registerController } from "../../controller-manager/registry";
import {
  HPA_CONTROLLER,
  horizontalPodAutoscalerController,
} from "../../controllers/horizontal-pod-autoscaler/horizontal-pod-autoscaler-controller";
import { NetworkTestCluster } from "../../network/testing/network-test-cluster";
import { distributeTraffic, type TrafficFlow } from "../../network/traffic";
import { metricsServerManifests } from "./manifests";
import {
  createMetricsServer,
  METRICS_SERVER_KIND,
  type MetricsServerState,
  metricsServerBehavior,
} from "./metrics-server";
import type { PodMetrics } from "./metrics-types";
import {
  createResourceMetricsKubelet,
  RESOURCE_METRICS_KUBELET_KIND,
  resourceMetricsKubeletBehavior,
  type SetLoad,
} from "./testing/resource-metrics-kubelet";
import { formatTopPods } from "./top";

registerController(horizontalPodAutoscalerController);

function setup() {
  const t = new NetworkTestCluster({
    controllers: [HPA_CONTROLLER],
    behaviors: [metricsServerBehavior, resourceMetricsKubeletBehavior],
  });
  for (const o of metricsServerManifests()) {
    const path =
      o.kind === "CustomResourceDefinition"
        ? "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
        : o.kind === "APIService"
          ? "/apis/apiregistration.k8s.io/v1/apiservices"
          : o.kind === "RoleBinding"
            ? `/apis/rbac.authorization.k8s.io/v1/namespaces/${o.metadata.namespace}/rolebindings`
            : null;
    if (path) {
      const r = t.c.request("POST", path, { body: o });
      if (r.code !== 201)
        throw new Error(`${o.kind} ${o.metadata.name}: ${r.code} ${JSON.stringify(r.body)}`);
    } else t.create(o);
  }
  for (const n of t.nodes)
    t.c.sim.addComponent(
      `kubelet-${n}`,
      RESOURCE_METRICS_KUBELET_KIND,
      createResourceMetricsKubelet(t.c.h.cp.loadBalancer, n),
    );
  t.c.sim.addMailbox("load-generator");
  t.c.sim.addComponent("metrics-server", METRICS_SERVER_KIND, createMetricsServer(t.c.h.cp.loadBalancer));
  // The HPA walkthrough: php-apache with 200m requested, a Service, an HPA at 50% CPU.
  t.create({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "php-apache", namespace: "default" },
    spec: {
      selector: { matchLabels: { run: "php-apache" } },
      template: {
        metadata: { labels: { run: "php-apache" } },
        spec: {
          containers: [
            {
              name: "php-apache",
              image: "registry.k8s.io/hpa-example",
              ports: [{ containerPort: 80 }],
              resources: { limits: { cpu: "500m" }, requests: { cpu: "200m" } },
            },
          ],
        },
      },
    },
  });
  t.create({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "php-apache", namespace: "default", labels: { run: "php-apache" } },
    spec: { ports: [{ port: 80 }], selector: { run: "php-apache" } },
  });
  t.create({
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "php-apache", namespace: "default" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "php-apache" },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } },
        },
      ],
    },
  });
  t.clientPod("load-generator");
  return t;
}

/** Run with `flows`, re-distributing the load through the data path every 5 s. */
function runWithLoad(
  t: NetworkTestCluster,
  flows: TrafficFlow[],
  ms: number,
  until?: () => boolean,
): boolean {
  const end = t.c.sim.now + ms;
  while (t.c.sim.now < end) {
    const load = distributeTraffic(t.view(), flows, t.rnd());
    for (const n of t.nodes) {
      const mine: Record<string, number> = {};
      for (const [k, v] of Object.entries(load)) {
        const [ns, pod] = k.split("/") as [string, string];
        if (t.c.get("pods", ns, pod)?.spec.nodeName === n) mine[k] = v;
      }
      t.c.sim.inject("load-generator", `kubelet-${n}`, { verb: "SET-LOAD", load: mine } as SetLoad);
    }
    t.run(5_000);
    if (until?.()) return true;
  }
  return until ? until() : true;
}

const replicas = (t: NetworkTestCluster) =>
  t.c.get("deployments.apps", "default", "php-apache")!.spec.replicas as number;

describe("metrics-server and the HPA under load", () => {
  it("reports usage from load delivered through the data path; the HPA scales out, then in after the window", () => {
    const t = setup();
    // Idle: metrics appear after two scrapes, at the image's idle CPU (1m).
    runWithLoad(t, [], 40_000);
    const ms = t.c.sim.componentState<MetricsServerState>("metrics-server");
    const idle = Object.values(ms.podMetrics).find((m) => m.metadata.labels?.run === "php-apache");
    expect(idle?.containers[0]?.usage.cpu).toBe("1000000n");
    expect(idle?.window).toBe("15s");
    const listed = t.c.request("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", {
      query: { labelSelector: "run=php-apache" },
    });
    expect(listed.code).toBe(200);
    expect((listed.body as { items: PodMetrics[] }).items).toHaveLength(1);
    expect(formatTopPods((listed.body as { items: PodMetrics[] }).items)).toMatch(
      /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s+\nphp-apache-\S+\s+1m\s+10Mi\s+\n$/,
    );
    expect(replicas(t)).toBe(1);
    // Asked directly, as the apiserver would proxy an aggregated API request to it.
    t.c.sim.inject("load-generator", "metrics-server", {
      verb: "GET",
      requestId: 999_999,
      origin: "load-generator",
      path: "/apis/metrics.k8s.io/v1beta1/nodes/worker-1",
      user: ADMIN_USER,
    } as ApiRequest);
    t.c.sim.advanceBy(10);
    const direct = t.c.sim
      .drainOutputs()
      .find((o) => (o.msg as { requestId?: number }).requestId === 999_999);
    const res = direct?.msg as unknown as { code: number; body: { kind: string } };
    expect(res.code).toBe(200);
    expect(res.body.kind).toBe("NodeMetrics");

    // 5 requests/s from the load generator: 1m + 5 × 50m = 251m, 125% of the 200m request.
    const flows = [{ from: "default/load-generator", url: "http://php-apache", rps: 5 }];
    const up = runWithLoad(t, flows, 120_000, () => replicas(t) >= 3);
    expect(up).toBe(true);
    expect(replicas(t)).toBe(3);
    const rescale = t.c.events("default", "php-apache").find((e) => e.reason === "SuccessfulRescale");
    expect(rescale?.message).toMatch(
      /^New size: 3; reason: cpu resource utilization \(percentage of request\) above target$/,
    );
    // Spread over three pods the load is ~42% each: the HPA holds at 3.
    runWithLoad(t, flows, 60_000);
    expect(replicas(t)).toBe(3);

    // The load stops. Within the 300 s stabilisation window nothing changes; then back to 1.
    const stoppedAt = t.c.sim.now;
    runWithLoad(t, [], 240_000);
    expect(replicas(t)).toBe(3);
    const down = runWithLoad(t, [], 180_000, () => replicas(t) === 1);
    expect(down).toBe(true);
    expect(t.c.sim.now - stoppedAt).toBeGreaterThanOrEqual(300_000);
  });
});
