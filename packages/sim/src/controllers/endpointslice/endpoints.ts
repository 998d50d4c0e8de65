/**
 * The legacy `Endpoints` object of a Service (`pkg/controller/endpoint/endpoints_controller.go`
 * `syncService`, `addEndpointSubset`; `pkg/api/v1/endpoints/util.go` `RepackSubsets`), which
 * `kubectl get endpoints` shows: ready pods in `addresses`, the others in `notReadyAddresses`,
 * grouped into subsets by port set, capped at 1000 addresses.
 */
import type {
  EndpointAddress,
  EndpointPort,
  EndpointSubset,
  Endpoints,
  Pod,
  Service,
} from "kubernetes-types/core/v1";
import { isPodReady } from "../node-lifecycle/pod-conditions";
import {
  addressTypesForService,
  findPort,
  getEndpointAddresses,
  shouldPodBeInEndpoints,
  shouldSetHostname,
} from "./endpoints-from-pods";
import { ANNOTATION_LAST_CHANGE_TRIGGER_TIME, isServiceIPSet, LABEL_HEADLESS } from "./reconciler";

/** `maxCapacity`: addresses kept in one Endpoints object. */
export const ENDPOINTS_MAX_CAPACITY = 1000;
/** `v1.EndpointsOverCapacity` and its value `truncated`. */
export const ANNOTATION_OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity";

/** `podToEndpointAddressForService`: the pod IP of the Service's family, node and reference. */
function podToEndpointAddress(service: Service, pod: Pod): EndpointAddress | null {
  const family = addressTypesForService(service)[0] ?? "IPv4";
  const ip = getEndpointAddresses(pod, family)[0];
  if (!ip) return null;
  const a: EndpointAddress = {
    ip,
    targetRef: {
      kind: "Pod",
      namespace: pod.metadata?.namespace ?? "",
      name: pod.metadata?.name ?? "",
      uid: pod.metadata?.uid ?? "",
    },
  };
  if (pod.spec?.nodeName) a.nodeName = pod.spec.nodeName;
  if (shouldSetHostname(pod, service)) a.hostname = pod.spec!.hostname!;
  return a;
}

function ipOrder(a: string, b: string): number {
  // Compare IPv4 numerically so 10.0.0.10 sorts after 10.0.0.9 (LessEndpointAddress compares bytes).
  const pa = a.split(".");
  const pb = b.split(".");
  if (pa.length === 4 && pb.length === 4) {
    for (let i = 0; i < 4; i++) {
      const d = Number(pa[i]) - Number(pb[i]);
      if (d !== 0) return d;
    }
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function addressOrder(a: EndpointAddress, b: EndpointAddress): number {
  const d = ipOrder(a.ip, b.ip);
  if (d !== 0) return d;
  const ua = a.targetRef?.uid ?? "";
  const ub = b.targetRef?.uid ?? "";
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function portKey(p: EndpointPort): string {
  return `${p.name ?? ""}/${p.port}/${p.protocol ?? ""}/${p.appProtocol ?? ""}`;
}

/**
 * `RepackSubsets`: one subset per distinct set of addresses, carrying every port those addresses
 * serve; an address ready on a port counts as ready. Sorted deterministically (the Go code sorts
 * by hashes).
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const addrs = new Map<string, EndpointAddress>();
  // port key → (address key → ready)
  const portAddrs = new Map<string, { port: EndpointPort | null; ready: Map<string, boolean> }>();
  for (const s of subsets) {
    const ports: (EndpointPort | null)[] = (s.ports ?? []).length > 0 ? s.ports! : [null];
    for (const port of ports) {
      const pk = port ? portKey(port) : "<none>";
      let entry = portAddrs.get(pk);
      if (!entry) {
        entry = { port, ready: new Map() };
        portAddrs.set(pk, entry);
      }
      const add = (a: EndpointAddress, ready: boolean) => {
        const ak = `${a.ip}|${a.targetRef?.uid ?? ""}`;
        if (!addrs.has(ak)) addrs.set(ak, a);
        if (!entry!.ready.get(ak)) entry!.ready.set(ak, ready);
      };
      for (const a of s.addresses ?? []) add(a, true);
      for (const a of s.notReadyAddresses ?? []) add(a, false);
    }
  }
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of portAddrs.values()) {
    const key = [...ready.entries()]
      .map(([k, r]) => `${k}=${r}`)
      .sort()
      .join(",");
    let g = groups.get(key);
    if (!g) {
      g = { ready, ports: [] };
      groups.set(key, g);
    }
    if (port) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const readyAddrs: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [k, r] of g.ready) (r ? readyAddrs : notReady).push(addrs.get(k)!);
    readyAddrs.sort(addressOrder);
    notReady.sort(addressOrder);
    const s: EndpointSubset = {};
    if (readyAddrs.length > 0) s.addresses = readyAddrs;
    if (notReady.length > 0) s.notReadyAddresses = notReady;
    if (g.ports.length > 0) s.ports = [...g.ports].sort((a, b) => portKey(a).localeCompare(portKey(b)));
    out.push(s);
  }
  out.sort((a, b) => {
    const fa = (a.addresses ?? a.notReadyAddresses ?? [])[0];
    const fb = (b.addresses ?? b.notReadyAddresses ?? [])[0];
    return fa && fb ? addressOrder(fa, fb) : 0;
  });
  return out;
}

/** The subsets of a Service from its pods (`syncService`'s loop). */
export function endpointSubsets(service: Service, pods: readonly Pod[]): EndpointSubset[] {
  const publish = service.spec?.publishNotReadyAddresses === true;
  const subsets: EndpointSubset[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publish)) continue;
    const epa = podToEndpointAddress(service, pod);
    if (!epa) continue;
    const ready = publish || isPodReady(pod);
    const add = (ports: EndpointPort[]) =>
      subsets.push(ready ? { addresses: [epa], ports } : { notReadyAddresses: [epa], ports });
    const svcPorts = service.spec?.ports ?? [];
    if (svcPorts.length === 0) {
      // A headless Service may have no ports.
      if (service.spec?.clusterIP === "None") add([]);
      continue;
    }
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      if (port === null) continue;
      const epp: EndpointPort = { name: sp.name ?? "", port, protocol: sp.protocol ?? "TCP" };
      if (sp.appProtocol !== undefined) epp.appProtocol = sp.appProtocol;
      add([epp]);
    }
  }
  return repackSubsets(subsets);
}

