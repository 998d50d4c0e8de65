/**
 * NodeResourcesFit (`plugins/noderesources/fit.go`, `least_allocated.go`): Filter checks that
 * the node has room for the pod's requests (and one more pod); Score prefers, by default, the
 * least allocated nodes (`LeastAllocated`, cpu and memory weight 1).
 */
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
import { MAX_NODE_SCORE, type NodeInfo, type PodInfo, type Resource } from "../../framework/types";
import {
  allocatableAndRequested,
  DEFAULT_RESOURCE_SPECS,
  podResourceRequestList,
  type ResourceKind,
  type ResourceSpec,
  resourceKind,
} from "../helper/resource-allocation";
import { Names } from "../names";

const PRE_FILTER_STATE_KEY = `PreFilter${Names.NodeResourcesFit}`;
const PRE_SCORE_STATE_KEY = `PreScore${Names.NodeResourcesFit}`;

class PreFilterState implements StateData {
  constructor(readonly request: Resource) {}
  clone(): StateData {
    return this;
  }
}

class PreScoreState implements StateData {
  constructor(readonly podRequests: number[]) {}
  clone(): StateData {
    return this;
  }
}

/** Scoring strategies (`config.ScoringStrategyType`). */
export type ScoringStrategyType = "LeastAllocated" | "MostAllocated";

/** `NodeResourcesFitArgs` (defaults: LeastAllocated on cpu and memory, nothing ignored). */
export interface NodeResourcesFitArgs {
  ignoredResources?: string[];
  ignoredResourceGroups?: string[];
  scoringStrategy?: { type?: ScoringStrategyType; resources?: ResourceSpec[] };
}

/** One resource the node lacks (`InsufficientResource`). */
export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
}

/**
 * `fitsRequest`: "Too many pods" when the node is at its pod capacity, then for each requested
 * resource whose free amount is smaller than the request, "Insufficient <resource>".
 */
export function fitsRequest(
  req: Resource,
  nodeInfo: NodeInfo,
  ignoredResources: ReadonlySet<string> = new Set(),
  ignoredGroups: ReadonlySet<string> = new Set(),
): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const allowedPodNumber = nodeInfo.allocatable.allowedPodNumber;
  if (nodeInfo.pods.length + 1 > allowedPodNumber) {
    out.push({
      resourceName: "pods",
      reason: "Too many pods",
      requested: 1,
      used: nodeInfo.pods.length,
      capacity: allowedPodNumber,
    });
  }
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && req.scalar === null) return out;
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) {
    out.push({
      resourceName: "cpu",
      reason: "Insufficient cpu",
      requested: req.milliCPU,
      used: used.milliCPU,
      capacity: alloc.milliCPU,
    });
  }
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) {
    out.push({
      resourceName: "memory",
      reason: "Insufficient memory",
      requested: req.memory,
      used: used.memory,
      capacity: alloc.memory,
    });
  }
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    out.push({
      resourceName: "ephemeral-storage",
      reason: "Insufficient ephemeral-storage",
      requested: req.ephemeralStorage,
      used: used.ephemeralStorage,
      capacity: alloc.ephemeralStorage,
    });
  }
  if (req.scalar !== null) {
    for (const name of Object.keys(req.scalar)) {
      const q = req.scalar[name] as number;
      if (q === 0) continue;
      // Extended resources (a domain outside kubernetes.io) may be ignored by configuration.
      if (name.includes("/") && !name.includes("kubernetes.io/")) {
        if (ignoredResources.has(name) || ignoredGroups.has(name.split("/")[0] as string)) continue;
      }
      const a = alloc.scalar?.[name] ?? 0;
      const u = used.scalar?.[name] ?? 0;
      if (q > a - u)
        out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: q, used: u, capacity: a });
    }
  }
  return out;
}

/** `leastRequestedScore`: (capacity - requested) × 100 / capacity, 0 when over capacity. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** `mostRequestedScore`: requested × 100 / capacity, capped at 100. */
export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  if (requested > capacity) return MAX_NODE_SCORE;
  return Math.trunc((requested * MAX_NODE_SCORE) / capacity);
}

