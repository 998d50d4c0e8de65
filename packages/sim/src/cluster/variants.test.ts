/**
 * Every variant can be created, and `kubectl get nodes` / `kubectl get pods -n kube-system`
 * (through the API) show what the variant implies (issue 4, Done-when 6).
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api/types";
import type { Cluster } from "./cluster";
import { PRESET_NAMES, PRESET_SPECS, PRESETS } from "./presets";
import { parseClusterSpec } from "./spec";
import { api, createCluster, get, list, podFacts, readyStatus, runUntil } from "./testing";

/** A cluster from a preset (plus overrides), run for a minute of virtual time (kubeadm join, image pulls). */
function settled(raw: Record<string, unknown>): Cluster {
  const c = createCluster(raw);
  c.advanceTo(60_000);
  return c;
}

const lbService = (name: string) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name },
  spec: { type: "LoadBalancer", selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
});
const ingress = (c: Cluster, name: string) =>
  (
    get(c, `/api/v1/namespaces/default/services/${name}`)!.status as {
      loadBalancer?: { ingress?: unknown[] };
    }
  )?.loadBalancer?.ingress ?? [];
const taints = (n: KubeObject) => (n.spec as { taints?: { key: string; effect: string }[] }).taints ?? [];
const names = (objs: KubeObject[]) => objs.map((o) => o.metadata.name ?? "").sort();
const CONTROL_PLANE = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"];

function controlPlanePods(c: Cluster): string[] {
  return names(list(c, "/api/v1/namespaces/kube-system/pods")).filter((n) =>
    CONTROL_PLANE.some((p) => n.startsWith(`${p}-`)),
  );
}

describe("presets", () => {
  it("every preset parses, with a sentence in English and Korean", { timeout: 60_000 }, () => {
    for (const name of PRESET_NAMES) {
      const r = parseClusterSpec({ preset: name });
      expect(r.ok, name).toBe(true);
      if (r.ok) expect(r.spec.variant.preset).toBe(name);
      const info = PRESETS.find((p) => p.name === name);
      expect(info?.description.en.length).toBeGreaterThan(20);
      expect(info?.description.ko.length).toBeGreaterThan(10);
      expect(PRESET_SPECS[name]).toBeDefined();
    }
  });

  it("fields beside a preset override it; bad combinations are refused with the field named", {
    timeout: 60_000,
  }, () => {
    const r = parseClusterSpec({ preset: "ha", workerNodes: 5 });
    expect(r.ok && r.spec.workerNodes).toBe(5);
    expect(r.ok && r.spec.variant.workerPools[0]?.count).toBe(5);
    const bad = parseClusterSpec({ preset: "kubeadm", variant: { network: { kubeProxyMode: "none" } } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.field)).toEqual(["variant.network.kubeProxyMode"]);
    const stacked = parseClusterSpec({ controlPlane: { replicas: 1, etcdMembers: 3 }, variant: {} });
    expect(!stacked.ok && stacked.errors[0]?.field).toBe("controlPlane.etcdMembers");
    expect(parseClusterSpec({ preset: "nope" }).ok).toBe(false);
    // A normalised spec parses to itself (the runtime stores specs and parses them again).
    for (const name of PRESET_NAMES) {
      const once = parseClusterSpec({ preset: name });
      if (!once.ok) throw new Error(name);
      expect(parseClusterSpec(JSON.parse(JSON.stringify(once.spec))), name).toEqual(once);
    }
    const sizes = parseClusterSpec({
      variant: {
        workerPools: [
          { count: 2, size: "large" },
          { name: "big", count: 1, size: { cpu: 32, memoryGiB: 128, pods: 250 } },
        ],
      },
    });
    expect(sizes.ok && sizes.spec.workerNodes).toBe(3);
  });
});

