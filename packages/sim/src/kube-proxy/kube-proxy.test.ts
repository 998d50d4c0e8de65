/**
 * kube-proxy in a running control plane with the EndpointSlice controller. The test acts as the
 * kubelets (pods reported Running/Ready with IPs through `pods/status`, as `TestKubelets` does)
 * and reads the rules each node's kube-proxy programmed, in `iptables-save` and `ipvsadm -Ln`
 * form, the way a user would with `kubectl exec kube-proxy-… -- iptables-save`.
 */
import { describe, expect, it } from "vitest";
import { registerController } from "../controller-manager/registry";
import { ControllerTestCluster } from "../controller-manager/testing/cluster";
import {
  ENDPOINTSLICE_CONTROLLER,
  endpointSliceController,
} from "../controllers/endpointslice/endpointslice-controller";
import {
  clusterTime,
  ensureDefaultServiceAccount,
  TestKubelets,
} from "../controllers/node-lifecycle/testing/test-kubelet";
import { servicePortEndpointChain, servicePortPolicyClusterChain } from "./chain-names";
import { ciliumServiceList, syncCiliumServices } from "./cilium-services";
import { defaultKubeProxyConfig } from "./config";
import { iptablesSave } from "./iptables/save";
import { syncIptablesProxyRules } from "./iptables/sync-proxy-rules";
import { ipvsadmList } from "./ipvs/sync-proxy-rules";
import { createKubeProxy, KUBE_PROXY_KIND, type KubeProxyState, kubeProxyBehavior } from "./kube-proxy";
import type { ServicePortInfo } from "./service-ports";

registerController(endpointSliceController);

function setup() {
  const c = new ControllerTestCluster({
    controllers: [ENDPOINTSLICE_CONTROLLER],
    kubelet: false,
    behaviors: [kubeProxyBehavior],
  });
  ensureDefaultServiceAccount(c);
  const k = new TestKubelets(c);
  k.register("worker-1");
  k.register("worker-2");
  c.sim.addComponent(
    "kube-proxy-worker-1",
    KUBE_PROXY_KIND,
    createKubeProxy(c.h.cp.loadBalancer, "worker-1", "192.168.0.11"),
  );
  c.sim.addComponent(
    "kube-proxy-worker-2",
    KUBE_PROXY_KIND,
    createKubeProxy(c.h.cp.loadBalancer, "worker-2", "192.168.0.12", { mode: "ipvs" }),
  );
  const svc = c.create("services", {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "default" },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 80 }] },
  });
  for (const [name, node] of [
    ["web-1", "worker-1"],
    ["web-2", "worker-2"],
    ["web-3", "worker-2"],
  ] as const) {
    c.create("pods", {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: "default", labels: { app: "web" } },
      spec: {
        nodeName: node,
        containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }] }],
      },
    });
    k.startPod("default", name);
  }
  k.run(5_000);
  return { c, k, clusterIP: svc.spec.clusterIP as string };
}

function proxy(c: ControllerTestCluster, node: string): KubeProxyState {
  return c.sim.componentState<KubeProxyState>(`kube-proxy-${node}`);
}

function podIPs(c: ControllerTestCluster): string[] {
  return c
    .list("pods", "default")
    .map((p) => p.status?.podIP as string)
    .sort();
}

