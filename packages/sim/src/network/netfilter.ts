/**
 * Netfilter as the data path needs it: a packet's walk through a node's iptables chains (nat
 * PREROUTING/OUTPUT → KUBE-SERVICES → KUBE-SVC-… → KUBE-SEP-… DNAT; filter FORWARD/OUTPUT →
 * KUBE-SERVICES REJECT; nat POSTROUTING → KUBE-POSTROUTING MASQUERADE) and IPVS's virtual-server
 * lookup. The rules evaluated are exactly those kube-proxy programmed, so what a connection does
 * is what the printed `iptables-save` says it does.
 */

import { type ParsedRule, parseRule } from "../kube-proxy/iptables/parse-rule";
import type { IptablesTable } from "../kube-proxy/iptables/ruleset";
import { cidrContains } from "../kube-proxy/iptables/sync-proxy-rules";
import type { IpvsState } from "../kube-proxy/ipvs/sync-proxy-rules";
import type { ProxyRules } from "../kube-proxy/proxy-rules";

/** A connection's first packet. */
export interface Packet {
  src: string;
  dst: string;
  proto: "tcp" | "udp" | "icmp";
  dport: number;
  mark: number;
  /** Set once a DNAT happened (conntrack state DNAT). */
  dnat: boolean;
}

/** Randomness and ClientIP-affinity memory for one evaluation. */
export interface NetfilterContext {
  now: number;
  /** A float in [0, 1) (the statistic match's draw); from the simulation's PRNG. */
  random: () => number;
  /** Addresses local to the node (node IP, loopback, kube-ipvs0 VIPs). */
  isLocal: (ip: string) => boolean;
  /** `-m recent` lists of the node: list → client IP → last time (ms). */
  recent: Record<string, Record<string, number>>;
  /** ipsets (IPVS mode). */
  ipsets: Record<string, string[]>;
}

/** What netfilter did with the packet. */
export interface NetfilterResult {
  verdict: "accept" | "drop" | "reject";
  /** Chains the packet went through, in order (for traces: `KUBE-SERVICES`, `KUBE-SVC-…`). */
  chains: string[];
  /** `-m recent --set` updates to remember (list, client IP). */
  recentSets: { list: string; ip: string }[];
  /** Whether the packet left marked for masquerade. */
  masquerade: boolean;
}

const parsedCache = new WeakMap<string[], ParsedRule>();
function parsed(tokens: string[]): ParsedRule {
  let r = parsedCache.get(tokens);
  if (!r) {
    r = parseRule(tokens);
    parsedCache.set(tokens, r);
  }
  return r;
}

function addrMatches(spec: { addr: string; neg: boolean } | null, ip: string): boolean {
  if (!spec) return true;
  return cidrContains(spec.addr.includes("/") ? spec.addr : `${spec.addr}/32`, ip) !== spec.neg;
}

function setMatches(ctx: NetfilterContext, pkt: Packet, value: string): boolean {
  const [name = "", flags = ""] = value.split(" ");
  const entries = ctx.ipsets[name] ?? [];
  const f = flags.split(",");
  if (f.length === 1) return entries.some((e) => e === pkt.dst || e === String(pkt.dport));
  const key = `${pkt.dst},${pkt.proto}:${pkt.dport}`;
  if (f.length === 2) return entries.includes(key);
  return entries.includes(`${key},${pkt.src}`);
}

