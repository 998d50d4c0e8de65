/**
 * DefaultPreemption (`plugins/defaultpreemption/default_preemption.go` with the evaluator of
 * `framework/preemption/preemption.go`): the PostFilter run when no node fits.
 *
 * 1. The pod must be eligible: not `preemptionPolicy: Never`, and not already waiting for victims
 *    that are terminating on its nominated node.
 * 2. Candidate nodes are those whose filter status was Unschedulable (not
 *    UnschedulableAndUnresolvable: removing pods cannot help there).
 * 3. On each candidate (from a random offset, stopping after max(10 %, 100) candidates), every
 *    lower-priority pod is removed; if the pod then fits, the most important victims are
 *    reprieved one by one as long as it still fits, PDB-violating ones first.
 * 4. The node is chosen by: fewest PDB violations, lowest highest-victim priority, smallest
 *    priority sum, fewest victims, latest start of the highest-priority victims, then order.
 *
 * The result nominates the node and lists the victims; the scheduler component deletes them
 * through the API (with the DisruptionTarget condition) and clears lower-priority nominations.
 */
import type { Pod } from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import type { CycleState } from "../../framework/cycle-state";
import { fitErrorMessage, newDiagnosis } from "../../framework/fit-error";
import type { Handle, NodeToStatus, PostFilterPlugin, PostFilterResult } from "../../framework/interface";
import { addPodInfo, cloneNodeInfo, removePod } from "../../framework/node-info";
import { isSuccess, newStatus, type Status } from "../../framework/status";
import type { NodeInfo, PodInfo } from "../../framework/types";
import { compileLabelSelector, isEmptySelector, selectorMatches } from "../../internal/label-selector";
import { Names } from "../names";

/** The node status of a candidate without lower-priority pods. */
export const NO_VICTIMS_REASON = "No preemption victims found for incoming pod";
/** The status given to every node that is not a candidate. */
export const NOT_HELPFUL_REASON = "Preemption is not helpful for scheduling";

/** `DefaultPreemptionArgs` (defaults: 10 % and 100). */
export interface DefaultPreemptionArgs {
  minCandidateNodesPercentage?: number;
  minCandidateNodesAbsolute?: number;
}

/** A preemption candidate: a node and the pods to evict there, most important first. */
export interface Candidate {
  nodeName: string;
  victims: PodInfo[];
  numPDBViolations: number;
}

/** `GetPodStartTime` as ms; a pod not started yet counts as starting now (later than any start). */
function podStartTime(pod: Pod): number {
  const t = pod.status?.startTime;
  if (!t) return Number.POSITIVE_INFINITY;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/** `util.MoreImportantPod`: higher priority, then earlier start. */
export function moreImportantPod(a: PodInfo, b: PodInfo): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return podStartTime(a.pod) < podStartTime(b.pod);
}

/** `podTerminatingByPreemption`: deleting, with DisruptionTarget=True reason PreemptionByScheduler. */
function podTerminatingByPreemption(pod: Pod): boolean {
  if (!pod.metadata?.deletionTimestamp) return false;
  const c = (pod.status?.conditions ?? []).find((x) => x.type === "DisruptionTarget");
  return c !== undefined && c.status === "True" && c.reason === "PreemptionByScheduler";
}

/** `filterPodsWithPDBViolation`: splits victims (keeping order) into PDB-violating and not. */
export function filterPodsWithPDBViolation(
  pods: PodInfo[],
  pdbs: PodDisruptionBudget[],
): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const pi of pods) {
    let violated = false;
    const labels = pi.pod.metadata?.labels;
    if (labels && Object.keys(labels).length > 0) {
      for (let i = 0; i < pdbs.length; i++) {
        const pdb = pdbs[i] as PodDisruptionBudget;
        if (pdb.metadata?.namespace !== pi.namespace) continue;
        const sel = compileLabelSelector(pdb.spec?.selector);
        // A nil or empty selector matches nothing here.
        if (sel === null || sel.nothing || isEmptySelector(sel) || !selectorMatches(sel, labels)) continue;
        if (pdb.status?.disruptedPods?.[pi.name] !== undefined) continue;
        allowed[i] = (allowed[i] as number) - 1;
        if ((allowed[i] as number) < 0) violated = true;
      }
    }
    (violated ? violating : nonViolating).push(pi);
  }
  return { violating, nonViolating };
}

