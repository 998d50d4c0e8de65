/**
 * The cloud-controller-manager with a simulated cloud, in a running control plane. The test acts
 * as the kubelets (`TestKubelets`; nodes registered with the uninitialized taint, as kubelets
 * with `--cloud-provider=external` do) and as the node lifecycle controller where it needs a
 * node NotReady. kube-proxy on one node shows the load-balancer IP in its rules.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api/types";
import { ControllerTestCluster } from "../controller-manager/testing/cluster";
import {
  clusterTime,
  ensureDefaultServiceAccount,
  TestKubelets,
} from "../controllers/node-lifecycle/testing/test-kubelet";
import { iptablesSave } from "../kube-proxy/iptables/save";
import {
  createKubeProxy,
  KUBE_PROXY_KIND,
  type KubeProxyState,
  kubeProxyBehavior,
} from "../kube-proxy/kube-proxy";
import { CLOUD_KIND, type CloudFault, cloudBehavior, createCloud } from "./cloud";
import {
  CLOUD_CONTROLLER_MANAGER_KIND,
  cloudControllerManagerBehavior,
  createCloudControllerManager,
  LB_CLEANUP_FINALIZER,
  UNINITIALIZED_TAINT,
} from "./cloud-controller-manager";

function setup(withCloud: boolean) {
  const c = new ControllerTestCluster({
    controllers: [],
    kubelet: false,
    behaviors: [cloudBehavior, cloudControllerManagerBehavior, kubeProxyBehavior],
  });
  ensureDefaultServiceAccount(c);
  const k = new TestKubelets(c);
  const nodes = ["worker-1", "worker-2"];
  for (const n of nodes) {
    k.register(n);
    if (withCloud)
      c.patch("nodes", "", n, {
        spec: { taints: [{ key: UNINITIALIZED_TAINT, value: "true", effect: "NoSchedule" }] },
      });
  }
  c.sim.addMailbox("host");
  c.sim.addComponent(
    "kube-proxy-worker-1",
    KUBE_PROXY_KIND,
    createKubeProxy(c.h.cp.loadBalancer, "worker-1", "10.0.0.11"),
  );
  if (withCloud) {
    c.sim.addComponent(
      "cloud",
      CLOUD_KIND,
      createCloud(
        "gce",
        nodes.map((name, i) => ({ name, ip: `10.0.0.${11 + i}` })),
      ),
    );
    c.sim.addComponent(
      "cloud-controller-manager-0",
      CLOUD_CONTROLLER_MANAGER_KIND,
      createCloudControllerManager(c.h.cp.loadBalancer, "control-plane-1"),
    );
  }
  k.run(20_000);
  return { c, k };
}

function lbService(c: ControllerTestCluster, name: string): KubeObject {
  return c.create("services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "default" },
    spec: { type: "LoadBalancer", selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
  });
}

const ingress = (c: ControllerTestCluster, name: string) =>
  c.get("services", "default", name)?.status?.loadBalancer?.ingress;
const reasons = (c: ControllerTestCluster, name: string) =>
  c.events("default", name).map((e) => `${e.type} ${e.reason}: ${e.message}`);

describe("cloud-controller-manager", () => {
  it("initialises nodes from the cloud: providerID, zone and region labels, addresses, no more taint", () => {
    const { c } = setup(true);
    const n = c.get("nodes", "", "worker-1")!;
    expect(n.spec.providerID).toBe("gce://kubelab-project/europe-west1-b/worker-1");
    expect(n.metadata.labels?.["topology.kubernetes.io/zone"]).toBe("europe-west1-b");
    expect(n.metadata.labels?.["topology.kubernetes.io/region"]).toBe("europe-west1");
    expect(n.metadata.labels?.["node.kubernetes.io/instance-type"]).toBe("e2-standard-2");
    expect((n.spec.taints ?? []).map((t: { key: string }) => t.key)).not.toContain(UNINITIALIZED_TAINT);
    expect(n.status.addresses).toContainEqual({ type: "ExternalIP", address: "34.140.0.10" });
    // Leader election on its Lease.
    expect(
      c.get("leases.coordination.k8s.io", "kube-system", "cloud-controller-manager")?.spec.holderIdentity,
    ).toMatch(/^control-plane-1_/);
  });

  it("gives a LoadBalancer Service an external address after tens of seconds, with the events", () => {
    const { c, k } = setup(true);
    const created = c.sim.now;
    lbService(c, "web");
    k.run(5_000);
    expect(ingress(c, "web")).toBeUndefined();
    expect(reasons(c, "web")).toEqual(["Normal EnsuringLoadBalancer: Ensuring load balancer"]);
    expect(c.get("services", "default", "web")!.metadata.finalizers).toEqual([LB_CLEANUP_FINALIZER]);
    expect(k.runUntil(() => (ingress(c, "web") ?? []).length > 0, 120_000)).toBe(true);
    expect(c.sim.now - created).toBeGreaterThanOrEqual(30_000);
    const ip = ingress(c, "web")![0].ip as string;
    expect(ip).toMatch(/^35\.\d+\.\d+\.\d+$/);
    k.run(2_000);
    expect(reasons(c, "web")).toEqual([
      "Normal EnsuringLoadBalancer: Ensuring load balancer",
      "Normal EnsuredLoadBalancer: Ensured load balancer",
    ]);
    // kube-proxy captures the load-balancer IP (the Service has no endpoints: rejected in filter).
    const rules = c.sim.componentState<KubeProxyState>("kube-proxy-worker-1").rules!;
    expect(iptablesSave(rules.iptables, { unixMs: 0, table: "filter" })).toContain(
      `-A KUBE-EXTERNAL-SERVICES -d ${ip}/32 -p tcp -m comment --comment "default/web has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable`,
    );
    // Deleting the Service deletes the load balancer, then the finalizer goes and so does the Service.
    c.delete("services", "default", "web");
    expect(k.runUntil(() => c.get("services", "default", "web") === undefined, 60_000)).toBe(true);
    expect(reasons(c, "web").slice(-2)).toEqual([
      "Normal DeletingLoadBalancer: Deleting load balancer",
      "Normal DeletedLoadBalancer: Deleted load balancer",
    ]);
  });

  it("reports SyncLoadBalancerFailed while the cloud's load-balancer API fails, and recovers", () => {
    const { c, k } = setup(true);
    const fault: CloudFault = {
      verb: "CLOUD-FAULT",
      loadBalancerError: "googleapi: Error 503: Backend Error, backendError",
    };
    c.sim.inject("host", "cloud", fault);
    lbService(c, "api");
    k.run(40_000);
    expect(ingress(c, "api")).toBeUndefined();
    const failed = c.events("default", "api").filter((e) => e.reason === "SyncLoadBalancerFailed");
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0]!.type).toBe("Warning");
    expect(failed[0]!.message).toBe(
      "Error syncing load balancer: failed to ensure load balancer: googleapi: Error 503: Backend Error, backendError",
    );
    // Retries back off 5 s, 10 s, 20 s…: within 40 s, a few attempts (the same event, counted).
    expect(failed[0]!.count).toBeGreaterThanOrEqual(2);
    c.sim.inject("host", "cloud", { verb: "CLOUD-FAULT", loadBalancerError: null } as CloudFault);
    expect(k.runUntil(() => (ingress(c, "api") ?? []).length > 0, 180_000)).toBe(true);
  });

  it("deletes a node whose instance is gone from the cloud", () => {
    const { c, k } = setup(true);
    c.sim.inject("host", "cloud", { verb: "CLOUD-TERMINATE", node: "worker-2" } as CloudFault);
    k.stop("worker-2");
    // The node lifecycle controller would mark it Unknown after the grace period; the test does.
    const now = clusterTime(c);
    c.request("PATCH", "/api/v1/nodes/worker-2/status", {
      contentType: "application/strategic-merge-patch+json",
      body: {
        status: {
          conditions: [
            {
              type: "Ready",
              status: "Unknown",
              reason: "NodeStatusUnknown",
              message: "Kubelet stopped posting node status.",
              lastHeartbeatTime: now,
              lastTransitionTime: now,
            },
          ],
        },
      },
    });
    expect(k.runUntil(() => c.get("nodes", "", "worker-2") === undefined, 30_000)).toBe(true);
    const ev = c.list("events", "default").find((e) => e.reason === "DeletingNode");
    expect(ev?.message).toBe("Deleting node worker-2 because it does not exist in the cloud provider");
    expect(c.get("nodes", "", "worker-1")).toBeDefined();
  });
});

describe("on premises (no cloud-controller-manager)", () => {
  it("leaves LoadBalancer Services pending", () => {
    const { c, k } = setup(false);
    lbService(c, "web");
    k.run(180_000);
    const svc = c.get("services", "default", "web")!;
    expect(svc.status?.loadBalancer?.ingress).toBeUndefined();
    expect(svc.metadata.finalizers ?? []).toEqual([]);
    expect(c.events("default", "web")).toEqual([]);
  });
});
