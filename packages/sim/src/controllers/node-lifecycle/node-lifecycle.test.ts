/**
 * The node lifecycle and taint eviction controllers in a running control plane. The test acts
 * as the kubelets (Lease renewals every 10 s, pod status) until the node side exists.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { registerController } from "../../controller-manager/registry";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";
import { parseEpoch } from "../../core/time";
import {
  TAINT_EVICTION_CONTROLLER,
  taintEvictionController,
} from "../taint-eviction/taint-eviction-controller";
import { NODE_LIFECYCLE_CONTROLLER, nodeLifecycleController } from "./node-lifecycle-controller";
import { clusterTime, ensureDefaultServiceAccount, TestKubelets } from "./testing/test-kubelet";

registerController(nodeLifecycleController);
registerController(taintEvictionController);

function pod(name: string, node: string, extra: Partial<KubeObject["spec"]> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels: { app: "web" } },
    spec: { nodeName: node, containers: [{ name: "nginx", image: "nginx:1.27" }], ...extra },
  };
}

function condition(obj: KubeObject | undefined, type: string): Record<string, string> | undefined {
  return obj?.status?.conditions?.find((c: { type: string }) => c.type === type);
}

function setup() {
  const c = new ControllerTestCluster({
    controllers: [NODE_LIFECYCLE_CONTROLLER, TAINT_EVICTION_CONTROLLER],
    kubelet: false,
  });
  ensureDefaultServiceAccount(c);
  const k = new TestKubelets(c);
  k.register("worker-1");
  k.register("worker-2");
  c.create("pods", pod("web-1", "worker-1"));
  c.create("pods", pod("web-2", "worker-2"));
  k.startPod("default", "web-1");
  k.startPod("default", "web-2");
  k.run(20_000);
  return { c, k };
}

describe("node lifecycle controller", () => {
  it("registers nodes and leaves healthy ones alone", () => {
    const { c, k } = setup();
    k.run(120_000);
    const w2 = c.get("nodes", "", "worker-2")!;
    expect(condition(w2, "Ready")!.status).toBe("True");
    expect(w2.spec.taints ?? []).toEqual([]);
    const registered = c.events("default", "worker-1").filter((e) => e.reason === "RegisteredNode");
    expect(registered).toHaveLength(1);
    expect(registered[0]).toMatchObject({
      type: "Normal",
      message: "Node worker-1 event: Registered Node worker-1 in Controller",
      source: { component: "node-controller" },
      involvedObject: { kind: "Node", name: "worker-1" },
    });
    // The beta os/arch labels follow the GA ones.
    expect(w2.metadata.labels).toMatchObject({
      "beta.kubernetes.io/os": "linux",
      "beta.kubernetes.io/arch": "amd64",
    });
  });

  it("turns a silent node Unknown after the grace period, taints it, and evicts its pods after 300 s", () => {
    const { c, k } = setup();
    const stoppedAt = c.sim.now;
    k.stop("worker-2");
    // The last renewal was at most 10 s before the stop.
    const lastRenewal =
      parseEpoch(c.get("leases.coordination.k8s.io", "kube-node-lease", "worker-2")!.spec.renewTime) -
      c.sim.state.epochMs;

    const unknown = () => condition(c.get("nodes", "", "worker-2"), "Ready")?.status === "Unknown";
    expect(k.runUntil(unknown, 120_000, 100)).toBe(true);
    const unknownAt = c.sim.now;
    // Grace period 50 s from the last probe the controller saw, checked every 5 s (K8S-FACTS §1.1).
    expect(unknownAt - lastRenewal).toBeGreaterThan(50_000);
    expect(unknownAt - lastRenewal).toBeLessThanOrEqual(61_000);
    expect(unknownAt - stoppedAt).toBeLessThanOrEqual(61_000);

    const node = c.get("nodes", "", "worker-2")!;
    expect(condition(node, "Ready")).toMatchObject({
      status: "Unknown",
      reason: "NodeStatusUnknown",
      message: "Kubelet stopped posting node status.",
    });
    for (const t of ["MemoryPressure", "DiskPressure", "PIDPressure"])
      expect(condition(node, t)).toMatchObject({ status: "Unknown", reason: "NodeStatusUnknown" });
    // The other node is untouched.
    expect(condition(c.get("nodes", "", "worker-1"), "Ready")!.status).toBe("True");

    // Its pod is marked not ready at once, with the events a user sees.
    expect(condition(c.get("pods", "default", "web-2"), "Ready")!.status).toBe("False");
    expect(condition(c.get("pods", "default", "web-1"), "Ready")!.status).toBe("True");
    k.run(1_000);
    expect(c.events("default", "web-2").map((e) => [e.type, e.reason, e.message])).toContainEqual([
      "Warning",
      "NodeNotReady",
      "Node is not ready",
    ]);
    expect(c.events("default", "worker-2").map((e) => [e.reason, e.message])).toContainEqual([
      "NodeNotReady",
      "Node worker-2 status is now: NodeNotReady",
    ]);

    // The unreachable taints: NoSchedule right away, NoExecute on the next pass (rate-limited queue).
    const tainted = () =>
      (c.get("nodes", "", "worker-2")!.spec.taints ?? []).some(
        (t: { key: string; effect: string }) =>
          t.key === "node.kubernetes.io/unreachable" && t.effect === "NoExecute",
      );
    expect(k.runUntil(tainted, 10_000, 100)).toBe(true);
    const taintedAt = c.sim.now;
    expect(taintedAt - unknownAt).toBeLessThanOrEqual(5_500);
    const taints = c.get("nodes", "", "worker-2")!.spec.taints;
    expect(taints.map((t: { key: string; effect: string }) => `${t.key}:${t.effect}`).sort()).toEqual([
      "node.kubernetes.io/unreachable:NoExecute",
      "node.kubernetes.io/unreachable:NoSchedule",
    ]);
    for (const t of taints) expect(t.timeAdded).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // The pod tolerates unreachable:NoExecute for 300 s (DefaultTolerationSeconds admission).
    const web2 = c.get("pods", "default", "web-2")!;
    expect(web2.spec.tolerations).toContainEqual({
      key: "node.kubernetes.io/unreachable",
      operator: "Exists",
      effect: "NoExecute",
      tolerationSeconds: 300,
    });
    k.run(290_000);
    expect(c.get("pods", "default", "web-2")!.metadata.deletionTimestamp).toBeUndefined();
    const deleting = () => {
      const p = c.get("pods", "default", "web-2");
      return !p || !!p.metadata.deletionTimestamp;
    };
    expect(k.runUntil(deleting, 20_000, 100)).toBe(true);
    expect(c.sim.now - taintedAt).toBeGreaterThanOrEqual(300_000);
    expect(c.sim.now - taintedAt).toBeLessThanOrEqual(301_000);
    const evicted = c.get("pods", "default", "web-2")!;
    // Nobody confirms the deletion on a dead node: the pod stays Terminating, with the reason why.
    expect(condition(evicted, "DisruptionTarget")).toMatchObject({
      status: "True",
      reason: "DeletionByTaintManager",
      message: "Taint manager: deleting due to NoExecute taint",
    });
    k.run(1_000);
    expect(c.events("default", "web-2").map((e) => [e.reason, e.message, e.source.component])).toContainEqual(
      ["TaintManagerEviction", "Marking for deletion Pod default/web-2", "taint-eviction-controller"],
    );
    // The healthy node's pod is untouched.
    expect(c.get("pods", "default", "web-1")!.metadata.deletionTimestamp).toBeUndefined();
  });

  it("removes the taints and cancels evictions when the kubelet comes back", () => {
    const { c, k } = setup();
    k.stop("worker-2");
    const tainted = () =>
      (c.get("nodes", "", "worker-2")!.spec.taints ?? []).some(
        (t: { key: string; effect: string }) => t.effect === "NoExecute",
      );
    expect(k.runUntil(tainted, 120_000, 100)).toBe(true);
    k.run(10_000);
    // The kubelet returns: it posts Ready status and renews its Lease again.
    const now = clusterTime(c);
    const ready = c.get("nodes", "", "worker-2")!.status.conditions.map((x: Record<string, string>) => ({
      ...x,
      status: x.type === "Ready" ? "True" : "False",
      reason: x.type === "Ready" ? "KubeletReady" : x.reason,
      lastHeartbeatTime: now,
      lastTransitionTime: now,
    }));
    c.request("PATCH", "/api/v1/nodes/worker-2/status", {
      body: { status: { conditions: ready } },
      contentType: "application/strategic-merge-patch+json",
    });
    k.alive.add("worker-2");
    expect(
      k.runUntil(() => (c.get("nodes", "", "worker-2")!.spec.taints ?? []).length === 0, 30_000, 100),
    ).toBe(true);
    k.run(1_000);
    expect(c.events("default", "web-2").map((e) => e.message)).toContain(
      "Cancelling deletion of Pod default/web-2",
    );
    k.run(400_000);
    expect(c.get("pods", "default", "web-2")!.metadata.deletionTimestamp).toBeUndefined();
  });

  it("deletes at once a pod that does not tolerate the NoExecute taint", () => {
    const { c, k } = setup();
    // No DefaultTolerationSeconds here: an explicit toleration of another taint opts the pod out
    // only for that taint; a tolerationSeconds of 0 deletes at once.
    c.create(
      "pods",
      pod("impatient", "worker-2", {
        tolerations: [
          {
            key: "node.kubernetes.io/unreachable",
            operator: "Exists",
            effect: "NoExecute",
            tolerationSeconds: 0,
          },
        ],
      }),
    );
    k.startPod("default", "impatient");
    k.stop("worker-2");
    const gone = () => !!c.get("pods", "default", "impatient")?.metadata.deletionTimestamp;
    expect(k.runUntil(gone, 120_000, 100)).toBe(true);
    expect(c.get("pods", "default", "web-2")!.metadata.deletionTimestamp).toBeUndefined();
  });
});
