/**
 * The EndpointSlice reconciler (`staging/src/k8s.io/endpointslice/reconciler.go`, v1.32): from a
 * Service, its pods and the slices that exist, the slices to create, update and delete. Slices
 * are grouped by port set; endpoints that stay keep their slice, changed slices are filled up to
 * `maxEndpointsPerSlice` (100), leftovers go into the fullest unchanged slice that fits or into
 * new ones, and a Service without endpoints keeps one empty placeholder slice.
 */
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointPort, EndpointSlice, Endpoint as SliceEndpoint } from "kubernetes-types/discovery/v1";
import {
  type AddressType,
  endpointKey,
  endpointsEqualBeyondHash,
  getEndpointPorts,
  podToEndpoint,
  portMapKey,
  shouldPodBeInEndpoints,
} from "./endpoints-from-pods";

/** `discovery.LabelServiceName`. */
export const LABEL_SERVICE_NAME = "kubernetes.io/service-name";
/** `discovery.LabelManagedBy`. */
export const LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
/** `v1.IsHeadlessService`. */
export const LABEL_HEADLESS = "service.kubernetes.io/headless";
/** The EndpointSlice controller's name in the managed-by label (`ControllerName`). */
export const ENDPOINTSLICE_CONTROLLER_NAME = "endpointslice-controller.k8s.io";
/** `v1.EndpointsLastChangeTriggerTime`. */
export const ANNOTATION_LAST_CHANGE_TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";
/** `--max-endpoints-per-slice` default (KCM endpointslice config defaults). */
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** The writes one reconcile asks for. Slices to create have no name (`generateName` is set). */
export interface SliceChanges {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  /** Pods skipped because their node is unknown (the Go code then requeues the Service). */
  podsWithMissingNode: number;
}

/** `ownedBy`: the slice's controller reference is this Service. */
export function ownedBy(slice: EndpointSlice, service: Service): boolean {
  return (slice.metadata?.ownerReferences ?? []).some(
    (r) =>
      r.controller === true &&
      r.kind === "Service" &&
      r.apiVersion === "v1" &&
      r.uid === service.metadata?.uid,
  );
}

/** `IsServiceIPSet`: a ClusterIP other than None. */
export function isServiceIPSet(service: Service): boolean {
  const ip = service.spec?.clusterIP;
  return !!ip && ip !== "None";
}

function isReservedLabelKey(k: string): boolean {
  return k === LABEL_SERVICE_NAME || k === LABEL_MANAGED_BY || k === LABEL_HEADLESS;
}

/**
 * `setEndpointSliceLabels`: the Service's labels (reserved keys skipped), the headless label
 * for a Service without a ClusterIP, and the service-name and managed-by labels; plus whether
 * the slice's own (non-reserved) labels differ from the Service's.
 */
export function endpointSliceLabels(
  slice: EndpointSlice | null,
  service: Service,
): { labels: Record<string, string>; changed: boolean } {
  const epLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(slice?.metadata?.labels ?? {}))
    if (!isReservedLabelKey(k)) epLabels[k] = v;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(service.metadata?.labels ?? {}))
    if (!isReservedLabelKey(k)) labels[k] = v;
  const changed =
    Object.keys(epLabels).length !== Object.keys(labels).length ||
    Object.entries(epLabels).some(([k, v]) => labels[k] !== v);
  if (!isServiceIPSet(service)) labels[LABEL_HEADLESS] = "";
  labels[LABEL_SERVICE_NAME] = service.metadata?.name ?? "";
  labels[LABEL_MANAGED_BY] = ENDPOINTSLICE_CONTROLLER_NAME;
  return { labels, changed };
}

/** `getEndpointSlicePrefix`: `<service>-` (the apiserver appends 5 random characters). */
export function endpointSlicePrefix(serviceName: string): string {
  // The dash makes names prettier; a name already at the limit is used as is.
  return serviceName.length + 1 <= 58 ? `${serviceName}-` : serviceName;
}

