/**
 * A pod's /etc/resolv.conf as the kubelet writes it (`pkg/kubelet/network/dns/dns.go`):
 * ClusterFirst → `nameserver <clusterDNS>`, `search <ns>.svc.<domain> svc.<domain> <domain>`
 * plus the node's search domains, `options ndots:5`; Default → the node's resolv.conf;
 * ClusterFirstWithHostNet → ClusterFirst for host-network pods too (plain ClusterFirst on a
 * host-network pod falls back to Default); None → only `dnsConfig`. `dnsConfig` is merged in
 * (nameservers and searches appended, options overriding by name).
 */

/** The parsed configuration. */
export interface ResolvConf {
  nameservers: string[];
  search: string[];
  options: { name: string; value?: string }[];
}

/** What the node's own /etc/resolv.conf holds (the simulated upstream resolver). */
export const NODE_RESOLV_CONF: ResolvConf = { nameservers: ["192.168.0.1"], search: [], options: [] };

/** The pod's resolv.conf. */
export function podResolvConf(
  pod: {
    namespace: string;
    hostNetwork: boolean;
    dnsPolicy: string;
    dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] };
  },
  cluster: { clusterDNS: string; clusterDomain: string; hostSearch?: string[] },
): ResolvConf {
  const policy = pod.dnsPolicy || "ClusterFirst";
  let base: ResolvConf;
  const clusterFirst =
    policy === "ClusterFirstWithHostNet" || (policy === "ClusterFirst" && !pod.hostNetwork);
  if (policy === "None") base = { nameservers: [], search: [], options: [] };
  else if (clusterFirst) {
    const d = cluster.clusterDomain;
    base = {
      nameservers: [cluster.clusterDNS],
      search: [`${pod.namespace}.svc.${d}`, `svc.${d}`, d, ...(cluster.hostSearch ?? [])],
      options: [{ name: "ndots", value: "5" }],
    };
  } else base = { ...NODE_RESOLV_CONF, search: [...(cluster.hostSearch ?? NODE_RESOLV_CONF.search)] };
  const cfg = pod.dnsConfig;
  if (!cfg) return base;
  const options = [...base.options];
  for (const o of cfg.options ?? []) {
    const i = options.findIndex((x) => x.name === o.name);
    if (i >= 0) options[i] = o;
    else options.push(o);
  }
  return {
    // The kubelet keeps at most 3 nameservers and 32 search domains (validation limits).
    nameservers: [...base.nameservers, ...(cfg.nameservers ?? [])].slice(0, 3),
    search: [...base.search, ...(cfg.searches ?? [])].slice(0, 32),
    options,
  };
}

/** The file's text (`cat /etc/resolv.conf`). */
export function formatResolvConf(rc: ResolvConf): string {
  const lines: string[] = [];
  if (rc.search.length > 0) lines.push(`search ${rc.search.join(" ")}`);
  for (const ns of rc.nameservers) lines.push(`nameserver ${ns}`);
  if (rc.options.length > 0)
    lines.push(
      `options ${rc.options.map((o) => (o.value !== undefined ? `${o.name}:${o.value}` : o.name)).join(" ")}`,
    );
  return `${lines.join("\n")}\n`;
}

/** `options ndots:N` (default 1 in the C libraries). */
export function ndotsOf(rc: ResolvConf): number {
  const o = rc.options.find((x) => x.name === "ndots");
  return o?.value !== undefined ? Number(o.value) : 1;
}
