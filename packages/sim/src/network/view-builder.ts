/**
 * Assembling a `NetworkView` from API objects and what components publish: the Pods (IP, node,
 * hostNetwork, dnsPolicy), each node's proxy rules (the kube-proxy component's `rules`), the
 * CoreDNS caches, and — from the container runtime — what listens in each pod. The host (the
 * cluster facade, or a test) calls this when a command runs.
 */
import type { DnsSource } from "../addons/coredns/records";
import type { KubeObject } from "../api/types";
import type { ProxyRules } from "../kube-proxy/proxy-rules";
import type { Listener, NetworkView, NodeNet, PodNet } from "./view";

/** A node's network facts. */
export interface NodeInput {
  name: string;
  internalIP: string;
  up?: boolean;
  cniUp?: boolean;
  proxy: ProxyRules | null;
  hostListeners?: Listener[];
  hostSearch?: string[];
}

/** What goes into a view. */
export interface NetworkViewInput {
  now: number;
  epochMs: number;
  clusterDomain?: string;
  clusterDNS?: string;
  clusterCIDR?: string;
  nodes: NodeInput[];
  pods: readonly KubeObject[];
  /** What listens in a pod (the runtime's running containers); [] for none. */
  listeners: (pod: KubeObject) => Listener[];
  /** Whether a pod's sandbox exists (default: it has an IP and is not Succeeded/Failed). */
  sandboxReady?: (pod: KubeObject) => boolean;
  dns: DnsSource | null;
  upstream?: Record<string, string[]>;
  recent?: NetworkView["recent"];
}

/** The PodNet of an API Pod (null when it has no IP yet). */
export function podNetOf(pod: KubeObject, listeners: Listener[], sandboxReady: boolean): PodNet | null {
  const ip = pod.status?.podIP as string | undefined;
  if (!ip || !pod.spec?.nodeName) return null;
  const net: PodNet = {
    namespace: pod.metadata.namespace ?? "default",
    name: pod.metadata.name ?? "",
    ip,
    nodeName: pod.spec.nodeName,
    hostNetwork: pod.spec.hostNetwork === true,
    hostname: pod.spec.hostname ?? pod.metadata.name ?? "",
    listeners,
    sandboxReady,
    dnsPolicy: pod.spec.dnsPolicy ?? "ClusterFirst",
  };
  if (pod.spec.dnsConfig) net.dnsConfig = pod.spec.dnsConfig;
  return net;
}

/** Build the view. */
export function buildNetworkView(input: NetworkViewInput): NetworkView {
  const nodes: Record<string, NodeNet> = {};
  for (const n of input.nodes) {
    const node: NodeNet = {
      name: n.name,
      internalIP: n.internalIP,
      up: n.up ?? true,
      cniUp: n.cniUp ?? true,
      proxy: n.proxy,
      hostListeners: [...(n.hostListeners ?? [])],
    };
    if (n.hostSearch) node.hostSearch = n.hostSearch;
    nodes[n.name] = node;
  }
  const podsByIP: Record<string, PodNet> = {};
  for (const p of input.pods) {
    const phase = p.status?.phase;
    const ready = input.sandboxReady ? input.sandboxReady(p) : phase !== "Succeeded" && phase !== "Failed";
    const net = podNetOf(p, input.listeners(p), ready);
    if (!net) continue;
    if (net.hostNetwork) {
      nodes[net.nodeName]?.hostListeners.push(...net.listeners);
      continue;
    }
    podsByIP[net.ip] = net;
  }
  const view: NetworkView = {
    now: input.now,
    epochMs: input.epochMs,
    clusterDomain: input.clusterDomain ?? "cluster.local",
    clusterDNS: input.clusterDNS ?? "10.96.0.10",
    clusterCIDR: input.clusterCIDR ?? "10.244.0.0/16",
    nodes,
    podsByIP,
    dns: input.dns,
  };
  if (input.upstream) view.upstream = input.upstream;
  if (input.recent) view.recent = input.recent;
  return view;
}