function ruleMatches(r: ParsedRule, pkt: Packet, ctx: NetfilterContext, out: NetfilterResult): boolean {
  if (!addrMatches(r.src, pkt.src) || !addrMatches(r.dst, pkt.dst)) return false;
  if (r.proto && r.proto !== pkt.proto) return false;
  for (const m of r.matches) {
    for (const o of m.opts) {
      let ok = true;
      switch (`${m.name} ${o.key}`) {
        case "tcp --dport":
        case "udp --dport":
        case "sctp --dport":
          ok = Number(o.value) === pkt.dport;
          break;
        case "statistic --probability":
          ok = ctx.random() < Number(o.value);
          break;
        case "recent --rcheck": {
          const name = m.opts.find((x) => x.key === "--name")?.value ?? "DEFAULT";
          const secs = Number(m.opts.find((x) => x.key === "--seconds")?.value ?? "0");
          const last = ctx.recent[name]?.[pkt.src];
          ok = last !== undefined && (secs === 0 || ctx.now - last <= secs * 1000);
          break;
        }
        case "recent --set":
          out.recentSets.push({
            list: m.opts.find((x) => x.key === "--name")?.value ?? "DEFAULT",
            ip: pkt.src,
          });
          break;
        case "addrtype --dst-type":
          ok = o.value === "LOCAL" ? ctx.isLocal(pkt.dst) : true;
          break;
        case "addrtype --src-type":
          ok = o.value === "LOCAL" ? ctx.isLocal(pkt.src) : true;
          break;
        case "mark --mark": {
          const [v = "0", mask = "0xffffffff"] = (o.value ?? "0").split("/");
          ok = (pkt.mark & Number.parseInt(mask, 16)) === Number.parseInt(v, 16);
          break;
        }
        case "conntrack --ctstate": {
          const states = (o.value ?? "").split(",");
          ok = states.includes("NEW") || (states.includes("DNAT") && pkt.dnat);
          break;
        }
        case "set --match-set":
          ok = setMatches(ctx, pkt, o.value ?? "");
          break;
        default:
          ok = true;
      }
      if (o.neg) ok = !ok;
      if (!ok) return false;
    }
  }
  return true;
}

type ChainOutcome = "continue" | "accept" | "drop" | "reject";

function runChain(
  t: IptablesTable,
  chain: string,
  pkt: Packet,
  ctx: NetfilterContext,
  out: NetfilterResult,
  depth: number,
): ChainOutcome {
  if (depth > 32) return "drop";
  out.chains.push(chain);
  for (const tokens of t.rules) {
    if (tokens[1] !== chain) continue;
    const r = parsed(tokens);
    if (!ruleMatches(r, pkt, ctx, out)) continue;
    switch (r.target) {
      case null:
        continue;
      case "ACCEPT":
        return "accept";
      case "DROP":
        return "drop";
      case "REJECT":
        return "reject";
      case "RETURN":
        return "continue";
      case "MARK": {
        const or = r.targetOpts.find((x) => x.key === "--or-mark")?.value;
        const xor = r.targetOpts.find((x) => x.key === "--xor-mark")?.value;
        if (or) pkt.mark |= Number.parseInt(or, 16);
        if (xor) pkt.mark ^= Number.parseInt(xor, 16);
        continue;
      }
      case "MASQUERADE":
        out.masquerade = true;
        return "accept";
      case "DNAT": {
        const to = r.targetOpts.find((x) => x.key === "--to-destination")?.value ?? "";
        const [ip = "", port] = to.split(":");
        pkt.dst = ip;
        if (port) pkt.dport = Number(port);
        pkt.dnat = true;
        return "accept";
      }
      default: {
        if (!t.chains.includes(r.target)) continue;
        const sub = runChain(t, r.target, pkt, ctx, out, depth + 1);
        if (sub !== "continue") return sub;
      }
    }
  }
  return "continue";
}

/** Run a built-in chain (policy ACCEPT). */
function runBuiltin(
  t: IptablesTable,
  chain: string,
  pkt: Packet,
  ctx: NetfilterContext,
  out: NetfilterResult,
): Exclude<ChainOutcome, "continue"> {
  const r = runChain(t, chain, pkt, ctx, out, 0);
  return r === "continue" ? "accept" : r;
}

/** Where IPVS sends a packet: a real server, a refusal (no real servers), or not a virtual server. */
export type IpvsOutcome = { kind: "none" } | { kind: "refused" } | { kind: "dnat"; ip: string; port: number };

/**
 * IPVS's lookup on LOCAL_IN: a virtual server for (protocol, VIP, port), rr over its real
 * servers (`rrCounter` is the scheduler's position), or the pinned one for a persistent service.
 */
