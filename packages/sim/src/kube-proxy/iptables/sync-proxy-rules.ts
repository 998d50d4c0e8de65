/**
 * The iptables proxier's `syncProxyRules` (`pkg/proxy/iptables/proxier.go`, v1.32): from the
 * service ports and their endpoints, the filter and nat rules kube-proxy hands to
 * `iptables-restore`, plus the jump rules it ensures in the built-in chains and the canary
 * chains of its monitor. The argument lists are written in the same order as the Go code, so
 * the restore input reads like kube-proxy's; `iptables-save` canonicalises them (see `save.ts`).
 */

import {
  serviceExternalChain,
  serviceFirewallChain,
  servicePortEndpointChain,
  servicePortPolicyClusterChain,
  servicePortPolicyLocalChain,
} from "../chain-names";
import type { KubeProxyConfig } from "../config";
import { masqueradeMark } from "../config";
import {
  type CategorizedEndpoints,
  categorizeEndpoints,
  type EndpointInfo,
  endpointString,
  externallyAccessible,
  type ServicePortInfo,
  usesClusterEndpoints,
  usesLocalEndpoints,
} from "../service-ports";
import { emptyRuleset, ensureChain, type IptablesRuleset, type IptablesTable } from "./ruleset";

const KUBE_SERVICES = "KUBE-SERVICES";
const KUBE_EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES";
const KUBE_NODEPORTS = "KUBE-NODEPORTS";
const KUBE_POSTROUTING = "KUBE-POSTROUTING";
const KUBE_MARK_MASQ = "KUBE-MARK-MASQ";
const KUBE_FORWARD = "KUBE-FORWARD";
const KUBE_PROXY_FIREWALL = "KUBE-PROXY-FIREWALL";
const KUBELET_FIREWALL = "KUBE-FIREWALL";
/** The chains the iptables monitor checks every syncPeriod (`kubeProxyCanaryChain`). */
export const KUBE_PROXY_CANARY = "KUBE-PROXY-CANARY";
/** The kubelet's canary and hint chains (`pkg/kubelet/kubelet_network_linux.go`). */
const KUBELET_CANARY = "KUBE-KUBELET-CANARY";
const IPTABLES_HINT = "KUBE-IPTABLES-HINT";

/** nfacct counters kube-proxy creates (`pkg/proxy/metrics`). */
const LOCALHOST_NODEPORT_ACCEPTED = "localhost_nps_accepted_pkts";
const CT_STATE_INVALID_DROPPED = "ct_state_invalid_dropped_pkts";

/** `iptablesJumpChains`: rules kube-proxy ensures (prepends) in the built-in chains. */
const JUMP_CHAINS: { table: "filter" | "nat"; dst: string; src: string; comment: string; extra: string[] }[] =
  [
    {
      table: "filter",
      dst: KUBE_EXTERNAL_SERVICES,
      src: "INPUT",
      comment: "kubernetes externally-visible service portals",
      extra: ["-m", "conntrack", "--ctstate", "NEW"],
    },
    {
      table: "filter",
      dst: KUBE_EXTERNAL_SERVICES,
      src: "FORWARD",
      comment: "kubernetes externally-visible service portals",
      extra: ["-m", "conntrack", "--ctstate", "NEW"],
    },
    {
      table: "filter",
      dst: KUBE_NODEPORTS,
      src: "INPUT",
      comment: "kubernetes health check service ports",
      extra: [],
    },
    {
      table: "filter",
      dst: KUBE_SERVICES,
      src: "FORWARD",
      comment: "kubernetes service portals",
      extra: ["-m", "conntrack", "--ctstate", "NEW"],
    },
    {
      table: "filter",
      dst: KUBE_SERVICES,
      src: "OUTPUT",
      comment: "kubernetes service portals",
      extra: ["-m", "conntrack", "--ctstate", "NEW"],
    },
    { table: "filter", dst: KUBE_FORWARD, src: "FORWARD", comment: "kubernetes forwarding rules", extra: [] },
    ...(["INPUT", "OUTPUT", "FORWARD"] as const).map((src) => ({
      table: "filter" as const,
      dst: KUBE_PROXY_FIREWALL,
      src,
      comment: "kubernetes load balancer firewall",
      extra: ["-m", "conntrack", "--ctstate", "NEW"],
    })),
    { table: "nat", dst: KUBE_SERVICES, src: "OUTPUT", comment: "kubernetes service portals", extra: [] },
    { table: "nat", dst: KUBE_SERVICES, src: "PREROUTING", comment: "kubernetes service portals", extra: [] },
    {
      table: "nat",
      dst: KUBE_POSTROUTING,
      src: "POSTROUTING",
      comment: "kubernetes postrouting rules",
      extra: [],
    },
  ];

