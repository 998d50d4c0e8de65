/**
 * What the data path sees of a cluster: for each node its address, whether it is up and the
 * rules its proxy programmed; for each pod IP the pod and what listens in it; CoreDNS's caches.
 * A view is assembled by the host (the cluster facade or a test) from what the components
 * publish — kube-proxy's `rules`, the container runtime's sandboxes and processes, the CoreDNS
 * cache — and handed to the pure functions of `network/`. It is read-only input, not state.
 */
import type { DnsSource } from "../addons/coredns/records";
import type { ProxyRules } from "../kube-proxy/proxy-rules";

/** A socket a container listens on. */
export interface Listener {
  port: number;
  protocol: "TCP" | "UDP";
  /** The container that owns it. */
  container: string;
  /** Which behaviour answers HTTP on it (`nginx`, `httpd`, `coredns`…; see node/process/programs). */
  http?: string;
  /** When the listening program started (virtual ms; for time-dependent answers). */
  since: number;
}

/** A pod as the network knows it. */
export interface PodNet {
  namespace: string;
  name: string;
  ip: string;
  nodeName: string;
  hostNetwork: boolean;
  /** The pod's hostname (its name, or spec.hostname). */
  hostname: string;
  /** Sockets listening in the pod's network namespace (running containers only). */
  listeners: Listener[];
  /** Whether the sandbox exists (false: its IP answers nothing; ARP fails). */
  sandboxReady: boolean;
  /** `spec.dnsPolicy` ("ClusterFirst" by default) and `spec.dnsConfig`. */
  dnsPolicy: string;
  dnsConfig?: { nameservers?: string[]; searches?: string[]; options?: { name: string; value?: string }[] };
}

/** A node as the network knows it. */
export interface NodeNet {
  name: string;
  internalIP: string;
  /** Powered on and reachable (not partitioned from the rest of the cluster). */
  up: boolean;
  /** The CNI works on the node (a CNI failure isolates its pods). */
  cniUp: boolean;
  /** What the node's service proxy programmed (kube-proxy, or the CNI's replacement); null: nothing. */
  proxy: ProxyRules | null;
  /** Search domains of the node's own /etc/resolv.conf (what `dnsPolicy: Default` pods inherit). */
  hostSearch?: string[];
  /** Sockets of host processes and host-network pods (kube-apiserver :6443, kubelet :10250…). */
  hostListeners: Listener[];
}

/** The whole view. */
export interface NetworkView {
  /** Virtual ms since the epoch, and the epoch in Unix ms (for log and `dig` timestamps). */
  now: number;
  epochMs: number;
  /** `cluster.local`. */
  clusterDomain: string;
  /** The kube-dns Service's ClusterIP (the kubelet's `clusterDNS`). */
  clusterDNS: string;
  /** The pod network (`clusterCIDR`); traffic from outside it to a Service is masqueraded. */
  clusterCIDR: string;
  nodes: Record<string, NodeNet>;
  /** Pods on the pod network, by IP. */
  podsByIP: Record<string, PodNet>;
  /** CoreDNS's caches (null: CoreDNS is not installed). */
  dns: DnsSource | null;
  /** Names the upstream resolver (outside the cluster) knows; defaults to a small public set. */
  upstream?: Record<string, string[]>;
  /** ClientIP affinity (`-m recent` lists / IPVS persistence): node → list → client IP → last use (ms). */
  recent?: Record<string, Record<string, Record<string, number>>>;
}

/** A place a connection ends: a pod (or a host-network process on a node). */
export type Endpoint = { kind: "pod"; pod: PodNet } | { kind: "node"; node: NodeNet };

/** The node a pod runs on. */
export function nodeOf(view: NetworkView, pod: PodNet): NodeNet | undefined {
  return view.nodes[pod.nodeName];
}

/** Find what owns an IP: a pod on the pod network or a node. */
export function endpointAt(view: NetworkView, ip: string): Endpoint | undefined {
  const pod = view.podsByIP[ip];
  if (pod) return { kind: "pod", pod };
  for (const n of Object.values(view.nodes)) if (n.internalIP === ip) return { kind: "node", node: n };
  return undefined;
}