describe("variants as kubectl shows them", () => {
  it("kubeadm: a tainted control-plane node, three workers, static control-plane pods in kube-system", {
    timeout: 60_000,
  }, () => {
    const c = settled({ preset: "kubeadm" });
    const nodes = list(c, "/api/v1/nodes");
    expect(names(nodes)).toEqual(["control-plane-1", "worker-1", "worker-2", "worker-3"]);
    for (const n of nodes) expect(readyStatus(n), n.metadata.name).toBe("True");
    const cp = nodes.find((n) => n.metadata.name === "control-plane-1")!;
    expect(cp.metadata.labels?.["node-role.kubernetes.io/control-plane"]).toBe("");
    expect(taints(cp)).toContainEqual({ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" });
    for (const n of nodes.filter((x) => x.metadata.name !== "control-plane-1")) expect(taints(n)).toEqual([]);
    expect(controlPlanePods(c)).toEqual(CONTROL_PLANE.map((p) => `${p}-control-plane-1`));
    const pods = podFacts(list(c, "/api/v1/namespaces/kube-system/pods"));
    // kubeadm's addons: CoreDNS (2 replicas; it tolerates the control-plane taint) and kube-proxy on every node.
    expect(pods.filter((p) => p.name.startsWith("coredns-"))).toHaveLength(2);
    expect(
      pods
        .filter((p) => p.name.startsWith("kube-proxy-"))
        .map((p) => p.node)
        .sort(),
    ).toEqual(names(nodes));
    for (const p of pods) expect(p.phase, p.name).toBe("Running");
    // kubeadm's uploaded configuration and the discovery ConfigMap.
    const kubeadmConfig = get(c, "/api/v1/namespaces/kube-system/configmaps/kubeadm-config");
    expect((kubeadmConfig!.data as Record<string, string>).ClusterConfiguration).toContain(
      "podSubnet: 10.244.0.0/16",
    );
    expect(get(c, "/api/v1/namespaces/kube-system/configmaps/kubelet-config")).not.toBeNull();
    expect(get(c, "/api/v1/namespaces/kube-public/configmaps/cluster-info")).not.toBeNull();
    expect(
      get(c, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/kubeadm:kubelet-bootstrap"),
    ).not.toBeNull();
    expect(
      names(list(c, "/api/v1/namespaces")).filter((n) => n.startsWith("kube-") || n === "default"),
    ).toEqual(["default", "kube-node-lease", "kube-public", "kube-system"]);
  });

  it("single node: the control-plane node is untainted and runs everything", { timeout: 60_000 }, () => {
    const c = settled({ preset: "single-node" });
    const nodes = list(c, "/api/v1/nodes");
    expect(names(nodes)).toEqual(["control-plane-1"]);
    expect(taints(nodes[0]!)).toEqual([]);
    const pods = podFacts(list(c, "/api/v1/namespaces/kube-system/pods"));
    expect(pods.filter((p) => p.name.startsWith("coredns-") && p.phase === "Running")).toHaveLength(2);
    expect(new Set(pods.map((p) => p.node))).toEqual(new Set(["control-plane-1"]));
  });

  it("HA: three control-plane nodes, each with its static pods, stacked etcd and a controlPlaneEndpoint", {
    timeout: 60_000,
  }, () => {
    const c = settled({ preset: "ha" });
    expect(names(list(c, "/api/v1/nodes"))).toHaveLength(6);
    const cpPods = controlPlanePods(c);
    for (const p of CONTROL_PLANE)
      expect(
        cpPods.filter((n) => n.startsWith(`${p}-control-plane-`)),
        p,
      ).toHaveLength(3);
    const cfg = (
      get(c, "/api/v1/namespaces/kube-system/configmaps/kubeadm-config")!.data as Record<string, string>
    ).ClusterConfiguration;
    expect(cfg).toContain("controlPlaneEndpoint: control-plane.kubelab.internal:6443");
    expect(cfg).toContain("local:");
    // The `kubernetes` Service's endpoints list every apiserver (the lease reconciler).
    const eps = get(c, "/api/v1/namespaces/default/endpoints/kubernetes");
    const addrs = (eps!.subsets as { addresses: { ip: string }[] }[])[0]!.addresses.map((a) => a.ip).sort();
    expect(addrs).toEqual(["172.18.0.2", "172.18.0.3", "172.18.0.4"]);
    expect(c.summary().apiServers.every((a) => a.state === "ready")).toBe(true);
  });

  it("external etcd: no etcd pods in kube-system, the apiservers point at the etcd hosts", {
    timeout: 60_000,
  }, () => {
    const c = settled({ preset: "external-etcd" });
    const cpPods = controlPlanePods(c);
    expect(cpPods.filter((n) => n.startsWith("etcd-"))).toEqual([]);
    expect(cpPods.filter((n) => n.startsWith("kube-apiserver-"))).toHaveLength(3);
    expect(names(list(c, "/api/v1/nodes"))).not.toContain("etcd-host-1");
    const cfg = (
      get(c, "/api/v1/namespaces/kube-system/configmaps/kubeadm-config")!.data as Record<string, string>
    ).ClusterConfiguration;
    expect(cfg).toContain("external:");
    expect(cfg).toContain("https://172.18.0.5:2379");
    const apiserver = get(c, "/api/v1/namespaces/kube-system/pods/kube-apiserver-control-plane-1");
    const cmd = (
      (apiserver!.spec as { containers: { command: string[] }[] }).containers[0]!.command ?? []
    ).join(" ");
    expect(cmd).toContain(
      "--etcd-servers=https://172.18.0.5:2379,https://172.18.0.6:2379,https://172.18.0.7:2379",
    );
    expect(c.summary().etcd).toHaveLength(3);
    expect(c.summary().etcdLeader).not.toBeNull();
  });

  it("managed: only worker nodes, nothing of the control plane in kube-system, nodes from the cloud", {
    timeout: 60_000,
  }, () => {
    const c = settled({ preset: "managed" });
    const nodes = list(c, "/api/v1/nodes");
    expect(names(nodes)).toEqual(["worker-1", "worker-2", "worker-3"]);
    // The cloud-controller-manager initialised them from the cloud: providerID, region, no uninitialized taint.
    for (const n of nodes) {
      expect((n.spec as { providerID?: string }).providerID).toMatch(
        /^gce:\/\/kubelab-project\/europe-west1-[bcd]\/worker-\d$/,
      );
      expect(n.metadata.labels?.["topology.kubernetes.io/region"]).toBe("europe-west1");
      expect(taints(n)).toEqual([]);
    }
    expect(controlPlanePods(c)).toEqual([]);
    const pods = podFacts(list(c, "/api/v1/namespaces/kube-system/pods"));
    expect(pods.filter((p) => p.name.startsWith("coredns-") && p.phase === "Running")).toHaveLength(2);
    // Cilium replaces kube-proxy: no kube-proxy DaemonSet at all.
    expect(get(c, "/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy")).toBeNull();
    expect(get(c, "/api/v1/namespaces/kube-system/configmaps/kubeadm-config")).toBeNull();
    // The API still answers, and its leases show the hidden control plane at work.
    const lease = get(c, "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler");
    expect((lease!.spec as { holderIdentity?: string }).holderIdentity).toMatch(/^managed-control-plane-\d_/);
  });

  it("on premises: CRI-O nodes, Calico's pod CIDR, kube-proxy in IPVS mode", { timeout: 60_000 }, () => {
    const c = settled({ preset: "on-premises" });
    // No cloud: a LoadBalancer Service stays <pending>.
    expect(api(c, "POST", "/api/v1/namespaces/default/services", lbService("web")).code).toBe(201);
    c.advanceTo(c.now() + 120_000);
    expect(ingress(c, "web")).toEqual([]);
    const nodes = list(c, "/api/v1/nodes");
    for (const n of nodes) {
      const info = (n.status as { nodeInfo: { containerRuntimeVersion: string } }).nodeInfo;
      expect(info.containerRuntimeVersion).toMatch(/^cri-o:\/\//);
      expect((n.spec as { providerID?: string }).providerID).toBeUndefined();
    }
    const proxy = get(c, "/api/v1/namespaces/kube-system/configmaps/kube-proxy");
    expect((proxy!.data as Record<string, string>)["config.conf"]).toContain('mode: "ipvs"');
    expect((proxy!.data as Record<string, string>)["config.conf"]).toContain("clusterCIDR: 192.168.0.0/16");
    const workers = nodes.filter((n) => n.metadata.name?.startsWith("worker-"));
    expect((workers[0]!.status as { capacity: Record<string, string> }).capacity.cpu).toBe("8");
  });

  it("cloud: the cloud-controller-manager initialises nodes; a LoadBalancer Service gets an address", {
    timeout: 60_000,
  }, () => {
    const c = settled({ preset: "cloud" });
    for (const n of list(c, "/api/v1/nodes")) {
      expect((n.spec as { providerID?: string }).providerID).toMatch(/^aws:\/\/\/eu-west-1[abc]\/i-/);
      expect(n.metadata.labels?.["node.kubernetes.io/instance-type"]).toBe("m5.large");
    }
    expect(api(c, "POST", "/api/v1/namespaces/default/services", lbService("web")).code).toBe(201);
    expect(runUntil(c, () => ingress(c, "web").length > 0, 180_000)).not.toBeNull();
  });

  it("systemd services: control-plane nodes exist but no control-plane pods", { timeout: 60_000 }, () => {
    const c = settled({ preset: "kubeadm", variant: { controlPlane: { deployment: "systemd" } } });
    expect(names(list(c, "/api/v1/nodes"))).toContain("control-plane-1");
    expect(controlPlanePods(c)).toEqual([]);
    expect(c.summary().healthy).toBe(true);
  });

  it("self-hosted: the control plane as a DaemonSet and Deployments in kube-system, etcd a static pod", {
    timeout: 60_000,
  }, () => {
    const c = settled({ preset: "ha", variant: { controlPlane: { deployment: "self-hosted" } } });
    expect(get(c, "/apis/apps/v1/namespaces/kube-system/daemonsets/kube-apiserver")).not.toBeNull();
    const sched = get(c, "/apis/apps/v1/namespaces/kube-system/deployments/kube-scheduler");
    expect((sched!.spec as { replicas: number }).replicas).toBe(3);
    const pods = podFacts(list(c, "/api/v1/namespaces/kube-system/pods"));
    expect(pods.filter((p) => p.name.startsWith("etcd-control-plane-"))).toHaveLength(3);
    expect(pods.filter((p) => /^kube-apiserver-control-plane-\d$/.test(p.name))).toEqual([]);
    // DaemonSet pods (generated names) on each control-plane node.
    const apiPods = pods.filter((p) => /^kube-apiserver-[a-z0-9]{5}$/.test(p.name));
    expect(apiPods.map((p) => p.node).sort()).toEqual([
      "control-plane-1",
      "control-plane-2",
      "control-plane-3",
    ]);
    expect(pods.filter((p) => p.name.startsWith("kube-controller-manager-"))).toHaveLength(3);
  });

  it("control-plane nodes that accept workloads carry no taint", { timeout: 60_000 }, () => {
    const c = settled({ preset: "ha", variant: { controlPlane: { schedulable: true } } });
    for (const n of list(c, "/api/v1/nodes")) expect(taints(n), n.metadata.name).toEqual([]);
  });

  it("node sizes and maxPods from the worker pools", { timeout: 60_000 }, () => {
    const c = settled({
      controlPlane: { replicas: 1, etcdMembers: 1 },
      variant: {
        workerPools: [
          { name: "small", count: 1, size: "small" },
          { name: "big", count: 1, size: { cpu: 32, memoryGiB: 128, pods: 250 }, runtime: "cri-o" },
        ],
      },
    });
    const big = get(c, "/api/v1/nodes/big-1")!;
    const cap = (big.status as { capacity: Record<string, string> }).capacity;
    expect(cap.cpu).toBe("32");
    expect(cap.pods).toBe("250");
    expect(
      (big.status as { nodeInfo: { containerRuntimeVersion: string } }).nodeInfo.containerRuntimeVersion,
    ).toMatch(/^cri-o/);
    expect(
      (get(c, "/api/v1/nodes/small-1")!.status as { capacity: Record<string, string> }).capacity.cpu,
    ).toBe("2");
  });
});