/** The NodeResourcesFit plugin. */
export class NodeResourcesFit implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  readonly name = Names.NodeResourcesFit;
  private readonly ignoredResources: Set<string>;
  private readonly ignoredGroups: Set<string>;
  private readonly resources: ResourceSpec[];
  private readonly strategy: ScoringStrategyType;
  private readonly scratch: [number, number] = [0, 0];
  private readonly kinds: ResourceKind[];
  // The PreScore state of the cycle being scored, looked up once per cycle rather than per node.
  private memoState: CycleState | null = null;
  private memoRequests: number[] = [];

  constructor(args: NodeResourcesFitArgs = {}) {
    this.ignoredResources = new Set(args.ignoredResources ?? []);
    this.ignoredGroups = new Set(args.ignoredResourceGroups ?? []);
    this.resources = args.scoringStrategy?.resources ?? DEFAULT_RESOURCE_SPECS;
    this.kinds = this.resources.map((r) => resourceKind(r.name));
    this.strategy = args.scoringStrategy?.type ?? "LeastAllocated";
  }

  preFilter(state: CycleState, pod: PodInfo): PreFilterOutcome {
    state.write(PRE_FILTER_STATE_KEY, new PreFilterState(pod.requests));
    return { status: null };
  }

  filter(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | null {
    // The PreFilter state is the pod's request (computePodResourceRequest), which the PodInfo
    // already holds: reading it there saves a cycle-state lookup per node.
    const req = pod.requests;
    // Fast path for the common case: nothing is short (same checks as fitsRequest).
    const alloc = nodeInfo.allocatable;
    const used = nodeInfo.requested;
    if (
      nodeInfo.pods.length + 1 <= alloc.allowedPodNumber &&
      req.milliCPU <= alloc.milliCPU - used.milliCPU &&
      req.memory <= alloc.memory - used.memory &&
      req.ephemeralStorage <= alloc.ephemeralStorage - used.ephemeralStorage &&
      req.scalar === null
    ) {
      return null;
    }
    const insufficient = fitsRequest(req, nodeInfo, this.ignoredResources, this.ignoredGroups);
    if (insufficient.length === 0) return null;
    // v1.32 keeps every reason and always answers Unschedulable (preemption may free room).
    return newStatus("Unschedulable", ...insufficient.map((r) => r.reason));
  }

  private podRequestsFor(state: CycleState, pod: PodInfo): number[] {
    if (this.memoState !== state) {
      const s = state.read<PreScoreState>(PRE_SCORE_STATE_KEY);
      this.memoRequests = s !== undefined ? s.podRequests : podResourceRequestList(pod.pod, this.resources);
      this.memoState = state;
    }
    return this.memoRequests;
  }

  preScore(state: CycleState, pod: PodInfo): Status | null {
    state.write(PRE_SCORE_STATE_KEY, new PreScoreState(podResourceRequestList(pod.pod, this.resources)));
    this.memoState = null;
    return null;
  }

  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const podReqs = this.podRequestsFor(state, pod);
    let nodeScore = 0;
    let weightSum = 0;
    const out = this.scratch;
    for (let i = 0; i < this.resources.length; i++) {
      const r = this.resources[i] as ResourceSpec;
      allocatableAndRequested(nodeInfo, r.name, this.kinds[i] as ResourceKind, podReqs[i] as number, out);
      if (out[0] === 0) continue;
      const resourceScore =
        this.strategy === "LeastAllocated"
          ? leastRequestedScore(out[1], out[0])
          : mostRequestedScore(out[1], out[0]);
      nodeScore += resourceScore * r.weight;
      weightSum += r.weight;
    }
    if (weightSum === 0) return 0;
    return Math.trunc(nodeScore / weightSum);
  }

  scoreNodes(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], out: number[]): void {
    for (let i = 0; i < nodes.length; i++) out.push(this.score(state, pod, nodes[i] as NodeInfo));
  }

  eventsToRegister(): ClusterEventRegistration[] {
    return [
      { resource: "AssignedPod", actionType: ActionType.Delete | ActionType.UpdatePodScaleDown },
      { resource: "Node", actionType: ActionType.Add | ActionType.UpdateNodeAllocatable },
    ];
  }
}
