/**
 * A connection from a pod (or a node's host process) to `ip:port`: out through the source
 * node's proxy rules (DNAT to a backend, REJECT, or nothing), across the pod network to the
 * backend's node, into the backend's network namespace, to a listening socket — failing the way
 * the kernel fails: ECONNREFUSED for a REJECT (ICMP port unreachable) or a closed port (RST),
 * EHOSTUNREACH for a pod-network address nobody has (ARP fails after ~3 s), a silent drop
 * (timeout) for a node that is down or partitioned, a CNI that does not work, or a VIP no rule
 * handles.
 */
import { cidrContains } from "../kube-proxy/iptables/sync-proxy-rules";
import { isIpvsLocalAddress } from "../kube-proxy/ipvs/sync-proxy-rules";
import { egress, type NetfilterContext, type Packet } from "./netfilter";
import {
  type Endpoint,
  endpointAt,
  type Listener,
  type NetworkView,
  type NodeNet,
  type PodNet,
} from "./view";

/** Who opens the connection. */
export type Source = { kind: "pod"; pod: PodNet } | { kind: "node"; node: NodeNet };

/** The simulation's randomness for one command (statistic matches, IPVS rr position). */
export interface NetRandom {
  random(): number;
  randomInt(n: number): number;
}

/** Effects of network activity a caller applies (affinity memory, traces). */
export interface NetTrace {
  /** Human-readable hops (`10.244.1.5 → 10.96.0.10:53 (KUBE-SVC-…) → 10.244.0.3:53`). */
  hops: string[];
  /** `-m recent --set` updates: node → list → client IP (time = view.now). */
  recentSets: { node: string; list: string; ip: string }[];
}

/** The result of a connection attempt. */
export type ConnectResult =
  | {
      kind: "connected";
      endpoint: Endpoint;
      listener: Listener;
      /** Backend address after DNAT. */
      ip: string;
      port: number;
      /** The client address the backend sees (the node's when masqueraded). */
      clientIP: string;
      /** Round-trip time, ms. */
      rttMs: number;
    }
  | { kind: "refused"; rttMs: number }
  | { kind: "unreachable"; afterMs: number }
  | { kind: "timeout" };

/** The node and address of a source. */
export function sourceNode(view: NetworkView, src: Source): NodeNet | undefined {
  return src.kind === "pod" ? view.nodes[src.pod.nodeName] : src.node;
}

/** The source's IP. */
export function sourceIP(src: Source): string {
  return src.kind === "pod" ? src.pod.ip : src.node.internalIP;
}

function listenersOf(ep: Endpoint, view: NetworkView): Listener[] {
  if (ep.kind === "node") return ep.node.hostListeners;
  if (ep.pod.hostNetwork) return view.nodes[ep.pod.nodeName]?.hostListeners ?? [];
  return ep.pod.listeners;
}

function netfilterContext(view: NetworkView, node: NodeNet, rnd: NetRandom): NetfilterContext {
  const rules = node.proxy;
  return {
    now: view.now,
    random: () => rnd.random(),
    isLocal: (ip) =>
      ip === node.internalIP ||
      cidrContains("127.0.0.0/8", ip) ||
      (rules?.mode === "ipvs" && isIpvsLocalAddress(rules.ipvs, ip)),
    recent: view.recent?.[node.name] ?? {},
    ipsets: rules?.mode === "ipvs" ? rules.ipvs.ipsets : {},
  };
}

/** Open a connection (TCP) or send a datagram (UDP) from `src` to `ip:port`. */
export function connect(
  view: NetworkView,
  src: Source,
  ip: string,
  port: number,
  proto: "tcp" | "udp",
  rnd: NetRandom,
  trace: NetTrace,
): ConnectResult {
  const node = sourceNode(view, src);
  if (!node?.up) return { kind: "timeout" };
  if (src.kind === "pod" && !src.pod.hostNetwork && !node.cniUp) return { kind: "timeout" };
  const from = sourceIP(src);
  const fromHost = src.kind === "node" || src.pod.hostNetwork;
  // Loopback and the pod's own address never leave its network namespace.
  if (cidrContains("127.0.0.0/8", ip) || ip === from) {
    const self: Endpoint =
      src.kind === "pod" ? { kind: "pod", pod: src.pod } : { kind: "node", node: src.node };
    const l = listenersOf(self, view).find((x) => x.port === port && x.protocol === proto.toUpperCase());
    return l
      ? { kind: "connected", endpoint: self, listener: l, ip, port, clientIP: ip, rttMs: 0.05 }
      : { kind: "refused", rttMs: 0.05 };
  }
  const pkt: Packet = { src: from, dst: ip, proto, dport: port, mark: 0, dnat: false };
  const out = egress(node.proxy, pkt, fromHost, netfilterContext(view, node, rnd), rnd.randomInt(1 << 30));
  for (const r of out.recentSets) trace.recentSets.push({ node: node.name, ...r });
  const via = out.chains.filter((c) => /^KUBE-(SVC|SVL|SEP|EXT)-|^IPVS |^eBPF /.test(c));
  trace.hops.push(
    `${from} → ${ip}:${port}/${proto}${via.length ? ` [${node.name}: ${via.join(" → ")}]` : ""}${
      out.packet.dnat ? ` → ${out.packet.dst}:${out.packet.dport}` : ""
    }${out.verdict !== "accept" ? ` ${out.verdict.toUpperCase()}` : ""}`,
  );
  if (out.verdict === "reject") return { kind: "refused", rttMs: 0.3 };
  if (out.verdict === "drop") return { kind: "timeout" };
  const dst = out.packet.dst;
  const dport = out.packet.dport;
  if (out.local && !out.packet.dnat) {
    // A local address (an IPVS VIP) with nothing behind it: the kernel answers RST.
    return { kind: "refused", rttMs: 0.1 };
  }
  const ep = endpointAt(view, dst);
  if (!ep) {
    // An address in the pod network nobody has: the last hop's ARP fails (No route to host).
    if (view.clusterCIDR && cidrContains(view.clusterCIDR, dst))
      return { kind: "unreachable", afterMs: 3_000 };
    // Anything else (a ClusterIP no rule captured) goes to the default gateway and is lost.
    return { kind: "timeout" };
  }
  const dstNode = ep.kind === "node" ? ep.node : view.nodes[ep.pod.nodeName];
  if (!dstNode?.up) return { kind: "timeout" };
  if (ep.kind === "pod" && !ep.pod.hostNetwork) {
    if (!dstNode.cniUp) return { kind: "timeout" };
    if (!ep.pod.sandboxReady) return { kind: "unreachable", afterMs: 3_000 };
  }
  const crossNode = dstNode.name !== node.name;
  const rttMs = crossNode ? 0.6 : 0.1;
  const l = listenersOf(ep, view).find((x) => x.port === dport && x.protocol === proto.toUpperCase());
  if (!l) return { kind: "refused", rttMs };
  // MASQUERADE rewrites the source to the outgoing interface's address (the node's).
  const clientIP = out.masquerade ? node.internalIP : from;
  return { kind: "connected", endpoint: ep, listener: l, ip: dst, port: dport, clientIP, rttMs };
}