/** The plugin. */
export class DefaultPreemption implements PostFilterPlugin {
  readonly name = Names.DefaultPreemption;
  private readonly minCandidateNodesPercentage: number;
  private readonly minCandidateNodesAbsolute: number;

  constructor(
    args: DefaultPreemptionArgs,
    private readonly handle: Handle,
  ) {
    this.minCandidateNodesPercentage = args.minCandidateNodesPercentage ?? 10;
    this.minCandidateNodesAbsolute = args.minCandidateNodesAbsolute ?? 100;
  }

  postFilter(
    state: CycleState,
    pod: PodInfo,
    m: NodeToStatus,
  ): { result: PostFilterResult | null; status: Status | null } {
    const { result, status } = this.preempt(state, pod, m);
    // "preemption: " prefixes every message of this plugin.
    if (status !== null && status.reasons.length > 0 && status.reasons.join(", ") !== "") {
      return { result, status: newStatus(status.code, `preemption: ${status.reasons.join(", ")}`) };
    }
    return { result, status };
  }

  /** `calculateNumCandidates`. */
  calculateNumCandidates(numNodes: number): number {
    let n = Math.trunc((numNodes * this.minCandidateNodesPercentage) / 100);
    if (n < this.minCandidateNodesAbsolute) n = this.minCandidateNodesAbsolute;
    if (n > numNodes) n = numNodes;
    return n;
  }

  /** `PodEligibleToPreemptOthers`. */
  podEligibleToPreemptOthers(pod: PodInfo, nominatedNodeStatus: Status | null): string | null {
    if (pod.pod.spec?.preemptionPolicy === "Never") return "not eligible due to preemptionPolicy=Never.";
    const nomNodeName = pod.pod.status?.nominatedNodeName;
    if (nomNodeName) {
      if (nominatedNodeStatus?.code === "UnschedulableAndUnresolvable") return null;
      const nodeInfo = this.handle.snapshot().get(nomNodeName);
      if (nodeInfo) {
        for (const p of nodeInfo.pods) {
          if (p.priority < pod.priority && podTerminatingByPreemption(p.pod)) {
            return "not eligible due to a terminating pod on the nominated node.";
          }
        }
      }
    }
    return null;
  }

  /** `Evaluator.Preempt`. */
  preempt(
    state: CycleState,
    pod: PodInfo,
    m: NodeToStatus,
  ): { result: PostFilterResult | null; status: Status | null } {
    const nnn = pod.pod.status?.nominatedNodeName ?? "";
    const nominatedStatus = nnn ? (m.nodes[nnn] ?? m.absentNodesStatus) : null;
    const notEligible = this.podEligibleToPreemptOthers(pod, nominatedStatus);
    if (notEligible !== null) return { result: null, status: newStatus("Unschedulable", notEligible) };

    const allNodes = this.handle.snapshot().nodeInfoList();
    if (allNodes.length === 0) return { result: null, status: newStatus("Error", "no nodes available") };
    // NodesForStatusCode(Unschedulable): explicit statuses, plus absent nodes when the absent status is Unschedulable.
    const potential: NodeInfo[] = [];
    const absentUnschedulable = m.absentNodesStatus?.code === "Unschedulable";
    for (const n of allNodes) {
      const s = m.nodes[n.name];
      if (s !== undefined ? s.code === "Unschedulable" : absentUnschedulable) potential.push(n);
    }
    let candidates: Candidate[] = [];
    const nodeStatuses: Record<string, Status> = {};
    if (potential.length > 0) {
      const pdbs = this.handle.listers.podDisruptionBudgets?.() ?? [];
      const offset = state.randomInt(potential.length);
      const candidatesNum = this.calculateNumCandidates(potential.length);
      candidates = this.dryRunPreemption(state, pod, potential, pdbs, offset, candidatesNum, nodeStatuses);
    }
    if (candidates.length === 0) {
      const d = newDiagnosis();
      d.nodeToStatus = {
        nodes: nodeStatuses,
        absentNodesStatus: newStatus("UnschedulableAndUnresolvable", NOT_HELPFUL_REASON),
      };
      return {
        result: {
          nominatingInfo: { mode: "Override", nominatedNodeName: "" },
          victims: [],
          lowerPriorityNominatedPods: [],
        },
        status: newStatus("Unschedulable", fitErrorMessage(allNodes.length, d)),
      };
    }
    const best = this.selectCandidate(candidates);
    // getLowerPriorityNominatedPods: they may no longer fit there once the preemptor takes the room.
    const lower = (this.handle.nominator()?.nominatedPodsForNode(best.nodeName) ?? []).filter(
      (p) => p.priority < pod.priority,
    );
    return {
      result: {
        nominatingInfo: { mode: "Override", nominatedNodeName: best.nodeName },
        victims: best.victims.map((v) => v.pod),
        lowerPriorityNominatedPods: lower.map((p) => p.pod),
      },
      status: newStatus("Success"),
    };
  }