/** Go's `%0.10f` of 1/n (`computeProbability`). */
export function computeProbability(n: number): string {
  return (1 / n).toFixed(10);
}

function q(text: string): string {
  return `"${text}"`;
}

/** Rules the kubelet keeps on every node (KUBE-FIREWALL jumps, canaries, the iptables hint). */
function writeKubeletChains(rs: IptablesRuleset): void {
  for (const t of [rs.mangle, rs.filter, rs.nat]) ensureChain(t, KUBELET_CANARY);
  ensureChain(rs.mangle, IPTABLES_HINT);
  ensureChain(rs.filter, KUBELET_FIREWALL);
}

/** What one sync produced. */
export interface IptablesSyncResult {
  ruleset: IptablesRuleset;
  /** The `iptables-restore` input kube-proxy wrote (its own chains only). */
  restoreInput: string;
  /** Counters the real proxier logs ("Reloading service iptables data"). */
  numServices: number;
  numEndpoints: number;
}

/** A service port with its endpoints, as the proxier's maps hold them. */
export interface ServicePortWithEndpoints {
  port: ServicePortInfo;
  endpoints: EndpointInfo[];
}

/**
 * `syncProxyRules` for one node: a full sync (the simulation always writes every chain; partial
 * syncs write the same rules for the chains they touch).
 */
