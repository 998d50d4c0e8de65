import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { describe, expect, it } from "vitest";
import { desiredEndpoints } from "./endpoints";
import { getEndpointPorts, podToEndpoint } from "./endpoints-from-pods";
import { reconcileEndpointSlices } from "./reconciler";
import { computeLastChangeTriggerTime } from "./trigger-time";

const service: Service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: {
    name: "web",
    namespace: "default",
    uid: "svc-uid",
    labels: { app: "web" },
    creationTimestamp: "2025-01-01T00:00:00Z",
  },
  spec: {
    selector: { app: "web" },
    clusterIP: "10.96.0.10",
    ipFamilies: ["IPv4"],
    ports: [{ name: "http", port: 80, protocol: "TCP", targetPort: "http" }],
  },
};

function pod(
  i: number,
  opts: { ready?: boolean; node?: string; deleting?: boolean; phase?: string } = {},
): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `web-${i}`,
      namespace: "default",
      uid: `uid-${i}`,
      labels: { app: "web" },
      ...(opts.deleting ? { deletionTimestamp: "2025-01-01T00:10:00Z" } : {}),
    },
    spec: {
      nodeName: opts.node ?? "worker-1",
      containers: [
        { name: "nginx", image: "nginx", ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }] },
      ],
    },
    status: {
      phase: opts.phase ?? "Running",
      podIP: `10.244.1.${i}`,
      podIPs: [{ ip: `10.244.1.${i}` }],
      conditions: [
        {
          type: "Ready",
          status: opts.ready === false ? "False" : "True",
          lastTransitionTime: `2025-01-01T00:00:${String(10 + i).padStart(2, "0")}Z`,
        },
      ],
    },
  };
}

const nodes: Record<string, Node> = {
  "worker-1": { metadata: { name: "worker-1", labels: { "topology.kubernetes.io/zone": "zone-a" } } },
};
const nodeOf = (n: string) => nodes[n];

/** Apply changes as the apiserver would (names for created slices). */
function apply(
  existing: EndpointSlice[],
  changes: ReturnType<typeof reconcileEndpointSlices>,
): EndpointSlice[] {
  let out = existing.filter((s) => !changes.delete.some((d) => d.metadata!.name === s.metadata!.name));
  for (const u of changes.update) out = out.map((s) => (s.metadata!.name === u.metadata!.name ? u : s));
  let n = out.length;
  for (const c of changes.create)
    out.push({ ...c, metadata: { ...c.metadata, name: `web-${String.fromCharCode(97 + n++)}xxxx` } });
  return out;
}

describe("endpoints from pods", () => {
  it("resolves named target ports and sets conditions, node and zone", () => {
    expect(getEndpointPorts(service, pod(1))).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);
    expect(podToEndpoint(pod(1), nodes["worker-1"], service, "IPv4")).toEqual({
      addresses: ["10.244.1.1"],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: "Pod", namespace: "default", name: "web-1", uid: "uid-1" },
      nodeName: "worker-1",
      zone: "zone-a",
    });
    expect(podToEndpoint(pod(2, { deleting: true }), undefined, service, "IPv4").conditions).toEqual({
      ready: false,
      serving: true,
      terminating: true,
    });
  });
});

