/**
 * Cluster events (`k8s.io/kube-scheduler/framework` `ClusterEvent`, `ActionType`,
 * `EventResource`; `pkg/scheduler/framework/events.go`): what changed in the cluster, used by the
 * scheduling queue to move unschedulable pods back when a change may make them schedulable. Each
 * plugin registers the events that can resolve its own rejections (`EventsToRegister`).
 */
import type { Node, Pod } from "kubernetes-types/core/v1";

/** `ActionType` bits, in the Go order. */
export const ActionType = {
  Add: 1,
  Delete: 2,
  UpdateNodeAllocatable: 4,
  UpdateNodeLabel: 8,
  UpdateNodeTaint: 16,
  UpdateNodeCondition: 32,
  UpdateNodeAnnotation: 64,
  UpdatePodLabel: 128,
  UpdatePodScaleDown: 256,
  UpdatePodToleration: 512,
  UpdatePodSchedulingGatesEliminated: 1024,
  /** Any other update of a pod (`updatePodOther`). */
  UpdatePodOther: 2048,
  /** Any other update of a node (`updateNodeOther`). */
  UpdateNodeOther: 4096,
  /** Every update (`Update`). */
  Update: 4 | 8 | 16 | 32 | 64 | 128 | 256 | 512 | 1024 | 2048 | 4096,
  /** Everything (`All`). */
  All: 8191,
} as const;

/** `EventResource`. `Pod` matches `AssignedPod` and `UnscheduledPod`; `*` matches everything. */
export type EventResource =
  | "Pod"
  | "AssignedPod"
  | "UnscheduledPod"
  | "Node"
  | "PersistentVolume"
  | "PersistentVolumeClaim"
  | "StorageClass"
  | "CSINode"
  | "*";

/** A cluster event: which resource, which action bits, and a label for traces and the UI. */
export interface ClusterEvent {
  resource: EventResource;
  actionType: number;
  label: string;
}

/** A plugin's registration: the events that may make pods it rejected schedulable. */
export interface ClusterEventRegistration {
  resource: EventResource;
  actionType: number;
}

const ACTION_NAMES: [number, string][] = Object.entries(ActionType)
  .filter(([name]) => name !== "Update" && name !== "All")
  .map(([name, bit]) => [bit, name]);

/** Builds an event with its label (`Label()`, e.g. `NodeAdd`, `AssignedPodDelete`, `NodeUpdateNodeTaint`). */
export function clusterEvent(resource: EventResource, actionType: number, label?: string): ClusterEvent {
  if (label !== undefined) return { resource, actionType, label };
  const name =
    actionType === ActionType.All
      ? "All"
      : (ACTION_NAMES.find(([bit]) => bit === actionType)?.[1] ?? "Update");
  return { resource, actionType, label: `${resource === "*" ? "WildCard" : resource}${name}` };
}

/** `UnschedulableTimeout`: the wildcard event used when pods are flushed after 5 min. */
export const EVENT_UNSCHEDULABLE_TIMEOUT = clusterEvent("*", ActionType.All, "UnschedulableTimeout");
/** `ForceActivate`: a pod was activated by a plugin. */
export const EVENT_FORCE_ACTIVATE = clusterEvent("*", ActionType.All, "ForceActivate");
/** A node was added. */
export const EVENT_NODE_ADD = clusterEvent("Node", ActionType.Add);
/** A node was deleted. */
export const EVENT_NODE_DELETE = clusterEvent("Node", ActionType.Delete);
/** A bound pod was added (or a pod got bound). */
export const EVENT_ASSIGNED_POD_ADD = clusterEvent("AssignedPod", ActionType.Add);
/** A bound pod was deleted. */
export const EVENT_ASSIGNED_POD_DELETE = clusterEvent("AssignedPod", ActionType.Delete);

/** True for the wildcard event (`ClusterEventIsWildCard`). */
export function isWildCard(e: ClusterEventRegistration): boolean {
  return e.resource === "*" && e.actionType === ActionType.All;
}

function resourcesMatch(registered: EventResource, incoming: EventResource): boolean {
  return (
    registered === "*" ||
    registered === incoming ||
    (registered === "Pod" && (incoming === "AssignedPod" || incoming === "UnscheduledPod"))
  );
}

/** `MatchClusterEvents(registered, incoming)`: the incoming event is the same or more specific. */
export function matchClusterEvents(
  registered: ClusterEventRegistration,
  incoming: ClusterEventRegistration,
): boolean {
  return (
    isWildCard(registered) ||
    (resourcesMatch(registered.resource, incoming.resource) &&
      (registered.actionType & incoming.actionType) !== 0)
  );
}

function sameJSON(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * `nodeSchedulingPropertiesChange`: the node update events that matter to scheduling. An empty
 * list means nothing relevant changed (status heartbeats, for instance).
 */
export function nodeUpdateEvents(oldNode: Node, newNode: Node): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  // spec.unschedulable is reported as a taint change (the NodeUnschedulable plugin listens to it).
  if (!!oldNode.spec?.unschedulable !== !!newNode.spec?.unschedulable) {
    events.push(clusterEvent("Node", ActionType.UpdateNodeTaint));
  }
  if (!sameJSON(oldNode.status?.allocatable, newNode.status?.allocatable)) {
    events.push(clusterEvent("Node", ActionType.UpdateNodeAllocatable));
  }
  if (!sameJSON(oldNode.metadata?.labels, newNode.metadata?.labels)) {
    events.push(clusterEvent("Node", ActionType.UpdateNodeLabel));
  }
  if (!sameJSON(oldNode.spec?.taints, newNode.spec?.taints)) {
    events.push(clusterEvent("Node", ActionType.UpdateNodeTaint));
  }
  const conditions = (n: Node) => (n.status?.conditions ?? []).map((c) => [c.type, c.status]);
  if (!sameJSON(conditions(oldNode), conditions(newNode))) {
    events.push(clusterEvent("Node", ActionType.UpdateNodeCondition));
  }
  if (!sameJSON(oldNode.metadata?.annotations, newNode.metadata?.annotations)) {
    events.push(clusterEvent("Node", ActionType.UpdateNodeAnnotation));
  }
  return events;
}

/**
 * `PodSchedulingPropertiesChange`: the update events of a pod (`AssignedPod` for bound pods,
 * `UnscheduledPod` otherwise). A change of nothing listed yields `UpdatePodOther`.
 */
export function podUpdateEvents(oldPod: Pod, newPod: Pod): ClusterEvent[] {
  const resource: EventResource = newPod.spec?.nodeName ? "AssignedPod" : "UnscheduledPod";
  const events: ClusterEvent[] = [];
  if (!sameJSON(oldPod.metadata?.labels, newPod.metadata?.labels)) {
    events.push(clusterEvent(resource, ActionType.UpdatePodLabel));
  }
  if (!sameJSON(oldPod.spec?.tolerations, newPod.spec?.tolerations)) {
    events.push(clusterEvent(resource, ActionType.UpdatePodToleration));
  }
  if ((oldPod.spec?.schedulingGates?.length ?? 0) > 0 && (newPod.spec?.schedulingGates?.length ?? 0) === 0) {
    events.push(clusterEvent(resource, ActionType.UpdatePodSchedulingGatesEliminated));
  }
  if (events.length === 0) events.push(clusterEvent(resource, ActionType.UpdatePodOther));
  return events;
}
