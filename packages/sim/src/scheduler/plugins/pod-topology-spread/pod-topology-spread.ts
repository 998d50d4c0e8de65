/**
 * PodTopologySpread (`plugins/podtopologyspread/{plugin,common,filtering,scoring}.go`).
 *
 * Filter (DoNotSchedule constraints): placing the pod in the node's domain must keep
 * `matching pods in the domain + (1 if the pod itself matches) − global minimum ≤ maxSkew`,
 * the global minimum counting as 0 while fewer than `minDomains` domains exist. A node without
 * the topology label is rejected (UnschedulableAndUnresolvable, "(missing required label)").
 *
 * Score (ScheduleAnyway constraints, or the system defaults when the pod has no constraints:
 * hostname maxSkew 3 and zone maxSkew 5, over the pods selected by the pod's Services and
 * controller): fewer matching pods in the node's domains, higher score.
 */
import type { TopologySpreadConstraint } from "kubernetes-types/core/v1";
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
import { newStatus, type Status } from "../../framework/status";
import { MAX_NODE_SCORE, type NodeInfo, type Pod, type PodInfo } from "../../framework/types";
import {
  addRequirements,
  compileLabelSelector,
  isEmptySelector,
  type Requirement,
  type Selector,
  selectorMatches,
} from "../../internal/label-selector";
import {
  getRequiredNodeAffinity,
  type RequiredNodeAffinity,
  requiredNodeAffinityMatches,
} from "../../internal/node-affinity";
import { findMatchingUntoleratedTaint, isDoNotScheduleTaint } from "../../internal/taints";
import { defaultSelector } from "../helper/spread";
import { Names } from "../names";

/** `ErrReasonConstraintsNotMatch`. */
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
/** `ErrReasonNodeLabelNotMatch`. */
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

const LABEL_HOSTNAME = "kubernetes.io/hostname";
const PRE_FILTER_STATE_KEY = `PreFilter${Names.PodTopologySpread}`;
const PRE_SCORE_STATE_KEY = `PreScore${Names.PodTopologySpread}`;

/** `systemDefaultConstraints` (`plugins/podtopologyspread/plugin.go`). */
export const SYSTEM_DEFAULT_CONSTRAINTS: TopologySpreadConstraint[] = [
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: "ScheduleAnyway", maxSkew: 3 },
  { topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", maxSkew: 5 },
];

/** `PodTopologySpreadArgs` (default: `defaultingType: System`). */
export interface PodTopologySpreadArgs {
  defaultConstraints?: TopologySpreadConstraint[];
  defaultingType?: "System" | "List";
}

/** `topologySpreadConstraint`: a constraint with its compiled selector and defaulted policies. */
interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  nodeAffinityPolicy: "Honor" | "Ignore";
  nodeTaintsPolicy: "Honor" | "Ignore";
}

/** `nodeLabelsMatchSpreadConstraints`: the node has every constraint's topology key. */
function nodeHasAllKeys(labels: Record<string, string>, constraints: Constraint[]): boolean {
  for (const c of constraints) if (labels[c.topologyKey] === undefined) return false;
  return true;
}

/** `matchNodeInclusionPolicies`. */
function matchNodeInclusionPolicies(
  c: Constraint,
  pod: Pod,
  nodeInfo: NodeInfo,
  required: RequiredNodeAffinity,
): boolean {
  if (
    c.nodeAffinityPolicy === "Honor" &&
    !requiredNodeAffinityMatches(required, nodeInfo.labels, nodeInfo.name)
  )
    return false;
  if (c.nodeTaintsPolicy === "Honor") {
    if (findMatchingUntoleratedTaint(nodeInfo.taints, pod.spec?.tolerations, isDoNotScheduleTaint) !== null)
      return false;
  }
  return true;
}

/** `countPodsMatchSelector`: pods in the namespace matching the selector, terminating pods excluded. */
function countPodsMatchSelector(nodeInfo: NodeInfo, selector: Selector, ns: string): number {
  if (isEmptySelector(selector)) return 0;
  let count = 0;
  for (const p of nodeInfo.pods) {
    if (p.pod.metadata?.deletionTimestamp || p.namespace !== ns) continue;
    if (selectorMatches(selector, p.pod.metadata?.labels)) count++;
  }
  return count;
}

