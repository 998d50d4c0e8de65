/** The package's public surface, as hosts (worker runtime, web UI, kubectl) import it. */
import { describe, expect, it } from "vitest";
import * as sim from "./index";

describe("@kubelab/sim public API", () => {
  it("names every component kind a cluster registers, each with an exported behaviour", () => {
    const named = new Set<string>(Object.values(sim.COMPONENT_KINDS));
    for (const b of sim.clusterBehaviors) expect(named).toContain(b.kind);
    // Behaviours exported anywhere in the package (flat or in a component namespace).
    const exported = new Set<string>();
    const collect = (mod: Record<string, unknown>) => {
      for (const v of Object.values(mod)) {
        const b = v as { kind?: unknown; onMessage?: unknown };
        if (
          typeof b === "object" &&
          b !== null &&
          typeof b.kind === "string" &&
          typeof b.onMessage === "function"
        )
          exported.add(b.kind);
      }
    };
    collect(sim as unknown as Record<string, unknown>);
    for (const ns of [
      sim.etcd,
      sim.kubeScheduler,
      sim.controllerManager,
      sim.node,
      sim.kubeProxy,
      sim.metricsServer,
    ])
      collect(ns as unknown as Record<string, unknown>);
    collect(sim.cloudControllerManager as unknown as Record<string, unknown>);
    for (const kind of named)
      if (kind !== sim.MAILBOX_KIND && kind !== sim.COMPONENT_KINDS.clusterBootstrap)
        expect(exported).toContain(kind);
  });

  it("exports what kubectl and the web UI use from the API machinery", () => {
    const reg = sim.createResourceRegistry();
    expect(sim.resolveResource(reg, "deploy")).toMatchObject({ group: "apps", resource: "deployments" });
    expect(sim.labelsMatch(sim.parseLabelSelector("app=web,tier!=db"), { app: "web" })).toBe(true);
    expect(sim.milliValue(sim.parseQuantity("1.5"))).toBe(1500);
    expect(sim.isStatus(sim.newNotFound({ group: "apps", resource: "deployments" }, "web"))).toBe(true);
    expect(sim.fieldManagerFromUserAgent("kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9")).toBe("kubectl");
  });

  it("runs a cluster through the facade", () => {
    const parsed = sim.parseClusterSpec({});
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const cluster = sim.Cluster.create(parsed.spec, 1);
    const { response } = cluster.submit({
      type: "api",
      method: "POST",
      path: "/api/v1/namespaces/default/configmaps",
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "hello" }, data: { a: "b" } },
    });
    expect(response).toMatchObject({ code: 201 });
  });

  it("keeps components as namespaces", () => {
    expect(sim.etcd.ETCD_MEMBER_KIND).toBe(sim.COMPONENT_KINDS.etcdMember);
    expect(sim.node.KUBELET_KIND).toBe(sim.COMPONENT_KINDS.kubelet);
    expect(sim.controllerManager.KUBE_CONTROLLER_MANAGER_KIND).toBe(
      sim.COMPONENT_KINDS.kubeControllerManager,
    );
    expect(sim.kubeProxy.KUBE_PROXY_KIND).toBe(sim.COMPONENT_KINDS.kubeProxy);
    expect(sim.metricsServer.METRICS_SERVER_KIND).toBe(sim.COMPONENT_KINDS.metricsServer);
  });
});
