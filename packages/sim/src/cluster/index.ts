/** A hosted cluster: the facade the runtime drives (create, restore, inputs, outputs, time). */
export { assembleCluster, type ClusterAssembly, clusterBehaviors } from "./assemble";
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
