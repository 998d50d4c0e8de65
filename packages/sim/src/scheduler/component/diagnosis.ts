/**
 * What the scheduler decided about each pod, kept for the UI ("why is my pod Pending?", "why
 * this node?"). The real scheduler only logs this and writes the FailedScheduling text; here the
 * last attempt of every pending pod is kept in the component's state, keyed by pod uid:
 *
 * - `KubeSchedulerState.diagnoses[uid]`: the last failed attempt of a pod that is still pending
 *   (removed once the pod is bound or deleted): every rejected node grouped by the plugin, status
 *   code and reasons that rejected it (the cycle stops at the first rejecting Filter plugin of a
 *   node, as the real one does), the status given to all other nodes when a PreFilter rejected
 *   the pod, the plugins to blame, the preemption outcome and the exact message.
 * - `KubeSchedulerState.recentDecisions`: the last `RECENT_DECISIONS` successful placements with
 *   the per-plugin scores of the best nodes.
 *
 * `explainPendingPod` (in `kube-scheduler.ts`) runs every Filter plugin against one node for a
 * full per-plugin verdict on demand.
 */
import type { Pod } from "kubernetes-types/core/v1";
import type { NodePluginScores, ScheduledResult, UnschedulableResult } from "../schedule-one";

/** Nodes that one plugin rejected with the same code and reasons. */
export interface NodeRejection {
  plugin: string;
  /** `Unschedulable`, `UnschedulableAndUnresolvable`, `Pending` or `Error`. */
  code: string;
  reasons: string[];
  nodes: string[];
}

/** The last failed scheduling attempt of a pending pod. */
export interface PodSchedulingDiagnosis {
  namespace: string;
  name: string;
  /** The profile (`spec.schedulerName`). */
  profile: string;
  /** Attempt number and when it ran (virtual ms). */
  attempt: number;
  at: number;
  /** `Unschedulable` or `SchedulerError` (the PodScheduled condition's reason). */
  reason: string;
  /** The FailedScheduling message. */
  message: string;
  numAllNodes: number;
  rejections: NodeRejection[];
  /** The status of every node not in `rejections` (a PreFilter rejection), or null. */
  otherNodes: { plugin: string; code: string; reasons: string[] } | null;
  /** Plugins that rejected the pod: an event they registered for requeues it. */
  unschedulablePlugins: string[];
  /** The preemption (PostFilter) outcome: nominated node and victims, or its message. */
  preemption: { nominatedNodeName: string; victims: string[]; message: string } | null;
}

/** One successful placement. */
export interface SchedulingDecision {
  uid: string;
  namespace: string;
  name: string;
  profile: string;
  at: number;
  node: string;
  evaluatedNodes: number;
  feasibleNodes: number;
  /** The best scored nodes (the chosen one first), with each score plugin's weighted score. */
  topNodes: NodePluginScores[];
}

/** How many successful placements are kept. */
export const RECENT_DECISIONS = 100;

/** The diagnosis of a failed attempt. */
export function diagnosisOf(
  r: UnschedulableResult,
  profile: string,
  attempt: number,
  at: number,
): PodSchedulingDiagnosis {
  const groups = new Map<string, NodeRejection>();
  const statuses = r.diagnosis.nodeToStatus.nodes;
  for (const node of Object.keys(statuses)) {
    const s = statuses[node]!;
    const key = `${s.plugin}\u0000${s.code}\u0000${s.reasons.join("\u0000")}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { plugin: s.plugin, code: s.code, reasons: [...s.reasons], nodes: [] };
      groups.set(key, g);
    }
    g.nodes.push(node);
  }
  const absent = r.diagnosis.nodeToStatus.absentNodesStatus;
  const pod = r.pod.pod as Pod;
  return {
    namespace: r.pod.namespace,
    name: r.pod.name,
    profile,
    attempt,
    at,
    reason: r.reason,
    message: r.message,
    numAllNodes: r.numAllNodes,
    rejections: [...groups.values()],
    otherNodes: absent ? { plugin: absent.plugin, code: absent.code, reasons: [...absent.reasons] } : null,
    unschedulablePlugins: [...r.diagnosis.unschedulablePlugins],
    preemption:
      r.diagnosis.postFilterMsg !== "" || r.victims.length > 0 || r.nominatingInfo?.nominatedNodeName
        ? {
            nominatedNodeName:
              r.nominatingInfo?.mode === "Override"
                ? r.nominatingInfo.nominatedNodeName
                : (pod.status?.nominatedNodeName ?? ""),
            victims: r.victims.map((v) => `${v.metadata?.namespace}/${v.metadata?.name}`),
            message: r.diagnosis.postFilterMsg,
          }
        : null,
  };
}

/** The record of a successful placement. */
export function decisionOf(r: ScheduledResult, profile: string, at: number): SchedulingDecision {
  return {
    uid: r.pod.key,
    namespace: r.pod.namespace,
    name: r.pod.name,
    profile,
    at,
    node: r.suggestedHost,
    evaluatedNodes: r.evaluatedNodes,
    feasibleNodes: r.feasibleNodes,
    topNodes: r.topNodes,
  };
}
