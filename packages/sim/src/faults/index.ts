/** Faults a learner injects into a cluster, with their repairs and what Kubernetes is expected to do. */
export {
  FAULT_NAMES,
  FAULTS,
  type FaultInfo,
  type FaultName,
  type FaultTargetKind,
  isFaultName,
} from "./catalogue";
export {
  type ActiveFault,
  FAULT_INJECTOR,
  type FaultableCluster,
  type FaultResult,
  injectFault,
  repairFault,
} from "./inject";
