/**
 * The scheduling framework's extension points (`k8s.io/kube-scheduler/framework/interface.go`):
 * the plugin interfaces, the handle plugins get, and the views of the cluster they read.
 *
 * Extension points, in the order a pod meets them: PreEnqueue, QueueSort, PreFilter, Filter,
 * PostFilter, PreScore, Score (+ NormalizeScore), Reserve, Permit, PreBind, Bind, PostBind.
 */

import type { ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import type {
  Namespace,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  ReplicationController,
  Service,
} from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import type { StorageClass } from "kubernetes-types/storage/v1";
import type { CycleState } from "./cycle-state";
import type { ClusterEventRegistration } from "./events";
import type { Status } from "./status";
import type { NodeInfo, PodInfo } from "./types";

/** Every plugin has a name and may register the cluster events that can resolve its rejections. */
export interface Plugin {
  readonly name: string;
  /** `EnqueueExtensions.EventsToRegister`. */
  eventsToRegister?(): ClusterEventRegistration[];
}

/** A pod waiting in the scheduling queue (`framework.QueuedPodInfo`). Plain data. */
export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When the pod was added to the queue or last re-added (virtual ms). Used by QueueSort and backoff. */
  timestamp: number;
  /** Number of scheduling attempts so far. */
  attempts: number;
  /** When the pod was first popped for scheduling (virtual ms), null before that. */
  initialAttemptTimestamp: number | null;
  /** Plugins that rejected the pod in its last attempt (Unschedulable / UnschedulableAndUnresolvable). */
  unschedulablePlugins: string[];
  /** Plugins that returned Pending in its last attempt. */
  pendingPlugins: string[];
  /** True while a PreEnqueue plugin (e.g. SchedulingGates) keeps the pod out of the active queue. */
  gated: boolean;
  /** The PreEnqueue plugin that gated it, "" when not gated. */
  gatingPlugin: string;
}

/** `QueueSortPlugin`: orders the active queue. */
export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

/** `PreEnqueuePlugin`: a gate a pod must pass before it enters the active queue. */
export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(pod: Pod): Status | null;
}

/** What a PreFilter returns: a status (null is Success) and optionally the only nodes worth checking. */
export interface PreFilterOutcome {
  status: Status | null;
  /** `PreFilterResult.NodeNames`; undefined means all nodes. */
  nodeNames?: Set<string>;
}

/** `PreFilterPlugin` with its optional `PreFilterExtensions` (AddPod/RemovePod). */
export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PreFilterOutcome;
  /** Updates the PreFilter state as if `podToAdd` ran on `nodeInfo` (nominated pods, preemption). */
  addPod?(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status | null;
  /** Updates the PreFilter state as if `podToRemove` left `nodeInfo`. */
  removePod?(
    state: CycleState,
    podToSchedule: PodInfo,
    podToRemove: PodInfo,
    nodeInfo: NodeInfo,
  ): Status | null;
}

/** `FilterPlugin`: null (Success) when the pod fits the node. */
export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | null;
}

/** Per-node filter statuses of a failed cycle (`framework.NodeToStatus`). */
export interface NodeToStatus {
  /** Statuses of nodes that were evaluated and rejected. */
  nodes: Record<string, Status>;
  /** The status of every node absent from `nodes` (PreFilter rejections set it); null when none. */
  absentNodesStatus: Status | null;
}

/** How a PostFilter wants the pod's `status.nominatedNodeName` changed. */
export interface NominatingInfo {
  /** `ModeNoop` leaves it as is; `ModeOverride` sets it to `nominatedNodeName` ("" clears it). */
  mode: "Noop" | "Override";
  nominatedNodeName: string;
}

/** `PostFilterResult`, plus the victims a preemption chose (for the component to delete). */
export interface PostFilterResult {
  nominatingInfo: NominatingInfo;
  /** Pods to preempt on the nominated node, most important first. */
  victims: Pod[];
  /**
   * Lower-priority pods nominated to the same node, whose `status.nominatedNodeName` the
   * component must clear (`prepareCandidate` → `clearNominatedNodeName`).
   */
  lowerPriorityNominatedPods: Pod[];
}

/** `PostFilterPlugin`: runs when no node fits (DefaultPreemption). */
export interface PostFilterPlugin extends Plugin {
  postFilter(
    state: CycleState,
    pod: PodInfo,
    filteredNodeStatus: NodeToStatus,
  ): {
    result: PostFilterResult | null;
    status: Status | null;
  };
}

/** `PreScorePlugin`: Skip excludes the plugin's Score for this cycle. */
export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | null;
}