/** `criticalPaths`: the two domains with the fewest matching pods (kept as the Go code keeps them). */
type CriticalPaths = [{ value: string; num: number }, { value: string; num: number }];

function newCriticalPaths(): CriticalPaths {
  return [
    { value: "", num: 2147483647 },
    { value: "", num: 2147483647 },
  ];
}

function updateCriticalPaths(p: CriticalPaths, tpVal: string, num: number): void {
  let i = -1;
  if (tpVal === p[0].value) i = 0;
  else if (tpVal === p[1].value) i = 1;
  if (i >= 0) {
    p[i]!.num = num;
    if (p[0].num > p[1].num) {
      const t = p[0];
      p[0] = p[1];
      p[1] = t;
    }
  } else if (num < p[0].num) {
    p[1] = p[0];
    p[0] = { value: tpVal, num };
  } else if (num < p[1].num) {
    p[1] = { value: tpVal, num };
  }
}

class PreFilterState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    readonly tpValueToMatchNum: Map<string, number>[],
    readonly criticalPaths: CriticalPaths[],
  ) {}

  clone(): StateData {
    return new PreFilterState(
      this.constraints,
      this.tpValueToMatchNum.map((m) => new Map(m)),
      this.criticalPaths.map((p) => [{ ...p[0] }, { ...p[1] }] as CriticalPaths),
    );
  }
}

class PreScoreState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    readonly ignoredNodes: Set<string>,
    readonly topologyValueToPodCounts: Map<string, number>[],
    readonly topologyNormalizingWeight: number[],
  ) {}
  clone(): StateData {
    return this;
  }
}

