/**
 * What `assembleCluster` puts where: machines, component placement, addresses and the
 * components each variant has (read from the assembly and the simulation before it runs).
 */
import { describe, expect, it } from "vitest";
import { Simulation } from "../core/simulation";
import type { KubeletState } from "../node/kubelet/state";
import { assembleCluster, clusterBehaviors, machineIp } from "./assemble";
import { parseClusterSpec } from "./spec";

function assemble(raw: Record<string, unknown>) {
  const r = parseClusterSpec(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const sim = Simulation.create({ seed: 1 }, clusterBehaviors);
  return { sim, a: assembleCluster(sim, r.spec) };
}

describe("assembleCluster", () => {
  it("machine addresses count up through 172.18.0.0/16", () => {
    expect(machineIp(0)).toBe("172.18.0.2");
    expect(machineIp(253)).toBe("172.18.0.255");
    expect(machineIp(254)).toBe("172.18.1.0");
  });

  it("HA with stacked etcd: every control-plane node runs etcd, an apiserver, a scheduler and a controller-manager", () => {
    const { a, sim } = assemble({ preset: "ha" });
    expect(Object.keys(a.hosts!)).toEqual([
      "control-plane-1",
      "control-plane-2",
      "control-plane-3",
      "worker-1",
      "worker-2",
      "worker-3",
    ]);
    for (let i = 1; i <= 3; i++) {
      const h = a.hosts![`control-plane-${i}`]!;
      expect(h.ip).toBe(`172.18.0.${i + 1}`);
      expect(h.components).toEqual({
        etcd: `etcd-${i - 1}`,
        "kube-apiserver": `kube-apiserver-${i - 1}`,
        "kube-scheduler": `kube-scheduler-${i - 1}`,
        "kube-controller-manager": `kube-controller-manager-${i - 1}`,
        kubelet: `kubelet-control-plane-${i}`,
        runtime: `containerd-control-plane-${i}`,
        "kube-proxy": `kube-proxy-control-plane-${i}`,
      });
      // kubeadm's four static pods on each.
      const k = sim.componentState<KubeletState>(`kubelet-control-plane-${i}`);
      expect(k.cfg.staticPods.map((p) => p.metadata.name).sort()).toEqual([
        "etcd",
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
      ]);
    }
    expect(a.hosts!["worker-2"]!.components).toEqual({
      kubelet: "kubelet-worker-2",
      runtime: "containerd-worker-2",
      "kube-proxy": "kube-proxy-worker-2",
    });
    expect(a.apiEndpoint).toBe("kube-apiserver-lb");
    expect(a.schedulers).toHaveLength(3);
  });

  it("external etcd runs on hosts of its own that are not nodes", () => {
    const { a, sim } = assemble({ preset: "external-etcd" });
    const etcdHosts = Object.values(a.hosts!).filter((h) => h.role === "etcd");
    expect(etcdHosts.map((h) => [h.name, h.ip, h.node, h.components])).toEqual([
      ["etcd-host-1", "172.18.0.5", false, { etcd: "etcd-0" }],
      ["etcd-host-2", "172.18.0.6", false, { etcd: "etcd-1" }],
      ["etcd-host-3", "172.18.0.7", false, { etcd: "etcd-2" }],
    ]);
    expect(a.hosts!["control-plane-1"]!.components.etcd).toBeUndefined();
    const k = sim.componentState<KubeletState>("kubelet-control-plane-1");
    expect(k.cfg.staticPods.map((p) => p.metadata.name)).not.toContain("etcd");
  });

  it("managed: the provider's hosts run the control plane, no kubelet among them", () => {
    const { a } = assemble({ preset: "managed" });
    const cp = Object.values(a.hosts!).filter((h) => h.role === "managed-control-plane");
    expect(cp).toHaveLength(3);
    for (const h of cp) {
      expect(h.node).toBe(false);
      expect(h.components.kubelet).toBeUndefined();
      expect(h.components["kube-apiserver"]).toBeDefined();
    }
    expect(a.missing).toContain("cilium kube-proxy replacement (eBPF service rules)");
    // The cloud and a cloud-controller-manager per provider host; no kube-proxy with Cilium.
    expect(a.cloud).toBe("cloud");
    expect(cp.map((h) => h.components["cloud-controller-manager"])).toEqual([
      "cloud-controller-manager-0",
      "cloud-controller-manager-1",
      "cloud-controller-manager-2",
    ]);
    expect(a.hosts!["worker-1"]!.components["kube-proxy"]).toBeUndefined();
  });

  it("systemd: control-plane kubelets without static pods; CRI-O nodes get crio-<node> runtimes", () => {
    const { a, sim } = assemble({
      preset: "kubeadm",
      variant: { controlPlane: { deployment: "systemd", runtime: "cri-o" } },
    });
    expect(a.hosts!["control-plane-1"]!.components.runtime).toBe("crio-control-plane-1");
    expect(sim.componentState<KubeletState>("kubelet-control-plane-1").cfg.staticPods).toEqual([]);
  });

  it("an old-style spec (workerNodes only, no pools) gets one pool of medium workers", () => {
    const r = parseClusterSpec({ workerNodes: 2 });
    if (!r.ok) throw new Error("spec");
    const sim = Simulation.create({ seed: 1 }, clusterBehaviors);
    const a = assembleCluster(sim, r.spec);
    expect(Object.keys(a.hosts!)).toEqual(["control-plane-1", "worker-1", "worker-2"]);
    expect(sim.componentState<KubeletState>("kubelet-worker-1").cfg.size.cpus).toBe(4);
  });
});
