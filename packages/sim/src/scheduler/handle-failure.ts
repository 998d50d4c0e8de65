/**
 * What the scheduler does after an attempt fails (`handleSchedulingFailure`,
 * `handleBindingCycleError` in `pkg/scheduler/schedule_one.go`), minus the API calls: the pod goes
 * back to the queue with the plugins that rejected it, its nomination is recorded, and the caller
 * gets the PodScheduled condition and FailedScheduling event to send.
 */
import type { PodCondition } from "kubernetes-types/core/v1";
import type { SchedulerCache } from "./cache/cache";
import { EVENT_ASSIGNED_POD_DELETE } from "./framework/events";
import type { Framework } from "./framework/framework";
import type { NominatingInfo, QueuedPodInfo } from "./framework/interface";
import { newPodInfo } from "./framework/pod-info";
import type { SchedulingQueue } from "./queue/scheduling-queue";
import type { ScheduledResult, UnschedulableResult } from "./schedule-one";
import { truncateMessage } from "./schedule-one";

/** What the component must send to the apiserver after a failed attempt. */
export interface FailureActions {
  /** The `PodScheduled=False` condition to patch into the pod's status. */
  condition: Pick<PodCondition, "type" | "status" | "reason" | "message">;
  /** How to change `status.nominatedNodeName` (patched with the condition); null: leave it. */
  nominatingInfo: NominatingInfo | null;
  /** The Warning `FailedScheduling` event message. */
  eventMessage: string;
}

/**
 * `handleSchedulingFailure`. `latestPod` is the informer's current copy of the pod: undefined when
 * it was deleted meanwhile, and a bound pod is not requeued either (as in Go).
 */
export function handleSchedulingFailure(
  queue: SchedulingQueue,
  queued: QueuedPodInfo,
  result: UnschedulableResult,
  now: number,
  latestPod: QueuedPodInfo["podInfo"]["pod"] | undefined,
): FailureActions {
  queued.unschedulablePlugins = [...result.diagnosis.unschedulablePlugins];
  queued.pendingPlugins = [...result.diagnosis.pendingPlugins];
  if (latestPod === undefined || latestPod.spec?.nodeName) {
    queue.done(queued.podInfo.key);
  } else {
    queued.podInfo = newPodInfo(latestPod);
    queue.addUnschedulableIfNotPresent(queued, now);
  }
  queue.addNominatedPod(queued.podInfo, result.nominatingInfo);
  return {
    condition: { type: "PodScheduled", status: "False", reason: result.reason, message: result.message },
    nominatingInfo: result.nominatingInfo,
    eventMessage: truncateMessage(result.message),
  };
}

/**
 * The bind request failed at the apiserver: unreserve, forget the assumed pod, tell the queue the
 * pod's room is free again (`AssignedPodDelete` for the other pods), and requeue this one with
 * back-off (an error has no rejecting plugin).
 */
export function handleBindingFailure(
  fwk: Framework,
  cache: SchedulerCache,
  queue: SchedulingQueue,
  queued: QueuedPodInfo,
  scheduled: ScheduledResult,
  errorMessage: string,
  now: number,
  latestPod: QueuedPodInfo["podInfo"]["pod"] | undefined,
): FailureActions {
  fwk.runReservePluginsUnreserve(scheduled.state, newPodInfo(scheduled.assumedPod), scheduled.suggestedHost);
  cache.forgetPod(scheduled.assumedPod);
  queue.moveAllToActiveOrBackoffQueue(
    EVENT_ASSIGNED_POD_DELETE,
    now,
    (p) => p.podInfo.key !== queued.podInfo.key,
  );
  queued.unschedulablePlugins = [];
  queued.pendingPlugins = [];
  if (latestPod === undefined || latestPod.spec?.nodeName) {
    queue.done(queued.podInfo.key);
  } else {
    queued.podInfo = newPodInfo(latestPod);
    queue.addUnschedulableIfNotPresent(queued, now);
  }
  const nominatingInfo: NominatingInfo = { mode: "Override", nominatedNodeName: "" };
  queue.addNominatedPod(queued.podInfo, nominatingInfo);
  return {
    condition: { type: "PodScheduled", status: "False", reason: "SchedulerError", message: errorMessage },
    nominatingInfo,
    eventMessage: truncateMessage(errorMessage),
  };
}

/**
 * Right after a successful cycle (`assume`): the pod is counted by the cache now, so its
 * nomination (if a preemption made one) must not be counted a second time.
 */
export function handleAssumed(queue: SchedulingQueue, scheduled: ScheduledResult): void {
  queue.deleteNominatedPodIfExists(scheduled.assumedPod);
}

/** The binding succeeded: the cache starts the assumed pod's expiry clock and the queue forgets it. */
export function handleBindingSuccess(
  cache: SchedulerCache,
  queue: SchedulingQueue,
  scheduled: ScheduledResult,
  now: number,
): void {
  cache.finishBinding(scheduled.assumedPod, now);
  queue.done(scheduled.pod.key);
}