/**
 * `truncateEndpoints`: keep at most 1000 addresses. Not-ready addresses go first; ready ones are
 * cut only when there are more than 1000 of them. Each subset keeps its proportional share.
 */
function truncate(subsets: EndpointSubset[]): boolean {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= ENDPOINTS_MAX_CAPACITY) return false;
  const truncateReady = totalReady > ENDPOINTS_MAX_CAPACITY;
  const max = truncateReady ? ENDPOINTS_MAX_CAPACITY : ENDPOINTS_MAX_CAPACITY - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  for (const s of subsets) {
    const inSubset = truncateReady ? (s.addresses?.length ?? 0) : (s.notReadyAddresses?.length ?? 0);
    const toBeAdded = Math.min(Math.ceil((inSubset / numTotal) * max), canBeAdded);
    canBeAdded -= toBeAdded;
    if (truncateReady) {
      if (s.addresses) s.addresses = s.addresses.slice(0, toBeAdded);
      delete s.notReadyAddresses;
    } else if (s.notReadyAddresses) s.notReadyAddresses = s.notReadyAddresses.slice(0, toBeAdded);
  }
  return true;
}

/** `capacityAnnotationSetCorrectly`. */
function capacityAnnotationSetCorrectly(
  annotations: Record<string, string> | undefined,
  subsets: EndpointSubset[],
): boolean {
  let n = 0;
  for (const s of subsets) n += (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0);
  if (n > ENDPOINTS_MAX_CAPACITY) return false;
  const set = annotations?.[ANNOTATION_OVER_CAPACITY] !== undefined;
  return (set && n === ENDPOINTS_MAX_CAPACITY) || (!set && n < ENDPOINTS_MAX_CAPACITY);
}

function withoutHeadless(l: Record<string, string> | undefined): Record<string, string> {
  const out = { ...(l ?? {}) };
  delete out[LABEL_HEADLESS];
  return out;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The Endpoints object to write for a Service (create when `current` is undefined), or null when
 * it is already right. Labels are the Service's (plus the headless label); the trigger-time
 * annotation is set or cleared.
 */
export function desiredEndpoints(
  service: Service,
  pods: readonly Pod[],
  current: Endpoints | undefined,
  triggerTime: string,
): Endpoints | null {
  const subsets = endpointSubsets(service, pods);
  const svcLabels = service.metadata?.labels ?? {};
  if (
    current?.metadata?.resourceVersion &&
    sameJson(current.subsets ?? [], subsets) &&
    sameJson(withoutHeadless(current.metadata?.labels), withoutHeadless(svcLabels)) &&
    capacityAnnotationSetCorrectly(current.metadata?.annotations, current.subsets ?? [])
  )
    return null;
  const next: Endpoints = {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: current
      ? { ...current.metadata }
      : { name: service.metadata?.name ?? "", namespace: service.metadata?.namespace ?? "" },
    subsets,
  };
  const annotations = { ...(next.metadata!.annotations ?? {}) };
  if (triggerTime) annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME] = triggerTime;
  else delete annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME];
  if (truncate(subsets)) annotations[ANNOTATION_OVER_CAPACITY] = "truncated";
  else delete annotations[ANNOTATION_OVER_CAPACITY];
  next.metadata!.annotations = annotations;
  const labels = { ...svcLabels };
  if (!isServiceIPSet(service)) labels[LABEL_HEADLESS] = "";
  else delete labels[LABEL_HEADLESS];
  next.metadata!.labels = labels;
  return next;
}
