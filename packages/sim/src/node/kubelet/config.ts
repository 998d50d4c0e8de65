/**
 * A kubelet's configuration: who it is (node name, addresses, labels, taints it registers with),
 * the machine it runs on (capacity from the node size; allocatable after kubeadm's defaults:
 * no kube/system reservation, `evictionHard` memory.available<100Mi and nodefs.available<10%),
 * its runtime, and the KubeletConfiguration defaults of v1.32 that the simulation honours.
 */
import type { KubeObject } from "../../api/types";
import type { UserInfo } from "../../apiserver/http";
import type { RuntimeKind } from "../runtime/cri";

/** The hardware of a node. */
export interface NodeSize {
  cpus: number;
  memoryGiB: number;
  diskGiB: number;
}

/** Common sizes (cloud-ish names). */
export const NODE_SIZES: Record<string, NodeSize> = {
  small: { cpus: 2, memoryGiB: 4, diskGiB: 50 },
  medium: { cpus: 4, memoryGiB: 16, diskGiB: 100 },
  large: { cpus: 8, memoryGiB: 32, diskGiB: 200 },
  xlarge: { cpus: 16, memoryGiB: 64, diskGiB: 400 },
};

/** KubeletConfiguration fields (v1beta1) with their v1.32 defaults, in ms where durations. */
export interface KubeletSettings {
  /** `nodeStatusUpdateFrequency` 10 s: how often status is computed (and posted if changed). */
  nodeStatusUpdateFrequencyMs: number;
  /** `nodeStatusReportFrequency` 5 min: an unchanged status is still posted this often. */
  nodeStatusReportFrequencyMs: number;
  /** `nodeLeaseDurationSeconds` 40; the lease is renewed every 40 s × 0.25 = 10 s. */
  nodeLeaseDurationSeconds: number;
  /** `maxPods` 110. */
  maxPods: number;
  /** `serializeImagePulls` true: one pull at a time per node. */
  serializeImagePulls: boolean;
  /** `nodeStatusMaxImages` 50. */
  nodeStatusMaxImages: number;
}

/** v1.32 defaults (KubeletConfiguration v1beta1 defaults.go). */
export const DEFAULT_KUBELET_SETTINGS: KubeletSettings = {
  nodeStatusUpdateFrequencyMs: 10_000,
  nodeStatusReportFrequencyMs: 300_000,
  nodeLeaseDurationSeconds: 40,
  maxPods: 110,
  serializeImagePulls: true,
  nodeStatusMaxImages: 50,
};

/** Everything a kubelet is started with. */
export interface KubeletConfig {
  nodeName: string;
  /** Component ids: the API endpoint (load balancer) and this node's container runtime. */
  apiServer: string;
  runtime: string;
  runtimeKind: RuntimeKind;
  runtimeVersion: string;
  kubeletVersion: string;
  nodeIP: string;
  size: NodeSize;
  /** Labels beyond the kubelet's own (`node-role.kubernetes.io/control-plane`, topology…). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** `--register-with-taints` (kubeadm: the control-plane taint). */
  taints: { key: string; value?: string; effect: string }[];
  /** `spec.providerID` when a cloud provider runs the node. */
  providerID?: string;
  /** The pod CIDR the CNI falls back to when node IPAM never sets `spec.podCIDR`. */
  fallbackPodCidr: string;
  /** Static pod manifests (`staticPodPath`, /etc/kubernetes/manifests). */
  staticPods: KubeObject[];
  /** Whether a CNI configuration exists on the node (no CNI: the node stays NotReady). */
  networkReady: boolean;
  settings: KubeletSettings;
  /** The identity the kubelet authenticates as (`system:node:<name>`, group `system:nodes`). */
  user: UserInfo;
  /** OS image and kernel shown in nodeInfo. */
  osImage: string;
  kernelVersion: string;
}

/** Kibibytes text of a byte count (`8130728Ki`). */
function ki(bytes: number): string {
  return `${Math.floor(bytes / 1024)}Ki`;
}

/**
 * Capacity and allocatable as the kubelet reports them for a machine: the kernel keeps ~3 % of
 * RAM, the root filesystem ~2 % of the disk; allocatable subtracts `evictionHard`
 * (memory.available 100Mi, nodefs.available 10 %). Pods: `maxPods`.
 */
export function nodeResources(
  size: NodeSize,
  maxPods: number,
): { capacity: Record<string, string>; allocatable: Record<string, string> } {
  const memory = Math.floor(size.memoryGiB * 1024 * 1024 * 1024 * 0.97);
  const disk = Math.floor(size.diskGiB * 1024 * 1024 * 1024 * 0.98);
  return {
    capacity: {
      cpu: String(size.cpus),
      "ephemeral-storage": ki(disk),
      "hugepages-1Gi": "0",
      "hugepages-2Mi": "0",
      memory: ki(memory),
      pods: String(maxPods),
    },
    allocatable: {
      cpu: String(size.cpus),
      "ephemeral-storage": String(Math.floor(disk * 0.9)),
      "hugepages-1Gi": "0",
      "hugepages-2Mi": "0",
      memory: ki(memory - 100 * 1024 * 1024),
      pods: String(maxPods),
    },
  };
}

/** The identity of a node's kubelet (its client certificate's CN and O). */
export function nodeUser(nodeName: string): UserInfo {
  return { username: `system:node:${nodeName}`, groups: ["system:nodes", "system:authenticated"] };
}
