/**
 * What kube-proxy makes of Services and EndpointSlices (`pkg/proxy/serviceport.go`,
 * `endpoint.go`, `endpointslicecache.go`, `topology.go`): one `ServicePortInfo` per service port
 * with a ClusterIP, and its endpoints gathered from the Service's EndpointSlices, sorted by
 * `ip:port` as the EndpointSliceCache returns them. Pure functions over API objects.
 */
import type { KubeObject } from "../api/types";

/** `proxy.ServicePort`: one port of a Service as the proxier sees it. */
export interface ServicePortInfo {
  /** `ns/svc:port`, or `ns/svc` when the port has no name (`ServicePortName.String()`). */
  name: string;
  namespace: string;
  service: string;
  portName: string;
  protocol: "TCP" | "UDP" | "SCTP";
  clusterIP: string;
  port: number;
  nodePort: number;
  externalIPs: string[];
  /** `status.loadBalancer.ingress[].ip` (ipMode VIP). */
  loadBalancerVIPs: string[];
  loadBalancerSourceRanges: string[];
  healthCheckNodePort: number;
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  /** sessionAffinity ClientIP, with `timeoutSeconds` (default 10800). */
  sessionAffinityClientIP: boolean;
  stickyMaxAgeSeconds: number;
}

/** `proxy.Endpoint` (endpointInfo): one address:port of a service port with its conditions. */
export interface EndpointInfo {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName: string;
  zone: string;
  /** On the proxy's own node (`IsLocal`). */
  isLocal: boolean;
}

/** `ip:port` (`Endpoint.String()`). */
export function endpointString(ep: { ip: string; port: number }): string {
  return `${ep.ip}:${ep.port}`;
}

/** Whether a Service is proxied: it has a ClusterIP (not headless, not ExternalName). */
export function isProxiedService(svc: KubeObject): boolean {
  const ip = svc.spec?.clusterIP as string | undefined;
  return svc.spec?.type !== "ExternalName" && ip !== undefined && ip !== "" && ip !== "None";
}

/** The service ports of a Service (`newBaseServiceInfo` for each `spec.ports[]`). */
export function servicePortsOf(svc: KubeObject): ServicePortInfo[] {
  if (!isProxiedService(svc)) return [];
  const ns = svc.metadata.namespace ?? "";
  const name = svc.metadata.name ?? "";
  const spec = svc.spec ?? {};
  const type = spec.type ?? "ClusterIP";
  const externallyLocal =
    (type === "NodePort" || type === "LoadBalancer" || (spec.externalIPs ?? []).length > 0) &&
    spec.externalTrafficPolicy === "Local";
  const lbVIPs: string[] = [];
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    // ipMode Proxy: the load balancer proxies, so the node must not short-circuit the VIP.
    if (ing.ip && ing.ipMode !== "Proxy") lbVIPs.push(ing.ip);
  }
  return (spec.ports ?? []).map((p: Record<string, unknown>) => {
    const portName = (p.name as string | undefined) ?? "";
    return {
      name: portName ? `${ns}/${name}:${portName}` : `${ns}/${name}`,
      namespace: ns,
      service: name,
      portName,
      protocol: ((p.protocol as string | undefined) ?? "TCP") as ServicePortInfo["protocol"],
      clusterIP: spec.clusterIP,
      port: Number(p.port),
      // NodePorts only exist on NodePort and LoadBalancer Services (allocateLoadBalancerNodePorts).
      nodePort: type === "NodePort" || type === "LoadBalancer" ? Number(p.nodePort ?? 0) : 0,
      externalIPs: [...(spec.externalIPs ?? [])],
      loadBalancerVIPs: type === "LoadBalancer" ? lbVIPs : [],
      loadBalancerSourceRanges: type === "LoadBalancer" ? [...(spec.loadBalancerSourceRanges ?? [])] : [],
      healthCheckNodePort: externallyLocal ? Number(spec.healthCheckNodePort ?? 0) : 0,
      externalPolicyLocal: externallyLocal,
      internalPolicyLocal: spec.internalTrafficPolicy === "Local",
      sessionAffinityClientIP: spec.sessionAffinity === "ClientIP",
      stickyMaxAgeSeconds: Number(spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800),
    };
  });
}

/** `ExternallyAccessible`: NodePort, LoadBalancer VIPs or external IPs. */
export function externallyAccessible(sp: ServicePortInfo): boolean {
  return sp.nodePort !== 0 || sp.loadBalancerVIPs.length > 0 || sp.externalIPs.length > 0;
}

/** `UsesClusterEndpoints`: some traffic to this port goes to endpoints anywhere in the cluster. */
export function usesClusterEndpoints(sp: ServicePortInfo): boolean {
  return !sp.internalPolicyLocal || (externallyAccessible(sp) && !sp.externalPolicyLocal);
}

