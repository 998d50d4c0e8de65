import { describe, expect, it } from "vitest";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";

describe("namespace controller", () => {
  it("deleting a namespace deletes its content, then the namespace (Terminating meanwhile)", () => {
    const c = new ControllerTestCluster({
      controllers: ["namespace", "serviceaccount", "root-ca-cert-publisher", "replicaset"],
      kubelet: { startDelayMs: 500 },
    });
    c.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } });
    expect(c.waitFor(() => c.get("serviceaccounts", "team", "default") !== undefined)).toBe(true);
    c.create("replicasets.apps", {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "web", namespace: "team" },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        },
      },
    });
    c.create("configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cfg", namespace: "team" },
    });
    expect(c.waitFor(() => c.list("pods", "team").length === 2)).toBe(true);

    expect(c.delete("namespaces", "", "team").code).toBe(200);
    const ns = c.get("namespaces", "", "team")!;
    expect(ns.status.phase).toBe("Terminating");
    expect(ns.spec.finalizers).toEqual(["kubernetes"]);
    expect(c.waitFor(() => c.get("namespaces", "", "team") === undefined, 60_000)).toBe(true);
    for (const r of ["pods", "replicasets.apps", "configmaps", "serviceaccounts"])
      expect(c.list(r, "team")).toEqual([]);
    // New objects cannot be created in it meanwhile, and nothing re-creates content after.
    c.advance(5_000);
    expect(c.list("serviceaccounts", "team")).toEqual([]);
  });

  it("waits for content held by a finalizer", () => {
    const c = new ControllerTestCluster({ controllers: ["namespace"], kubelet: false });
    c.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "held" } });
    c.create("configmaps", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "keep", namespace: "held", finalizers: ["example.com/hold"] },
    });
    c.delete("namespaces", "", "held");
    c.advance(30_000);
    expect(c.get("namespaces", "", "held")?.status.phase).toBe("Terminating");
    const cm = c.get("configmaps", "held", "keep")!;
    expect(cm.metadata.deletionTimestamp).toBeDefined();
    c.request("PUT", "/api/v1/namespaces/held/configmaps/keep", {
      body: { ...cm, metadata: { ...cm.metadata, finalizers: [] } },
    });
    expect(c.waitFor(() => c.get("namespaces", "", "held") === undefined, 60_000)).toBe(true);
  });
});
