/**
 * NodeResourcesBalancedAllocation (`plugins/noderesources/balanced_allocation.go`): prefers nodes
 * whose resource usage fractions would be close to each other with the pod on them:
 * score = (1 − standard deviation of the fractions) × 100.
 */
import type { CycleState, StateData } from "../../framework/cycle-state";
import type { PreScorePlugin, ScorePlugin } from "../../framework/interface";
import type { Status } from "../../framework/status";
import { MAX_NODE_SCORE, type NodeInfo, type PodInfo } from "../../framework/types";
import {
  allocatableAndRequested,
  DEFAULT_RESOURCE_SPECS,
  podResourceRequestList,
  type ResourceKind,
  type ResourceSpec,
  resourceKind,
} from "../helper/resource-allocation";
import { Names } from "../names";

const PRE_SCORE_STATE_KEY = `PreScore${Names.NodeResourcesBalancedAllocation}`;

class PreScoreState implements StateData {
  constructor(readonly podRequests: number[]) {}
  clone(): StateData {
    return this;
  }
}

/** `NodeResourcesBalancedAllocationArgs` (default: cpu and memory). */
export interface BalancedAllocationArgs {
  resources?: ResourceSpec[];
}

/** `balancedResourceScorer`: fractions capped at 1; std of two is |f1 − f2| / 2. */
export function balancedResourceScore(requested: number[], allocatable: number[]): number {
  let count = 0;
  let total = 0;
  let f0 = 0;
  let f1 = 0;
  for (let i = 0; i < requested.length; i++) {
    const a = allocatable[i] as number;
    if (a === 0) continue;
    let f = (requested[i] as number) / a;
    if (f > 1) f = 1;
    total += f;
    if (count === 0) f0 = f;
    else if (count === 1) f1 = f;
    count++;
  }
  let std = 0;
  if (count === 2) {
    std = Math.abs((f0 - f1) / 2);
  } else if (count > 2) {
    const mean = total / count;
    let sum = 0;
    for (let i = 0; i < requested.length; i++) {
      const a = allocatable[i] as number;
      if (a === 0) continue;
      let f = (requested[i] as number) / a;
      if (f > 1) f = 1;
      sum += (f - mean) * (f - mean);
    }
    std = Math.sqrt(sum / count);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/** The plugin. */
export class NodeResourcesBalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = Names.NodeResourcesBalancedAllocation;
  private readonly resources: ResourceSpec[];
  private readonly req: number[];
  private readonly alloc: number[];
  private readonly scratch: [number, number] = [0, 0];
  private readonly kinds: ResourceKind[];
  // The PreScore state of the cycle being scored, looked up once per cycle rather than per node.
  private memoState: CycleState | null = null;
  private memoRequests: number[] = [];

  constructor(args: BalancedAllocationArgs = {}) {
    this.resources = args.resources ?? DEFAULT_RESOURCE_SPECS;
    this.kinds = this.resources.map((r) => resourceKind(r.name));
    this.req = new Array(this.resources.length).fill(0);
    this.alloc = new Array(this.resources.length).fill(0);
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
    const out = this.scratch;
    for (let i = 0; i < this.resources.length; i++) {
      allocatableAndRequested(
        nodeInfo,
        (this.resources[i] as ResourceSpec).name,
        this.kinds[i] as ResourceKind,
        podReqs[i] as number,
        out,
      );
      this.alloc[i] = out[0];
      this.req[i] = out[0] === 0 ? 0 : out[1];
    }
    return balancedResourceScore(this.req, this.alloc);
  }

  scoreNodes(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], out: number[]): void {
    for (let i = 0; i < nodes.length; i++) out.push(this.score(state, pod, nodes[i] as NodeInfo));
  }
}