/**
 * `ScorePlugin`. `score` returns the raw score of one node; `normalizeScore`
 * (`ScoreExtensions.NormalizeScore`) rewrites the scores of all feasible nodes in place, `scores[i]`
 * belonging to `nodes[i]`. A scoring error is thrown and turned into an Error status.
 */
export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number;
  /**
   * Optional batch form of `score` (same results): scores every node into `out`. The framework
   * prefers it, as one call per plugin per cycle keeps the per-node loop inside the plugin.
   */
  scoreNodes?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], out: number[]): void;
  normalizeScore?(
    state: CycleState,
    pod: PodInfo,
    nodes: readonly NodeInfo[],
    scores: number[],
  ): Status | null;
}

/** `ReservePlugin`. */
export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status | null;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

/** `PermitPlugin`: only "allow" (null) or a rejection are supported; Wait is treated as an error. */
export interface PermitPlugin extends Plugin {
  permit(state: CycleState, pod: PodInfo, nodeName: string): Status | null;
}

/** `PreBindPlugin`. */
export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: PodInfo, nodeName: string): Status | null;
}

/** The `v1.Binding` a binder asks the component to POST to `pods/<name>/binding`. */
export interface Binding {
  apiVersion: "v1";
  kind: "Binding";
  metadata: { namespace: string; name: string; uid?: string };
  target: { kind: "Node"; name: string };
}

/** `BindPlugin`: Skip passes to the next binder; success yields the Binding to send. */
export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: PodInfo, nodeName: string): { status: Status | null; binding: Binding | null };
}

/** `PostBindPlugin`: informational, after a successful bind. */
export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: PodInfo, nodeName: string): void;
}

/** The read-only node view of one scheduling cycle (`SharedLister.NodeInfos()`). */
export interface Snapshot {
  /** Every node with a Node object, in node-tree order (zones interleaved). */
  nodeInfoList(): readonly NodeInfo[];
  /** Nodes hosting at least one pod with (anti-)affinity. */
  havePodsWithAffinityList(): readonly NodeInfo[];
  /** Nodes hosting at least one pod with required anti-affinity. */
  havePodsWithRequiredAntiAffinityList(): readonly NodeInfo[];
  /** A node by name (only nodes with a Node object). */
  get(nodeName: string): NodeInfo | undefined;
  numNodes(): number;
  /** `ImageStateSummary.NumNodes`: how many nodes have this image. */
  imageNumNodes(image: string): number;
}

/**
 * The other objects plugins read (informer listers). Every method is optional: a plugin whose
 * lister is missing behaves as if there were no such objects.
 */
export interface SchedulerListers {
  /** Services in a namespace (PodTopologySpread's default selector). */
  services?(namespace: string): Service[];
  replicaSet?(namespace: string, name: string): ReplicaSet | undefined;
  statefulSet?(namespace: string, name: string): StatefulSet | undefined;
  replicationController?(namespace: string, name: string): ReplicationController | undefined;
  /** All namespaces (InterPodAffinity's namespaceSelector). */
  namespaces?(): Namespace[];
  persistentVolumeClaim?(namespace: string, name: string): PersistentVolumeClaim | undefined;
  persistentVolume?(name: string): PersistentVolume | undefined;
  persistentVolumes?(): PersistentVolume[];
  storageClass?(name: string): StorageClass | undefined;
  podDisruptionBudgets?(): PodDisruptionBudget[];
}

/** `PodNominator`: pods nominated to nodes by preemption, waiting for their victims to go. */
export interface PodNominator {
  nominatedPodsForNode(nodeName: string): PodInfo[];
  /** True when no pod is nominated anywhere (a fast path for the filter loop). */
  isEmpty(): boolean;
}

/** What a plugin may use (`framework.Handle`). */
export interface Handle {
  /** The node snapshot of the current cycle. */
  snapshot(): Snapshot;
  readonly listers: SchedulerListers;
  /** Nominated pods; null when the caller does not track nominations. */
  nominator(): PodNominator | null;
  /** The profile's `schedulerName`. */
  readonly profileName: string;
  /** `RunFilterPluginsWithNominatedPods` (used by preemption). */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | null;
  /** `RunPreFilterExtensionAddPod`. */
  runPreFilterExtensionAddPod(
    state: CycleState,
    pod: PodInfo,
    toAdd: PodInfo,
    nodeInfo: NodeInfo,
  ): Status | null;
  /** `RunPreFilterExtensionRemovePod`. */
  runPreFilterExtensionRemovePod(
    state: CycleState,
    pod: PodInfo,
    toRemove: PodInfo,
    nodeInfo: NodeInfo,
  ): Status | null;
}

/** A plugin factory (`PluginFactory`): plugin args (already defaulted) and the handle. */
export type PluginFactory = (args: unknown, handle: Handle) => Plugin;