export function ipvsLookup(
  state: Pick<IpvsState, "virtualServers">,
  pkt: Packet,
  rrCounter: number,
): IpvsOutcome {
  const vs = state.virtualServers.find(
    (v) => v.protocol.toLowerCase() === pkt.proto && v.address === pkt.dst && v.port === pkt.dport,
  );
  if (!vs) return { kind: "none" };
  const live = vs.realServers.filter((r) => r.weight > 0);
  // ip_vs_leave: no destination → ICMP port unreachable.
  if (live.length === 0) return { kind: "refused" };
  if (vs.persistentSeconds > 0) {
    // A persistence template pins a client to one real server while the set is unchanged.
    let h = 0;
    for (const ch of pkt.src) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    const rs = live[h % live.length]!;
    return { kind: "dnat", ip: rs.address, port: rs.port };
  }
  const rs = live[rrCounter % live.length]!;
  return { kind: "dnat", ip: rs.address, port: rs.port };
}

/** The outcome of sending a connection's first packet out of a node. */
export interface NodeEgress {
  verdict: "accept" | "drop" | "reject";
  packet: Packet;
  chains: string[];
  recentSets: { list: string; ip: string }[];
  masquerade: boolean;
  /** Whether the destination was a local address (IPVS VIPs answer pings and connections here). */
  local: boolean;
}

/**
 * A connection from a pod (`fromHost` false: PREROUTING, FORWARD) or a host process (OUTPUT) on a
 * node whose proxy programmed `rules`, through nat, IPVS (when in IPVS mode), filter and
 * POSTROUTING. `rrCounter` picks IPVS real servers round-robin.
 */
export function egress(
  rules: ProxyRules | null,
  pkt: Packet,
  fromHost: boolean,
  ctx: NetfilterContext,
  rrCounter: number,
): NodeEgress {
  const out: NetfilterResult = { verdict: "accept", chains: [], recentSets: [], masquerade: false };
  const p = { ...pkt };
  const done = (verdict: NodeEgress["verdict"], local = false): NodeEgress => ({
    verdict,
    packet: p,
    chains: out.chains,
    recentSets: out.recentSets,
    masquerade: out.masquerade,
    local,
  });
  if (!rules) return done("accept");
  if (rules.mode === "cilium") {
    // Cilium translates at connect() time from its eBPF service map; no netfilter chains.
    const r = ipvsLookup(rules.services, p, rrCounter);
    if (r.kind === "refused") return done("reject");
    if (r.kind === "dnat") {
      out.chains.push(`eBPF ${pkt.dst}:${pkt.dport} → ${r.ip}:${r.port}`);
      p.dst = r.ip;
      p.dport = r.port;
      p.dnat = true;
    }
    return done("accept");
  }
  const t = rules.iptables;
  let v = runBuiltin(t.nat, fromHost ? "OUTPUT" : "PREROUTING", p, ctx, out);
  if (v !== "accept") return done(v);
  if (rules.mode === "ipvs" && !p.dnat && ctx.isLocal(p.dst)) {
    // A VIP on kube-ipvs0 is local: filter INPUT (KUBE-IPVS-FILTER), then IPVS on LOCAL_IN.
    v = runBuiltin(t.filter, "INPUT", p, ctx, out);
    if (v !== "accept") return done(v, true);
    const r = ipvsLookup(rules.ipvs, p, rrCounter);
    if (r.kind === "refused") return done("reject", true);
    if (r.kind === "none") return done("accept", true);
    p.dst = r.ip;
    p.dport = r.port;
    p.dnat = true;
    out.chains.push(`IPVS ${pkt.dst}:${pkt.dport} → ${r.ip}:${r.port}`);
  } else {
    v = runBuiltin(t.filter, fromHost ? "OUTPUT" : "FORWARD", p, ctx, out);
    if (v !== "accept") return done(v);
  }
  runBuiltin(t.nat, "POSTROUTING", p, ctx, out);
  return done("accept");
}
