/**
 * The IPVS proxier's `syncProxyRules` (`pkg/proxy/ipvs/proxier.go`, v1.32): every service VIP is
 * bound to the dummy interface `kube-ipvs0`, each `VIP:port` becomes an IPVS virtual server
 * (scheduler `rr` unless `ipvs.scheduler` says otherwise; `persistent <timeout>` for ClientIP
 * affinity) whose real servers are the endpoints, and a small fixed set of iptables rules matches
 * ipsets (KUBE-CLUSTER-IP, KUBE-LOOP-BACK, KUBE-NODE-PORT-TCP…) for masquerading and filtering.
 */

import type { KubeProxyConfig } from "../config";
import { masqueradeMark } from "../config";
import { emptyRuleset, ensureChain, type IptablesRuleset } from "../iptables/ruleset";
import type { ServicePortWithEndpoints } from "../iptables/sync-proxy-rules";
import { cidrContains, ipv4ToInt } from "../iptables/sync-proxy-rules";
import { categorizeEndpoints, type EndpointInfo, type ServicePortInfo } from "../service-ports";

/** A real server of a virtual server. */
export interface IpvsRealServer {
  address: string;
  port: number;
  weight: number;
}

/** An IPVS virtual server (`ipvsadm -A -t VIP:port -s rr`). */
export interface IpvsVirtualServer {
  protocol: "TCP" | "UDP" | "SCTP";
  address: string;
  port: number;
  scheduler: string;
  /** Persistence timeout (s) for ClientIP session affinity; 0 = none. */
  persistentSeconds: number;
  /** The service port this implements (`ns/svc:port`), for the UI. */
  service: string;
  /** Kind of address: cluster IP, node port, load balancer, external IP. */
  via: "cluster-ip" | "node-port" | "load-balancer" | "external-ip";
  realServers: IpvsRealServer[];
}

/** The IPVS state of a node. */
export interface IpvsState {
  virtualServers: IpvsVirtualServer[];
  /** Addresses bound to kube-ipvs0 (every ClusterIP, external IP and load-balancer IP). */
  dummyAddresses: string[];
  /** ipsets kube-proxy keeps (name → entries as `ipset list` prints them). */
  ipsets: Record<string, string[]>;
  /** The iptables rules of IPVS mode. */
  iptables: IptablesRuleset;
}

/** ipset names and comments (`pkg/proxy/ipvs/proxier.go` ipsetInfo). */
const IPSETS = [
  "KUBE-LOOP-BACK",
  "KUBE-CLUSTER-IP",
  "KUBE-EXTERNAL-IP",
  "KUBE-EXTERNAL-IP-LOCAL",
  "KUBE-LOAD-BALANCER",
  "KUBE-LOAD-BALANCER-LOCAL",
  "KUBE-LOAD-BALANCER-FW",
  "KUBE-LOAD-BALANCER-SOURCE-IP",
  "KUBE-LOAD-BALANCER-SOURCE-CIDR",
  "KUBE-NODE-PORT-TCP",
  "KUBE-NODE-PORT-LOCAL-TCP",
  "KUBE-NODE-PORT-UDP",
  "KUBE-NODE-PORT-LOCAL-UDP",
  "KUBE-NODE-PORT-SCTP-HASH",
  "KUBE-NODE-PORT-LOCAL-SCTP-HASH",
  "KUBE-HEALTH-CHECK-NODE-PORT",
  "KUBE-IPVS-IPS",
];

function q(text: string): string {
  return `"${text}"`;
}

function realServersOf(eps: readonly EndpointInfo[]): IpvsRealServer[] {
  return eps.map((e) => ({ address: e.ip, port: e.port, weight: 1 }));
}

