/**
 * The pod nominator (`pkg/scheduler/backend/queue/nominator.go`): which pending pods are nominated
 * to which node (`status.nominatedNodeName`, set after a preemption). The filters treat pods
 * nominated to a node with equal or higher priority as if they already ran there, so freed room
 * is kept for the preemptor. Plain data.
 */
import type { NominatingInfo, PodNominator } from "../framework/interface";
import type { PodInfo } from "../framework/types";

/** Nominations by node and by pod. */
export interface NominatorState {
  nominatedPods: Record<string, PodInfo[]>;
  nominatedPodToNode: Record<string, string>;
}

/** An empty nominator. */
export function newNominatorState(): NominatorState {
  return { nominatedPods: {}, nominatedPodToNode: {} };
}

/** `deleteUnlocked`: forgets a pod's nomination. */
export function deleteNominatedPod(s: NominatorState, key: string): void {
  const nodeName = s.nominatedPodToNode[key];
  if (nodeName === undefined) return;
  const list = s.nominatedPods[nodeName];
  if (list !== undefined) {
    const i = list.findIndex((p) => p.key === key);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) delete s.nominatedPods[nodeName];
  }
  delete s.nominatedPodToNode[key];
}

/**
 * `addNominatedPodUnlocked`: with no nominating info (Noop) the pod's own
 * `status.nominatedNodeName` is used; Override sets the given node ("" only clears).
 * `isBound` tells whether the informer already sees the pod bound (then it is not nominated).
 */
export function addNominatedPod(
  s: NominatorState,
  pi: PodInfo,
  nominatingInfo: NominatingInfo | null,
  isBound = false,
): void {
  deleteNominatedPod(s, pi.key);
  let nodeName: string;
  if (nominatingInfo !== null && nominatingInfo.mode === "Override") {
    nodeName = nominatingInfo.nominatedNodeName;
  } else {
    nodeName = pi.pod.status?.nominatedNodeName ?? "";
  }
  if (nodeName === "" || isBound || pi.pod.spec?.nodeName) return;
  s.nominatedPodToNode[pi.key] = nodeName;
  const list = s.nominatedPods[nodeName] ?? [];
  if (!list.some((p) => p.key === pi.key)) list.push(pi);
  s.nominatedPods[nodeName] = list;
}

/** A `PodNominator` view over the state. */
export function nominatorView(s: NominatorState): PodNominator {
  return {
    nominatedPodsForNode: (nodeName) => s.nominatedPods[nodeName] ?? [],
    isEmpty: () => {
      for (const _ in s.nominatedPodToNode) return false;
      return true;
    },
  };
}
