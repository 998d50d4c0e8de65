/**
 * `NodeInfo` operations (`pkg/scheduler/framework/types.go`): set the node, add and remove pods
 * (keeping requested resources, host ports, affinity subsets and PVC reference counts in step),
 * and snapshot (clone) for preemption dry runs and nominated-pod checks.
 */
import type { Node, Taint } from "kubernetes-types/core/v1";
import { addResource, cloneResource, emptyResource, resourceFromList } from "./resource";
import type { HostPort, NodeInfo, PodInfo } from "./types";

// One shared empty list for untainted nodes: a fresh [] per node would be one more object (and
// one more cache miss) on the filter's hot path. It is never mutated.
const NO_TAINTS: Taint[] = Object.freeze([]) as unknown as Taint[];

/** An empty NodeInfo for `name`, without a Node object yet. */
export function newNodeInfo(name: string): NodeInfo {
  return {
    name,
    node: null,
    labels: {},
    taints: NO_TAINTS,
    unschedulable: false,
    pods: [],
    podsWithAffinity: [],
    podsWithRequiredAntiAffinity: [],
    usedPorts: {},
    requested: emptyResource(),
    nonZeroRequested: emptyResource(),
    allocatable: emptyResource(),
    imageSizes: {},
    pvcRefCounts: {},
    generation: 0,
  };
}

/** `NodeInfo.SetNode`: records the node, its labels and allocatable resources. */
export function setNode(info: NodeInfo, node: Node): void {
  info.node = node;
  info.labels = node.metadata?.labels ?? {};
  const taints = node.spec?.taints;
  info.taints = taints !== undefined && taints.length > 0 ? taints : NO_TAINTS;
  info.unschedulable = node.spec?.unschedulable === true;
  info.allocatable = resourceFromList(node.status?.allocatable);
  info.generation++;
}

/** `NodeInfo.RemoveNode`: forgets the Node object (pods stay until they are removed). */
export function clearNode(info: NodeInfo): void {
  info.node = null;
  info.labels = {};
  info.taints = NO_TAINTS;
  info.unschedulable = false;
  info.generation++;
}

function updateUsedPorts(info: NodeInfo, ports: HostPort[], sign: 1 | -1): void {
  for (const p of ports) {
    let byIP = info.usedPorts[p.hostIP];
    if (byIP === undefined) {
      byIP = {};
      info.usedPorts[p.hostIP] = byIP;
    }
    const key = `${p.protocol}/${p.port}`;
    const n = (byIP[key] ?? 0) + sign;
    if (n > 0) byIP[key] = n;
    else {
      delete byIP[key];
      if (Object.keys(byIP).length === 0) delete info.usedPorts[p.hostIP];
    }
  }
}

function updatePVCRefCounts(info: NodeInfo, keys: string[], sign: 1 | -1): void {
  for (const k of keys) {
    const n = (info.pvcRefCounts[k] ?? 0) + sign;
    if (n > 0) info.pvcRefCounts[k] = n;
    else delete info.pvcRefCounts[k];
  }
}

function update(info: NodeInfo, pi: PodInfo, sign: 1 | -1): void {
  addResource(info.requested, pi.requests, sign);
  info.nonZeroRequested.milliCPU += sign * pi.nonZeroCPU;
  info.nonZeroRequested.memory += sign * pi.nonZeroMem;
  if (pi.hostPorts.length > 0) updateUsedPorts(info, pi.hostPorts, sign);
  if (pi.pvcKeys.length > 0) updatePVCRefCounts(info, pi.pvcKeys, sign);
  info.generation++;
}

/** `NodeInfo.AddPodInfo`. */
export function addPodInfo(info: NodeInfo, pi: PodInfo): void {
  info.pods.push(pi);
  if (pi.hasAffinity) info.podsWithAffinity.push(pi);
  if (pi.hasRequiredAntiAffinity) info.podsWithRequiredAntiAffinity.push(pi);
  update(info, pi, 1);
}

function removeByKey(list: PodInfo[], key: string): PodInfo | null {
  for (let i = 0; i < list.length; i++) {
    if ((list[i] as PodInfo).key === key) {
      const removed = list[i] as PodInfo;
      // Swap with the last element, as the Go code does (`removeFromSlice`).
      list[i] = list[list.length - 1] as PodInfo;
      list.pop();
      return removed;
    }
  }
  return null;
}

/**
 * `NodeInfo.RemovePod`: removes by pod key and subtracts the *stored* PodInfo's requests (the one
 * that was added), so an updated pod object cannot unbalance the sums. Returns false when absent.
 */
export function removePod(info: NodeInfo, key: string): boolean {
  const removed = removeByKey(info.pods, key);
  if (removed === null) return false;
  if (removed.hasAffinity) removeByKey(info.podsWithAffinity, key);
  if (removed.hasRequiredAntiAffinity) removeByKey(info.podsWithRequiredAntiAffinity, key);
  update(info, removed, -1);
  return true;
}

/** `NodeInfo.Snapshot()`: a copy whose pod lists and sums can change without touching the original. */
export function cloneNodeInfo(info: NodeInfo): NodeInfo {
  const usedPorts: Record<string, Record<string, number>> = {};
  for (const ip of Object.keys(info.usedPorts)) usedPorts[ip] = { ...info.usedPorts[ip] };
  return {
    name: info.name,
    node: info.node,
    labels: info.labels,
    taints: info.taints,
    unschedulable: info.unschedulable,
    pods: info.pods.slice(),
    podsWithAffinity: info.podsWithAffinity.slice(),
    podsWithRequiredAntiAffinity: info.podsWithRequiredAntiAffinity.slice(),
    usedPorts,
    requested: cloneResource(info.requested),
    nonZeroRequested: cloneResource(info.nonZeroRequested),
    allocatable: info.allocatable,
    imageSizes: info.imageSizes,
    pvcRefCounts: { ...info.pvcRefCounts },
    generation: info.generation,
  };
}

/** `HostPortInfo.CheckConflict`: 0.0.0.0 conflicts with every IP on the same protocol/port. */
export function hostPortConflicts(info: NodeInfo, p: HostPort): boolean {
  if (p.port <= 0) return false;
  const key = `${p.protocol}/${p.port}`;
  if (p.hostIP === "0.0.0.0") {
    for (const ip of Object.keys(info.usedPorts)) {
      if ((info.usedPorts[ip] as Record<string, number>)[key] !== undefined) return true;
    }
    return false;
  }
  return info.usedPorts["0.0.0.0"]?.[key] !== undefined || info.usedPorts[p.hostIP]?.[key] !== undefined;
}