/** One IPVS sync for a node. */
export function syncIpvsProxyRules(
  cfg: KubeProxyConfig,
  services: readonly ServicePortWithEndpoints[],
): IpvsState {
  const vs: IpvsVirtualServer[] = [];
  const dummy: Record<string, true> = {};
  const sets: Record<string, string[]> = {};
  for (const s of IPSETS) sets[s] = [];
  const scheduler = cfg.ipvsScheduler || "rr";
  const add = (
    sp: ServicePortInfo,
    address: string,
    port: number,
    via: IpvsVirtualServer["via"],
    rs: IpvsRealServer[],
  ) =>
    vs.push({
      protocol: sp.protocol,
      address,
      port,
      scheduler,
      persistentSeconds: sp.sessionAffinityClientIP ? sp.stickyMaxAgeSeconds : 0,
      service: sp.name,
      via,
      realServers: rs,
    });
  for (const { port: sp, endpoints } of services) {
    const proto = sp.protocol.toLowerCase();
    const cat = categorizeEndpoints(sp, endpoints);
    const internal = sp.internalPolicyLocal ? cat.localEndpoints : cat.clusterEndpoints;
    const external = sp.externalPolicyLocal ? cat.localEndpoints : cat.clusterEndpoints;
    for (const ep of cat.allReachableEndpoints)
      sets["KUBE-LOOP-BACK"]!.push(`${ep.ip},${proto}:${ep.port},${ep.ip}`);
    sets["KUBE-CLUSTER-IP"]!.push(`${sp.clusterIP},${proto}:${sp.port}`);
    dummy[sp.clusterIP] = true;
    add(sp, sp.clusterIP, sp.port, "cluster-ip", realServersOf(internal));
    for (const ip of sp.externalIPs) {
      sets[sp.externalPolicyLocal ? "KUBE-EXTERNAL-IP-LOCAL" : "KUBE-EXTERNAL-IP"]!.push(
        `${ip},${proto}:${sp.port}`,
      );
      dummy[ip] = true;
      add(sp, ip, sp.port, "external-ip", realServersOf(external));
    }
    for (const ip of sp.loadBalancerVIPs) {
      sets["KUBE-LOAD-BALANCER"]!.push(`${ip},${proto}:${sp.port}`);
      if (sp.externalPolicyLocal) sets["KUBE-LOAD-BALANCER-LOCAL"]!.push(`${ip},${proto}:${sp.port}`);
      dummy[ip] = true;
      add(sp, ip, sp.port, "load-balancer", realServersOf(external));
    }
    if (sp.nodePort !== 0) {
      const set =
        sp.protocol === "UDP"
          ? "KUBE-NODE-PORT-UDP"
          : sp.protocol === "SCTP"
            ? "KUBE-NODE-PORT-SCTP-HASH"
            : "KUBE-NODE-PORT-TCP";
      sets[set]!.push(String(sp.nodePort));
      if (sp.externalPolicyLocal)
        sets[set.replace("KUBE-NODE-PORT-", "KUBE-NODE-PORT-LOCAL-")]!.push(String(sp.nodePort));
      // One virtual server per node address (nodePortAddresses unset: every address of the node).
      add(sp, cfg.nodeIP, sp.nodePort, "node-port", realServersOf(external));
    }
    if (sp.healthCheckNodePort !== 0)
      sets["KUBE-HEALTH-CHECK-NODE-PORT"]!.push(String(sp.healthCheckNodePort));
  }
  const dummyAddresses = Object.keys(dummy).sort((a, b) => (ipv4ToInt(a) ?? 0) - (ipv4ToInt(b) ?? 0));
  sets["KUBE-IPVS-IPS"] = [...dummyAddresses];
  for (const k of Object.keys(sets)) sets[k]!.sort();
  // ipvsadm lists services sorted by protocol number, address, port (ipvs_cmp_services).
  const protoNum = { TCP: 6, UDP: 17, SCTP: 132 } as const;
  vs.sort(
    (a, b) =>
      protoNum[a.protocol] - protoNum[b.protocol] ||
      (ipv4ToInt(a.address) ?? 0) - (ipv4ToInt(b.address) ?? 0) ||
      a.port - b.port,
  );
  for (const v of vs)
    v.realServers.sort(
      (a, b) => (ipv4ToInt(a.address) ?? 0) - (ipv4ToInt(b.address) ?? 0) || a.port - b.port,
    );
  return { virtualServers: vs, dummyAddresses, ipsets: sets, iptables: ipvsIptables(cfg, sets) };
}