describe("kube-proxy (iptables mode)", () => {
  it("programs a 3-endpoint Service as the real proxier does", () => {
    const { c, clusterIP } = setup();
    const s = proxy(c, "worker-1");
    expect(s.rules?.mode).toBe("iptables");
    const text = iptablesSave(s.rules!.iptables, { unixMs: c.sim.state.epochMs + c.sim.now });
    const svc = servicePortPolicyClusterChain("default/web:http", "tcp");
    const ips = podIPs(c);
    const seps = ips.map((ip) => servicePortEndpointChain("default/web:http", "tcp", `${ip}:80`));
    const lines = text.split("\n");
    expect(lines).toContain(
      `-A KUBE-SERVICES -d ${clusterIP}/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j ${svc}`,
    );
    expect(lines).toContain(
      `-A ${svc} ! -s 10.244.0.0/16 -d ${clusterIP}/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ`,
    );
    // Endpoint i of n with probability 1/(n-i), kept by the kernel as a 31-bit fraction.
    expect(lines.filter((l) => l.startsWith(`-A ${svc} -m comment`))).toEqual([
      `-A ${svc} -m comment --comment "default/web:http -> ${ips[0]}:80" -m statistic --mode random --probability 0.33333333349 -j ${seps[0]}`,
      `-A ${svc} -m comment --comment "default/web:http -> ${ips[1]}:80" -m statistic --mode random --probability 0.50000000000 -j ${seps[1]}`,
      `-A ${svc} -m comment --comment "default/web:http -> ${ips[2]}:80" -j ${seps[2]}`,
    ]);
    expect(lines).toContain(
      `-A ${seps[0]} -s ${ips[0]}/32 -m comment --comment "default/web:http" -j KUBE-MARK-MASQ`,
    );
    expect(lines).toContain(
      `-A ${seps[0]} -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination ${ips[0]}:80`,
    );
    // The kubernetes Service (its endpoint is the apiserver) is there too, under its well-known chain.
    expect(text).toContain("-j KUBE-SVC-NPX46M4PTMTKRN6Y");
    expect(lines).toContain("-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000");
    expect(lines).toContain(
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
    );
    // KUBE-NODEPORTS is the last rule of KUBE-SERVICES.
    const services = lines.filter((l) => l.startsWith("-A KUBE-SERVICES"));
    expect(services[services.length - 1]).toBe(
      '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
    );
    expect(lines[0]).toMatch(
      /^# Generated by iptables-save v1\.8\.9 \(nf_tables\) on \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d 2025$/,
    );
  });

  it("rejects traffic to a Service without endpoints and drops endpoints that stop being ready", () => {
    const { c, k } = setup();
    const empty = c.create("services", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "empty", namespace: "default" },
      spec: { selector: { app: "none" }, ports: [{ port: 8080 }] },
    });
    // web-1 fails its readiness probe (what the kubelet would report).
    const now = clusterTime(c);
    c.patch(
      "pods",
      "default",
      "web-1",
      {
        status: {
          conditions: [
            { type: "Ready", status: "False", lastTransitionTime: now },
            { type: "ContainersReady", status: "False", lastTransitionTime: now },
          ],
        },
      },
      "strategic",
      "status",
    );
    k.run(3_000);
    const text = iptablesSave(proxy(c, "worker-1").rules!.iptables, { unixMs: 0, table: "filter" });
    expect(text).toContain(
      `-A KUBE-SERVICES -d ${empty.spec.clusterIP}/32 -p tcp -m comment --comment "default/empty has no endpoints" -m tcp --dport 8080 -j REJECT --reject-with icmp-port-unreachable`,
    );
    const nat = iptablesSave(proxy(c, "worker-1").rules!.iptables, { unixMs: 0, table: "nat" });
    const svc = servicePortPolicyClusterChain("default/web:http", "tcp");
    const jumps = nat.split("\n").filter((l) => l.startsWith(`-A ${svc} -m comment`));
    expect(jumps).toHaveLength(2);
    expect(jumps[0]).toContain("--probability 0.50000000000");
    const web1 = c.get("pods", "default", "web-1")!.status.podIP;
    expect(nat).not.toContain(`${web1}:80`);
  });

  it("syncs at once after a change, then no more than once per minSyncPeriod after a burst of two", () => {
    const { c, k } = setup();
    const s0 = proxy(c, "worker-1").syncs;
    const times: number[] = [];
    let last = s0;
    for (let i = 0; i < 4; i++) {
      c.create("services", {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: `extra-${i}`, namespace: "default" },
        spec: { ports: [{ port: 80 }] },
      });
    }
    const end = c.sim.now + 5_000;
    while (c.sim.now < end) {
      c.sim.advanceBy(10);
      const s = proxy(c, "worker-1");
      if (s.syncs !== last) {
        times.push(s.lastSyncAt);
        last = s.syncs;
      }
    }
    expect(times.length).toBeGreaterThanOrEqual(2);
    // Beyond the burst of 2, syncs are at least minSyncPeriod (1 s) apart.
    for (let i = 2; i < times.length; i++) expect(times[i]! - times[i - 2]!).toBeGreaterThanOrEqual(1_000);
    void k;
  });
});

describe("kube-proxy (IPVS mode)", () => {
  it("binds VIPs to kube-ipvs0 and lists rr virtual servers with the ready endpoints", () => {
    const { c, clusterIP } = setup();
    const s = proxy(c, "worker-2");
    expect(s.rules?.mode).toBe("ipvs");
    if (s.rules?.mode !== "ipvs") return;
    const out = ipvsadmList(s.rules.ipvs);
    const ips = podIPs(c);
    const lines = out.split("\n");
    const at = lines.indexOf(`TCP  ${clusterIP}:80 rr`);
    expect(at).toBeGreaterThan(2);
    expect(lines.slice(at + 1, at + 4)).toEqual(
      ips.map((ip) => `  -> ${`${ip}:80`.padEnd(28)} Masq    1      0          0         `),
    );
    expect(s.rules.ipvs.dummyAddresses).toContain(clusterIP);
    expect(s.rules.ipvs.dummyAddresses).toContain("10.96.0.1");
    expect(lines[0]).toBe("IP Virtual Server version 1.2.1 (size=4096)");
  });
});

