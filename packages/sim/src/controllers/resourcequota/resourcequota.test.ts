/**
 * The ResourceQuota controller with the apiserver's ResourceQuota admission: admission charges
 * creations; the controller sets `status.hard`, recounts, and gives usage back when pods go or
 * finish.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { registerController } from "../../controller-manager/registry";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";
import { ensureDefaultServiceAccount } from "../node-lifecycle/testing/test-kubelet";
import { RESOURCEQUOTA_CONTROLLER, resourceQuotaController } from "./resourcequota-controller";
import { calculateUsage } from "./usage";

registerController(resourceQuotaController);

function pod(name: string, cpu: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: {
      containers: [
        {
          name: "app",
          image: "nginx",
          resources: { requests: { cpu, memory: "64Mi" }, limits: { cpu, memory: "64Mi" } },
        },
      ],
      ...extra,
    },
  };
}

describe("quota usage", () => {
  it("sums pod requests and limits, counts objects, and honours scopes", () => {
    const quota: KubeObject = {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "q", namespace: "default" },
      spec: {
        hard: { pods: "10", "requests.cpu": "4", "limits.memory": "1Gi", "count/configmaps": "5", cpu: "4" },
      },
    };
    const pods = [pod("a", "250m"), pod("b", "500m"), { ...pod("c", "1"), status: { phase: "Succeeded" } }];
    const used = calculateUsage(
      quota,
      (r) => (r === "pods" ? pods : r === "configmaps" ? [pod("x", "1"), pod("y", "1")] : []),
      0,
    );
    expect(used).toEqual({
      pods: "2",
      "requests.cpu": "750m",
      cpu: "750m",
      "limits.memory": "128Mi",
      "count/configmaps": "2",
    });
    const scoped = { ...quota, spec: { hard: { pods: "10" }, scopes: ["Terminating"] } };
    const withDeadline = [pod("a", "1", { activeDeadlineSeconds: 60 }), pod("b", "1")];
    expect(calculateUsage(scoped, () => withDeadline, 0)).toEqual({ pods: "1" });
  });
});

describe("resourcequota controller", () => {
  it("sets status.hard, and gives usage back when pods are deleted or finish", () => {
    const c = new ControllerTestCluster({ controllers: [RESOURCEQUOTA_CONTROLLER], kubelet: false });
    ensureDefaultServiceAccount(c);
    c.create("resourcequotas", {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "compute", namespace: "default" },
      spec: { hard: { pods: "3", "requests.cpu": "1", "count/configmaps": "10" } },
    });
    c.advance(1_000);
    const q0 = c.get("resourcequotas", "default", "compute")!;
    expect(q0.status).toEqual({
      hard: { pods: "3", "requests.cpu": "1", "count/configmaps": "10" },
      // (No root-CA publisher runs here, so no kube-root-ca.crt ConfigMap.)
      used: { pods: "0", "requests.cpu": "0", "count/configmaps": "0" },
    });
    c.create("pods", pod("p1", "400m"));
    c.create("pods", pod("p2", "400m"));
    c.advance(1_000);
    expect(c.get("resourcequotas", "default", "compute")!.status.used).toMatchObject({
      pods: "2",
      "requests.cpu": "800m",
    });
    // The admission plugin refuses what would exceed the quota.
    const refused = c.request("POST", "/api/v1/namespaces/default/pods", { body: pod("p3", "400m") });
    expect(refused.code).toBe(403);

    // Deleting a pod gives its usage back (replenishment).
    c.delete("pods", "default", "p1", { gracePeriodSeconds: 0 });
    c.advance(1_000);
    expect(c.get("resourcequotas", "default", "compute")!.status.used).toMatchObject({
      pods: "1",
      "requests.cpu": "400m",
    });
    // A pod that finished no longer counts.
    c.patch("pods", "default", "p2", { status: { phase: "Succeeded" } }, "merge", "status");
    c.advance(1_000);
    expect(c.get("resourcequotas", "default", "compute")!.status.used).toMatchObject({
      pods: "0",
      "requests.cpu": "0",
    });
    // Now there is room again.
    expect(c.request("POST", "/api/v1/namespaces/default/pods", { body: pod("p3", "400m") }).code).toBe(201);
  });
});