/** The fixed iptables rules of IPVS mode, which match ipsets instead of listing services. */
function ipvsIptables(cfg: KubeProxyConfig, sets: Record<string, string[]>): IptablesRuleset {
  const mark = masqueradeMark(cfg.masqueradeBit);
  const rs = emptyRuleset();
  for (const t of [rs.mangle, rs.filter, rs.nat]) {
    ensureChain(t, "KUBE-KUBELET-CANARY");
    ensureChain(t, "KUBE-PROXY-CANARY");
  }
  ensureChain(rs.mangle, "KUBE-IPTABLES-HINT");
  const nat = rs.nat;
  for (const c of [
    "KUBE-SERVICES",
    "KUBE-POSTROUTING",
    "KUBE-NODE-PORT",
    "KUBE-LOAD-BALANCER",
    "KUBE-MARK-MASQ",
  ])
    ensureChain(nat, c);
  nat.rules.push(
    [
      "-A",
      "PREROUTING",
      "-m",
      "comment",
      "--comment",
      q("kubernetes service portals"),
      "-j",
      "KUBE-SERVICES",
    ],
    ["-A", "OUTPUT", "-m", "comment", "--comment", q("kubernetes service portals"), "-j", "KUBE-SERVICES"],
    [
      "-A",
      "POSTROUTING",
      "-m",
      "comment",
      "--comment",
      q("kubernetes postrouting rules"),
      "-j",
      "KUBE-POSTROUTING",
    ],
    ["-A", "KUBE-LOAD-BALANCER", "-j", "KUBE-MARK-MASQ"],
    ["-A", "KUBE-MARK-MASQ", "-j", "MARK", "--or-mark", mark],
  );
  if (sets["KUBE-NODE-PORT-TCP"]!.length > 0)
    nat.rules.push([
      "-A",
      "KUBE-NODE-PORT",
      "-p",
      "tcp",
      "-m",
      "comment",
      "--comment",
      q("Kubernetes nodeport TCP port for masquerade purpose"),
      "-m",
      "set",
      "--match-set",
      "KUBE-NODE-PORT-TCP",
      "dst",
      "-j",
      "KUBE-MARK-MASQ",
    ]);
  nat.rules.push(
    [
      "-A",
      "KUBE-POSTROUTING",
      "-m",
      "comment",
      "--comment",
      q("Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose"),
      "-m",
      "set",
      "--match-set",
      "KUBE-LOOP-BACK",
      "dst,dst,src",
      "-j",
      "MASQUERADE",
    ],
    ["-A", "KUBE-POSTROUTING", "-m", "mark", "!", "--mark", `${mark}/${mark}`, "-j", "RETURN"],
    ["-A", "KUBE-POSTROUTING", "-j", "MARK", "--xor-mark", mark],
    [
      "-A",
      "KUBE-POSTROUTING",
      "-m",
      "comment",
      "--comment",
      q("kubernetes service traffic requiring SNAT"),
      "-j",
      "MASQUERADE",
      "--random-fully",
    ],
  );
  if (sets["KUBE-LOAD-BALANCER"]!.length > 0)
    nat.rules.push([
      "-A",
      "KUBE-SERVICES",
      "-m",
      "comment",
      "--comment",
      q("Kubernetes service lb portal"),
      "-m",
      "set",
      "--match-set",
      "KUBE-LOAD-BALANCER",
      "dst,dst",
      "-j",
      "KUBE-LOAD-BALANCER",
    ]);
  const notLocal = cfg.clusterCIDR ? ["!", "-s", cfg.clusterCIDR] : [];
  nat.rules.push(
    [
      "-A",
      "KUBE-SERVICES",
      ...notLocal,
      "-m",
      "comment",
      "--comment",
      q("Kubernetes service cluster ip + port for masquerade purpose"),
      "-m",
      "set",
      "--match-set",
      "KUBE-CLUSTER-IP",
      "dst,dst",
      "-j",
      "KUBE-MARK-MASQ",
    ],
    ["-A", "KUBE-SERVICES", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "KUBE-NODE-PORT"],
    ["-A", "KUBE-SERVICES", "-m", "set", "--match-set", "KUBE-CLUSTER-IP", "dst,dst", "-j", "ACCEPT"],
  );
  const filter = rs.filter;
  for (const c of [
    "KUBE-FORWARD",
    "KUBE-NODE-PORT",
    "KUBE-PROXY-FIREWALL",
    "KUBE-SOURCE-RANGES-FIREWALL",
    "KUBE-IPVS-FILTER",
    "KUBE-IPVS-OUT-FILTER",
    "KUBE-FIREWALL",
  ])
    ensureChain(filter, c);
  filter.rules.push(
    [
      "-A",
      "INPUT",
      "-m",
      "comment",
      "--comment",
      q("kubernetes ipvs access filter"),
      "-j",
      "KUBE-IPVS-FILTER",
    ],
    [
      "-A",
      "INPUT",
      "-m",
      "comment",
      "--comment",
      q("kube-proxy firewall rules"),
      "-j",
      "KUBE-PROXY-FIREWALL",
    ],
    ["-A", "INPUT", "-m", "comment", "--comment", q("kubernetes health check rules"), "-j", "KUBE-NODE-PORT"],
    ["-A", "INPUT", "-j", "KUBE-FIREWALL"],
    [
      "-A",
      "FORWARD",
      "-m",
      "comment",
      "--comment",
      q("kube-proxy firewall rules"),
      "-j",
      "KUBE-PROXY-FIREWALL",
    ],
    ["-A", "FORWARD", "-m", "comment", "--comment", q("kubernetes forwarding rules"), "-j", "KUBE-FORWARD"],
    [
      "-A",
      "OUTPUT",
      "-m",
      "comment",
      "--comment",
      q("kubernetes ipvs access filter"),
      "-j",
      "KUBE-IPVS-OUT-FILTER",
    ],
    ["-A", "OUTPUT", "-j", "KUBE-FIREWALL"],
    [
      "-A",
      "KUBE-FIREWALL",
      "-m",
      "comment",
      "--comment",
      q("block incoming localnet connections"),
      "-d",
      "127.0.0.0/8",
      "!",
      "-s",
      "127.0.0.0/8",
      "-m",
      "conntrack",
      "!",
      "--ctstate",
      "RELATED,ESTABLISHED,DNAT",
      "-j",
      "DROP",
    ],
    ["-A", "KUBE-FORWARD", "-m", "conntrack", "--ctstate", "INVALID", "-j", "DROP"],
    [
      "-A",
      "KUBE-FORWARD",
      "-m",
      "comment",
      "--comment",
      q("kubernetes forwarding rules"),
      "-m",
      "mark",
      "--mark",
      `${mark}/${mark}`,
      "-j",
      "ACCEPT",
    ],
    [
      "-A",
      "KUBE-FORWARD",
      "-m",
      "comment",
      "--comment",
      q("kubernetes forwarding conntrack rule"),
      "-m",
      "conntrack",
      "--ctstate",
      "RELATED,ESTABLISHED",
      "-j",
      "ACCEPT",
    ],
    ["-A", "KUBE-IPVS-FILTER", "-m", "set", "--match-set", "KUBE-LOAD-BALANCER", "dst,dst", "-j", "RETURN"],
    ["-A", "KUBE-IPVS-FILTER", "-m", "set", "--match-set", "KUBE-CLUSTER-IP", "dst,dst", "-j", "RETURN"],
    ["-A", "KUBE-IPVS-FILTER", "-m", "set", "--match-set", "KUBE-EXTERNAL-IP", "dst,dst", "-j", "RETURN"],
    [
      "-A",
      "KUBE-IPVS-FILTER",
      "-m",
      "set",
      "--match-set",
      "KUBE-EXTERNAL-IP-LOCAL",
      "dst,dst",
      "-j",
      "RETURN",
    ],
    [
      "-A",
      "KUBE-IPVS-FILTER",
      "-m",
      "set",
      "--match-set",
      "KUBE-HEALTH-CHECK-NODE-PORT",
      "dst",
      "-j",
      "RETURN",
    ],
    // A NEW connection to a VIP on a port no Service uses is refused (issue 72236).
    [
      "-A",
      "KUBE-IPVS-FILTER",
      "-m",
      "conntrack",
      "--ctstate",
      "NEW",
      "-m",
      "set",
      "--match-set",
      "KUBE-IPVS-IPS",
      "dst",
      "-j",
      "REJECT",
    ],
    [
      "-A",
      "KUBE-NODE-PORT",
      "-m",
      "comment",
      "--comment",
      q("Kubernetes health check node port"),
      "-m",
      "set",
      "--match-set",
      "KUBE-HEALTH-CHECK-NODE-PORT",
      "dst",
      "-j",
      "ACCEPT",
    ],
  );
  return rs;
}

