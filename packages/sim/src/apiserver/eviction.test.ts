/**
 * `pods/eviction` as `kubectl drain` uses it, against PodDisruptionBudgets. The test plays the
 * kubelet (pod status) and the disruption controller (PDB status) through the API.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject, Status } from "../api/types";
import { ControlPlaneHarness } from "./testing";

const PODS = "/api/v1/namespaces/default/pods";
const PDBS = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";

function boot(): ControlPlaneHarness {
  const h = new ControlPlaneHarness({ seed: 11 }).boot();
  h.request("POST", "/api/v1/namespaces/default/serviceaccounts", {
    body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } },
  });
  return h;
}

/** A pod bound to node-1 and reported Running (ready or not) as the kubelet would. */
function runningPod(h: ControlPlaneHarness, name: string, ready = true): KubeObject {
  h.request("POST", PODS, {
    body: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, labels: { app: "web" } },
      spec: { containers: [{ name: "c", image: "nginx" }] },
    },
  });
  h.request("POST", `${PODS}/${name}/binding`, {
    body: { apiVersion: "v1", kind: "Binding", metadata: { name }, target: { kind: "Node", name: "node-1" } },
  });
  const pod = h.request("GET", `${PODS}/${name}`).body as KubeObject;
  const r = h.request("PUT", `${PODS}/${name}/status`, {
    body: {
      ...pod,
      status: {
        ...pod.status,
        phase: "Running",
        conditions: [
          ...pod.status.conditions,
          { type: "Ready", status: ready ? "True" : "False", lastTransitionTime: "2025-01-01T00:00:05Z" },
        ],
      },
    },
  });
  expect(r.code).toBe(200);
  return r.body as KubeObject;
}

function evict(h: ControlPlaneHarness, name: string, deleteOptions?: Record<string, unknown>) {
  return h.request("POST", `${PODS}/${name}/eviction`, {
    body: {
      apiVersion: "policy/v1",
      kind: "Eviction",
      metadata: { name, namespace: "default" },
      ...(deleteOptions ? { deleteOptions } : {}),
    },
  });
}

/** Writes the budget's status as the disruption controller would. */
function budgetStatus(h: ControlPlaneHarness, name: string, status: Record<string, unknown>): KubeObject {
  const pdb = h.request("GET", `${PDBS}/${name}`).body as KubeObject;
  const r = h.request("PUT", `${PDBS}/${name}/status`, {
    body: { ...pdb, status: { observedGeneration: pdb.metadata.generation, ...status } },
  });
  expect(r.code).toBe(200);
  return r.body as KubeObject;
}