  /** `DryRunPreemption`: non-PDB-violating candidates first. */
  dryRunPreemption(
    state: CycleState,
    pod: PodInfo,
    potential: NodeInfo[],
    pdbs: PodDisruptionBudget[],
    offset: number,
    candidatesNum: number,
    nodeStatuses: Record<string, Status>,
  ): Candidate[] {
    const nonViolating: Candidate[] = [];
    const violating: Candidate[] = [];
    for (let i = 0; i < potential.length; i++) {
      const nodeInfoCopy = cloneNodeInfo(potential[(offset + i) % potential.length] as NodeInfo);
      const stateCopy = state.clone();
      const { victims, numPDBViolations, status } = this.selectVictimsOnNode(
        stateCopy,
        pod,
        nodeInfoCopy,
        pdbs,
      );
      if (isSuccess(status) && victims.length > 0) {
        const c: Candidate = { nodeName: nodeInfoCopy.name, victims, numPDBViolations };
        if (numPDBViolations === 0) nonViolating.push(c);
        else violating.push(c);
        if (nonViolating.length > 0 && nonViolating.length + violating.length >= candidatesNum) break;
        continue;
      }
      nodeStatuses[nodeInfoCopy.name] = isSuccess(status)
        ? newStatus("Error", `expected at least one victim pod on node "${nodeInfoCopy.name}"`)
        : (status as Status);
    }
    return [...nonViolating, ...violating];
  }