describe("reconcileEndpointSlices", () => {
  it("creates one labelled, owned slice for the pods and keeps it when nothing changes", () => {
    const pods = [pod(1), pod(2), pod(3, { ready: false }), pod(4, { phase: "Succeeded" })];
    const first = reconcileEndpointSlices(service, pods, [], "IPv4", nodeOf);
    expect(first.create).toHaveLength(1);
    const slice = first.create[0]!;
    expect(slice.metadata).toMatchObject({
      generateName: "web-",
      namespace: "default",
      labels: {
        app: "web",
        "kubernetes.io/service-name": "web",
        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
      },
      ownerReferences: [
        {
          apiVersion: "v1",
          kind: "Service",
          name: "web",
          uid: "svc-uid",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
    expect(slice.addressType).toBe("IPv4");
    expect(slice.ports).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);
    expect(slice.endpoints.map((e) => [e.targetRef!.name, e.conditions!.ready])).toEqual([
      ["web-1", true],
      ["web-2", true],
      ["web-3", false],
    ]);
    const slices = apply([], first);
    expect(reconcileEndpointSlices(service, pods, slices, "IPv4", nodeOf)).toEqual({
      create: [],
      update: [],
      delete: [],
      podsWithMissingNode: 0,
    });
  });

  it("updates the endpoint of a pod that turns not ready in place", () => {
    const slices = apply([], reconcileEndpointSlices(service, [pod(1), pod(2)], [], "IPv4", nodeOf));
    const changes = reconcileEndpointSlices(
      service,
      [pod(1), pod(2, { ready: false })],
      slices,
      "IPv4",
      nodeOf,
    );
    expect(changes.create).toEqual([]);
    expect(changes.update).toHaveLength(1);
    expect(changes.update[0]!.metadata!.name).toBe(slices[0]!.metadata!.name);
    expect(changes.update[0]!.endpoints.find((e) => e.targetRef!.name === "web-2")!.conditions).toEqual({
      ready: false,
      serving: false,
      terminating: false,
    });
  });

  it("splits 250 endpoints into slices of at most 100 and keeps a placeholder when pods go", () => {
    const many = Array.from({ length: 250 }, (_, i) => {
      const p = pod(i);
      p.status!.podIPs = [{ ip: `10.244.${Math.floor(i / 200)}.${i % 200}` }];
      return p;
    });
    const slices = apply([], reconcileEndpointSlices(service, many, [], "IPv4", nodeOf));
    expect(slices.map((s) => s.endpoints.length)).toEqual([100, 100, 50]);
    const empty = reconcileEndpointSlices(service, [], slices, "IPv4", nodeOf);
    // Two slices deleted, one turned into the empty placeholder.
    expect(empty.delete).toHaveLength(2);
    expect(empty.create).toHaveLength(0);
    expect(empty.update).toHaveLength(1);
    expect(empty.update[0]!.endpoints).toEqual([]);
    expect(empty.update[0]!.ports).toEqual([]);
    const placeholderOnly = apply(slices, empty);
    expect(reconcileEndpointSlices(service, [], placeholderOnly, "IPv4", nodeOf).update).toEqual([]);
  });

  it("skips pods whose node is unknown", () => {
    const r = reconcileEndpointSlices(service, [pod(1, { node: "gone" }), pod(2)], [], "IPv4", nodeOf);
    expect(r.podsWithMissingNode).toBe(1);
    expect(r.create[0]!.endpoints.map((e) => e.targetRef!.name)).toEqual(["web-2"]);
  });

  it("labels headless services", () => {
    const headless: Service = { ...service, spec: { ...service.spec, clusterIP: "None" } };
    const r = reconcileEndpointSlices(headless, [pod(1)], [], "IPv4", nodeOf);
    expect(r.create[0]!.metadata!.labels!["service.kubernetes.io/headless"]).toBe("");
  });
});

describe("Endpoints", () => {
  it("puts ready pods in addresses and the others in notReadyAddresses", () => {
    const ep = desiredEndpoints(
      service,
      [pod(2), pod(1), pod(3, { ready: false })],
      undefined,
      "2025-01-01T00:00:00Z",
    )!;
    expect(ep.metadata).toMatchObject({
      name: "web",
      namespace: "default",
      labels: { app: "web" },
      annotations: { "endpoints.kubernetes.io/last-change-trigger-time": "2025-01-01T00:00:00Z" },
    });
    expect(ep.subsets).toEqual([
      {
        addresses: [
          {
            ip: "10.244.1.1",
            nodeName: "worker-1",
            targetRef: { kind: "Pod", namespace: "default", name: "web-1", uid: "uid-1" },
          },
          {
            ip: "10.244.1.2",
            nodeName: "worker-1",
            targetRef: { kind: "Pod", namespace: "default", name: "web-2", uid: "uid-2" },
          },
        ],
        notReadyAddresses: [
          {
            ip: "10.244.1.3",
            nodeName: "worker-1",
            targetRef: { kind: "Pod", namespace: "default", name: "web-3", uid: "uid-3" },
          },
        ],
        ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      },
    ]);
    const current = { ...ep, metadata: { ...ep.metadata, resourceVersion: "5" } };
    expect(desiredEndpoints(service, [pod(1), pod(2), pod(3, { ready: false })], current, "")).toBeNull();
    // Terminating pods leave Endpoints (unless publishNotReadyAddresses).
    const after = desiredEndpoints(service, [pod(1), pod(2, { deleting: true })], current, "")!;
    expect(after.subsets!.flatMap((s) => s.addresses ?? []).map((a) => a.targetRef!.name)).toEqual(["web-1"]);
  });
});

describe("trigger time", () => {
  it("reports the creation of a new Service, then the earliest changed pod transition", () => {
    const a = computeLastChangeTriggerTime(undefined, service, [pod(1)]);
    expect(a.triggerTime).toBe("2025-01-01T00:00:00Z");
    const b = computeLastChangeTriggerTime(a.state, service, [pod(1), pod(5), pod(3)]);
    expect(b.triggerTime).toBe("2025-01-01T00:00:13Z");
    expect(computeLastChangeTriggerTime(b.state, service, [pod(1), pod(5), pod(3)]).triggerTime).toBe("");
  });
});
