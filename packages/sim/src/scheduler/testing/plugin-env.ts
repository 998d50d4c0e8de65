/**
 * A small environment to test one plugin inside a real framework and cache: PreFilter then
 * Filter of that plugin on one node, or PreScore + Score + NormalizeScore over some nodes.
 */
import type { Node, Pod } from "kubernetes-types/core/v1";
import { newSchedulerCacheState, SchedulerCache } from "../cache/cache";
import type { CycleState } from "../framework/cycle-state";
import type { Framework } from "../framework/framework";
import type {
  FilterPlugin,
  PreFilterPlugin,
  PreScorePlugin,
  SchedulerListers,
  ScorePlugin,
} from "../framework/interface";
import { newPodInfo } from "../framework/pod-info";
import { defaultProfile, type Profile } from "../framework/profile";
import type { Status } from "../framework/status";
import type { NodeInfo } from "../framework/types";
import { buildFrameworks } from "../profiles";
import { testRandomInt } from "./wrappers";

/** The environment. */
export class PluginEnv {
  readonly cache = new SchedulerCache(newSchedulerCacheState());
  readonly fwk: Framework;

  constructor(
    nodes: Node[],
    pods: Pod[] = [],
    listers: SchedulerListers = {},
    profile: Profile = defaultProfile(),
  ) {
    for (const n of nodes) this.cache.addNode(n);
    for (const p of pods) this.cache.addPod(p);
    const fwk = buildFrameworks({ snapshot: () => this.cache.snapshot(), listers }, [profile]).get(
      profile.schedulerName,
    );
    if (fwk === undefined) throw new Error("no framework");
    this.fwk = fwk;
  }

  node(name: string): NodeInfo {
    const n = this.cache.snapshot().get(name);
    if (n === undefined) throw new Error(`no node ${name}`);
    return n;
  }

  private plugin<T>(name: string): T {
    const p = this.fwk.plugins.get(name);
    if (p === undefined) throw new Error(`no plugin ${name}`);
    return p as T;
  }

  /** Runs the plugin's PreFilter (if any); returns its status and the cycle state. */
  preFilter(
    pluginName: string,
    pod: Pod,
  ): { status: Status | null; state: CycleState; nodeNames?: Set<string> } {
    const state = this.fwk.newCycleState(testRandomInt());
    const p = this.plugin<Partial<PreFilterPlugin>>(pluginName);
    if (!p.preFilter) return { status: null, state };
    const out = p.preFilter(state, newPodInfo(pod), this.cache.snapshot().nodeInfoList());
    return { status: out.status, state, ...(out.nodeNames ? { nodeNames: out.nodeNames } : {}) };
  }

  /** PreFilter then Filter of one plugin on one node (a PreFilter Skip returns "Skip"). */
  filter(pluginName: string, pod: Pod, nodeName: string): Status | null | "Skip" {
    const { status, state } = this.preFilter(pluginName, pod);
    if (status?.code === "Skip") return "Skip";
    if (status !== null && status.code !== "Success") return status;
    return this.plugin<FilterPlugin>(pluginName).filter(state, newPodInfo(pod), this.node(nodeName));
  }

  /** PreScore, Score and NormalizeScore of one plugin over the named nodes (null: PreScore skipped). */
  score(pluginName: string, pod: Pod, nodeNames: string[]): number[] | null {
    const state = this.fwk.newCycleState(testRandomInt());
    const pi = newPodInfo(pod);
    const nodes = nodeNames.map((n) => this.node(n));
    const p = this.plugin<ScorePlugin & Partial<PreScorePlugin>>(pluginName);
    if (p.preScore) {
      const s = p.preScore(state, pi, nodes);
      if (s?.code === "Skip") return null;
    }
    const scores = nodes.map((n) => p.score(state, pi, n));
    p.normalizeScore?.(state, pi, nodes, scores);
    return scores;
  }
}
