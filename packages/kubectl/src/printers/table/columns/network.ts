/**
 * Service and networking printers, ports of kubernetes `pkg/printers/internalversion/printers.go`
 * (v1.32): printService (EXTERNAL-IP clipped to 16 characters unless wide), printEndpoints,
 * printEndpointSlice, printIngress, printIngressClass, printNetworkPolicy.
 */
import type { Endpoints, LoadBalancerStatus, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Ingress, IngressClass, NetworkPolicy } from "kubernetes-types/networking/v1";
import { age, formatLabelSelector, formatLabels, listWithMoreString } from "../helpers";
import { AGE_COLUMN, column, NAME_COLUMN, type ResourcePrinter } from "../types";

/** printers.go loadBalancerWidth. */
const LOAD_BALANCER_WIDTH = 16;

/** loadBalancerStatusStringer: sorted unique IPs/hostnames, clipped unless wide. */
function loadBalancerStatusStringer(s: LoadBalancerStatus | undefined, wide: boolean): string {
  const set = new Set<string>();
  for (const i of s?.ingress ?? []) {
    if (i.ip) set.add(i.ip);
    else if (i.hostname) set.add(i.hostname);
  }
  let r = [...set].sort().join(",");
  if (!wide && r.length > LOAD_BALANCER_WIDTH) r = `${r.slice(0, LOAD_BALANCER_WIDTH - 3)}...`;
  return r;
}

/** getServiceExternalIP. */
function serviceExternalIP(svc: Service, wide: boolean): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? "") {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length > 0 ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const lb = loadBalancerStatusStringer(svc.status?.loadBalancer, wide);
      if (externalIPs.length > 0) return [...(lb ? lb.split(",") : []), ...externalIPs].join(",");
      return lb || "<pending>";
    }
    case "ExternalName":
      return svc.spec?.externalName ?? "";
  }
  return "<unknown>";
}

/** makePortString: `80/TCP`, `80:30080/TCP`. */
function makePortString(svc: Service): string {
  return (svc.spec?.ports ?? [])
    .map((p) =>
      p.nodePort && p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`,
    )
    .join(",");
}

/**
 * Services: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE | SELECTOR. The server computes the
 * cells with Wide on, so its EXTERNAL-IP is never clipped; `serviceCells(svc, now, false)` gives
 * what kubectl's own (client-side) printer shows.
 */
export function serviceCells(svc: Service, now: number, wide: boolean) {
  return [
    svc.metadata?.name ?? "",
    svc.spec?.type ?? "",
    svc.spec?.clusterIPs?.[0] ?? "<none>",
    serviceExternalIP(svc, wide),
    makePortString(svc) || "<none>",
    age(svc.metadata?.creationTimestamp, now),
    formatLabels(svc.spec?.selector),
  ];
}

/** Services. */
export const servicePrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Type", "string"),
    column("Cluster-IP", "string"),
    column("External-IP", "string"),
    column("Port(s)", "string"),
    AGE_COLUMN,
    column("Selector", "string", "", { priority: 1 }),
  ],
  cells: (svc: Service, { now }) => serviceCells(svc, now, true),
};

/** formatEndpoints: `ip:port` pairs, at most 3, `<none>` without subsets. */
function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return "<none>";
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    if ((ss.ports ?? []).length === 0) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const port of ss.ports ?? []) {
      count += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        // net.JoinHostPort brackets IPv6 addresses.
        list.push(a.ip.includes(":") ? `[${a.ip}]:${port.port}` : `${a.ip}:${port.port}`);
      }
    }
  }
  const ret = list.join(",");
  return more ? `${ret} + ${count - max} more...` : ret;
}

/** Endpoints: NAME ENDPOINTS AGE. */
export const endpointsPrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column("Endpoints", "string"), AGE_COLUMN],
  cells: (ep: Endpoints, { now }) => [
    ep.metadata?.name ?? "",
    formatEndpoints(ep),
    age(ep.metadata?.creationTimestamp, now),
  ],
};

/** EndpointSlices: NAME ADDRESSTYPE PORTS ENDPOINTS AGE. */
export const endpointSlicePrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("AddressType", "string"),
    column("Ports", "string"),
    column("Endpoints", "string"),
    AGE_COLUMN,
  ],
  cells(es: EndpointSlice, { now }) {
    const max = 3;
    const ports: string[] = [];
    let morePorts = false;
    let portCount = 0;
    for (const p of es.ports ?? []) {
      if (ports.length < max)
        ports.push(p.port !== undefined && p.port !== null ? String(p.port) : (p.name ?? "*"));
      else if (ports.length === max) morePorts = true;
      portCount++;
    }
    const eps: string[] = [];
    let moreEps = false;
    let epCount = 0;
    for (const e of es.endpoints ?? []) {
      for (const a of e.addresses ?? []) {
        if (eps.length < max) eps.push(a);
        else if (eps.length === max) moreEps = true;
        epCount++;
      }
    }
    return [
      es.metadata?.name ?? "",
      es.addressType ?? "",
      listWithMoreString(ports, morePorts, portCount, max),
      listWithMoreString(eps, moreEps, epCount, max),
      age(es.metadata?.creationTimestamp, now),
    ];
  },
};

/** Ingresses: NAME CLASS HOSTS ADDRESS PORTS AGE. */
export const ingressPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column(
      "Class",
      "string",
      "The name of the IngressClass resource that should be used for additional configuration",
    ),
    column("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
    column("Address", "string", "Address is a list containing ingress points for the load-balancer"),
    column("Ports", "string", "Ports of TLS configurations that open"),
    AGE_COLUMN,
  ],
  cells(ing: Ingress, { now }) {
    const rules = ing.spec?.rules ?? [];
    const list: string[] = [];
    const max = 3;
    let more = false;
    for (const r of rules) {
      if (list.length === max) more = true;
      if (!more && r.host) list.push(r.host);
    }
    let hosts = list.length === 0 ? "*" : list.join(",");
    if (list.length > 0 && more) hosts = `${hosts} + ${rules.length - max} more...`;
    const set = new Set<string>();
    for (const i of ing.status?.loadBalancer?.ingress ?? []) {
      if (i.ip) set.add(i.ip);
      else if (i.hostname) set.add(i.hostname);
    }
    // The server computes cells with Wide on: the address is not clipped.
    const address = [...set].sort().join(",");
    return [
      ing.metadata?.name ?? "",
      ing.spec?.ingressClassName ?? "<none>",
      hosts,
      address,
      (ing.spec?.tls ?? []).length > 0 ? "80, 443" : "80",
      age(ing.metadata?.creationTimestamp, now),
    ];
  },
};

/** IngressClasses: NAME CONTROLLER PARAMETERS AGE. */
export const ingressClassPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Controller", "string", "Controller that is responsible for handling this class"),
    column("Parameters", "string", "A reference to a resource with additional parameters"),
    AGE_COLUMN,
  ],
  cells(ic: IngressClass, { now }) {
    const p = ic.spec?.parameters;
    let parameters = "<none>";
    if (p) parameters = `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ""}/${p.name}`;
    return [
      ic.metadata?.name ?? "",
      ic.spec?.controller ?? "",
      parameters,
      age(ic.metadata?.creationTimestamp, now),
    ];
  },
};

/** NetworkPolicies: NAME POD-SELECTOR AGE. */
export const networkPolicyPrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column("Pod-Selector", "string"), AGE_COLUMN],
  cells: (np: NetworkPolicy, { now }) => [
    np.metadata?.name ?? "",
    formatLabelSelector(np.spec?.podSelector),
    age(np.metadata?.creationTimestamp, now),
  ],
};