/** `ipvsadm -Ln`: the virtual servers and their real servers (ipvsadm.c print formats). */
export function ipvsadmList(state: IpvsState): string {
  const lines = [
    "IP Virtual Server version 1.2.1 (size=4096)",
    "Prot LocalAddress:Port Scheduler Flags",
    "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn",
  ];
  for (const v of state.virtualServers) {
    let head = `${v.protocol.padEnd(4)} ${v.address}:${v.port} ${v.scheduler}`;
    if (v.persistentSeconds > 0) head += ` persistent ${v.persistentSeconds}`;
    lines.push(head);
    for (const r of v.realServers)
      lines.push(
        `  -> ${`${r.address}:${r.port}`.padEnd(28)} ${"Masq".padEnd(7)} ${String(r.weight).padEnd(6)} ${"0".padEnd(10)} ${"0".padEnd(10)}`,
      );
  }
  return `${lines.join("\n")}\n`;
}

/** A stable locally administered MAC for the node's kube-ipvs0 (the kernel picks a random one). */
function dummyMac(nodeName: string): string {
  let h = 2166136261;
  for (const c of nodeName) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  const b = [0x0a, (h >>> 24) & 255, (h >>> 16) & 255, (h >>> 8) & 255, h & 255, (h >>> 3) & 255];
  return b.map((x) => x.toString(16).padStart(2, "0")).join(":");
}

/** `ip addr show kube-ipvs0`: the dummy interface (always DOWN) with every VIP as a /32. */
export function ipAddrShowKubeIpvs0(state: IpvsState, nodeName: string, ifIndex = 5): string {
  const lines = [
    `${ifIndex}: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default `,
    `    link/ether ${dummyMac(nodeName)} brd ff:ff:ff:ff:ff:ff`,
  ];
  for (const ip of state.dummyAddresses)
    lines.push(`    inet ${ip}/32 scope global kube-ipvs0`, "       valid_lft forever preferred_lft forever");
  return `${lines.join("\n")}\n`;
}

/** Whether an address is a VIP bound on the node (what makes it answer pings in IPVS mode). */
export function isIpvsLocalAddress(state: IpvsState, ip: string): boolean {
  return (
    state.dummyAddresses.includes(ip) ||
    state.dummyAddresses.some((a) => a.includes("/") && cidrContains(a, ip))
  );
}
