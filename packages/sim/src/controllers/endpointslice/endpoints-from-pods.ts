/**
 * What one pod contributes to a Service's endpoints (`staging/src/k8s.io/endpointslice/utils.go`
 * `podToEndpoint`, `getEndpointPorts`, `getEndpointAddresses`, `ShouldPodBeInEndpoints`,
 * `ShouldSetHostname`; `pkg/api/v1/pod` `FindPort`), v1.32.
 */

import type { Node, Pod, Service, ServicePort } from "kubernetes-types/core/v1";
import type { EndpointPort, Endpoint as SliceEndpoint } from "kubernetes-types/discovery/v1";
import { isPodReady, isPodTerminal } from "../node-lifecycle/pod-conditions";

/** `v1.LabelTopologyZone`. */
export const LABEL_TOPOLOGY_ZONE = "topology.kubernetes.io/zone";

/** An EndpointSlice address type. */
export type AddressType = "IPv4" | "IPv6";

/**
 * `ShouldPodBeInEndpoints`: not terminal, has an IP, and (unless terminating pods are included)
 * not being deleted. The EndpointSlice controller includes terminating pods; the Endpoints
 * controller only with `publishNotReadyAddresses`.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && (pod.status?.podIPs?.length ?? 0) === 0) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** True for an IPv6 textual address. */
export function isIPv6(ip: string): boolean {
  return ip.includes(":");
}

/** The pod's IPs (`status.podIPs`, or `status.podIP` when the list is missing). */
export function podIPs(pod: Pod): string[] {
  const list = pod.status?.podIPs?.map((p) => p.ip).filter((ip): ip is string => !!ip) ?? [];
  if (list.length > 0) return list;
  return pod.status?.podIP ? [pod.status.podIP] : [];
}

/** `getEndpointAddresses`: the pod IPs of one family. */
export function getEndpointAddresses(pod: Pod, addressType: AddressType): string[] {
  return podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === "IPv6"));
}

/** The address types a Service's slices use (`getAddressTypesForService`: from `spec.ipFamilies`). */
export function addressTypesForService(service: Service): AddressType[] {
  const fams = service.spec?.ipFamilies;
  if (fams && fams.length > 0) return fams.map((f) => (f === "IPv6" ? "IPv6" : "IPv4"));
  const ip = service.spec?.clusterIP;
  if (ip && ip !== "None" && isIPv6(ip)) return ["IPv6"];
  return ["IPv4"];
}

/** `ShouldSetHostname`: the pod names this Service as its subdomain. */
export function shouldSetHostname(pod: Pod, service: Service): boolean {
  return (
    !!pod.spec?.hostname &&
    pod.spec.subdomain === service.metadata?.name &&
    pod.metadata?.namespace === service.metadata?.namespace
  );
}

/** `FindPort`: a named targetPort looked up in the pod's containers (and sidecars), or the number. */
export function findPort(pod: Pod, svcPort: ServicePort): number | null {
  const target = svcPort.targetPort ?? svcPort.port;
  const protocol = svcPort.protocol ?? "TCP";
  if (typeof target === "string") {
    if (/^\d+$/.test(target)) return Number(target);
    const containers = [
      ...(pod.spec?.containers ?? []),
      // Restartable init containers (sidecars) serve too (FindPort, v1.29+).
      ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always"),
    ];
    for (const c of containers)
      for (const p of c.ports ?? [])
        if (p.name === target && (p.protocol ?? "TCP") === protocol) return p.containerPort;
    return null;
  }
  return target;
}

/** `getEndpointPorts`: the Service's ports as this pod serves them (ports it cannot resolve are skipped). */
export function getEndpointPorts(service: Service, pod: Pod): EndpointPort[] {
  const ports: EndpointPort[] = [];
  const svcPorts = service.spec?.ports ?? [];
  if (svcPorts.length === 0 && service.spec?.clusterIP === "None") return ports;
  for (const sp of svcPorts) {
    const port = findPort(pod, sp);
    if (port === null) continue;
    const ep: EndpointPort = { name: sp.name ?? "", port, protocol: sp.protocol ?? "TCP" };
    if (sp.appProtocol !== undefined) ep.appProtocol = sp.appProtocol;
    ports.push(ep);
  }
  return ports;
}

/**
 * `podToEndpoint`: addresses of one family, conditions (`serving` = pod Ready, `terminating` =
 * being deleted, `ready` = serving and not terminating, or always with
 * `publishNotReadyAddresses`), the pod reference, node name and zone.
 */
export function podToEndpoint(
  pod: Pod,
  node: Node | undefined,
  service: Service,
  addressType: AddressType,
): SliceEndpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  const ready = service.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ep: SliceEndpoint = {
    addresses: getEndpointAddresses(pod, addressType),
    conditions: { ready, serving, terminating },
    targetRef: {
      kind: "Pod",
      namespace: pod.metadata?.namespace ?? "",
      name: pod.metadata?.name ?? "",
      uid: pod.metadata?.uid ?? "",
    },
  };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata?.labels?.[LABEL_TOPOLOGY_ZONE];
  if (zone) ep.zone = zone;
  if (shouldSetHostname(pod, service)) ep.hostname = pod.spec!.hostname!;
  return ep;
}

/** `hashEndpoint`'s identity: sorted addresses, hostname and the pod's namespace/name. */
export function endpointKey(ep: SliceEndpoint): string {
  const addrs = [...ep.addresses].sort().join(",");
  return `${addrs}|${ep.hostname ?? ""}|${ep.targetRef?.namespace ?? ""}/${ep.targetRef?.name ?? ""}`;
}

/** `EndpointsEqualBeyondHash`: conditions, zone, node, hints and the pod reference. */
export function endpointsEqualBeyondHash(a: SliceEndpoint, b: SliceEndpoint): boolean {
  const ca = a.conditions ?? {};
  const cb = b.conditions ?? {};
  return (
    (ca.ready ?? null) === (cb.ready ?? null) &&
    (ca.serving ?? null) === (cb.serving ?? null) &&
    (ca.terminating ?? null) === (cb.terminating ?? null) &&
    (a.zone ?? "") === (b.zone ?? "") &&
    (a.nodeName ?? "") === (b.nodeName ?? "") &&
    JSON.stringify(a.hints ?? null) === JSON.stringify(b.hints ?? null) &&
    (a.targetRef?.uid ?? "") === (b.targetRef?.uid ?? "") &&
    (a.targetRef?.kind ?? "") === (b.targetRef?.kind ?? "")
  );
}

/** `NewPortMapKey`: a key for a set of endpoint ports (order-insensitive). */
export function portMapKey(ports: readonly EndpointPort[] | undefined | null): string {
  return (ports ?? [])
    .map((p) => `${p.name ?? ""}/${p.protocol ?? ""}/${p.port ?? ""}/${p.appProtocol ?? ""}`)
    .sort()
    .join(";");
}
