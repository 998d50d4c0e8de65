/**
 * The ReplicaSet controller in a real control plane. Pods become Running/Ready through the fake
 * kubelet (controller-manager/testing), which stands in for the node side until it exists.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";
import { getControllerOf } from "../framework/controller-ref";

function replicaSet(name: string, replicas: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, namespace: "default" },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
      },
      ...extra,
    },
  };
}

function cluster(kubelet: boolean | { startDelayMs: number } = true): ControllerTestCluster {
  const c = new ControllerTestCluster({ controllers: ["replicaset"], kubelet });
  c.create("serviceaccounts", {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "default", namespace: "default" },
  });
  return c;
}

const ownedPods = (c: ControllerTestCluster, rs: string) =>
  c.list("pods", "default").filter((p) => getControllerOf(p)?.name === rs);

describe("ReplicaSet controller", () => {
  it("creates pods in slow-start batches (1, then 2), owned by the ReplicaSet, and reports status", () => {
    const c = cluster();
    c.sim.configureTrace({ enabled: true });
    c.create("replicasets.apps", replicaSet("web", 3));
    expect(
      c.waitFor(() => c.get("replicasets.apps", "default", "web")?.status?.availableReplicas === 3),
    ).toBe(true);

    const pods = ownedPods(c, "web");
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: "web",
          controller: true,
          blockOwnerDeletion: true,
        }),
      ]);
      expect(p.metadata.labels).toEqual({ app: "web" });
    }
    const posts = c.sim
      .drainTrace()
      .filter(
        (t) => t.from === "kube-controller-manager-0" && t.verb === "POST" && !t.object?.startsWith("Event/"),
      );
    expect(posts).toHaveLength(3);
    // The second batch (2 pods) starts only after the first create was answered.
    expect(posts[1]!.at).toBeGreaterThan(posts[0]!.at);
    expect(posts[2]!.at).toBe(posts[1]!.at);

    const rs = c.get("replicasets.apps", "default", "web")!;
    expect(rs.status).toEqual({
      replicas: 3,
      fullyLabeledReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    });
    const events = c.events("default", "web");
    expect(events.map((e) => e.reason)).toEqual(["SuccessfulCreate", "SuccessfulCreate", "SuccessfulCreate"]);
    expect(events.map((e) => e.message).sort()).toEqual(
      pods.map((p) => `Created pod: ${p.metadata.name}`).sort(),
    );
    expect(events[0]!.source).toEqual({ component: "replicaset-controller" });
  });

  it("replaces a deleted pod and scales down deleting not-ready pods first", () => {
    const c = cluster({ startDelayMs: 1000 });
    c.create("replicasets.apps", replicaSet("web", 2));
    expect(c.waitFor(() => c.get("replicasets.apps", "default", "web")?.status?.readyReplicas === 2)).toBe(
      true,
    );
    const [first] = ownedPods(c, "web");
    c.request("DELETE", `/api/v1/namespaces/default/pods/${first!.metadata.name}`);
    expect(
      c.waitFor(() => {
        const pods = ownedPods(c, "web");
        return pods.length === 2 && !pods.some((p) => p.metadata.name === first!.metadata.name);
      }),
    ).toBe(true);
    expect(c.waitFor(() => c.get("replicasets.apps", "default", "web")?.status?.readyReplicas === 2)).toBe(
      true,
    );

    // Freeze the "kubelet": new pods stay Pending (not ready).
    c.fakeKubelet().active = false;
    c.patch("replicasets.apps", "default", "web", { spec: { replicas: 4 } });
    expect(c.waitFor(() => ownedPods(c, "web").length === 4)).toBe(true);
    const pending = ownedPods(c, "web")
      .filter((p) => p.status?.phase === "Pending")
      .map((p) => p.metadata.name);
    expect(pending).toHaveLength(2);
    c.patch("replicasets.apps", "default", "web", { spec: { replicas: 2 } });
    expect(c.waitFor(() => ownedPods(c, "web").length === 2)).toBe(true);
    const left = ownedPods(c, "web");
    expect(left.every((p) => p.status?.phase === "Running")).toBe(true);
    const deletes = c
      .events("default", "web")
      .filter((e) => e.reason === "SuccessfulDelete")
      .map((e) => e.message);
    expect(deletes.sort()).toEqual(pending.map((n) => `Deleted pod: ${n}`).sort());
  });

  it("adopts a matching orphan and releases a pod whose labels no longer match", () => {
    const c = cluster();
    c.create("pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "stray", namespace: "default", labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx" }] },
    });
    c.create("replicasets.apps", replicaSet("web", 2));
    expect(c.waitFor(() => ownedPods(c, "web").length === 2)).toBe(true);
    expect(ownedPods(c, "web").map((p) => p.metadata.name)).toContain("stray");
    // Only one pod was created: the orphan counts toward the replicas.
    c.advance(2000);
    expect(c.list("pods", "default")).toHaveLength(2);

    c.patch("pods", "default", "stray", { metadata: { labels: { app: "other" } } });
    expect(c.waitFor(() => getControllerOf(c.get("pods", "default", "stray")!) === undefined)).toBe(true);
    expect(c.waitFor(() => ownedPods(c, "web").length === 2)).toBe(true);
    expect(c.list("pods", "default")).toHaveLength(3);
  });

  it("counts a pod available only after minReadySeconds", () => {
    const c = cluster({ startDelayMs: 1000 });
    c.create("replicasets.apps", replicaSet("slow", 1, { minReadySeconds: 10 }));
    expect(c.waitFor(() => c.get("replicasets.apps", "default", "slow")?.status?.readyReplicas === 1)).toBe(
      true,
    );
    const readyAt = c.sim.now;
    expect(c.get("replicasets.apps", "default", "slow")!.status.availableReplicas).toBeUndefined();
    expect(
      c.waitFor(() => c.get("replicasets.apps", "default", "slow")?.status?.availableReplicas === 1),
    ).toBe(true);
    // Requeued minReadySeconds + 1 s after the pod became ready.
    expect(c.sim.now - readyAt).toBeGreaterThanOrEqual(9_000);
    expect(c.sim.now - readyAt).toBeLessThan(13_000);
  });
});