export function syncIptablesProxyRules(
  cfg: KubeProxyConfig,
  services: readonly ServicePortWithEndpoints[],
): IptablesSyncResult {
  const mark = masqueradeMark(cfg.masqueradeBit);
  const filterChains: string[] = [];
  const filterRules: string[][] = [];
  const natChains: string[] = [];
  const natRules: string[][] = [];
  const w = (buf: string[][], ...parts: (string | string[])[]) => buf.push(parts.flat());

  for (const c of [KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_PROXY_FIREWALL])
    filterChains.push(c);
  for (const c of [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ]) natChains.push(c);

  w(natRules, "-A", KUBE_POSTROUTING, "-m", "mark", "!", "--mark", `${mark}/${mark}`, "-j", "RETURN");
  // Clear the mark so a packet that re-traverses the stack is not masqueraded twice.
  w(natRules, "-A", KUBE_POSTROUTING, "-j", "MARK", "--xor-mark", mark);
  // Linux ≥ 3.13 and iptables ≥ 1.6.2 support --random-fully (HasRandomFully).
  w(
    natRules,
    "-A",
    KUBE_POSTROUTING,
    "-m",
    "comment",
    "--comment",
    q("kubernetes service traffic requiring SNAT"),
    "-j",
    "MASQUERADE",
    "--random-fully",
  );
  w(natRules, "-A", KUBE_MARK_MASQ, "-j", "MARK", "--or-mark", mark);
  if (cfg.localhostNodePorts) {
    // route_localnet makes NodePorts reachable on 127.0.0.1; this blocks off-host abuse (issue 90259).
    filterChains.push(KUBELET_FIREWALL);
    w(
      filterRules,
      "-A",
      KUBELET_FIREWALL,
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
    );
  }

  // The local-traffic detector (detectLocalMode ClusterCIDR): pods are the cluster CIDR.
  const ifNotLocal = cfg.clusterCIDR ? ["!", "-s", cfg.clusterCIDR] : null;
  const ifLocal = cfg.clusterCIDR ? ["-s", cfg.clusterCIDR] : null;
  let totalEndpoints = 0;
  // Go iterates a map (random order); sorting keeps the simulation deterministic.
  const sorted = [...services].sort((a, b) =>
    a.port.name === b.port.name
      ? a.port.protocol.localeCompare(b.port.protocol)
      : a.port.name.localeCompare(b.port.name),
  );
  for (const { port: sp, endpoints } of sorted) {
    totalEndpoints += endpoints.length;
    const protocol = sp.protocol.toLowerCase();
    const name = sp.name;
    const cat: CategorizedEndpoints = categorizeEndpoints(sp, endpoints);
    const clusterPolicyChain = servicePortPolicyClusterChain(name, protocol);
    const localPolicyChain = servicePortPolicyLocalChain(name, protocol);
    const usesClusterPolicyChain = cat.clusterEndpoints.length > 0 && usesClusterEndpoints(sp);
    const usesLocalPolicyChain = cat.localEndpoints.length > 0 && usesLocalEndpoints(sp);
    let internalPolicyChain = clusterPolicyChain;
    let hasInternalEndpoints = cat.hasAnyEndpoints;
    if (sp.internalPolicyLocal) {
      internalPolicyChain = localPolicyChain;
      if (cat.localEndpoints.length === 0) hasInternalEndpoints = false;
    }
    let externalPolicyChain = clusterPolicyChain;
    let hasExternalEndpoints = cat.hasAnyEndpoints;
    if (sp.externalPolicyLocal) {
      externalPolicyChain = localPolicyChain;
      if (cat.localEndpoints.length === 0) hasExternalEndpoints = false;
    }
    const externalTrafficChain = serviceExternalChain(name, protocol);
    const usesExternalTrafficChain = cat.hasAnyEndpoints && externallyAccessible(sp);
    const fwChain = serviceFirewallChain(name, protocol);
    const usesFWChain =
      cat.hasAnyEndpoints && sp.loadBalancerVIPs.length > 0 && sp.loadBalancerSourceRanges.length > 0;
    const loadBalancerTrafficChain = usesFWChain ? fwChain : externalTrafficChain;

    let internalFilterTarget = "";
    let internalFilterComment = "";
    let externalFilterTarget = "";
    let externalFilterComment = "";
    if (!cat.hasAnyEndpoints) {
      internalFilterTarget = "REJECT";
      internalFilterComment = q(`${name} has no endpoints`);
      externalFilterTarget = "REJECT";
      externalFilterComment = internalFilterComment;
    } else {
      if (!hasInternalEndpoints) {
        internalFilterTarget = "DROP";
        internalFilterComment = q(`${name} has no local endpoints`);
      }
      if (!hasExternalEndpoints) {
        externalFilterTarget = "DROP";
        externalFilterComment = q(`${name} has no local endpoints`);
      }
    }
    const matchPort = (ip: string, port: number) => [
      "-m",
      protocol,
      "-p",
      protocol,
      "-d",
      ip,
      "--dport",
      String(port),
    ];

    // Capture the ClusterIP.
    if (hasInternalEndpoints)
      w(
        natRules,
        "-A",
        KUBE_SERVICES,
        "-m",
        "comment",
        "--comment",
        q(`${name} cluster IP`),
        matchPort(sp.clusterIP, sp.port),
        "-j",
        internalPolicyChain,
      );
    else
      w(
        filterRules,
        "-A",
        KUBE_SERVICES,
        "-m",
        "comment",
        "--comment",
        internalFilterComment,
        matchPort(sp.clusterIP, sp.port),
        "-j",
        internalFilterTarget,
      );

    // Capture external IPs.
    for (const ip of sp.externalIPs) {
      if (cat.hasAnyEndpoints)
        w(
          natRules,
          "-A",
          KUBE_SERVICES,
          "-m",
          "comment",
          "--comment",
          q(`${name} external IP`),
          matchPort(ip, sp.port),
          "-j",
          externalTrafficChain,
        );
      if (!hasExternalEndpoints)
        w(
          filterRules,
          "-A",
          KUBE_EXTERNAL_SERVICES,
          "-m",
          "comment",
          "--comment",
          externalFilterComment,
          matchPort(ip, sp.port),
          "-j",
          externalFilterTarget,
        );
    }

    // Capture load-balancer ingress.
    for (const ip of sp.loadBalancerVIPs) {
      if (cat.hasAnyEndpoints)
        w(
          natRules,
          "-A",
          KUBE_SERVICES,
          "-m",
          "comment",
          "--comment",
          q(`${name} loadbalancer IP`),
          matchPort(ip, sp.port),
          "-j",
          loadBalancerTrafficChain,
        );
      if (usesFWChain)
        w(
          filterRules,
          "-A",
          KUBE_PROXY_FIREWALL,
          "-m",
          "comment",
          "--comment",
          q(`${name} traffic not accepted by ${fwChain}`),
          matchPort(ip, sp.port),
          "-j",
          "DROP",
        );
    }
    if (!hasExternalEndpoints)
      for (const ip of sp.loadBalancerVIPs)
        w(
          filterRules,
          "-A",
          KUBE_EXTERNAL_SERVICES,
          "-m",
          "comment",
          "--comment",
          externalFilterComment,
          matchPort(ip, sp.port),
          "-j",
          externalFilterTarget,
        );

    // Capture node ports.
    if (sp.nodePort !== 0) {
      if (cat.hasAnyEndpoints) {
        if (cfg.localhostNodePorts)
          w(
            natRules,
            "-A",
            KUBE_NODEPORTS,
            "-m",
            "comment",
            "--comment",
            name,
            "-m",
            protocol,
            "-p",
            protocol,
            "-d",
            "127.0.0.0/8",
            "--dport",
            String(sp.nodePort),
            "-m",
            "nfacct",
            "--nfacct-name",
            LOCALHOST_NODEPORT_ACCEPTED,
            "-j",
            externalTrafficChain,
          );
        w(
          natRules,
          "-A",
          KUBE_NODEPORTS,
          "-m",
          "comment",
          "--comment",
          name,
          "-m",
          protocol,
          "-p",
          protocol,
          "--dport",
          String(sp.nodePort),
          "-j",
          externalTrafficChain,
        );
      }
      if (!hasExternalEndpoints)
        w(
          filterRules,
          "-A",
          KUBE_EXTERNAL_SERVICES,
          "-m",
          "comment",
          "--comment",
          externalFilterComment,
          "-m",
          "addrtype",
          "--dst-type",
          "LOCAL",
          "-m",
          protocol,
          "-p",
          protocol,
          "--dport",
          String(sp.nodePort),
          "-j",
          externalFilterTarget,
        );
    }

    // Health-check node ports (externalTrafficPolicy Local).
    if (sp.healthCheckNodePort !== 0)
      w(
        filterRules,
        "-A",
        KUBE_NODEPORTS,
        "-m",
        "comment",
        "--comment",
        q(`${name} health check node port`),
        "-m",
        "tcp",
        "-p",
        "tcp",
        "--dport",
        String(sp.healthCheckNodePort),
        "-j",
        "ACCEPT",
      );

    // Internal traffic: masquerade what comes from outside the pod network.
    if (hasInternalEndpoints) {
      const args = [
        "-m",
        "comment",
        "--comment",
        q(`${name} cluster IP`),
        ...matchPort(sp.clusterIP, sp.port),
      ];
      if (cfg.masqueradeAll) w(natRules, "-A", internalPolicyChain, args, "-j", KUBE_MARK_MASQ);
      else if (ifNotLocal) w(natRules, "-A", internalPolicyChain, args, ifNotLocal, "-j", KUBE_MARK_MASQ);
    }

    // External traffic.
    if (usesExternalTrafficChain) {
      natChains.push(externalTrafficChain);
      if (!sp.externalPolicyLocal) {
        // Non-local endpoints may be on another node: masquerade so replies come back here.
        w(
          natRules,
          "-A",
          externalTrafficChain,
          "-m",
          "comment",
          "--comment",
          q(`masquerade traffic for ${name} external destinations`),
          "-j",
          KUBE_MARK_MASQ,
        );
      } else {
        if (ifLocal)
          w(
            natRules,
            "-A",
            externalTrafficChain,
            "-m",
            "comment",
            "--comment",
            q(`pod traffic for ${name} external destinations`),
            ifLocal,
            "-j",
            clusterPolicyChain,
          );
        w(
          natRules,
          "-A",
          externalTrafficChain,
          "-m",
          "comment",
          "--comment",
          q(`masquerade LOCAL traffic for ${name} external destinations`),
          "-m",
          "addrtype",
          "--src-type",
          "LOCAL",
          "-j",
          KUBE_MARK_MASQ,
        );
        w(
          natRules,
          "-A",
          externalTrafficChain,
          "-m",
          "comment",
          "--comment",
          q(`route LOCAL traffic for ${name} external destinations`),
          "-m",
          "addrtype",
          "--src-type",
          "LOCAL",
          "-j",
          clusterPolicyChain,
        );
      }
      if (hasExternalEndpoints) w(natRules, "-A", externalTrafficChain, "-j", externalPolicyChain);
    }

    // loadBalancerSourceRanges.
    if (usesFWChain) {
      natChains.push(fwChain);
      const args = ["-A", fwChain, "-m", "comment", "--comment", q(`${name} loadbalancer IP`)];
      let allowFromNode = false;
      for (const cidr of sp.loadBalancerSourceRanges) {
        w(natRules, args, "-s", cidr, "-j", externalTrafficChain);
        if (cidrContains(cidr, cfg.nodeIP)) allowFromNode = true;
      }
      if (allowFromNode)
        for (const ip of sp.loadBalancerVIPs) w(natRules, args, "-s", ip, "-j", externalTrafficChain);
      w(
        natRules,
        "-A",
        fwChain,
        "-m",
        "comment",
        "--comment",
        q(`other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL`),
      );
    }

    if (usesClusterPolicyChain) {
      natChains.push(clusterPolicyChain);
      writeServiceToEndpointRules(natRules, sp, clusterPolicyChain, cat.clusterEndpoints);
    }
    if (usesLocalPolicyChain) {
      natChains.push(localPolicyChain);
      writeServiceToEndpointRules(natRules, sp, localPolicyChain, cat.localEndpoints);
    }

    // Per-endpoint chains.
    for (const ep of cat.allReachableEndpoints) {
      const chain = servicePortEndpointChain(name, protocol, endpointString(ep));
      natChains.push(chain);
      const args = ["-A", chain, "-m", "comment", "--comment", name];
      // Hairpin: a pod reaching itself through the Service must be masqueraded.
      w(natRules, args, "-s", ep.ip, "-j", KUBE_MARK_MASQ);
      const dnat = [...args];
      if (sp.sessionAffinityClientIP) dnat.push("-m", "recent", "--name", chain, "--set");
      dnat.push("-m", protocol, "-p", protocol, "-j", "DNAT", "--to-destination", endpointString(ep));
      natRules.push(dnat);
    }
  }

  // The tail call to KUBE-NODEPORTS must stay the last rule in KUBE-SERVICES.
  w(
    natRules,
    "-A",
    KUBE_SERVICES,
    "-m",
    "comment",
    "--comment",
    q("kubernetes service nodeports; NOTE: this must be the last rule in this chain"),
    "-m",
    "addrtype",
    "--dst-type",
    "LOCAL",
    "-j",
    KUBE_NODEPORTS,
  );
  // nf_conntrack_tcp_be_liberal is not set: drop INVALID packets (issues 74839, 117924).
  w(
    filterRules,
    "-A",
    KUBE_FORWARD,
    "-m",
    "conntrack",
    "--ctstate",
    "INVALID",
    "-m",
    "nfacct",
    "--nfacct-name",
    CT_STATE_INVALID_DROPPED,
    "-j",
    "DROP",
  );
  w(
    filterRules,
    "-A",
    KUBE_FORWARD,
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
  );
  w(
    filterRules,
    "-A",
    KUBE_FORWARD,
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
  );

  const restoreInput = [
    "*filter",
    ...filterChains.map((c) => `:${c} - [0:0]`),
    ...filterRules.map((r) => r.join(" ")),
    "COMMIT",
    "*nat",
    ...natChains.map((c) => `:${c} - [0:0]`),
    ...natRules.map((r) => r.join(" ")),
    "COMMIT",
    "",
  ].join("\n");

  // What the node's tables hold afterwards: kube-proxy's jumps (prepended, so the last ensured
  // comes first), then the kubelet's older KUBE-FIREWALL jumps, then kube-proxy's chains.
  const rs = emptyRuleset();
  writeKubeletChains(rs);
  for (const t of [rs.mangle, rs.filter, rs.nat]) ensureChain(t, KUBE_PROXY_CANARY);
  for (const table of ["filter", "nat"] as const) {
    const t: IptablesTable = rs[table];
    for (const j of [...JUMP_CHAINS].reverse()) {
      if (j.table !== table) continue;
      ensureChain(t, j.dst);
      t.rules.push(["-A", j.src, ...j.extra, "-m", "comment", "--comment", q(j.comment), "-j", j.dst]);
    }
  }
  rs.filter.rules.push(["-A", "INPUT", "-j", KUBELET_FIREWALL], ["-A", "OUTPUT", "-j", KUBELET_FIREWALL]);
  for (const c of filterChains) ensureChain(rs.filter, c);
  for (const c of natChains) ensureChain(rs.nat, c);
  rs.filter.rules.push(...filterRules);
  rs.nat.rules.push(...natRules);
  return { ruleset: rs, restoreInput, numServices: services.length, numEndpoints: totalEndpoints };
}