/** The plugin. */
export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = Names.PodTopologySpread;
  private readonly defaultConstraints: TopologySpreadConstraint[];
  private readonly systemDefaulted: boolean;

  constructor(
    args: PodTopologySpreadArgs,
    private readonly handle: Handle,
  ) {
    this.systemDefaulted = (args.defaultingType ?? "System") === "System";
    this.defaultConstraints = this.systemDefaulted
      ? SYSTEM_DEFAULT_CONSTRAINTS
      : (args.defaultConstraints ?? []);
  }

  /** `filterTopologySpreadConstraints`: the constraints with the given action, `matchLabelKeys` merged in. */
  private filterConstraints(constraints: TopologySpreadConstraint[], pod: Pod, action: string): Constraint[] {
    const out: Constraint[] = [];
    const podLabels = pod.metadata?.labels ?? {};
    for (const c of constraints) {
      if (c.whenUnsatisfiable !== action) continue;
      let selector = compileLabelSelector(c.labelSelector);
      if (selector === null)
        throw new Error(
          `invalid labelSelector in topology spread constraint ${JSON.stringify(c.topologyKey)}`,
        );
      if ((c.matchLabelKeys?.length ?? 0) > 0) {
        const extra: Requirement[] = [];
        for (const k of c.matchLabelKeys ?? []) {
          const v = podLabels[k];
          if (v !== undefined) extra.push({ key: k, operator: "In", values: [v] });
        }
        selector = addRequirements(selector, extra);
      }
      out.push({
        maxSkew: c.maxSkew,
        topologyKey: c.topologyKey,
        selector,
        minDomains: c.minDomains ?? 1,
        nodeAffinityPolicy: (c.nodeAffinityPolicy as "Honor" | "Ignore" | undefined) ?? "Honor",
        nodeTaintsPolicy: (c.nodeTaintsPolicy as "Honor" | "Ignore" | undefined) ?? "Ignore",
      });
    }
    return out;
  }

  /** `getConstraints`: the pod's own constraints, else the defaults over `DefaultSelector`. */
  private constraintsFor(pod: Pod, action: "DoNotSchedule" | "ScheduleAnyway"): Constraint[] {
    const own = pod.spec?.topologySpreadConstraints ?? [];
    if (own.length > 0) return this.filterConstraints(own, pod, action);
    const constraints = this.filterConstraints(this.defaultConstraints, pod, action);
    if (constraints.length === 0) return constraints;
    const selector = defaultSelector(pod, this.handle.listers);
    if (isEmptySelector(selector)) return [];
    for (const c of constraints) c.selector = selector;
    return constraints;
  }

  preFilter(state: CycleState, pod: PodInfo): PreFilterOutcome {
    const constraints = this.constraintsFor(pod.pod, "DoNotSchedule");
    if (constraints.length === 0) return { status: newStatus("Skip") };
    const required = getRequiredNodeAffinity(pod.pod);
    const tpValueToMatchNum = constraints.map(() => new Map<string, number>());
    for (const nodeInfo of this.handle.snapshot().nodeInfoList()) {
      if (!nodeHasAllKeys(nodeInfo.labels, constraints)) continue;
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i] as Constraint;
        if (!matchNodeInclusionPolicies(c, pod.pod, nodeInfo, required)) continue;
        const value = nodeInfo.labels[c.topologyKey] as string;
        const m = tpValueToMatchNum[i] as Map<string, number>;
        m.set(value, (m.get(value) ?? 0) + countPodsMatchSelector(nodeInfo, c.selector, pod.namespace));
      }
    }
    const criticalPaths = constraints.map(() => newCriticalPaths());
    for (let i = 0; i < constraints.length; i++) {
      for (const [value, num] of tpValueToMatchNum[i] as Map<string, number>)
        updateCriticalPaths(criticalPaths[i] as CriticalPaths, value, num);
    }
    state.write(PRE_FILTER_STATE_KEY, new PreFilterState(constraints, tpValueToMatchNum, criticalPaths));
    return { status: null };
  }

  private updateWithPod(
    state: CycleState,
    preemptor: PodInfo,
    updated: PodInfo,
    nodeInfo: NodeInfo,
    delta: number,
  ): Status | null {
    const s = state.read<PreFilterState>(PRE_FILTER_STATE_KEY);
    if (s === undefined)
      return newStatus("Error", `reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
    if (updated.namespace !== preemptor.namespace || nodeInfo.node === null) return null;
    if (!nodeHasAllKeys(nodeInfo.labels, s.constraints)) return null;
    const required = getRequiredNodeAffinity(preemptor.pod);
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i] as Constraint;
      if (!selectorMatches(c.selector, updated.pod.metadata?.labels)) continue;
      if (!matchNodeInclusionPolicies(c, preemptor.pod, nodeInfo, required)) continue;
      const v = nodeInfo.labels[c.topologyKey] as string;
      const m = s.tpValueToMatchNum[i] as Map<string, number>;
      const n = (m.get(v) ?? 0) + delta;
      m.set(v, n);
      updateCriticalPaths(s.criticalPaths[i] as CriticalPaths, v, n);
    }
    return null;
  }

  addPod(state: CycleState, pod: PodInfo, toAdd: PodInfo, nodeInfo: NodeInfo): Status | null {
    return this.updateWithPod(state, pod, toAdd, nodeInfo, 1);
  }

  removePod(state: CycleState, pod: PodInfo, toRemove: PodInfo, nodeInfo: NodeInfo): Status | null {
    return this.updateWithPod(state, pod, toRemove, nodeInfo, -1);
  }

  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | null {
    const s = state.read<PreFilterState>(PRE_FILTER_STATE_KEY);
    if (s === undefined)
      return newStatus("Error", `reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
    const podLabels = pod.pod.metadata?.labels;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i] as Constraint;
      const tpVal = nodeInfo.labels[c.topologyKey];
      if (tpVal === undefined)
        return newStatus("UnschedulableAndUnresolvable", ERR_REASON_NODE_LABEL_NOT_MATCH);
      const m = s.tpValueToMatchNum[i] as Map<string, number>;
      // minMatchNum: the global minimum, taken as 0 while there are fewer domains than minDomains.
      let minMatchNum = (s.criticalPaths[i] as CriticalPaths)[0].num;
      if (m.size < c.minDomains) minMatchNum = 0;
      const selfMatchNum = selectorMatches(c.selector, podLabels) ? 1 : 0;
      const matchNum = m.get(tpVal) ?? 0;
      if (matchNum + selfMatchNum - minMatchNum > c.maxSkew)
        return newStatus("Unschedulable", ERR_REASON_CONSTRAINTS_NOT_MATCH);
    }
    return null;
  }

  preScore(state: CycleState, pod: PodInfo, filteredNodes: readonly NodeInfo[]): Status | null {
    const allNodes = this.handle.snapshot().nodeInfoList();
    if (filteredNodes.length === 0 || allNodes.length === 0) return newStatus("Skip");
    // Only require every topology label with non-default constraints, so nodes without a zone
    // label still get hostname spreading.
    const requireAllTopologies =
      (pod.pod.spec?.topologySpreadConstraints?.length ?? 0) > 0 || !this.systemDefaulted;
    const constraints = this.constraintsFor(pod.pod, "ScheduleAnyway");
    if (constraints.length === 0) return newStatus("Skip");
    // initPreScoreState
    const ignoredNodes = new Set<string>();
    const counts = constraints.map(() => new Map<string, number>());
    const topoSize = constraints.map(() => 0);
    for (const nodeInfo of filteredNodes) {
      if (requireAllTopologies && !nodeHasAllKeys(nodeInfo.labels, constraints)) {
        ignoredNodes.add(nodeInfo.name);
        continue;
      }
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i] as Constraint;
        if (c.topologyKey === LABEL_HOSTNAME) continue; // per-node counts are taken in Score
        const value = nodeInfo.labels[c.topologyKey] ?? "";
        const m = counts[i] as Map<string, number>;
        if (!m.has(value)) {
          m.set(value, 0);
          topoSize[i] = (topoSize[i] as number) + 1;
        }
      }
    }
    const weights = constraints.map((c, i) => {
      const size =
        c.topologyKey === LABEL_HOSTNAME ? filteredNodes.length - ignoredNodes.size : (topoSize[i] as number);
      return Math.log(size + 2); // topologyNormalizingWeight
    });
    const required = getRequiredNodeAffinity(pod.pod);
    for (const nodeInfo of allNodes) {
      if (requireAllTopologies && !nodeHasAllKeys(nodeInfo.labels, constraints)) continue;
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i] as Constraint;
        if (!matchNodeInclusionPolicies(c, pod.pod, nodeInfo, required)) continue;
        const value = nodeInfo.labels[c.topologyKey] ?? "";
        const m = counts[i] as Map<string, number>;
        const cur = m.get(value);
        // Only domains of candidate nodes are counted.
        if (cur === undefined) continue;
        m.set(value, cur + countPodsMatchSelector(nodeInfo, c.selector, pod.namespace));
      }
    }
    state.write(PRE_SCORE_STATE_KEY, new PreScoreState(constraints, ignoredNodes, counts, weights));
    return null;
  }

  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const s = state.read<PreScoreState>(PRE_SCORE_STATE_KEY);
    if (s === undefined) throw new Error(`reading "${PRE_SCORE_STATE_KEY}" from cycleState: not found`);
    if (s.ignoredNodes.has(nodeInfo.name)) return 0;
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i] as Constraint;
      const tpVal = nodeInfo.labels[c.topologyKey];
      if (tpVal === undefined) continue;
      const cnt =
        c.topologyKey === LABEL_HOSTNAME
          ? countPodsMatchSelector(nodeInfo, c.selector, pod.namespace)
          : ((s.topologyValueToPodCounts[i] as Map<string, number>).get(tpVal) ?? 0);
      // scoreForCount: cnt × weight + (maxSkew − 1).
      score += cnt * (s.topologyNormalizingWeight[i] as number) + (c.maxSkew - 1);
    }
    return Math.round(score);
  }

  normalizeScore(
    state: CycleState,
    _pod: PodInfo,
    nodes: readonly NodeInfo[],
    scores: number[],
  ): Status | null {
    const s = state.read<PreScoreState>(PRE_SCORE_STATE_KEY);
    if (s === undefined) return null;
    let min = Number.MAX_SAFE_INTEGER;
    let max = 0;
    const ignored: boolean[] = nodes.map((n) => s.ignoredNodes.has(n.name));
    for (let i = 0; i < scores.length; i++) {
      if (ignored[i]) continue;
      const x = scores[i] as number;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    for (let i = 0; i < scores.length; i++) {
      if (ignored[i]) {
        scores[i] = 0;
        continue;
      }
      if (max === 0) {
        scores[i] = MAX_NODE_SCORE;
        continue;
      }
      scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - (scores[i] as number))) / max);
    }
    return null;
  }

  eventsToRegister(): ClusterEventRegistration[] {
    return [
      { resource: "Pod", actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete },
      {
        resource: "Node",
        actionType:
          ActionType.Add | ActionType.Delete | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint,
      },
    ];
  }
}
