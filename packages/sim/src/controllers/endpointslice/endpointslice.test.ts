/**
 * The EndpointSlice and Endpoints controllers in a running control plane, with the node
 * lifecycle controller: a node that goes silent takes its pods' endpoints out of service.
 * The test acts as the kubelets (pod status with IPs, Lease renewals).
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { registerController } from "../../controller-manager/registry";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";
import {
  NODE_LIFECYCLE_CONTROLLER,
  nodeLifecycleController,
} from "../node-lifecycle/node-lifecycle-controller";
import { ensureDefaultServiceAccount, TestKubelets } from "../node-lifecycle/testing/test-kubelet";
import { ENDPOINTS_CONTROLLER, endpointsController } from "./endpoints-controller";
import { ENDPOINTSLICE_CONTROLLER, endpointSliceController } from "./endpointslice-controller";

registerController(nodeLifecycleController);
registerController(endpointSliceController);
registerController(endpointsController);

const SLICES = "endpointslices.discovery.k8s.io";

function pod(name: string, node: string, labels = { app: "web" }): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels },
    spec: {
      nodeName: node,
      containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ name: "http", containerPort: 8080 }] }],
    },
  };
}

function setup() {
  const c = new ControllerTestCluster({
    controllers: [NODE_LIFECYCLE_CONTROLLER, ENDPOINTSLICE_CONTROLLER, ENDPOINTS_CONTROLLER],
    kubelet: false,
  });
  ensureDefaultServiceAccount(c);
  const k = new TestKubelets(c);
  k.register("worker-1", { "topology.kubernetes.io/zone": "zone-a" });
  k.register("worker-2", { "topology.kubernetes.io/zone": "zone-b" });
  c.create("services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "default", labels: { app: "web" } },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
  });
  for (const [name, node] of [
    ["web-1", "worker-1"],
    ["web-2", "worker-2"],
    ["web-3", "worker-2"],
  ] as const) {
    c.create("pods", pod(name, node));
    k.startPod("default", name);
  }
  // A pod of another app is not selected.
  c.create("pods", pod("db-1", "worker-1", { app: "db" }));
  k.startPod("default", "db-1");
  k.run(5_000);
  return { c, k };
}

function endpointsOf(
  c: ControllerTestCluster,
): { name: string; ready: boolean; node: string; zone: string }[] {
  return c
    .list(SLICES, "default")
    .filter((s) => s.metadata.labels?.["kubernetes.io/service-name"] === "web")
    .flatMap((s) => s.endpoints ?? [])
    .map(
      (e: {
        targetRef: { name: string };
        conditions: { ready: boolean };
        nodeName: string;
        zone: string;
      }) => ({
        name: e.targetRef.name,
        ready: e.conditions.ready,
        node: e.nodeName,
        zone: e.zone,
      }),
    )
    .sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name));
}

describe("endpointslice controller", () => {
  it("publishes one slice for the Service with its ready pods", () => {
    const { c } = setup();
    const slices = c
      .list(SLICES, "default")
      .filter((s) => s.metadata.labels?.["kubernetes.io/service-name"] === "web");
    expect(slices).toHaveLength(1);
    const slice = slices[0]!;
    expect(slice.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice.metadata.labels).toEqual({
      app: "web",
      "kubernetes.io/service-name": "web",
      "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
    });
    expect(slice.metadata.ownerReferences).toMatchObject([
      { kind: "Service", name: "web", controller: true },
    ]);
    expect(slice.addressType).toBe("IPv4");
    expect(slice.ports).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);
    expect(endpointsOf(c)).toEqual([
      { name: "web-1", ready: true, node: "worker-1", zone: "zone-a" },
      { name: "web-2", ready: true, node: "worker-2", zone: "zone-b" },
      { name: "web-3", ready: true, node: "worker-2", zone: "zone-b" },
    ]);
    expect(slice.metadata.annotations?.["endpoints.kubernetes.io/last-change-trigger-time"]).toMatch(/Z$/);

    const ep = c.get("endpoints", "default", "web")!;
    expect(ep.metadata.labels).toEqual({ app: "web" });
    expect(ep.subsets).toHaveLength(1);
    expect(ep.subsets[0].addresses.map((a: { targetRef: { name: string } }) => a.targetRef.name)).toEqual([
      "web-1",
      "web-2",
      "web-3",
    ]);
    expect(ep.subsets[0].ports).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);
  });

  it("follows pods leaving and a Service without pods keeps an empty slice", () => {
    const { c, k } = setup();
    c.delete("pods", "default", "web-1", { gracePeriodSeconds: 0 });
    k.run(2_000);
    expect(endpointsOf(c).map((e) => e.name)).toEqual(["web-2", "web-3"]);
    c.delete("pods", "default", "web-2", { gracePeriodSeconds: 0 });
    c.delete("pods", "default", "web-3", { gracePeriodSeconds: 0 });
    k.run(2_000);
    const slices = c
      .list(SLICES, "default")
      .filter((s) => s.metadata.labels?.["kubernetes.io/service-name"] === "web");
    expect(slices).toHaveLength(1);
    expect(slices[0]!.endpoints ?? []).toEqual([]);
    expect(c.get("endpoints", "default", "web")!.subsets ?? []).toEqual([]);
    // Deleting the Service deletes its Endpoints object (slices go with the garbage collector).
    c.delete("services", "default", "web");
    k.run(2_000);
    expect(c.get("endpoints", "default", "web")).toBeUndefined();
  });

  it("takes the endpoints of a node that turns NotReady out of service", () => {
    const { c, k } = setup();
    k.stop("worker-2");
    const notReady = () => endpointsOf(c).some((e) => e.node === "worker-2" && !e.ready);
    expect(k.runUntil(notReady, 120_000, 100)).toBe(true);
    const node = c.get("nodes", "", "worker-2")!;
    const ready = node.status.conditions.find((x: { type: string }) => x.type === "Ready");
    // It happens when the node turns NotReady (its pods are marked not ready at once).
    expect(ready.status).toBe("Unknown");
    expect(endpointsOf(c)).toEqual([
      { name: "web-1", ready: true, node: "worker-1", zone: "zone-a" },
      { name: "web-2", ready: false, node: "worker-2", zone: "zone-b" },
      { name: "web-3", ready: false, node: "worker-2", zone: "zone-b" },
    ]);
    k.run(1_000);
    const ep = c.get("endpoints", "default", "web")!;
    expect(ep.subsets[0].addresses.map((a: { targetRef: { name: string } }) => a.targetRef.name)).toEqual([
      "web-1",
    ]);
    expect(
      ep.subsets[0].notReadyAddresses.map((a: { targetRef: { name: string } }) => a.targetRef.name),
    ).toEqual(["web-2", "web-3"]);
  });
});