/** `UsesLocalEndpoints`: some traffic to this port goes only to endpoints on this node. */
export function usesLocalEndpoints(sp: ServicePortInfo): boolean {
  return sp.internalPolicyLocal || (externallyAccessible(sp) && sp.externalPolicyLocal);
}

/**
 * The endpoints of a service port from the Service's EndpointSlices (IPv4 slices, the port with
 * the same name and protocol), deduplicated by `ip:port` and sorted as the cache does.
 */
export function endpointsFor(
  sp: ServicePortInfo,
  slices: readonly KubeObject[],
  nodeName: string,
): EndpointInfo[] {
  const byKey: Record<string, EndpointInfo> = {};
  for (const slice of slices) {
    if (slice.metadata.labels?.["kubernetes.io/service-name"] !== sp.service) continue;
    if ((slice.metadata.namespace ?? "") !== sp.namespace) continue;
    if (slice.addressType !== "IPv4") continue;
    for (const port of slice.ports ?? []) {
      if ((port.name ?? "") !== sp.portName || (port.protocol ?? "TCP") !== sp.protocol) continue;
      if (port.port === undefined || port.port === null) continue;
      for (const ep of slice.endpoints ?? []) {
        const ip = ep.addresses?.[0];
        if (!ip) continue;
        // Conditions: ready nil → true; serving nil → ready; terminating nil → false (discovery/v1 types.go).
        const ready = ep.conditions?.ready ?? true;
        const info: EndpointInfo = {
          ip,
          port: Number(port.port),
          ready,
          serving: ep.conditions?.serving ?? ready,
          terminating: ep.conditions?.terminating ?? false,
          nodeName: ep.nodeName ?? "",
          zone: ep.zone ?? "",
          isLocal: (ep.nodeName ?? "") === nodeName && nodeName !== "",
        };
        byKey[endpointString(info)] = info;
      }
    }
  }
  return Object.keys(byKey)
    .sort()
    .map((k) => byKey[k]!);
}

/** What `CategorizeEndpoints` returns. */
export interface CategorizedEndpoints {
  clusterEndpoints: EndpointInfo[];
  localEndpoints: EndpointInfo[];
  allReachableEndpoints: EndpointInfo[];
  hasAnyEndpoints: boolean;
}

/**
 * `CategorizeEndpoints` (`pkg/proxy/topology.go`): the endpoints Cluster policy uses (ready ones,
 * else serving-and-terminating ones), those Local policy uses (this node's ready ones, else its
 * serving-and-terminating ones), and whether the service has usable endpoints anywhere.
 * Topology-aware hints are not modelled (no `service.kubernetes.io/topology-mode`).
 */
export function categorizeEndpoints(
  sp: ServicePortInfo,
  endpoints: readonly EndpointInfo[],
): CategorizedEndpoints {
  let clusterEndpoints: EndpointInfo[] = [];
  let localEndpoints: EndpointInfo[] = [];
  let hasAnyEndpoints = false;
  if (usesClusterEndpoints(sp)) {
    clusterEndpoints = endpoints.filter((e) => e.ready);
    // No ready endpoint anywhere: fall back to terminating endpoints that still serve.
    if (clusterEndpoints.length === 0) clusterEndpoints = endpoints.filter((e) => e.serving && e.terminating);
    if (clusterEndpoints.length > 0) hasAnyEndpoints = true;
  }
  if (!usesLocalEndpoints(sp))
    return { clusterEndpoints, localEndpoints, allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };
  let localReady = false;
  let localServingTerminating = false;
  for (const e of endpoints) {
    if (e.ready) {
      hasAnyEndpoints = true;
      if (e.isLocal) localReady = true;
    } else if (e.serving && e.terminating) {
      hasAnyEndpoints = true;
      if (e.isLocal) localServingTerminating = true;
    }
  }
  if (localReady) localEndpoints = endpoints.filter((e) => e.isLocal && e.ready);
  else if (localServingTerminating)
    localEndpoints = endpoints.filter((e) => e.isLocal && e.serving && e.terminating);
  if (!usesClusterEndpoints(sp))
    return { clusterEndpoints, localEndpoints, allReachableEndpoints: localEndpoints, hasAnyEndpoints };
  const seen: Record<string, true> = {};
  const all: EndpointInfo[] = [];
  for (const e of [...clusterEndpoints, ...localEndpoints]) {
    const k = endpointString(e);
    if (seen[k]) continue;
    seen[k] = true;
    all.push(e);
  }
  return { clusterEndpoints, localEndpoints, allReachableEndpoints: all, hasAnyEndpoints };
}
