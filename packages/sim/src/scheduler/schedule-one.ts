/**
 * One scheduling attempt for one pod (`pkg/scheduler/schedule_one.go`): the scheduling cycle
 * (PreFilter → Filter over a round-robin slice of the nodes → PostFilter when nothing fits →
 * PreScore → Score → select host → assume → Reserve → Permit) followed by the synchronous part
 * of the binding cycle (PreBind → Bind), which yields the `Binding` the scheduler component POSTs.
 *
 * Everything the cycle decided is recorded: for a failure, each rejected node's status (plugin
 * and reasons) and the exact FailedScheduling message; for a success, each score plugin's
 * (weighted) score of each scored node.
 */
import type { Pod } from "kubernetes-types/core/v1";
import type { SchedulerCache } from "./cache/cache";
import type { CycleState } from "./framework/cycle-state";
import {
  addPluginStatus,
  type Diagnosis,
  fitErrorMessage,
  newDiagnosis,
  nodeToStatusLen,
} from "./framework/fit-error";
import type { Framework, ScoreTable } from "./framework/framework";
import type {
  Binding,
  FilterPlugin,
  NodeToStatus,
  NominatingInfo,
  QueuedPodInfo,
} from "./framework/interface";
import { DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE } from "./framework/profile";
import { isRejected, newStatus, type Status, statusMessage } from "./framework/status";
import type { NodeInfo, PodInfo } from "./framework/types";

/** `minFeasibleNodesToFind`: at least this many nodes are checked when the cluster has them. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** `minFeasibleNodesPercentageToFind`: the adaptive percentage never goes below 5 %. */
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
/** `numberOfHighestScoredNodesToReport`. */
export const NUMBER_OF_HIGHEST_SCORED_NODES_TO_REPORT = 3;
/** `ErrNoNodesAvailable`. */
export const ERR_NO_NODES_AVAILABLE = "no nodes available to schedule pods";
/** `validation.NoteLengthLimit`: events longer than this are truncated with " ...". */
export const NOTE_LENGTH_LIMIT = 1024;

/** The scheduler-wide algorithm state that persists across cycles (plain data). */
export interface SchedulerAlgorithmState {
  /** `nextStartNodeIndex`: where the next cycle starts scanning nodes (round robin). */
  nextStartNodeIndex: number;
  /** The scheduler-wide `percentageOfNodesToScore` (0 = adaptive). */
  percentageOfNodesToScore: number;
}

/** A new algorithm state with the v1.32 defaults. */
export function newSchedulerAlgorithmState(
  percentageOfNodesToScore = DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE,
): SchedulerAlgorithmState {
  return { nextStartNodeIndex: 0, percentageOfNodesToScore };
}

/**
 * `numFeasibleNodesToFind`: all nodes below 100; otherwise `percentage` of them (adaptive when 0:
 * 50 − nodes/125, at least 5 %), and never fewer than 100.
 */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage === 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
      percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const numNodes = Math.trunc((numAllNodes * percentage) / 100);
  if (numNodes < MIN_FEASIBLE_NODES_TO_FIND) return MIN_FEASIBLE_NODES_TO_FIND;
  return numNodes;
}

/** A node's score in the result: total and per plugin (weighted). */
export interface NodePluginScores {
  name: string;
  totalScore: number;
  scores: { plugin: string; score: number }[];
}

/** The scores of every scored node of a successful cycle. */
export interface ScoreRecord {
  /** Node names, aligned with `totals` and each plugin's `scores`. */
  nodes: string[];
  plugins: { name: string; weight: number; scores: number[] }[];
  totals: number[];
}

/** What the cycle options carry besides the pod. */
export interface ScheduleOneOptions {
  framework: Framework;
  cache: SchedulerCache;
  algorithm: SchedulerAlgorithmState;
  /** The simulation's seeded generator: an integer in [0, n). */
  randomInt: (n: number) => number;
  /** Virtual time (ms). */
  now: number;
}

/** The pod was placed: the cache assumes it on `suggestedHost`; POST `binding` to bind it. */
export interface ScheduledResult {
  outcome: "Scheduled";
  pod: PodInfo;
  suggestedHost: string;
  /** Nodes checked by Filter (feasible + rejected). */
  evaluatedNodes: number;
  feasibleNodes: number;
  /** The pod as assumed (spec.nodeName set). */
  assumedPod: Pod;
  binding: Binding;
  /** Per-plugin scores; null when a single node was feasible (scoring is skipped then). */
  scores: ScoreRecord | null;
  /** The highest scored nodes, best first (at most 3). */
  topNodes: NodePluginScores[];
  /** Nodes Filter rejected in this cycle, with their statuses. */
  filteredNodes: NodeToStatus;
  /** The Normal `Scheduled` event text. */
  eventMessage: string;
  /** The cycle state (for PostBind or for a component that runs binding later). */
  state: CycleState;
}