describe("iptables proxier (pure)", () => {
  const sp = (over: Partial<ServicePortInfo> = {}): ServicePortInfo => ({
    name: "ns1/svc1:p80",
    namespace: "ns1",
    service: "svc1",
    portName: "p80",
    protocol: "TCP",
    clusterIP: "172.30.0.41",
    port: 80,
    nodePort: 0,
    externalIPs: [],
    loadBalancerVIPs: [],
    loadBalancerSourceRanges: [],
    healthCheckNodePort: 0,
    externalPolicyLocal: false,
    internalPolicyLocal: false,
    sessionAffinityClientIP: false,
    stickyMaxAgeSeconds: 10800,
    ...over,
  });
  const ep = (ip: string, node: string) => ({
    ip,
    port: 80,
    ready: true,
    serving: true,
    terminating: false,
    nodeName: node,
    zone: "",
    isLocal: node === "node1",
  });

  it("writes the restore input in kube-proxy's own argument order with %0.10f probabilities", () => {
    const cfg = defaultKubeProxyConfig("node1", "192.168.0.2", { clusterCIDR: "10.0.0.0/8" });
    const r = syncIptablesProxyRules(cfg, [
      {
        port: sp(),
        endpoints: [ep("10.180.0.1", "node1"), ep("10.180.0.2", "node2"), ep("10.180.0.3", "node2")],
      },
    ]);
    const lines = r.restoreInput.split("\n");
    expect(lines).toContain(
      '-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O',
    );
    expect(lines).toContain(
      '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-SXIVWICOYRO3J4NJ',
    );
    expect(lines).toContain(
      "-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80",
    );
    expect(lines).toContain("-A KUBE-MARK-MASQ -j MARK --or-mark 0x004000");
  });

  it("uses KUBE-EXT and KUBE-SVL for externalTrafficPolicy Local, and recent for ClientIP affinity", () => {
    const cfg = defaultKubeProxyConfig("node1", "192.168.0.2");
    const r = syncIptablesProxyRules(cfg, [
      {
        port: sp({
          nodePort: 30080,
          externalPolicyLocal: true,
          healthCheckNodePort: 31000,
          sessionAffinityClientIP: true,
        }),
        endpoints: [ep("10.180.0.1", "node1"), ep("10.180.0.2", "node2")],
      },
    ]);
    const text = iptablesSave(r.ruleset, { unixMs: 0 });
    expect(text).toContain(
      // xtables_save_string quotes any value with characters outside [A-Za-z0-9_-].
      '-A KUBE-NODEPORTS -p tcp -m comment --comment "ns1/svc1:p80" -m tcp --dport 30080 -j KUBE-EXT-XPGD46QRK7WJZT7O',
    );
    expect(text).toContain("-A KUBE-EXT-XPGD46QRK7WJZT7O -j KUBE-SVL-XPGD46QRK7WJZT7O");
    expect(text).toContain(
      '-A KUBE-SVL-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ',
    );
    expect(text).toContain(
      '-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-SXIVWICOYRO3J4NJ --mask 255.255.255.255 --rsource -j KUBE-SEP-SXIVWICOYRO3J4NJ',
    );
    // The second endpoint's chain is the one proxier_test.go names for 10.180.0.2:80.
    expect(text).toContain("-A KUBE-SEP-LXVODXWDISEETFEF -s 10.180.0.2/32");
    expect(text).toContain(
      '-A KUBE-NODEPORTS -p tcp -m comment --comment "ns1/svc1:p80 health check node port" -m tcp --dport 31000 -j ACCEPT',
    );
    expect(text).toContain(
      '-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m comment --comment "ns1/svc1:p80" -m tcp --dport 30080 -m nfacct --nfacct-name  localhost_nps_accepted_pkts -j KUBE-EXT-XPGD46QRK7WJZT7O',
    );
  });
});

describe("Cilium kube-proxy replacement (pure)", () => {
  it("lists frontends and backends as `cilium service list` does, without iptables chains", () => {
    const cfg = defaultKubeProxyConfig("node1", "192.168.0.2", { mode: "cilium" });
    const port: ServicePortInfo = {
      name: "kube-system/kube-dns:dns",
      namespace: "kube-system",
      service: "kube-dns",
      portName: "dns",
      protocol: "UDP",
      clusterIP: "10.96.0.10",
      port: 53,
      nodePort: 0,
      externalIPs: [],
      loadBalancerVIPs: [],
      loadBalancerSourceRanges: [],
      healthCheckNodePort: 0,
      externalPolicyLocal: false,
      internalPolicyLocal: false,
      sessionAffinityClientIP: false,
      stickyMaxAgeSeconds: 10800,
    };
    const ep = (ip: string, ready: boolean) => ({
      ip,
      port: 53,
      ready,
      serving: ready,
      terminating: false,
      nodeName: "n",
      zone: "",
      isLocal: false,
    });
    const map = syncCiliumServices(cfg, [
      { port, endpoints: [ep("10.0.0.2", true), ep("10.0.1.7", true), ep("10.0.1.9", false)] },
    ]);
    expect(ciliumServiceList(map)).toBe(
      [
        // tabwriter columns: the widest cell plus 3 spaces; the not-ready endpoint is not a backend.
        "ID   Frontend            Service Type   Backend",
        "1    10.96.0.10:53/UDP   ClusterIP      1 => 10.0.0.2:53/UDP (active)",
        "                                        2 => 10.0.1.7:53/UDP (active)",
        "",
      ].join("\n"),
    );
  });
});
