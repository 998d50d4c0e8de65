/**
 * The scheduler's aggregated views of pods and nodes (`pkg/scheduler/framework/types.go`):
 * `PodInfo`, `NodeInfo`, `Resource`, affinity terms and host ports. They are plain JSON data so
 * that the scheduler cache and queue can be serialised with the rest of the simulation; a
 * `PodInfo` is never mutated once built (an update builds a new one), so copies made by
 * serialisation are harmless.
 */
import type { Node, Pod, Taint } from "kubernetes-types/core/v1";
import type { Selector } from "../internal/label-selector";

/** `framework.Resource`: CPU in millicores, memory and storage in bytes, scalar resources by name. */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** `AllowedPodNumber` (only meaningful for allocatable). */
  allowedPodNumber: number;
  /** Extended resources, hugepages, attachable volumes; null when none. */
  scalar: Record<string, number> | null;
}

/** `framework.AffinityTerm`: a processed `PodAffinityTerm`. */
export interface AffinityTerm {
  /** The namespaces the term applies to (the pod's own when neither namespaces nor selector are set). */
  namespaces: string[];
  /** The compiled `namespaceSelector` (Nothing when unset). */
  namespaceSelector: Selector;
  /** The compiled `labelSelector` (Nothing when unset). */
  selector: Selector;
  topologyKey: string;
}

/** `framework.WeightedAffinityTerm`. */
export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** A requested host port (`v1.ContainerPort` with hostPort > 0), sanitised: ip "" → 0.0.0.0, protocol "" → TCP. */
export interface HostPort {
  hostIP: string;
  protocol: string;
  port: number;
}

/** `framework.PodInfo`: a pod plus everything the scheduler precomputes about it. */
export interface PodInfo {
  /** The cache key: the pod's UID (`GetPodKey`). */
  key: string;
  pod: Pod;
  namespace: string;
  name: string;
  /** `corev1helpers.PodPriority`: `spec.priority`, 0 when unset. */
  priority: number;
  /** `resourcehelper.PodRequests`: containers summed, init containers as max, plus overhead. */
  requests: Resource;
  /** CPU request with 100m put in for containers without one (`NonZeroRequested`). */
  nonZeroCPU: number;
  /** Memory request with 200Mi put in for containers without one. */
  nonZeroMem: number;
  requiredAffinityTerms: AffinityTerm[];
  requiredAntiAffinityTerms: AffinityTerm[];
  preferredAffinityTerms: WeightedAffinityTerm[];
  preferredAntiAffinityTerms: WeightedAffinityTerm[];
  /** True when the pod has pod affinity or anti-affinity of any kind (`podWithAffinity`). */
  hasAffinity: boolean;
  /** True when the pod has required anti-affinity terms (`podWithRequiredAntiAffinity`). */
  hasRequiredAntiAffinity: boolean;
  hostPorts: HostPort[];
  /** `namespace/claimName` of the pod's PersistentVolumeClaim volumes. */
  pvcKeys: string[];
  /** Set when an affinity term could not be parsed (`NewPodInfo` returns an error then). */
  parseError: string | null;
}

/** `framework.NodeInfo`: a node with the pods on it and their aggregated requests. */
export interface NodeInfo {
  name: string;
  /** The Node object; null while the cache knows pods on a node it has not seen (or has removed). */
  node: Node | null;
  /** `node.metadata.labels` (never undefined, for fast lookups). */
  labels: Record<string, string>;
  /** `node.spec.taints` (empty when none). */
  taints: Taint[];
  /** `node.spec.unschedulable`. */
  unschedulable: boolean;
  pods: PodInfo[];
  /** The subset of pods with (anti-)affinity. */
  podsWithAffinity: PodInfo[];
  /** The subset of pods with required anti-affinity. */
  podsWithRequiredAntiAffinity: PodInfo[];
  /** Host ports in use: hostIP → "PROTOCOL/port" → number of pods using it. */
  usedPorts: Record<string, Record<string, number>>;
  /** Sum of the requests of every pod on the node, assumed pods included. */
  requested: Resource;
  /** Same with 100m / 200Mi put in for containers without requests (used for scoring). */
  nonZeroRequested: Resource;
  /** `node.status.allocatable`. */
  allocatable: Resource;
  /** Images present on the node (`status.images`): name → size in bytes. */
  imageSizes: Record<string, number>;
  /** PVC `namespace/name` → number of pods on the node using it. */
  pvcRefCounts: Record<string, number>;
  /** Bumped on every change (`Generation`). */
  generation: number;
}

/** A node name and a score (`framework.NodeScore`). */
export interface NodeScore {
  name: string;
  score: number;
}

/** `framework.MaxNodeScore` / `MinNodeScore`: the range every normalised plugin score must fall in. */
export const MAX_NODE_SCORE = 100;
/** `framework.MinNodeScore`. */
export const MIN_NODE_SCORE = 0;

/** A convenience re-export of the Kubernetes kinds the scheduler reads. */
export type { Node, Pod };
