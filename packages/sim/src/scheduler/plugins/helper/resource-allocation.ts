/**
 * The shared resource scorer of NodeResourcesFit and NodeResourcesBalancedAllocation
 * (`plugins/noderesources/resource_allocation.go`): for each configured resource, the node's
 * allocatable and what would be requested with the pod on it (non-zero requests: 100m / 200Mi
 * for containers without requests), handed to a scoring function.
 */
import type { Pod } from "kubernetes-types/core/v1";
import { isScalarResourceName, NON_MISSING_DEFAULTS, podRequests } from "../../framework/resource";
import type { NodeInfo } from "../../framework/types";

/** `config.ResourceSpec`. */
export interface ResourceSpec {
  name: string;
  weight: number;
}

/** The default resources of both plugins: cpu and memory with weight 1. */
export const DEFAULT_RESOURCE_SPECS: ResourceSpec[] = [
  { name: "cpu", weight: 1 },
  { name: "memory", weight: 1 },
];

/** `calculatePodResourceRequestList` (non-zero requests: `useRequested` is false for both plugins). */
export function podResourceRequestList(pod: Pod, resources: ResourceSpec[]): number[] {
  const reqs = podRequests(pod, NON_MISSING_DEFAULTS);
  return resources.map((r) => reqs.get(r.name) ?? 0);
}

/** How a resource is read from a NodeInfo (resolved once, not per node). */
export type ResourceKind = 0 | 1 | 2 | 3; // cpu, memory, ephemeral-storage, scalar

/** The kind of each resource name. */
export function resourceKind(name: string): ResourceKind {
  return name === "cpu" ? 0 : name === "memory" ? 1 : name === "ephemeral-storage" ? 2 : 3;
}

/**
 * `calculateResourceAllocatableRequest`: [allocatable, requested-with-pod]; [0, 0] means "skip
 * this resource" (an extended resource the pod does not request, or one the node lacks).
 */
export function allocatableAndRequested(
  nodeInfo: NodeInfo,
  resource: string,
  kind: ResourceKind,
  podRequest: number,
  out: [number, number],
): void {
  if (kind === 0) {
    out[0] = nodeInfo.allocatable.milliCPU;
    out[1] = nodeInfo.nonZeroRequested.milliCPU + podRequest;
    return;
  }
  if (kind === 1) {
    out[0] = nodeInfo.allocatable.memory;
    out[1] = nodeInfo.nonZeroRequested.memory + podRequest;
    return;
  }
  if (podRequest === 0 && isScalarResourceName(resource)) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  switch (resource) {
    case "ephemeral-storage":
      out[0] = nodeInfo.allocatable.ephemeralStorage;
      out[1] = nodeInfo.requested.ephemeralStorage + podRequest;
      return;
    default: {
      const alloc = nodeInfo.allocatable.scalar?.[resource];
      if (alloc !== undefined) {
        out[0] = alloc;
        out[1] = (nodeInfo.requested.scalar?.[resource] ?? 0) + podRequest;
        return;
      }
      out[0] = 0;
      out[1] = 0;
    }
  }
}
