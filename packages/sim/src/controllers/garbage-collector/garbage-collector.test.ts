/**
 * Garbage collection with the Deployment and ReplicaSet controllers in a real control plane:
 * deleting a Deployment with each propagation policy. Pods run through the fake kubelet
 * (controller-manager/testing), standing in for the node side.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";
import { getControllerOf } from "../framework/controller-ref";

function deployment(name: string, replicas: number): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "default" },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "c", image: "nginx" }] },
      },
    },
  };
}

function ready(): ControllerTestCluster {
  const c = new ControllerTestCluster({
    controllers: ["deployment", "replicaset", "serviceaccount", "garbagecollector"],
    kubelet: { startDelayMs: 500 },
  });
  expect(c.waitFor(() => c.get("serviceaccounts", "default", "default") !== undefined)).toBe(true);
  c.create("deployments.apps", deployment("web", 3));
  expect(c.waitFor(() => c.get("deployments.apps", "default", "web")?.status?.availableReplicas === 3)).toBe(
    true,
  );
  return c;
}

const counts = (c: ControllerTestCluster) => ({
  deployments: c.list("deployments.apps", "default").length,
  replicaSets: c.list("replicasets.apps", "default").length,
  pods: c.list("pods", "default").length,
});

describe("garbage collector", () => {
  it("background: the Deployment goes at once, then its ReplicaSet, then its pods", () => {
    const c = ready();
    c.sim.configureTrace({ enabled: true });
    const r = c.delete("deployments.apps", "default", "web", { propagationPolicy: "Background" });
    expect(r.code).toBe(200);
    expect(counts(c).deployments).toBe(0);
    expect(c.waitFor(() => counts(c).replicaSets === 0 && counts(c).pods === 0)).toBe(true);
    // The collector confirmed the owner was gone before deleting the dependent.
    const gc = c.sim.drainTrace().filter((t) => t.from === "kube-controller-manager-0");
    const getOwner = gc.findIndex((t) => t.verb === "GET" && t.object === "deployments/default/web");
    const deleteRS = gc.findIndex(
      (t) => t.verb === "DELETE" && (t.object ?? "").startsWith("replicasets/default/web-"),
    );
    expect(getOwner).toBeGreaterThanOrEqual(0);
    expect(deleteRS).toBeGreaterThan(getOwner);
  });

  it("foreground: the Deployment stays (foregroundDeletion) until its ReplicaSet and pods are gone", () => {
    const c = ready();
    const r = c.delete("deployments.apps", "default", "web", { propagationPolicy: "Foreground" });
    expect(r.code).toBe(200);
    const d = c.get("deployments.apps", "default", "web")!;
    expect(d.metadata.deletionTimestamp).toBeDefined();
    expect(d.metadata.finalizers).toEqual(["foregroundDeletion"]);
    let order: string[] = [];
    const seen = new Set<string>();
    expect(
      c.waitFor(
        () => {
          const n = counts(c);
          for (const [k, v] of Object.entries(n))
            if (v === 0 && !seen.has(k)) {
              seen.add(k);
              order = [...order, k];
            }
          return n.deployments === 0;
        },
        60_000,
        1,
      ),
    ).toBe(true);
    // Pods first, then the ReplicaSet (itself deleted in the foreground), the Deployment last.
    expect(order).toEqual(["pods", "replicaSets", "deployments"]);
  });

  it("orphan: the Deployment goes, its ReplicaSet and pods stay without an owner", () => {
    const c = ready();
    const rsName = c.list("replicasets.apps", "default")[0]!.metadata.name;
    const r = c.delete("deployments.apps", "default", "web", { propagationPolicy: "Orphan" });
    expect(r.code).toBe(200);
    expect(c.waitFor(() => counts(c).deployments === 0)).toBe(true);
    c.advance(5_000);
    const rs = c.get("replicasets.apps", "default", rsName!)!;
    expect(rs.metadata.ownerReferences ?? []).toEqual([]);
    expect(counts(c)).toEqual({ deployments: 0, replicaSets: 1, pods: 3 });
    expect(c.list("pods", "default").every((p) => getControllerOf(p)?.name === rsName)).toBe(true);
  });

  it("deletes an object whose owner never existed (dangling owner reference)", () => {
    const c = ready();
    c.create("configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "leftover",
        namespace: "default",
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "Deployment",
            name: "gone",
            uid: "00000000-0000-4000-8000-000000000000",
          },
        ],
      },
    });
    expect(c.waitFor(() => c.get("configmaps", "default", "leftover") === undefined)).toBe(true);
    // An owner that exists keeps its dependent.
    const web = c.get("deployments.apps", "default", "web")!;
    c.create("configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "kept",
        namespace: "default",
        ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: web.metadata.uid! }],
      },
    });
    c.advance(5_000);
    expect(c.get("configmaps", "default", "kept")).toBeDefined();
  });
});
