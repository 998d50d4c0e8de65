/**
 * The kube-scheduler's pure logic: the scheduling framework and its default plugins, the
 * scheduling queue, the scheduler cache, and one scheduling cycle. The scheduler *component*
 * (informers, leader election, binding through the apiserver) builds on these.
 */
export type { ImageState, PodState, SchedulerCacheState } from "./cache/cache";
export { DURATION_TO_EXPIRE_ASSUMED_POD_MS, newSchedulerCacheState, SchedulerCache } from "./cache/cache";
export { CycleState, type StateData } from "./framework/cycle-state";
export {
  ActionType,
  type ClusterEvent,
  type ClusterEventRegistration,
  clusterEvent,
  EVENT_ASSIGNED_POD_ADD,
  EVENT_ASSIGNED_POD_DELETE,
  EVENT_NODE_ADD,
  EVENT_NODE_DELETE,
  EVENT_UNSCHEDULABLE_TIMEOUT,
  nodeUpdateEvents,
  podUpdateEvents,
} from "./framework/events";
export { type Diagnosis, fitErrorMessage, newDiagnosis } from "./framework/fit-error";
export {
  Framework,
  type FrameworkDeps,
  type PluginRegistration,
  type Registry,
  type ScoreTable,
} from "./framework/framework";
export type * from "./framework/interface";
export { newPodInfo, podKey, podPriority } from "./framework/pod-info";
export {
  DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE,
  DEFAULT_PLUGINS,
  DEFAULT_SCHEDULER_NAME,
  defaultProfile,
  type PluginRef,
  type Profile,
} from "./framework/profile";
export { type Code, newStatus, type Status } from "./framework/status";
export type { NodeInfo, PodInfo, Resource } from "./framework/types";
export {
  type FailureActions,
  handleAssumed,
  handleBindingFailure,
  handleBindingSuccess,
  handleSchedulingFailure,
} from "./handle-failure";
export {
  preemptedEventMessage,
  preemptionDisruptionCondition,
} from "./plugins/default-preemption/default-preemption";
export { inTreeRegistry } from "./plugins/registry";
export { buildFrameworks, frameworkForPod, type Profiles, queueHooksFor } from "./profiles";
export {
  BACKOFF_Q_FLUSH_PERIOD_MS,
  DEFAULT_POD_INITIAL_BACKOFF_MS,
  DEFAULT_POD_MAX_BACKOFF_MS,
  DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS,
  newSchedulingQueueState,
  SchedulingQueue,
  type SchedulingQueueHooks,
  type SchedulingQueueState,
  UNSCHEDULABLE_PODS_FLUSH_PERIOD_MS,
} from "./queue/scheduling-queue";
export {
  explainNode,
  newSchedulerAlgorithmState,
  numFeasibleNodesToFind,
  type ScheduledResult,
  type ScheduleOneOptions,
  type ScheduleOneResult,
  type SchedulerAlgorithmState,
  type SkippedResult,
  scheduleOne,
  type UnschedulableResult,
} from "./schedule-one";
