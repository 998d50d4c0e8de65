/**
 * The kube-scheduler component: informers, the scheduling queue and cache driven by them, leader
 * election, scheduling cycles, binding through `pods/binding`, events and pod conditions.
 */
export {
  defaultKubeSchedulerConfig,
  KUBE_SCHEDULER_USER,
  type KubeSchedulerConfig,
  type SchedulerLeaderElection,
} from "./config";
export {
  type NodeRejection,
  type PodSchedulingDiagnosis,
  RECENT_DECISIONS,
  type SchedulingDecision,
} from "./diagnosis";
export { type EventRecorderState, type ObjectReference, recordEvent, referenceTo } from "./event-recorder";
export { SCHEDULER_POD_FIELD_SELECTOR, type SchedulerInformers } from "./informers";
export {
  createKubeScheduler,
  explainPendingPod,
  isSchedulingLeader,
  KUBE_SCHEDULER_KIND,
  type KubeSchedulerOptions,
  type KubeSchedulerState,
  kubeSchedulerBehavior,
  type PendingBinding,
  type SchedulerPhase,
} from "./kube-scheduler";