/** No node fits (or Reserve/Permit/Bind rejected it): the pod goes back to the queue. */
export interface UnschedulableResult {
  outcome: "Unschedulable";
  pod: PodInfo;
  /** `Unschedulable` for rejections, `SchedulerError` for errors (the PodScheduled condition reason). */
  reason: "Unschedulable" | "SchedulerError";
  /** The FitError / error text: the PodScheduled condition message. */
  message: string;
  /** The Warning `FailedScheduling` event text (the message, truncated at 1024 bytes). */
  eventMessage: string;
  numAllNodes: number;
  diagnosis: Diagnosis;
  /** How `status.nominatedNodeName` must change (preemption sets or clears it); null: unchanged. */
  nominatingInfo: NominatingInfo | null;
  /** Pods the preemption chose to evict (the component deletes them). */
  victims: Pod[];
  /** Lower-priority pods nominated to the preemption's node: clear their `nominatedNodeName`. */
  lowerPriorityNominatedPods: Pod[];
  /** True when the failure happened after assume (binding cycle): the cache forgot the pod. */
  forgotten: boolean;
}

/** The pod was skipped: it is being deleted, or already assumed. */
export interface SkippedResult {
  outcome: "Skipped";
  pod: PodInfo;
  /** The Warning `FailedScheduling` text for a deleting pod; "" for an assumed one. */
  eventMessage: string;
}

/** The outcome of `scheduleOne`. */
export type ScheduleOneResult = ScheduledResult | UnschedulableResult | SkippedResult;

/** `truncateMessage`. */
export function truncateMessage(message: string): string {
  if (message.length <= NOTE_LENGTH_LIMIT) return message;
  const suffix = " ...";
  return message.slice(0, NOTE_LENGTH_LIMIT - suffix.length) + suffix;
}

interface FindResult {
  feasible: NodeInfo[];
  diagnosis: Diagnosis;
  error: Status | null;
}

/** `findNodesThatPassFilters`: scans from `nextStartNodeIndex`, stopping after enough feasible nodes. */
function findNodesThatPassFilters(
  fwk: Framework,
  state: CycleState,
  pod: PodInfo,
  diagnosis: Diagnosis,
  nodes: readonly NodeInfo[],
  alg: SchedulerAlgorithmState,
): { feasible: NodeInfo[]; processed: number; error: Status | null } {
  const numAllNodes = nodes.length;
  let numNodesToFind = numFeasibleNodesToFind(
    fwk.percentageOfNodesToScore ?? alg.percentageOfNodesToScore,
    numAllNodes,
  );
  if (fwk.scorePlugins.length === 0) numNodesToFind = Math.min(1, numAllNodes);
  const feasible: NodeInfo[] = [];
  const start = alg.nextStartNodeIndex;
  if (fwk.filterPlugins.length === 0) {
    for (let i = 0; i < numNodesToFind; i++) feasible.push(nodes[(start + i) % numAllNodes] as NodeInfo);
    return { feasible, processed: feasible.length, error: null };
  }
  const filters: FilterPlugin[] = fwk.filtersToRun(state);
  const nominator = fwk.nominator();
  const withNominated = nominator !== null && !nominator.isEmpty();
  const statuses = diagnosis.nodeToStatus.nodes;
  let processed = 0;
  for (let i = 0; i < numAllNodes; i++) {
    const nodeInfo = nodes[(start + i) % numAllNodes] as NodeInfo;
    const status = withNominated
      ? fwk.runFilterPluginsWithNominatedPods(state, pod, nodeInfo, filters)
      : fwk.runFilterPlugins(state, pod, nodeInfo, filters);
    processed++;
    if (status === null) {
      feasible.push(nodeInfo);
      if (feasible.length >= numNodesToFind) break;
      continue;
    }
    if (status.code === "Error") return { feasible, processed, error: status };
    statuses[nodeInfo.name] = status;
    addPluginStatus(diagnosis, status);
  }
  return { feasible, processed, error: null };
}