  /** `SelectVictimsOnNode`. `nodeInfo` and `state` are copies this function may change. */
  selectVictimsOnNode(
    state: CycleState,
    pod: PodInfo,
    nodeInfo: NodeInfo,
    pdbs: PodDisruptionBudget[],
  ): { victims: PodInfo[]; numPDBViolations: number; status: Status | null } {
    const h = this.handle;
    const remove = (pi: PodInfo): Status | null => {
      removePod(nodeInfo, pi.key);
      return h.runPreFilterExtensionRemovePod(state, pod, pi, nodeInfo);
    };
    const add = (pi: PodInfo): Status | null => {
      addPodInfo(nodeInfo, pi);
      return h.runPreFilterExtensionAddPod(state, pod, pi, nodeInfo);
    };
    const potentialVictims = nodeInfo.pods.filter((pi) => pi.priority < pod.priority);
    for (const pi of potentialVictims) {
      const s = remove(pi);
      if (!isSuccess(s)) return { victims: [], numPDBViolations: 0, status: s };
    }
    if (potentialVictims.length === 0) {
      return {
        victims: [],
        numPDBViolations: 0,
        status: newStatus("UnschedulableAndUnresolvable", NO_VICTIMS_REASON),
      };
    }
    // Even without every lower-priority pod the pod does not fit: preemption cannot help here.
    const fits = h.runFilterPluginsWithNominatedPods(state, pod, nodeInfo);
    if (!isSuccess(fits)) return { victims: [], numPDBViolations: 0, status: fits };
    potentialVictims.sort((a, b) => (moreImportantPod(a, b) ? -1 : moreImportantPod(b, a) ? 1 : 0));
    const { violating, nonViolating } = filterPodsWithPDBViolation(potentialVictims, pdbs);
    const victims: PodInfo[] = [];
    let numViolating = 0;
    const reprieve = (pi: PodInfo): { fits: boolean; error: Status | null } => {
      const s = add(pi);
      if (!isSuccess(s)) return { fits: false, error: s };
      const ok = isSuccess(h.runFilterPluginsWithNominatedPods(state, pod, nodeInfo));
      if (!ok) {
        const r = remove(pi);
        if (!isSuccess(r)) return { fits: false, error: r };
        victims.push(pi);
      }
      return { fits: ok, error: null };
    };
    for (const pi of violating) {
      const r = reprieve(pi);
      if (r.error !== null) return { victims: [], numPDBViolations: 0, status: r.error };
      if (!r.fits) numViolating++;
    }
    for (const pi of nonViolating) {
      const r = reprieve(pi);
      if (r.error !== null) return { victims: [], numPDBViolations: 0, status: r.error };
    }
    if (violating.length > 0 && nonViolating.length > 0) {
      victims.sort((a, b) => (moreImportantPod(a, b) ? -1 : moreImportantPod(b, a) ? 1 : 0));
    }
    return { victims, numPDBViolations: numViolating, status: newStatus("Success") };
  }

  /** `SelectCandidate` / `pickOneNodeForPreemption`. */
  selectCandidate(candidates: Candidate[]): Candidate {
    if (candidates.length === 1) return candidates[0] as Candidate;
    const scoreFuncs: ((c: Candidate) => number)[] = [
      (c) => -c.numPDBViolations,
      (c) => -(c.victims[0]?.priority ?? 0),
      // MaxInt32+1 is added to each priority so that negative priorities still sum sensibly.
      (c) => -c.victims.reduce((sum, v) => sum + v.priority + 2147483648, 0),
      (c) => -c.victims.length,
      (c) => {
        // The earliest start among the highest-priority victims; later is better.
        let earliest = Number.POSITIVE_INFINITY;
        let maxPriority = Number.NEGATIVE_INFINITY;
        for (const v of c.victims) {
          const t = podStartTime(v.pod);
          if (v.priority === maxPriority) earliest = Math.min(earliest, t);
          else if (v.priority > maxPriority) {
            maxPriority = v.priority;
            earliest = t;
          }
        }
        return earliest === Number.POSITIVE_INFINITY ? Number.MAX_VALUE : earliest;
      },
    ];
    let all = candidates;
    for (const f of scoreFuncs) {
      let max = Number.NEGATIVE_INFINITY;
      let selected: Candidate[] = [];
      for (const c of all) {
        const s = f(c);
        if (s > max) {
          max = s;
          selected = [];
        }
        if (s === max) selected.push(c);
      }
      if (selected.length === 1) return selected[0] as Candidate;
      all = selected;
    }
    return all[0] as Candidate;
  }
}

/** The condition the scheduler puts on a victim before deleting it (`PreemptPod`). */
export function preemptionDisruptionCondition(schedulerName: string): {
  type: "DisruptionTarget";
  status: "True";
  reason: "PreemptionByScheduler";
  message: string;
} {
  return {
    type: "DisruptionTarget",
    status: "True",
    reason: "PreemptionByScheduler",
    message: `${schedulerName}: preempting to accommodate a higher priority pod`,
  };
}

/** The Normal `Preempted` event message recorded on each victim. */
export function preemptedEventMessage(preemptorUID: string, nodeName: string): string {
  return `Preempted by pod ${preemptorUID} on node ${nodeName}`;
}