/** `newEndpointSlice`. */
export function newEndpointSlice(
  service: Service,
  ports: EndpointPort[],
  addressType: AddressType,
): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      generateName: endpointSlicePrefix(service.metadata?.name ?? ""),
      namespace: service.metadata?.namespace ?? "",
      labels: endpointSliceLabels(null, service).labels,
      ownerReferences: [
        {
          apiVersion: "v1",
          kind: "Service",
          name: service.metadata?.name ?? "",
          uid: service.metadata?.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

/** An insertion-ordered endpoint set keyed by `endpointKey` (Go's `EndpointSet`, made deterministic). */
class EndpointSet {
  private readonly map = new Map<string, SliceEndpoint>();
  insert(ep: SliceEndpoint): void {
    this.map.set(endpointKey(ep), ep);
  }
  get(ep: SliceEndpoint): SliceEndpoint | undefined {
    return this.map.get(endpointKey(ep));
  }
  delete(ep: SliceEndpoint): void {
    this.map.delete(endpointKey(ep));
  }
  get size(): number {
    return this.map.size;
  }
  /** `PopAny`: the oldest entry (deterministic where Go's map order is random). */
  pop(): SliceEndpoint {
    const [k, v] = this.map.entries().next().value as [string, SliceEndpoint];
    this.map.delete(k);
    return v;
  }
}

function cloneSlice(s: EndpointSlice): EndpointSlice {
  return {
    ...s,
    metadata: { ...s.metadata, labels: { ...(s.metadata?.labels ?? {}) } },
    endpoints: [...(s.endpoints ?? [])],
  };
}

/** `getSliceToFill`: the slice with the least room left that still fits `n` more endpoints. */
function getSliceToFill(slices: EndpointSlice[], n: number, max: number): EndpointSlice | null {
  let closestDiff = max;
  let closest: EndpointSlice | null = null;
  for (const s of slices) {
    const diff = max - (n + (s.endpoints?.length ?? 0));
    if (diff >= 0 && diff < closestDiff) {
      closestDiff = diff;
      closest = s;
      if (diff === 0) return closest;
    }
  }
  return closest;
}

function reconcileByPortMapping(
  service: Service,
  existing: EndpointSlice[],
  desired: EndpointSet,
  ports: EndpointPort[],
  addressType: AddressType,
  max: number,
): { create: EndpointSlice[]; update: EndpointSlice[]; delete: EndpointSlice[] } {
  const byName = new Map<string, EndpointSlice>();
  const unchanged = new Set<string>();
  const toUpdate = new Set<string>();
  const toDelete = new Set<string>();

  // 1. Drop endpoints no longer desired from existing slices and refresh changed ones.
  for (const slice of existing) {
    const name = slice.metadata?.name ?? "";
    byName.set(name, slice);
    const kept: SliceEndpoint[] = [];
    let endpointUpdated = false;
    for (const ep of slice.endpoints ?? []) {
      const got = desired.get(ep);
      if (!got) continue;
      kept.push(got);
      if (!endpointsEqualBeyondHash(got, ep)) endpointUpdated = true;
      desired.delete(ep);
    }
    const { labels, changed } = endpointSliceLabels(slice, service);
    if (endpointUpdated || (slice.endpoints?.length ?? 0) !== kept.length) {
      if (kept.length === 0) toDelete.add(name);
      else {
        const s = cloneSlice(slice);
        s.endpoints = kept;
        s.metadata!.labels = labels;
        byName.set(name, s);
        toUpdate.add(name);
      }
    } else if (changed) {
      const s = cloneSlice(slice);
      s.metadata!.labels = labels;
      byName.set(name, s);
      toUpdate.add(name);
    } else unchanged.add(name);
  }

  // 2. Fill the slices being updated anyway, fullest first.
  if (desired.size > 0 && toUpdate.size > 0) {
    const slices = [...toUpdate].map((n) => byName.get(n)!);
    slices.sort((a, b) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0));
    for (const s of slices)
      while (desired.size > 0 && s.endpoints!.length < max) s.endpoints!.push(desired.pop());
  }

  // 3. Leftovers: into an unchanged slice that fits them all, or into new slices.
  const create: EndpointSlice[] = [];
  while (desired.size > 0) {
    let fill: EndpointSlice | null = null;
    if (desired.size < max && unchanged.size > 0) {
      const found = getSliceToFill(
        [...unchanged].map((n) => byName.get(n)!),
        desired.size,
        max,
      );
      if (found) {
        fill = cloneSlice(found);
        byName.set(fill.metadata!.name!, fill);
      }
    }
    if (!fill) fill = newEndpointSlice(service, ports, addressType);
    while (desired.size > 0 && fill.endpoints!.length < max) fill.endpoints!.push(desired.pop());
    if (fill.metadata?.name) {
      toUpdate.add(fill.metadata.name);
      unchanged.delete(fill.metadata.name);
    } else create.push(fill);
  }
  return {
    create,
    update: [...toUpdate].map((n) => byName.get(n)!),
    delete: [...toDelete].map((n) => byName.get(n)!),
  };
}

/** Placeholder equality (`placeholderSliceCompare`): same generateName-derived identity, no ports, no endpoints. */
function isPlaceholderFor(slice: EndpointSlice, service: Service, addressType: AddressType): boolean {
  return (
    (slice.endpoints?.length ?? 0) === 0 &&
    (slice.ports?.length ?? 0) === 0 &&
    slice.addressType === addressType &&
    ownedBy(slice, service) &&
    JSON.stringify(sortedLabels(slice.metadata?.labels)) ===
      JSON.stringify(sortedLabels(endpointSliceLabels(null, service).labels))
  );
}

function sortedLabels(l: Record<string, string> | undefined): [string, string][] {
  return Object.entries(l ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * `reconcileByAddressType` + the create-to-update swap of `finalize`: the changes that bring the
 * slices of one address type in line with the pods. `nodeOf` returns the pod's node (for its
 * zone), or undefined when it is unknown; such pods are skipped unless the Service publishes
 * not-ready addresses.
 */
export function reconcileEndpointSlices(
  service: Service,
  pods: readonly Pod[],
  existingSlices: readonly EndpointSlice[],
  addressType: AddressType,
  nodeOf: (name: string) => Node | undefined,
  maxEndpointsPerSlice = MAX_ENDPOINTS_PER_SLICE,
): SliceChanges {
  let toCreate: EndpointSlice[] = [];
  const toUpdate: EndpointSlice[] = [];
  const toDelete: EndpointSlice[] = [];
  let podsWithMissingNode = 0;

  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const s of existingSlices) {
    if (ownedBy(s, service)) {
      const k = portMapKey(s.ports);
      const list = existingByPorts.get(k);
      if (list) list.push(s);
      else existingByPorts.set(k, [s]);
    } else toDelete.push(s);
  }

  const desiredByPorts = new Map<string, { ports: EndpointPort[]; set: EndpointSet }>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = getEndpointPorts(service, pod);
    const k = portMapKey(ports);
    let d = desiredByPorts.get(k);
    if (!d) {
      d = { ports, set: new EndpointSet() };
      desiredByPorts.set(k, d);
    }
    const nodeName = pod.spec?.nodeName ?? "";
    const node = nodeOf(nodeName);
    if (!node && service.spec?.publishNotReadyAddresses !== true) {
      podsWithMissingNode++;
      continue;
    }
    const ep = podToEndpoint(pod, node, service, addressType);
    if (ep.addresses.length > 0) d.set.insert(ep);
  }

  for (const [k, d] of desiredByPorts) {
    const r = reconcileByPortMapping(
      service,
      existingByPorts.get(k) ?? [],
      d.set,
      d.ports,
      addressType,
      maxEndpointsPerSlice,
    );
    toCreate.push(...r.create);
    toUpdate.push(...r.update);
    toDelete.push(...r.delete);
  }
  for (const [k, slices] of existingByPorts) if (!desiredByPorts.has(k)) toDelete.push(...slices);

  // A Service with no endpoints keeps one empty placeholder slice.
  if (existingSlices.length === toDelete.length && toCreate.length < 1) {
    if (toDelete.length === 1 && isPlaceholderFor(toDelete[0]!, service, addressType)) toDelete.length = 0;
    else toCreate.push(newEndpointSlice(service, [], addressType));
  }

  // finalize: turn creates into updates of slices that would be deleted.
  for (let i = 0; i < toDelete.length; ) {
    if (toCreate.length === 0) break;
    const del = toDelete[i]!;
    const slice = toCreate[toCreate.length - 1]!;
    if (del.addressType === slice.addressType && ownedBy(del, service)) {
      const updated: EndpointSlice = {
        ...slice,
        metadata: {
          ...del.metadata,
          labels: slice.metadata?.labels ?? {},
          ownerReferences: slice.metadata?.ownerReferences ?? [],
        },
      };
      delete updated.metadata!.generateName;
      toCreate = toCreate.slice(0, -1);
      toUpdate.push(updated);
      toDelete.splice(i, 1);
    } else i++;
  }
  return { create: toCreate, update: toUpdate, delete: toDelete, podsWithMissingNode };
}
