/** A hosted cluster: the facade the runtime drives (create, restore, inputs, outputs, time). */
export * from "../faults";
export {
  assembleCluster,
  type ClusterAssembly,
  clusterBehaviors,
  controlPlaneNodeNames,
  type HostPlacement,
  machineIp,
} from "./assemble";
export { API_CLIENT, CLUSTER_SNAPSHOT_FORMAT, Cluster, DASHBOARD_CLIENT } from "./cluster";
export type {
  ApiInput,
  ApiResult,
  ClusterInput,
  ClusterOutput,
  FaultInput,
  ObservedChange,
  TimeInput,
  WatchCancelInput,
} from "./io";
export {
  DEFAULT_PRESET,
  PRESET_NAMES,
  PRESET_SPECS,
  PRESETS,
  type PresetInfo,
  type PresetName,
} from "./presets";
export {
  type ClusterSpec,
  type ControlPlaneNodesSpec,
  collectionPath,
  DEFAULT_OBSERVED,
  defaultClusterSpec,
  nodeCount,
  type ObservedResource,
  parseClusterSpec,
  SPEC_LIMITS,
  type SpecError,
} from "./spec";
export { type ClusterSummary, type ComponentHealth, summarize } from "./summary";
export {
  type CloudProvider,
  type ClusterVariant,
  type CniName,
  type ContainerRuntimeName,
  type ControlPlaneDeployment,
  defaultVariant,
  type EtcdTopology,
  effectiveWorkerPools,
  type KubeProxyMode,
  NODE_SIZE_NAMES,
  type NodeSizeSpec,
  type WorkerPoolSpec,
} from "./variant";
