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
  type ResourceSpec,
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

/** `balancedResourceScorer`. */
export function balancedResourceScore(requested: number[], allocatable: number[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (let i = 0; i < requested.length; i++) {
    const a = allocatable[i] as number;
    if (a === 0) continue;
    let f = (requested[i] as number) / a;
    if (f > 1) f = 1;
    total += f;
    fractions.push(f);
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs(((fractions[0] as number) - (fractions[1] as number)) / 2);
  } else if (fractions.length > 2) {
    const mean = total / fractions.length;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / fractions.length);
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

  constructor(args: BalancedAllocationArgs = {}) {
    this.resources = args.resources ?? DEFAULT_RESOURCE_SPECS;
    this.req = new Array(this.resources.length).fill(0);
    this.alloc = new Array(this.resources.length).fill(0);
  }

  preScore(state: CycleState, pod: PodInfo): Status | null {
    state.write(PRE_SCORE_STATE_KEY, new PreScoreState(podResourceRequestList(pod.pod, this.resources)));
    return null;
  }

  score(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const s = state.read<PreScoreState>(PRE_SCORE_STATE_KEY);
    const podReqs = s !== undefined ? s.podRequests : podResourceRequestList(pod.pod, this.resources);
    const out = this.scratch;
    for (let i = 0; i < this.resources.length; i++) {
      allocatableAndRequested(nodeInfo, (this.resources[i] as ResourceSpec).name, podReqs[i] as number, out);
      this.alloc[i] = out[0];
      this.req[i] = out[0] === 0 ? 0 : out[1];
    }
    return balancedResourceScore(this.req, this.alloc);
  }
}