/** `findNodesThatFitPod`. */
function findNodesThatFitPod(
  fwk: Framework,
  state: CycleState,
  pod: PodInfo,
  opts: ScheduleOneOptions,
): FindResult {
  const diagnosis = newDiagnosis();
  const allNodes = opts.cache.snapshot().nodeInfoList();
  const pre = fwk.runPreFilterPlugins(state, pod, allNodes);
  diagnosis.unschedulablePlugins = pre.unschedulablePlugins;
  if (pre.status !== null && pre.status.code !== "Success") {
    if (!isRejected(pre.status)) return { feasible: [], diagnosis, error: pre.status };
    // Every node gets the PreFilter status, so that preemption sees them all alike.
    diagnosis.nodeToStatus.absentNodesStatus = pre.status;
    diagnosis.preFilterMsg = statusMessage(pre.status);
    addPluginStatus(diagnosis, pre.status);
    return { feasible: [], diagnosis, error: null };
  }
  // A nominated node (set by an earlier preemption) is tried alone first.
  const nnn = pod.pod.status?.nominatedNodeName;
  if (nnn) {
    const nodeInfo = opts.cache.snapshot().get(nnn);
    if (nodeInfo !== undefined) {
      const saved = opts.algorithm.nextStartNodeIndex;
      const r = findNodesThatPassFilters(fwk, state, pod, diagnosis, [nodeInfo], {
        ...opts.algorithm,
        nextStartNodeIndex: 0,
      });
      opts.algorithm.nextStartNodeIndex = saved;
      if (r.error === null && r.feasible.length > 0) return { feasible: r.feasible, diagnosis, error: null };
    }
  }
  let nodes: readonly NodeInfo[] = allNodes;
  if (pre.nodeNames !== null) {
    const narrowed: NodeInfo[] = [];
    for (const name of pre.nodeNames) {
      const n = opts.cache.snapshot().get(name);
      if (n !== undefined) narrowed.push(n);
    }
    nodes = narrowed;
    diagnosis.nodeToStatus.absentNodesStatus = newStatus(
      "UnschedulableAndUnresolvable",
      `node(s) didn't satisfy plugin(s) [${pre.unschedulablePlugins.join(" ")}]`,
    );
  }
  const r = findNodesThatPassFilters(fwk, state, pod, diagnosis, nodes, opts.algorithm);
  // The start index always moves on, so every node gets its turn across pods.
  if (allNodes.length > 0) {
    opts.algorithm.nextStartNodeIndex = (opts.algorithm.nextStartNodeIndex + r.processed) % allNodes.length;
  }
  return { feasible: r.feasible, diagnosis, error: r.error };
}

/**
 * `selectHost`: the highest total wins; ties are broken uniformly at random (reservoir sampling
 * over the tied nodes, as the Go code does). Returns the winner's index.
 */
function selectHost(totals: number[], randomInt: (n: number) => number): number {
  let best = 0;
  let maxScore = totals[0] as number;
  let cntOfMaxScore = 1;
  for (let i = 1; i < totals.length; i++) {
    const s = totals[i] as number;
    if (s > maxScore) {
      maxScore = s;
      best = i;
      cntOfMaxScore = 1;
    } else if (s === maxScore) {
      cntOfMaxScore++;
      if (randomInt(cntOfMaxScore) === 0) best = i;
    }
  }
  return best;
}

function topNodes(table: ScoreTable, selected: number): NodePluginScores[] {
  // The selected node, then the next best ones (highest total, then list order): a partial
  // selection, as sorting every scored node per cycle would cost more than the cycle itself.
  const picked = [selected];
  while (picked.length < NUMBER_OF_HIGHEST_SCORED_NODES_TO_REPORT && picked.length < table.totals.length) {
    let best = -1;
    for (let i = 0; i < table.totals.length; i++) {
      if (picked.includes(i)) continue;
      if (best < 0 || (table.totals[i] as number) > (table.totals[best] as number)) best = i;
    }
    picked.push(best);
  }
  return picked.map((i) => ({
    name: (table.nodes[i] as NodeInfo).name,
    totalScore: table.totals[i] as number,
    scores: table.plugins.map((p) => ({ plugin: p.name, score: p.scores[i] as number })),
  }));
}