/** `writeServiceToEndpointRules`: affinity checks, then one probabilistic jump per endpoint. */
function writeServiceToEndpointRules(
  natRules: string[][],
  sp: ServicePortInfo,
  svcChain: string,
  endpoints: readonly EndpointInfo[],
): void {
  const protocol = sp.protocol.toLowerCase();
  const chainOf = (ep: EndpointInfo) => servicePortEndpointChain(sp.name, protocol, endpointString(ep));
  if (sp.sessionAffinityClientIP)
    for (const ep of endpoints)
      natRules.push([
        "-A",
        svcChain,
        "-m",
        "comment",
        "--comment",
        q(`${sp.name} -> ${endpointString(ep)}`),
        "-m",
        "recent",
        "--name",
        chainOf(ep),
        "--rcheck",
        "--seconds",
        String(sp.stickyMaxAgeSeconds),
        "--reap",
        "-j",
        chainOf(ep),
      ]);
  const n = endpoints.length;
  endpoints.forEach((ep, i) => {
    const args = ["-A", svcChain, "-m", "comment", "--comment", q(`${sp.name} -> ${endpointString(ep)}`)];
    // Endpoint i of n matches with probability 1/(n-i): every endpoint gets an equal share.
    if (i < n - 1)
      args.push("-m", "statistic", "--mode", "random", "--probability", computeProbability(n - i));
    args.push("-j", chainOf(ep));
    natRules.push(args);
  });
}

/** Whether an IPv4 CIDR contains an address. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split("/");
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const a = ipv4ToInt(base ?? "");
  const b = ipv4ToInt(ip);
  if (a === null || b === null || !(bits >= 0 && bits <= 32)) return false;
  if (bits === 0) return true;
  const mask = bits === 32 ? 0xffffffff : (~((1 << (32 - bits)) - 1) >>> 0) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

/** A dotted IPv4 address as an unsigned integer, or null. */
export function ipv4ToInt(ip: string): number | null {
  const parts = ip.split(".");
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v;
}
