/**
 * InterPodAffinity (`plugins/interpodaffinity/{plugin,filtering,scoring}.go`).
 *
 * Filter, with counts per topology pair (`topologyKey=value`) computed once in PreFilter:
 * 1. the pod's required affinity: every term's topology must hold a pod matching all its terms
 *    (or no such pod exists anywhere and the pod matches its own terms: the first of a group);
 * 2. the pod's required anti-affinity: no matching pod in the node's topology;
 * 3. existing pods' required anti-affinity: no existing pod whose term matches this pod in the
 *    node's topology.
 * Score: for preferred terms of the pod and of existing pods (and existing pods' required
 * affinity with `hardPodAffinityWeight`), weights are summed per topology pair; a node scores the
 * sum over its labels, normalised between the minimum and maximum to [0, 100].
 */
import type { CycleState, StateData } from "../../framework/cycle-state";
import { ActionType, type ClusterEventRegistration } from "../../framework/events";
import type {
  FilterPlugin,
  Handle,
  PreFilterOutcome,
  PreFilterPlugin,
  PreScorePlugin,
  ScorePlugin,
} from "../../framework/interface";
import { affinityTermMatches } from "../../framework/pod-info";
import { newStatus, type Status } from "../../framework/status";
import type { AffinityTerm, NodeInfo, Pod, PodInfo, WeightedAffinityTerm } from "../../framework/types";
import { MAX_NODE_SCORE } from "../../framework/types";
import { NOTHING, selectorMatches } from "../../internal/label-selector";
import { Names } from "../names";

/** `ErrReasonExistingAntiAffinityRulesNotMatch`. */
export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH =
  "node(s) didn't satisfy existing pods anti-affinity rules";
/** `ErrReasonAffinityRulesNotMatch`. */
export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
/** `ErrReasonAntiAffinityRulesNotMatch`. */
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";

const PRE_FILTER_STATE_KEY = `PreFilter${Names.InterPodAffinity}`;
const PRE_SCORE_STATE_KEY = `PreScore${Names.InterPodAffinity}`;

/** `InterPodAffinityArgs` (defaults: hardPodAffinityWeight 1, ignorePreferredTermsOfExistingPods false). */
export interface InterPodAffinityArgs {
  hardPodAffinityWeight?: number;
  ignorePreferredTermsOfExistingPods?: boolean;
}

/** A topology pair as a map key. */
function pairKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

/** `topologyToMatchedTermCount`. */
type Counts = Map<string, number>;

function updateCount(m: Counts, labels: Record<string, string>, topologyKey: string, value: number): void {
  const tv = labels[topologyKey];
  if (tv === undefined) return;
  const k = pairKey(topologyKey, tv);
  const n = (m.get(k) ?? 0) + value;
  if (n === 0) m.delete(k);
  else m.set(k, n);
}

/** `podMatchesAllAffinityTerms` (namespace labels are not looked up: terms have them merged). */
function podMatchesAllAffinityTerms(terms: AffinityTerm[], pod: Pod): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!affinityTermMatches(t, pod, null)) return false;
  return true;
}

function updateWithAffinityTerms(
  m: Counts,
  terms: AffinityTerm[],
  pod: Pod,
  labels: Record<string, string>,
  value: number,
): void {
  if (podMatchesAllAffinityTerms(terms, pod))
    for (const t of terms) updateCount(m, labels, t.topologyKey, value);
}

function updateWithAntiAffinityTerms(
  m: Counts,
  terms: AffinityTerm[],
  pod: Pod,
  nsLabels: Record<string, string> | null,
  labels: Record<string, string>,
  value: number,
): void {
  for (const t of terms)
    if (affinityTermMatches(t, pod, nsLabels)) updateCount(m, labels, t.topologyKey, value);
}

class PreFilterState implements StateData {
  constructor(
    readonly requiredAffinityTerms: AffinityTerm[],
    readonly requiredAntiAffinityTerms: AffinityTerm[],
    readonly pod: Pod,
    readonly namespaceLabels: Record<string, string> | null,
    readonly existingAntiAffinityCounts: Counts,
    readonly affinityCounts: Counts,
    readonly antiAffinityCounts: Counts,
  ) {}