function unschedulable(
  pod: PodInfo,
  status: Status,
  numAllNodes: number,
  diagnosis: Diagnosis,
  message: string,
  nominatingInfo: NominatingInfo | null,
  victims: Pod[] = [],
  forgotten = false,
  lowerPriorityNominatedPods: Pod[] = [],
): UnschedulableResult {
  return {
    outcome: "Unschedulable",
    pod,
    reason: isRejected(status) ? "Unschedulable" : "SchedulerError",
    message,
    eventMessage: truncateMessage(message),
    numAllNodes,
    diagnosis,
    nominatingInfo,
    victims,
    lowerPriorityNominatedPods,
    forgotten,
  };
}

const CLEAR_NOMINATED_NODE: NominatingInfo = { mode: "Override", nominatedNodeName: "" };

/**
 * `ScheduleOne` without the API calls: runs the scheduling cycle and the synchronous binding
 * steps for `queued` and returns what happened. On success the pod is assumed in the cache; the
 * caller POSTs `binding` and, when the apiserver answers, calls `cache.finishBinding` (or, on
 * failure, `handleBindingFailure`).
 */
export function scheduleOne(queued: QueuedPodInfo | PodInfo, opts: ScheduleOneOptions): ScheduleOneResult {
  const fwk = opts.framework;
  const podInfo: PodInfo = "podInfo" in queued ? queued.podInfo : queued;
  const pod = podInfo.pod;
  if (pod.metadata?.deletionTimestamp) {
    return {
      outcome: "Skipped",
      pod: podInfo,
      eventMessage: `skip schedule deleting pod: ${podInfo.namespace}/${podInfo.name}`,
    };
  }
  if (opts.cache.isAssumedPod(pod)) return { outcome: "Skipped", pod: podInfo, eventMessage: "" };

  const state = fwk.newCycleState(opts.randomInt, opts.now);
  const snapshot = opts.cache.snapshot();
  const numAllNodes = snapshot.numNodes();
  if (numAllNodes === 0) {
    const s = newStatus("UnschedulableAndUnresolvable", ERR_NO_NODES_AVAILABLE);
    return unschedulable(podInfo, s, 0, newDiagnosis(), ERR_NO_NODES_AVAILABLE, CLEAR_NOMINATED_NODE);
  }

  const found = findNodesThatFitPod(fwk, state, podInfo, opts);
  if (found.error !== null) {
    return unschedulable(
      podInfo,
      found.error,
      numAllNodes,
      found.diagnosis,
      statusMessage(found.error),
      CLEAR_NOMINATED_NODE,
    );
  }
  const diagnosis = found.diagnosis;
  if (found.feasible.length === 0) {
    // FitError: try PostFilter (preemption) so that a later cycle may fit.
    let nominatingInfo: NominatingInfo | null = CLEAR_NOMINATED_NODE;
    let victims: Pod[] = [];
    let lowerNominated: Pod[] = [];
    if (fwk.postFilterPlugins.length > 0) {
      const pf = fwk.runPostFilterPlugins(state, podInfo, diagnosis.nodeToStatus);
      diagnosis.postFilterMsg = statusMessage(pf.status);
      nominatingInfo = pf.result?.nominatingInfo ?? null;
      victims = pf.result?.victims ?? [];
      lowerNominated = pf.result?.lowerPriorityNominatedPods ?? [];
    }
    const message = fitErrorMessage(numAllNodes, diagnosis);
    return unschedulable(
      podInfo,
      newStatus("Unschedulable"),
      numAllNodes,
      diagnosis,
      message,
      nominatingInfo,
      victims,
      false,
      lowerNominated,
    );
  }

  // Score (skipped when a single node is feasible).
  let host: NodeInfo;
  let scores: ScoreRecord | null = null;
  let top: NodePluginScores[] = [];
  const evaluatedNodes = found.feasible.length + nodeToStatusLen(diagnosis.nodeToStatus);
  if (found.feasible.length === 1) {
    host = found.feasible[0] as NodeInfo;
  } else {
    let table: ScoreTable;
    if (fwk.scorePlugins.length === 0) {
      table = { nodes: found.feasible, plugins: [], totals: found.feasible.map(() => 1) };
    } else {
      const preScore = fwk.runPreScorePlugins(state, podInfo, found.feasible);
      if (preScore !== null)
        return unschedulable(
          podInfo,
          preScore,
          numAllNodes,
          diagnosis,
          statusMessage(preScore),
          CLEAR_NOMINATED_NODE,
        );
      const run = fwk.runScorePlugins(state, podInfo, found.feasible);
      if (run.status !== null || run.table === null) {
        const s = run.status ?? newStatus("Error", "scoring failed");
        return unschedulable(podInfo, s, numAllNodes, diagnosis, statusMessage(s), CLEAR_NOMINATED_NODE);
      }
      table = run.table;
    }
    const idx = selectHost(table.totals, opts.randomInt);
    host = found.feasible[idx] as NodeInfo;
    scores = { nodes: found.feasible.map((n) => n.name), plugins: table.plugins, totals: table.totals };
    top = topNodes(table, idx);
  }
  const suggestedHost = host.name;

  // Assume: the cache counts the pod on the node from now on.
  const assumedPod: Pod = {
    ...pod,
    spec: { ...pod.spec, containers: pod.spec?.containers ?? [], nodeName: suggestedHost },
  };
  // Only spec.nodeName differs, so everything precomputed about the pod still holds.
  const assumedInfo: PodInfo = { ...podInfo, pod: assumedPod };
  const assumeErr = opts.cache.assumePod(assumedPod, assumedInfo);
  if (assumeErr !== null) {
    const s = newStatus("Error", assumeErr);
    return unschedulable(podInfo, s, numAllNodes, diagnosis, assumeErr, CLEAR_NOMINATED_NODE);
  }

  const rejectAfterAssume = (s: Status): UnschedulableResult => {
    fwk.runReservePluginsUnreserve(state, assumedInfo, suggestedHost);
    opts.cache.forgetPod(assumedPod);
    if (isRejected(s)) {
      const d = newDiagnosis();
      d.nodeToStatus.nodes[suggestedHost] = s;
      addPluginStatus(d, s);
      return unschedulable(podInfo, s, 1, d, fitErrorMessage(1, d), CLEAR_NOMINATED_NODE, [], true);
    }
    return unschedulable(
      podInfo,
      s,
      numAllNodes,
      diagnosis,
      statusMessage(s),
      CLEAR_NOMINATED_NODE,
      [],
      true,
    );
  };

  const reserve = fwk.runReservePluginsReserve(state, assumedInfo, suggestedHost);
  if (reserve !== null) return rejectAfterAssume(reserve);
  const permit = fwk.runPermitPlugins(state, assumedInfo, suggestedHost);
  if (permit !== null) return rejectAfterAssume(permit);

  // Binding cycle, synchronous part: PreBind then Bind (which yields the Binding to POST).
  const preBind = fwk.runPreBindPlugins(state, assumedInfo, suggestedHost);
  if (preBind !== null) return rejectAfterAssume(preBind);
  const bind = fwk.runBindPlugins(state, assumedInfo, suggestedHost);
  if (bind.status !== null || bind.binding === null) {
    return rejectAfterAssume(bind.status ?? newStatus("Error", "no binder bound the pod"));
  }
  return {
    outcome: "Scheduled",
    pod: podInfo,
    suggestedHost,
    evaluatedNodes,
    feasibleNodes: found.feasible.length,
    assumedPod,
    binding: bind.binding,
    scores,
    topNodes: top,
    filteredNodes: diagnosis.nodeToStatus,
    eventMessage: `Successfully assigned ${podInfo.namespace}/${podInfo.name} to ${suggestedHost}`,
    state,
  };
}

