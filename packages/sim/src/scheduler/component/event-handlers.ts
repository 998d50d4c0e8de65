/**
 * The scheduler's informer event handlers (`pkg/scheduler/eventhandlers.go`): what a change seen
 * through the informers does to the scheduling queue and the cache.
 *
 * - Unassigned pods of one of our profiles go to the queue (add / update / delete).
 * - Assigned pods go to the cache (confirming assumed ones) and may make unschedulable pods
 *   schedulable (`AssignedPodAdded` for pods with a matching affinity term or rejected by
 *   PodTopologySpread; `AssignedPodDelete` for all of them).
 * - Nodes go to the cache; a new node or a change that matters to scheduling (allocatable,
 *   labels, taints, conditions, unschedulable) moves the unschedulable pods that one of their
 *   rejecting plugins registered for.
 * - PersistentVolumeClaims, PersistentVolumes and StorageClasses are only events for the queue
 *   (VolumeBinding registers them).
 */
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { InformerDelta } from "../../apiserver/client/informer";
import {
  ActionType,
  clusterEvent,
  EVENT_ASSIGNED_POD_ADD,
  EVENT_ASSIGNED_POD_DELETE,
  EVENT_NODE_ADD,
  type EventResource,
  nodeUpdateEvents,
  podUpdateEvents,
} from "../framework/events";
import { podPriority } from "../framework/pod-info";
import { DEFAULT_SCHEDULER_NAME } from "../framework/profile";
import type { SchedulerRuntime } from "./runtime";

/** `assignedPod`: bound to a node. */
export function assignedPod(pod: Pod | undefined): boolean {
  return !!pod?.spec?.nodeName;
}

/** `responsibleForPod`: one of our profiles is named in `spec.schedulerName`. */
export function responsibleForPod(rt: SchedulerRuntime, pod: Pod): boolean {
  return rt.profiles.has(pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME);
}

/** What the component must do besides the queue and cache changes. */
export interface PodDeltaEffects {
  /** Uids of pods the scheduler should forget (bound elsewhere or deleted): diagnoses, bindings. */
  gone: string[];
}

function addPodToCache(rt: SchedulerRuntime, pod: Pod, now: number): void {
  rt.cache.addPod(pod);
  rt.queue.assignedPodAddedOrUpdated(pod, now, EVENT_ASSIGNED_POD_ADD);
}

function deletePodFromCache(rt: SchedulerRuntime, pod: Pod, now: number): void {
  rt.cache.removePod(pod);
  rt.queue.moveAllToActiveOrBackoffQueue(EVENT_ASSIGNED_POD_DELETE, now);
}

function deletePodFromSchedulingQueue(rt: SchedulerRuntime, pod: Pod, now: number): void {
  rt.queue.delete(pod);
  // A deleted pod that was nominated to a node frees room for the lower- or equal-priority
  // pods that treated it as already running there (`getLEPriorityPreCheck`).
  if (pod.status?.nominatedNodeName) {
    const priority = podPriority(pod);
    rt.queue.moveAllToActiveOrBackoffQueue(
      EVENT_ASSIGNED_POD_DELETE,
      now,
      (p) => p.podInfo.priority <= priority,
    );
  }
}

/** Apply one pod change. */
export function handlePodDelta(
  rt: SchedulerRuntime,
  d: InformerDelta,
  now: number,
  effects: PodDeltaEffects,
): void {
  const pod = d.object as Pod;
  const old = d.old as Pod | undefined;
  switch (d.type) {
    case "ADDED":
      if (assignedPod(pod)) addPodToCache(rt, pod, now);
      else if (responsibleForPod(rt, pod)) rt.queue.add(pod, now);
      return;
    case "MODIFIED": {
      if (old !== undefined && old.metadata?.uid !== pod.metadata?.uid) {
        // A pod deleted and recreated under the same name between two observations.
        handlePodDelta(rt, { type: "DELETED", object: d.old!, old: d.old! }, now, effects);
        handlePodDelta(rt, { type: "ADDED", object: d.object }, now, effects);
        return;
      }
      if (assignedPod(pod)) {
        if (!assignedPod(old)) {
          // It got bound (by us or another scheduler): it leaves the queue, enters the cache.
          if (old !== undefined && responsibleForPod(rt, old)) rt.queue.delete(old);
          effects.gone.push(pod.metadata?.uid ?? "");
          addPodToCache(rt, pod, now);
        } else {
          const err = rt.cache.updatePod(old as Pod, pod);
          if (err !== null) rt.cache.addPod(pod);
          const events = podUpdateEvents(old as Pod, pod);
          rt.queue.assignedPodAddedOrUpdated(pod, now, events[0]);
        }
        return;
      }
      if (!responsibleForPod(rt, pod)) return;
      // Identical objects (a resync) and assumed pods are not requeued (`updatePodInSchedulingQueue`).
      if (old !== undefined && old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
      if (rt.cache.isAssumedPod(pod)) return;
      rt.queue.update(old ?? null, pod, now);
      return;
    }
    case "DELETED": {
      const last = old ?? pod;
      effects.gone.push(last.metadata?.uid ?? "");
      if (assignedPod(last)) deletePodFromCache(rt, last, now);
      else if (responsibleForPod(rt, last)) deletePodFromSchedulingQueue(rt, last, now);
      return;
    }
  }
}

/** Apply one node change. */
export function handleNodeDelta(rt: SchedulerRuntime, d: InformerDelta, now: number): void {
  const node = d.object as Node;
  switch (d.type) {
    case "ADDED":
      rt.cache.addNode(node);
      rt.queue.moveAllToActiveOrBackoffQueue(EVENT_NODE_ADD, now);
      return;
    case "MODIFIED": {
      const old = (d.old as Node | undefined) ?? null;
      rt.cache.updateNode(old, node);
      if (old === null) {
        rt.queue.moveAllToActiveOrBackoffQueue(EVENT_NODE_ADD, now);
        return;
      }
      for (const e of nodeUpdateEvents(old, node)) rt.queue.moveAllToActiveOrBackoffQueue(e, now);
      return;
    }
    case "DELETED":
      // The node's pods leave the cache through their own delete events; nothing can become
      // schedulable because a node went away.
      rt.cache.removeNode((d.old as Node | undefined) ?? node);
      return;
  }
}

/** Apply one PVC / PV / StorageClass change: an event for the queue only. */
export function handleStorageDelta(
  rt: SchedulerRuntime,
  resource: Extract<EventResource, "PersistentVolumeClaim" | "PersistentVolume" | "StorageClass">,
  d: InformerDelta,
  now: number,
): void {
  if (d.type === "DELETED") return;
  const action = d.type === "ADDED" ? ActionType.Add : ActionType.Update;
  rt.queue.moveAllToActiveOrBackoffQueue(clusterEvent(resource, action), now);
}
