/** NodeAffinity (`plugins/nodeaffinity/node_affinity.go`). */
import type { NodeSelector, PreferredSchedulingTerm } from "kubernetes-types/core/v1";
import type { CycleState, StateData } from "../../framework/cycle-state";
import { ActionType, type ClusterEventRegistration } from "../../framework/events";
import type {
  FilterPlugin,
  PreFilterOutcome,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from "../../framework/interface";
import { newStatus, type Status } from "../../framework/status";
import type { NodeInfo, PodInfo } from "../../framework/types";
import {
  type CompiledNodeSelectorTerm,
  type CompiledPreferredTerm,
  compileNodeSelector,
  compilePreferredSchedulingTerms,
  getRequiredNodeAffinity,
  nodeSelectorTermMatches,
  OBJECT_NAME_FIELD,
  preferredSchedulingTermsScore,
  type RequiredNodeAffinity,
  requiredNodeAffinityMatches,
} from "../../internal/node-affinity";
import { defaultNormalizeScore } from "../helper/normalize-score";
import { Names } from "../names";

/** `ErrReasonPod`. */
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
/** `errReasonEnforced`: the profile's `addedAffinity` rejected the node. */
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
/** `errReasonConflict`. */
export const ERR_REASON_CONFLICT = "pod affinity terms conflict";

const PRE_FILTER_STATE_KEY = `PreFilter${Names.NodeAffinity}`;
const PRE_SCORE_STATE_KEY = `PreScore${Names.NodeAffinity}`;

class PreFilterState implements StateData {
  constructor(readonly required: RequiredNodeAffinity) {}
  clone(): StateData {
    return this;
  }
}

class PreScoreState implements StateData {
  constructor(readonly preferred: CompiledPreferredTerm[]) {}
  clone(): StateData {
    return this;
  }
}

/** `NodeAffinityArgs.addedAffinity`: node affinity the profile adds to every pod. */
export interface NodeAffinityArgs {
  addedAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: NodeSelector;
    preferredDuringSchedulingIgnoredDuringExecution?: PreferredSchedulingTerm[];
  } | null;
}

/**
 * Filter: the node must match the pod's `nodeSelector` and one of its required node affinity
 * terms (UnschedulableAndUnresolvable otherwise). PreFilter narrows the search to the nodes named
 * by `metadata.name` field terms. Score: the summed weights of matching preferred terms,
 * normalised to [0, 100].
 */
export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = Names.NodeAffinity;
  private readonly addedNodeSelector: CompiledNodeSelectorTerm[] | null;
  private readonly addedPrefSchedTerms: CompiledPreferredTerm[] | null;

  constructor(args: NodeAffinityArgs = {}) {
    const added = args.addedAffinity;
    this.addedNodeSelector = added?.requiredDuringSchedulingIgnoredDuringExecution
      ? compileNodeSelector(added.requiredDuringSchedulingIgnoredDuringExecution)
      : null;
    this.addedPrefSchedTerms = added?.preferredDuringSchedulingIgnoredDuringExecution
      ? compilePreferredSchedulingTerms(added.preferredDuringSchedulingIgnoredDuringExecution)
      : null;
  }

  preFilter(state: CycleState, pod: PodInfo): PreFilterOutcome {
    const affinity = pod.pod.spec?.affinity;
    const required = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    const noNodeAffinity = required == null;
    if (noNodeAffinity && this.addedNodeSelector === null && pod.pod.spec?.nodeSelector == null) {
      return { status: newStatus("Skip") };
    }
    state.write(PRE_FILTER_STATE_KEY, new PreFilterState(getRequiredNodeAffinity(pod.pod)));
    const terms = required?.nodeSelectorTerms ?? [];
    if (noNodeAffinity || terms.length === 0) return { status: null };
    // Terms are ORed: only when every term pins metadata.name can the node set be narrowed.
    let nodeNames: Set<string> | null = null;
    for (const t of terms) {
      let termNodeNames: Set<string> | null = null;
      for (const r of t.matchFields ?? []) {
        if (r.key === OBJECT_NAME_FIELD && r.operator === "In") {
          const s = new Set<string>(r.values ?? []);
          const prev: Set<string> | null = termNodeNames;
          termNodeNames = prev === null ? s : new Set([...prev].filter((n: string) => s.has(n)));
        }
      }
      if (termNodeNames === null) return { status: null };
      nodeNames = nodeNames === null ? termNodeNames : new Set([...nodeNames, ...termNodeNames]);
    }
    if (nodeNames !== null && nodeNames.size === 0) {
      return { status: newStatus("UnschedulableAndUnresolvable", ERR_REASON_CONFLICT) };
    }
    if (nodeNames !== null) return { status: null, nodeNames };
    return { status: null };
  }

  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | null {
    if (
      this.addedNodeSelector !== null &&
      !this.addedNodeSelector.some((t) => nodeSelectorTermMatches(t, nodeInfo.labels, nodeInfo.name))
    ) {
      return newStatus("UnschedulableAndUnresolvable", ERR_REASON_ENFORCED);
    }
    // Without PreFilter state (PreFilter disabled), compute it here as the Go code does.
    const s = state.read<PreFilterState>(PRE_FILTER_STATE_KEY);
    const required = s !== undefined ? s.required : getRequiredNodeAffinity(pod.pod);
    if (!requiredNodeAffinityMatches(required, nodeInfo.labels, nodeInfo.name)) {
      return newStatus("UnschedulableAndUnresolvable", ERR_REASON_POD);
    }
    return null;
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | null {
    if (nodes.length === 0) return null;
    const preferred = pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
    if (!preferred && this.addedPrefSchedTerms === null) return newStatus("Skip");
    state.write(PRE_SCORE_STATE_KEY, new PreScoreState(compilePreferredSchedulingTerms(preferred ?? [])));
    return null;
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    let count = 0;
    if (this.addedPrefSchedTerms !== null)
      count += preferredSchedulingTermsScore(this.addedPrefSchedTerms, nodeInfo.labels, nodeInfo.name);
    const s = state.read<PreScoreState>(PRE_SCORE_STATE_KEY);
    if (s !== undefined) count += preferredSchedulingTermsScore(s.preferred, nodeInfo.labels, nodeInfo.name);
    return count;
  }

  normalizeScore(
    _state: CycleState,
    _pod: PodInfo,
    _nodes: readonly NodeInfo[],
    scores: number[],
  ): Status | null {
    defaultNormalizeScore(scores, false);
    return null;
  }

  eventsToRegister(): ClusterEventRegistration[] {
    return [{ resource: "Node", actionType: ActionType.Add | ActionType.UpdateNodeLabel }];
  }
}
