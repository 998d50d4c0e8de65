/**
 * Cilium's kube-proxy replacement (`kubeProxyReplacement: true`): no KUBE-* iptables chains at
 * all; the agent keeps an eBPF service map (frontend `VIP:port` → backends) from the same
 * Services and EndpointSlices, and translates at the socket (connect) level, picking a backend
 * at random. Observable routing is what kube-proxy gives: only ready (else serving+terminating)
 * endpoints, Local traffic policies, a refusal for a Service without backends; unlike IPVS a
 * ClusterIP is not an address of the node, so it does not answer pings. `cilium service list`
 * (`cilium-dbg service list` in 1.15+) prints the map.
 */
import type { KubeProxyConfig } from "./config";
import { emptyRuleset } from "./iptables/ruleset";
import type { ServicePortWithEndpoints } from "./iptables/sync-proxy-rules";
import { type IpvsState, syncIpvsProxyRules } from "./ipvs/sync-proxy-rules";

/** The eBPF service map of a node: frontends with their backends (same shape as IPVS's). */
export type CiliumServiceMap = Pick<IpvsState, "virtualServers">;

/** The agent's service sync: every frontend (ClusterIP, NodePort, LoadBalancer, external IP) with its backends. */
export function syncCiliumServices(
  cfg: KubeProxyConfig,
  services: readonly ServicePortWithEndpoints[],
): CiliumServiceMap {
  // The frontend/backend selection is the same as IPVS's; the scheduler is eBPF's random choice.
  const { virtualServers } = syncIpvsProxyRules({ ...cfg, ipvsScheduler: "random" }, services);
  return { virtualServers };
}

/** `cilium service list`. */
export function ciliumServiceList(map: CiliumServiceMap): string {
  const type = {
    "cluster-ip": "ClusterIP",
    "node-port": "NodePort",
    "load-balancer": "LoadBalancer",
    "external-ip": "ExternalIPs",
  };
  const rows: string[][] = [["ID", "Frontend", "Service Type", "Backend"]];
  map.virtualServers.forEach((v, i) => {
    const front = `${v.address}:${v.port}${v.protocol === "UDP" ? "/UDP" : ""}`;
    if (v.realServers.length === 0) rows.push([String(i + 1), front, type[v.via], ""]);
    v.realServers.forEach((r, j) => {
      const backend = `${j + 1} => ${r.address}:${r.port}${v.protocol === "UDP" ? "/UDP" : ""} (active)`;
      rows.push(j === 0 ? [String(i + 1), front, type[v.via], backend] : ["", "", "", backend]);
    });
  });
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return `${rows
    .map((r) =>
      r
        .map((c, k) => (k === r.length - 1 ? c : c.padEnd(widths[k]! + 3)))
        .join("")
        .trimEnd(),
    )
    .join("\n")}\n`;
}

/** The (empty) iptables tables next to the eBPF map: Cilium installs no KUBE-* chains. */
export function ciliumIptables() {
  return emptyRuleset();
}