  clone(): StateData {
    return new PreFilterState(
      this.requiredAffinityTerms,
      this.requiredAntiAffinityTerms,
      this.pod,
      this.namespaceLabels,
      new Map(this.existingAntiAffinityCounts),
      new Map(this.affinityCounts),
      new Map(this.antiAffinityCounts),
    );
  }

  /** `updateWithPod`: a pod was added (1) or removed (-1) on a node (nominated pods, preemption). */
  updateWithPod(pi: PodInfo, labels: Record<string, string>, multiplier: number): void {
    updateWithAntiAffinityTerms(
      this.existingAntiAffinityCounts,
      pi.requiredAntiAffinityTerms,
      this.pod,
      this.namespaceLabels,
      labels,
      multiplier,
    );
    updateWithAffinityTerms(this.affinityCounts, this.requiredAffinityTerms, pi.pod, labels, multiplier);
    updateWithAntiAffinityTerms(
      this.antiAffinityCounts,
      this.requiredAntiAffinityTerms,
      pi.pod,
      null,
      labels,
      multiplier,
    );
  }
}

class PreScoreState implements StateData {
  constructor(readonly topologyScore: Map<string, Map<string, number>>) {}
  clone(): StateData {
    return this;
  }
}

/** The plugin. */
export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = Names.InterPodAffinity;
  private readonly hardPodAffinityWeight: number;
  private readonly ignorePreferredTermsOfExistingPods: boolean;

  constructor(
    args: InterPodAffinityArgs,
    private readonly handle: Handle,
  ) {
    this.hardPodAffinityWeight = args.hardPodAffinityWeight ?? 1;
    this.ignorePreferredTermsOfExistingPods = args.ignorePreferredTermsOfExistingPods ?? false;
  }

  /** `GetNamespaceLabelsSnapshot`: the labels of the pod's namespace (null when unknown). */
  private namespaceLabels(namespace: string): Record<string, string> | null {
    const ns = this.handle.listers.namespaces?.().find((n) => n.metadata?.name === namespace);
    return ns ? (ns.metadata?.labels ?? {}) : null;
  }

  /**
   * `mergeAffinityTermNamespacesIfNotEmpty`: a namespace selector with requirements is resolved
   * into namespace names now (and then matches by name only); `{}` keeps matching every namespace.
   */
  private mergeNamespaces<T extends AffinityTerm>(terms: T[]): T[] {
    return terms.map((t) => {
      const sel = t.namespaceSelector;
      if (sel.nothing || sel.requirements.length === 0) return t;
      const names = new Set(t.namespaces);
      for (const ns of this.handle.listers.namespaces?.() ?? []) {
        if (selectorMatches(sel, ns.metadata?.labels ?? {})) names.add(ns.metadata?.name ?? "");
      }
      return { ...t, namespaces: [...names], namespaceSelector: NOTHING };
    });
  }

  preFilter(state: CycleState, pod: PodInfo): PreFilterOutcome {
    if (pod.parseError !== null) {
      return { status: newStatus("UnschedulableAndUnresolvable", `parsing pod: ${pod.parseError}`) };
    }
    const snapshot = this.handle.snapshot();
    const affinityTerms = this.mergeNamespaces(pod.requiredAffinityTerms);
    const antiAffinityTerms = this.mergeNamespaces(pod.requiredAntiAffinityTerms);
    const nsLabels = this.namespaceLabels(pod.namespace);

    // getExistingAntiAffinityCounts: existing pods whose required anti-affinity matches this pod.
    const existing: Counts = new Map();
    for (const nodeInfo of snapshot.havePodsWithRequiredAntiAffinityList()) {
      for (const ep of nodeInfo.podsWithRequiredAntiAffinity) {
        updateWithAntiAffinityTerms(
          existing,
          ep.requiredAntiAffinityTerms,
          pod.pod,
          nsLabels,
          nodeInfo.labels,
          1,
        );
      }
    }
    // getIncomingAffinityAntiAffinityCounts: existing pods matching this pod's required terms.
    const affinityCounts: Counts = new Map();
    const antiAffinityCounts: Counts = new Map();
    if (affinityTerms.length > 0 || antiAffinityTerms.length > 0) {
      for (const nodeInfo of snapshot.nodeInfoList()) {
        for (const ep of nodeInfo.pods) {
          updateWithAffinityTerms(affinityCounts, affinityTerms, ep.pod, nodeInfo.labels, 1);
          updateWithAntiAffinityTerms(
            antiAffinityCounts,
            antiAffinityTerms,
            ep.pod,
            null,
            nodeInfo.labels,
            1,
          );
        }
      }
    }
    if (existing.size === 0 && affinityTerms.length === 0 && antiAffinityTerms.length === 0) {
      return { status: newStatus("Skip") };
    }
    state.write(
      PRE_FILTER_STATE_KEY,
      new PreFilterState(
        affinityTerms,
        antiAffinityTerms,
        pod.pod,
        nsLabels,
        existing,
        affinityCounts,
        antiAffinityCounts,
      ),
    );
    return { status: null };
  }

  addPod(state: CycleState, _pod: PodInfo, toAdd: PodInfo, nodeInfo: NodeInfo): Status | null {
    const s = state.read<PreFilterState>(PRE_FILTER_STATE_KEY);
    if (s === undefined)
      return newStatus("Error", `reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
    s.updateWithPod(toAdd, nodeInfo.labels, 1);
    return null;
  }

  removePod(state: CycleState, _pod: PodInfo, toRemove: PodInfo, nodeInfo: NodeInfo): Status | null {
    const s = state.read<PreFilterState>(PRE_FILTER_STATE_KEY);
    if (s === undefined)
      return newStatus("Error", `reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
    s.updateWithPod(toRemove, nodeInfo.labels, -1);
    return null;
  }

  filter(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): Status | null {
    const s = state.read<PreFilterState>(PRE_FILTER_STATE_KEY);
    if (s === undefined)
      return newStatus("Error", `reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
    const labels = nodeInfo.labels;
    if (!satisfyPodAffinity(s, labels))
      return newStatus("UnschedulableAndUnresolvable", ERR_REASON_AFFINITY_RULES_NOT_MATCH);
    if (!satisfyPodAntiAffinity(s, labels))
      return newStatus("Unschedulable", ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
    if (!satisfyExistingPodsAntiAffinity(s, labels)) {
      return newStatus("Unschedulable", ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
    }
    return null;
  }

  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | null {
    if (nodes.length === 0) return null;
    const spec = pod.pod.spec;
    const hasConstraints =
      (spec?.affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0 ||
      (spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
    if (this.ignorePreferredTermsOfExistingPods && !hasConstraints) return newStatus("Skip");
    if (pod.parseError !== null) return newStatus("Error", `failed to parse pod: ${pod.parseError}`);
    const snapshot = this.handle.snapshot();
    // Unless the pod has preferred terms, only nodes hosting pods with affinity matter.
    const allNodes = hasConstraints ? snapshot.nodeInfoList() : snapshot.havePodsWithAffinityList();
    const preferredAffinity = this.mergeNamespaces(pod.preferredAffinityTerms);
    const preferredAnti = this.mergeNamespaces(pod.preferredAntiAffinityTerms);
    const nsLabels = this.namespaceLabels(pod.namespace);
    const topologyScore = new Map<string, Map<string, number>>();
    const processTerm = (
      term: AffinityTerm,
      weight: number,
      target: Pod,
      targetNsLabels: Record<string, string> | null,
      labels: Record<string, string>,
      multiplier: number,
    ) => {
      if (!affinityTermMatches(term, target, targetNsLabels)) return;
      const tv = labels[term.topologyKey];
      if (tv === undefined) return;
      let m = topologyScore.get(term.topologyKey);
      if (m === undefined) {
        m = new Map();
        topologyScore.set(term.topologyKey, m);
      }
      m.set(tv, (m.get(tv) ?? 0) + weight * multiplier);
    };
    const processTerms = (
      terms: WeightedAffinityTerm[],
      target: Pod,
      targetNsLabels: Record<string, string> | null,
      labels: Record<string, string>,
      multiplier: number,
    ) => {
      for (const t of terms) processTerm(t, t.weight, target, targetNsLabels, labels, multiplier);
    };
    for (const nodeInfo of allNodes) {
      const labels = nodeInfo.labels;
      if (Object.keys(labels).length === 0) continue;
      const podsToProcess = hasConstraints ? nodeInfo.pods : nodeInfo.podsWithAffinity;
      for (const ep of podsToProcess) {
        // processExistingPod
        processTerms(preferredAffinity, ep.pod, null, labels, 1);
        processTerms(preferredAnti, ep.pod, null, labels, -1);
        if (this.hardPodAffinityWeight > 0) {
          for (const t of ep.requiredAffinityTerms)
            processTerm(t, this.hardPodAffinityWeight, pod.pod, nsLabels, labels, 1);
        }
        processTerms(ep.preferredAffinityTerms, pod.pod, nsLabels, labels, 1);
        processTerms(ep.preferredAntiAffinityTerms, pod.pod, nsLabels, labels, -1);
      }
    }
    if (topologyScore.size === 0) return newStatus("Skip");
    state.write(PRE_SCORE_STATE_KEY, new PreScoreState(topologyScore));
    return null;
  }

  score(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): number {
    const s = state.read<PreScoreState>(PRE_SCORE_STATE_KEY);
    if (s === undefined) throw new Error(`reading "${PRE_SCORE_STATE_KEY}" from cycleState: not found`);
    let score = 0;
    for (const [tpKey, values] of s.topologyScore) {
      const v = nodeInfo.labels[tpKey];
      if (v !== undefined) score += values.get(v) ?? 0;
    }
    return score;
  }

  normalizeScore(
    state: CycleState,
    _pod: PodInfo,
    _nodes: readonly NodeInfo[],
    scores: number[],
  ): Status | null {
    const s = state.read<PreScoreState>(PRE_SCORE_STATE_KEY);
    if (s === undefined || s.topologyScore.size === 0) return null;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const x of scores) {
      if (x > max) max = x;
      if (x < min) min = x;
    }
    const diff = max - min;
    for (let i = 0; i < scores.length; i++) {
      scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * (((scores[i] as number) - min) / diff)) : 0;
    }
    return null;
  }

  eventsToRegister(): ClusterEventRegistration[] {
    return [
      { resource: "Pod", actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete },
      { resource: "Node", actionType: ActionType.Add | ActionType.UpdateNodeLabel },
    ];
  }
}

/** `satisfyPodAffinity`. */
function satisfyPodAffinity(s: PreFilterState, labels: Record<string, string>): boolean {
  let podsExist = true;
  for (const t of s.requiredAffinityTerms) {
    const tv = labels[t.topologyKey];
    if (tv === undefined) return false; // every topology label must exist on the node
    if ((s.affinityCounts.get(pairKey(t.topologyKey, tv)) ?? 0) <= 0) podsExist = false;
  }
  if (!podsExist) {
    // The first pod of a group with affinity to itself: allowed when no pod matches anywhere
    // and the pod matches its own terms.
    return s.affinityCounts.size === 0 && podMatchesAllAffinityTerms(s.requiredAffinityTerms, s.pod);
  }
  return true;
}

/** `satisfyPodAntiAffinity`. */
function satisfyPodAntiAffinity(s: PreFilterState, labels: Record<string, string>): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  for (const t of s.requiredAntiAffinityTerms) {
    const tv = labels[t.topologyKey];
    if (tv !== undefined && (s.antiAffinityCounts.get(pairKey(t.topologyKey, tv)) ?? 0) > 0) return false;
  }
  return true;
}

/** `satisfyExistingPodsAntiAffinity`. */
function satisfyExistingPodsAntiAffinity(s: PreFilterState, labels: Record<string, string>): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  for (const k of Object.keys(labels)) {
    if ((s.existingAntiAffinityCounts.get(pairKey(k, labels[k] as string)) ?? 0) > 0) return false;
  }
  return true;
}