/**
 * Explains one node for the UI: every Filter plugin's verdict on this node for this pod (the
 * scheduling cycle itself stops at the first rejecting plugin; this runs them all). PreFilter
 * runs first, as in a cycle; plugins skipped by their PreFilter are reported as "Skip".
 */
export function explainNode(
  fwk: Framework,
  podInfo: PodInfo,
  nodeInfo: NodeInfo,
  randomInt: (n: number) => number,
  allNodes: readonly NodeInfo[],
): { plugin: string; code: string; reasons: string[] }[] {
  const state = fwk.newCycleState(randomInt);
  const pre = fwk.runPreFilterPlugins(state, podInfo, allNodes);
  const out: { plugin: string; code: string; reasons: string[] }[] = [];
  if (pre.status !== null && pre.status.code !== "Success") {
    out.push({ plugin: pre.status.plugin, code: pre.status.code, reasons: pre.status.reasons });
    return out;
  }
  for (const pl of fwk.filterPlugins) {
    if (state.skipFilterPlugins.has(pl.name)) {
      out.push({ plugin: pl.name, code: "Skip", reasons: [] });
      continue;
    }
    const s = fwk.runFilterPlugins(state, podInfo, nodeInfo, [pl]);
    out.push({ plugin: pl.name, code: s?.code ?? "Success", reasons: s?.reasons ?? [] });
  }
  return out;
}
