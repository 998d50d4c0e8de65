/** TaintToleration (`plugins/tainttoleration/taint_toleration.go`). */
import type { Toleration } from "kubernetes-types/core/v1";
import type { CycleState, StateData } from "../../framework/cycle-state";
import { ActionType, type ClusterEventRegistration } from "../../framework/events";
import type { FilterPlugin, PreScorePlugin, ScorePlugin } from "../../framework/interface";
import { newStatus, type Status } from "../../framework/status";
import type { NodeInfo, PodInfo } from "../../framework/types";
import {
  findMatchingUntoleratedTaint,
  isDoNotScheduleTaint,
  tolerationsTolerateTaint,
} from "../../internal/taints";
import { defaultNormalizeScore } from "../helper/normalize-score";
import { Names } from "../names";

const PRE_SCORE_STATE_KEY = `PreScore${Names.TaintToleration}`;

class PreScoreState implements StateData {
  constructor(readonly tolerationsPreferNoSchedule: Toleration[]) {}
  clone(): StateData {
    return this;
  }
}

/**
 * Filter: a node with a NoSchedule or NoExecute taint the pod does not tolerate is rejected
 * (UnschedulableAndUnresolvable: preemption cannot remove a taint).
 * Score: the number of PreferNoSchedule taints the pod does not tolerate, normalised in reverse
 * (fewer intolerable taints, higher score).
 */
export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = Names.TaintToleration;

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | null {
    const taints = nodeInfo.taints;
    if (taints.length === 0) return null;
    const taint = findMatchingUntoleratedTaint(taints, pod.pod.spec?.tolerations, isDoNotScheduleTaint);
    if (taint === null) return null;
    return newStatus(
      "UnschedulableAndUnresolvable",
      `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`,
    );
  }

  preScore(state: CycleState, pod: PodInfo): Status | null {
    // getAllTolerationPreferNoSchedule: an empty effect matches PreferNoSchedule too.
    const tolerations = (pod.pod.spec?.tolerations ?? []).filter(
      (t) => !t.effect || t.effect === "PreferNoSchedule",
    );
    state.write(PRE_SCORE_STATE_KEY, new PreScoreState(tolerations));
    return null;
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    const taints = nodeInfo.taints;
    if (taints.length === 0) return 0;
    const s = state.read<PreScoreState>(PRE_SCORE_STATE_KEY);
    if (s === undefined) throw new Error(`reading "${PRE_SCORE_STATE_KEY}" from cycleState: not found`);
    let intolerable = 0;
    for (const taint of taints) {
      if (taint.effect !== "PreferNoSchedule") continue;
      if (!tolerationsTolerateTaint(s.tolerationsPreferNoSchedule, taint)) intolerable++;
    }
    return intolerable;
  }

  scoreNodes(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], out: number[]): void {
    for (let i = 0; i < nodes.length; i++) out.push(this.score(state, pod, nodes[i] as NodeInfo));
  }

  normalizeScore(
    _state: CycleState,
    _pod: PodInfo,
    _nodes: readonly NodeInfo[],
    scores: number[],
  ): Status | null {
    defaultNormalizeScore(scores, true);
    return null;
  }

  eventsToRegister(): ClusterEventRegistration[] {
    return [
      { resource: "Node", actionType: ActionType.Add | ActionType.UpdateNodeTaint },
      { resource: "Pod", actionType: ActionType.UpdatePodToleration },
    ];
  }
}
