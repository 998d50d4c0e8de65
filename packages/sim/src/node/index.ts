/** The node side of the cluster: kubelet, container runtime, CNI IPAM, images and container processes. */
export * from "./cni/cidr";
export * from "./cni/ipam";
export * from "./cni/plugins";
export * from "./images/catalogue";
export * from "./images/image-reference";
export * from "./images/registry";
export { sha256Hex } from "./images/sha256";
export * from "./kubelet/config";
export type { ContainerLogsRequest, ContainerLogsResponse, NetworkReadyMessage } from "./kubelet/kubelet";
export { KUBELET_KIND, kubeletBehavior } from "./kubelet/kubelet";
export { generatePodStatus, podPhase } from "./kubelet/pod-status";
export type { KubeletState, PodWorker } from "./kubelet/state";
export { kubeadmControlPlaneManifests, staticPodHash } from "./kubelet/static-pods";
export * from "./node-host";
export { registerCommand } from "./process/interpreter";
export { piDigits } from "./process/pi";
export { accessLogLine, httpResponse } from "./process/programs";
export type * from "./runtime/cri";
export { crictlImages, crictlPs, humanDuration } from "./runtime/crictl";
export type { ContainerUsage } from "./runtime/metrics";
export { containerUsage, nodeUsage, podUsage, requestRate } from "./runtime/metrics";
export {
  CONTAINER_RUNTIME_KIND,
  containerMemoryBytes,
  containerRuntimeBehavior,
  readContainerLogs,
} from "./runtime/runtime";
export type { RuntimeState } from "./runtime/state";