describe("pods/eviction", () => {
  it("evicts a pod no budget covers: 201 Success, and the pod is deleted gracefully", () => {
    const h = boot();
    runningPod(h, "web-1");
    const r = evict(h, "web-1");
    expect(r.code).toBe(201);
    expect(r.body).toEqual({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
    const pod = h.request("GET", `${PODS}/web-1`).body as KubeObject;
    expect(pod.metadata.deletionTimestamp).toBeDefined();
    expect(pod.metadata.deletionGracePeriodSeconds).toBe(30);
  });

  it("answers 429 with the budget's numbers when it allows no disruption, and decrements it otherwise", () => {
    const h = boot();
    runningPod(h, "web-1");
    runningPod(h, "web-2");
    h.request("POST", PDBS, {
      body: {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "web" },
        spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } },
      },
    });
    // No disruption controller has looked at the budget yet.
    const early = evict(h, "web-1");
    expect(early.code).toBe(429);
    expect(early.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: "TooManyRequests",
      details: {
        causes: [
          {
            reason: "DisruptionBudget",
            message: "The disruption budget web is still being processed by the server.",
          },
        ],
        retryAfterSeconds: 10,
      },
      code: 429,
    });
    budgetStatus(h, "web", { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 });
    const first = evict(h, "web-1");
    expect(first.code).toBe(201);
    const pdb = h.request("GET", `${PDBS}/web`).body as KubeObject;
    expect(pdb.status.disruptionsAllowed).toBe(0);
    expect(Object.keys(pdb.status.disruptedPods)).toEqual(["web-1"]);
    expect(pdb.status.conditions).toEqual([
      expect.objectContaining({ type: "DisruptionAllowed", status: "False", reason: "InsufficientPods" }),
    ]);
    const second = evict(h, "web-2");
    expect(second.code).toBe(429);
    expect((second.body as Status).details?.causes).toEqual([
      {
        reason: "DisruptionBudget",
        message: "The disruption budget web needs 1 healthy pods and has 2 currently",
      },
    ]);
    expect((h.request("GET", `${PODS}/web-2`).body as KubeObject).metadata.deletionTimestamp).toBeUndefined();
  });

  it("evicts unready pods without spending the budget when enough pods are healthy", () => {
    const h = boot();
    runningPod(h, "web-1");
    runningPod(h, "web-2", false);
    h.request("POST", PDBS, {
      body: {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name: "web" },
        spec: { minAvailable: 1, selector: { matchLabels: { app: "web" } } },
      },
    });
    budgetStatus(h, "web", { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 2 });
    expect(evict(h, "web-1").code).toBe(429);
    expect(evict(h, "web-2").code).toBe(201);
    expect((h.request("GET", `${PDBS}/web`).body as KubeObject).status.disruptionsAllowed).toBe(0);
  });

  it("refuses a pod covered by two budgets, a name mismatch and a missing pod", () => {
    const h = boot();
    runningPod(h, "web-1");
    for (const name of ["a", "b"]) {
      h.request("POST", PDBS, {
        body: {
          apiVersion: "policy/v1",
          kind: "PodDisruptionBudget",
          metadata: { name },
          spec: { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } },
        },
      });
    }
    const two = evict(h, "web-1");
    expect(two.code).toBe(500);
    expect((two.body as Status).message).toBe(
      "Internal error occurred: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
    );
    const mismatch = h.request("POST", `${PODS}/web-1/eviction`, {
      body: { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "other" } },
    });
    expect(mismatch.code).toBe(400);
    expect((mismatch.body as Status).message).toBe("name in URL does not match name in Eviction object");
    const missing = evict(h, "nope");
    expect(missing.code).toBe(404);
    expect((missing.body as Status).message).toBe('pods "nope" not found');
  });

  it("deletes pending pods without looking at budgets, and honours dry runs", () => {
    const h = boot();
    h.request("POST", PODS, {
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "pending", labels: { app: "web" } },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      },
    });
    runningPod(h, "web-1");
    const dry = evict(h, "web-1", { dryRun: ["All"] });
    expect(dry.code).toBe(201);
    expect((h.request("GET", `${PODS}/web-1`).body as KubeObject).metadata.deletionTimestamp).toBeUndefined();
    expect(evict(h, "pending").code).toBe(201);
    expect(h.request("GET", `${PODS}/pending`).code).toBe(404);
  });
});

describe("what the registry stores", () => {
  it("keeps a Node's status on create, as the node strategy does", () => {
    const h = new ControlPlaneHarness({ seed: 12 }).boot();
    const r = h.request("POST", "/api/v1/nodes", {
      body: {
        apiVersion: "v1",
        kind: "Node",
        metadata: { name: "node-1" },
        status: {
          capacity: { cpu: "2", memory: "4Gi", pods: "110" },
          conditions: [{ type: "Ready", status: "False", reason: "KubeletNotReady", message: "starting" }],
          config: { active: {} },
        },
      },
    });
    expect(r.code).toBe(201);
    const node = r.body as KubeObject;
    expect(node.status.capacity).toEqual({ cpu: "2", memory: "4Gi", pods: "110" });
    // Unset non-pointer Times are stored as null, as Go encodes them; status.config is dropped.
    expect(node.status.conditions[0]).toMatchObject({ lastHeartbeatTime: null, lastTransitionTime: null });
    expect(node.status.config).toBeUndefined();
  });

  it("stores lastProbeTime: null after a strategic merge patch that sets it to null, as Go does", () => {
    const h = boot();
    runningPod(h, "web-1");
    const r = h.request("PATCH", `${PODS}/web-1/status`, {
      contentType: "application/strategic-merge-patch+json",
      body: {
        status: {
          conditions: [
            {
              type: "Ready",
              status: "True",
              lastProbeTime: null,
              lastTransitionTime: "2025-01-01T00:00:09Z",
            },
          ],
          containerStatuses: [
            { name: "c", ready: true, restartCount: 0, image: "nginx", imageID: "", state: { running: {} } },
          ],
        },
      },
      userAgent: "kubelet/v1.32.0 (linux/amd64) kubernetes/70d3cc9",
    });
    expect(r.code).toBe(200);
    const pod = h.request("GET", `${PODS}/web-1`).body as KubeObject;
    const ready = pod.status.conditions.find((c: { type: string }) => c.type === "Ready");
    expect(ready).toEqual({
      type: "Ready",
      status: "True",
      lastProbeTime: null,
      lastTransitionTime: "2025-01-01T00:00:09Z",
    });
    expect(pod.status.containerStatuses[0].state).toEqual({ running: { startedAt: null } });
    const managers = (pod.metadata.managedFields ?? []).map((m) => `${m.manager}/${m.subresource ?? ""}`);
    expect(managers).toContain("kubelet/status");
  });
});
