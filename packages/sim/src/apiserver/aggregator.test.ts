/**
 * Aggregated APIs: an APIService with a Service makes the apiserver proxy its group/version to
 * the component standing for that Service. A stand-in aggregated server answers here; the
 * metrics-server component is exercised at the end through the same path.
 */
import { describe, expect, it } from "vitest";
import { createMetricsServer, metricsServerBehavior } from "../addons/metrics-server/metrics-server";
import type { KubeObject, Status } from "../api/types";
import { defineBehavior, type Message } from "../core/component";
import type { ApiRequest, ApiResponse } from "./http";
import { ControlPlaneHarness } from "./testing";

/** A minimal aggregated API server: discovery and a PodMetricsList; it records what it was asked. */
interface FakeState {
  seen: { path: string; user: string; origin: string }[];
}

const fakeMetricsServer = defineBehavior<FakeState>({
  kind: "fake-aggregated-server",
  onMessage(ctx, s, msg: Message, from) {
    const req = msg as ApiRequest;
    if (req.verb !== "GET") return;
    s.seen.push({ path: req.path, user: req.user.username, origin: req.origin });
    const body =
      req.path === "/apis/metrics.k8s.io/v1beta1"
        ? {
            kind: "APIResourceList",
            apiVersion: "v1",
            groupVersion: "metrics.k8s.io/v1beta1",
            resources: [
              {
                name: "nodes",
                singularName: "",
                namespaced: false,
                kind: "NodeMetrics",
                verbs: ["get", "list"],
              },
              {
                name: "pods",
                singularName: "",
                namespaced: true,
                kind: "PodMetrics",
                verbs: ["get", "list"],
              },
            ],
          }
        : { kind: "PodMetricsList", apiVersion: "metrics.k8s.io/v1beta1", metadata: {}, items: [] };
    ctx.send(from, { verb: "RESPONSE", requestId: req.requestId, code: 200, body } as ApiResponse);
  },
  onTimer() {},
});

const apiService: KubeObject = {
  apiVersion: "apiregistration.k8s.io/v1",
  kind: "APIService",
  metadata: { name: "v1beta1.metrics.k8s.io" },
  spec: {
    group: "metrics.k8s.io",
    version: "v1beta1",
    groupPriorityMinimum: 100,
    versionPriority: 100,
    insecureSkipTLSVerify: true,
    service: { name: "metrics-server", namespace: "kube-system" },
  },
};

const PODS = "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods";

function boot(): ControlPlaneHarness {
  const h = new ControlPlaneHarness({
    seed: 21,
    behaviors: [fakeMetricsServer, metricsServerBehavior],
    spec: { apiServer: { aggregatedApiBackends: { "kube-system/metrics-server": "fake" } } },
  }).boot();
  h.sim.addComponent("fake", "fake-aggregated-server", { seen: [] } satisfies FakeState);
  return h;
}

describe("API aggregation", () => {
  it("serves nothing before the APIService exists", () => {
    const h = boot();
    const r = h.request("GET", PODS);
    expect(r.code).toBe(404);
    expect((r.body as Status).message).toBe("the server could not find the requested resource");
  });

  it("lists the group in discovery and proxies discovery and requests to the backend", () => {
    const h = boot();
    expect(h.request("POST", "/apis/apiregistration.k8s.io/v1/apiservices", { body: apiService }).code).toBe(
      201,
    );
    h.sim.advanceBy(20);
    const groups = h.request("GET", "/apis").body as {
      groups: { name: string; preferredVersion: unknown }[];
    };
    expect(groups.groups.find((g) => g.name === "metrics.k8s.io")).toEqual({
      name: "metrics.k8s.io",
      versions: [{ groupVersion: "metrics.k8s.io/v1beta1", version: "v1beta1" }],
      preferredVersion: { groupVersion: "metrics.k8s.io/v1beta1", version: "v1beta1" },
    });
    const discovery = h.request("GET", "/apis/metrics.k8s.io/v1beta1");
    expect(discovery.code).toBe(200);
    expect(discovery.body).toMatchObject({ kind: "APIResourceList", groupVersion: "metrics.k8s.io/v1beta1" });
    const list = h.request("GET", PODS, { query: { labelSelector: "app=web" } });
    expect(list.code).toBe(200);
    expect(list.body).toMatchObject({ kind: "PodMetricsList", items: [] });
    // The backend got the client's path and identity, from the apiserver.
    const seen = h.sim.componentState<FakeState>("fake").seen;
    expect(seen.map((x) => x.path)).toEqual(["/apis/metrics.k8s.io/v1beta1", PODS]);
    expect(seen[1]).toMatchObject({ user: "kubernetes-admin", origin: "kube-apiserver-0" });
  });

  it("authorizes before proxying, and answers 503 when the backend is down", () => {
    const h = boot();
    h.request("POST", "/apis/apiregistration.k8s.io/v1/apiservices", { body: apiService });
    h.sim.advanceBy(20);
    const nobody = { username: "system:serviceaccount:default:nobody", groups: ["system:authenticated"] };
    const denied = h.request("GET", PODS, { user: nobody });
    expect(denied.code).toBe(403);
    expect((denied.body as Status).message).toBe(
      'pods.metrics.k8s.io is forbidden: User "system:serviceaccount:default:nobody" cannot list resource "pods" in API group "metrics.k8s.io" in the namespace "default"',
    );
    expect(h.sim.componentState<FakeState>("fake").seen).toEqual([]);
    h.sim.stop("fake");
    const down = h.request("GET", PODS);
    expect(down.code).toBe(503);
    expect(down.body).toBe("service unavailable\n");
  });

  it("reaches the metrics-server component through the same path", () => {
    const h = new ControlPlaneHarness({ seed: 22, behaviors: [metricsServerBehavior] }).boot();
    h.sim.addComponent(
      "metrics-server",
      "metrics-server",
      createMetricsServer(h.cp.loadBalancer, { storage: "aggregated" }),
    );
    h.request("POST", "/apis/apiregistration.k8s.io/v1/apiservices", { body: apiService });
    h.sim.advanceBy(20);
    const list = h.request("GET", PODS);
    expect(list.code).toBe(200);
    expect(list.body).toMatchObject({
      kind: "PodMetricsList",
      apiVersion: "metrics.k8s.io/v1beta1",
      items: [],
    });
    const node = h.request("GET", "/apis/metrics.k8s.io/v1beta1/nodes/node-1");
    expect(node.code).toBe(404);
    expect((node.body as Status).message).toBe('nodes.metrics.k8s.io "node-1" not found');
  });
});
