/**
 * The framework runtime (`pkg/scheduler/framework/runtime/framework.go`): one instance per
 * profile. It instantiates the profile's plugins from a registry, sorts them into extension
 * points, and runs each extension point with the real semantics (Skip handling, early exits,
 * status codes, score weights and range checks).
 *
 * A Framework holds no simulation state (only plugin instances and configuration), so it is
 * rebuilt from the profile after a restore.
 */
import { CycleState } from "./cycle-state";
import type { ClusterEventRegistration } from "./events";
import type {
  Binding,
  BindPlugin,
  FilterPlugin,
  Handle,
  NodeToStatus,
  PermitPlugin,
  Plugin,
  PluginFactory,
  PodNominator,
  PostBindPlugin,
  PostFilterPlugin,
  PostFilterResult,
  PreBindPlugin,
  PreEnqueuePlugin,
  PreFilterPlugin,
  PreScorePlugin,
  QueueSortPlugin,
  ReservePlugin,
  SchedulerListers,
  ScorePlugin,
  Snapshot,
} from "./interface";
import { addPodInfo, cloneNodeInfo } from "./node-info";
import type { Profile } from "./profile";
import { asStatus, isRejected, isSuccess, newStatus, type Status, withPlugin } from "./status";
import { MAX_NODE_SCORE, MIN_NODE_SCORE, type NodeInfo, type PodInfo } from "./types";

/** A registry entry: how to build a plugin and its default arguments. */
export interface PluginRegistration {
  factory: PluginFactory;
  defaultArgs?: Record<string, unknown>;
}

/** The plugin registry (`runtime.Registry`): plugin name → registration. */
export type Registry = Record<string, PluginRegistration>;

/** What a framework needs from its surroundings (the scheduler component provides it). */
export interface FrameworkDeps {
  /** The node snapshot of the cycle being run. */
  snapshot(): Snapshot;
  listers?: SchedulerListers;
  nominator?(): PodNominator | null;
}

/** A score plugin with its weight. */
export interface WeightedScorePlugin {
  plugin: ScorePlugin;
  weight: number;
}

/** The scores of one cycle: per plugin (weighted) and the totals, aligned with `nodes`. */
export interface ScoreTable {
  nodes: readonly NodeInfo[];
  /** One entry per score plugin that ran (plugins whose PreScore returned Skip are absent). */
  plugins: { name: string; weight: number; scores: number[] }[];
  totals: number[];
}

/** The result of `runPreFilterPlugins`. */
export interface PreFilterRun {
  /** Null means all nodes; otherwise only these node names can fit. */
  nodeNames: Set<string> | null;
  status: Status | null;
  unschedulablePlugins: string[];
}

function implementsFn<T>(p: Plugin, fn: string): p is Plugin & T {
  return typeof (p as unknown as Record<string, unknown>)[fn] === "function";
}

/** One profile's framework. */
export class Framework implements Handle {
  readonly profileName: string;
  /** The profile's `percentageOfNodesToScore`, undefined when it defers to the scheduler-wide value. */
  readonly percentageOfNodesToScore: number | undefined;
  readonly listers: SchedulerListers;
  readonly plugins: ReadonlyMap<string, Plugin>;
  readonly queueSortPlugin: QueueSortPlugin | null = null;
  readonly preEnqueuePlugins: PreEnqueuePlugin[] = [];
  readonly preFilterPlugins: PreFilterPlugin[] = [];
  readonly filterPlugins: FilterPlugin[] = [];
  readonly postFilterPlugins: PostFilterPlugin[] = [];
  readonly preScorePlugins: PreScorePlugin[] = [];
  readonly scorePlugins: WeightedScorePlugin[] = [];
  readonly reservePlugins: ReservePlugin[] = [];
  readonly permitPlugins: PermitPlugin[] = [];
  readonly preBindPlugins: PreBindPlugin[] = [];
  readonly bindPlugins: BindPlugin[] = [];
  readonly postBindPlugins: PostBindPlugin[] = [];
  private readonly deps: FrameworkDeps;

  constructor(profile: Profile, registry: Registry, deps: FrameworkDeps) {
    this.profileName = profile.schedulerName;
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore;
    this.deps = deps;
    this.listers = deps.listers ?? {};
    const plugins = new Map<string, Plugin>();
    for (const ref of profile.plugins) {
      if (plugins.has(ref.name)) throw new Error(`plugin "${ref.name}" already registered as "${ref.name}"`);
      const reg = registry[ref.name];
      if (!reg) throw new Error(`plugin "${ref.name}" does not exist`);
      const args = { ...(reg.defaultArgs ?? {}), ...(profile.pluginConfig?.[ref.name] ?? {}) };
      const p = reg.factory(args, this);
      plugins.set(ref.name, p);
      if (implementsFn<QueueSortPlugin>(p, "less")) {
        if (this.queueSortPlugin !== null) throw new Error("only one queue sort plugin can be enabled");
        (this as { queueSortPlugin: QueueSortPlugin | null }).queueSortPlugin = p;
      }
      if (implementsFn<PreEnqueuePlugin>(p, "preEnqueue")) this.preEnqueuePlugins.push(p);
      if (implementsFn<PreFilterPlugin>(p, "preFilter")) this.preFilterPlugins.push(p);
      if (implementsFn<FilterPlugin>(p, "filter")) this.filterPlugins.push(p);
      if (implementsFn<PostFilterPlugin>(p, "postFilter")) this.postFilterPlugins.push(p);
      if (implementsFn<PreScorePlugin>(p, "preScore")) this.preScorePlugins.push(p);
      if (implementsFn<ScorePlugin>(p, "score")) {
        // Score plugins default to weight 1 (`scorePluginWeight`).
        this.scorePlugins.push({ plugin: p, weight: ref.weight && ref.weight > 0 ? ref.weight : 1 });
      }
      if (implementsFn<ReservePlugin>(p, "reserve")) this.reservePlugins.push(p);
      if (implementsFn<PermitPlugin>(p, "permit")) this.permitPlugins.push(p);
      if (implementsFn<PreBindPlugin>(p, "preBind")) this.preBindPlugins.push(p);
      if (implementsFn<BindPlugin>(p, "bind")) this.bindPlugins.push(p);
      if (implementsFn<PostBindPlugin>(p, "postBind")) this.postBindPlugins.push(p);
    }
    this.plugins = plugins;
    if (this.bindPlugins.length === 0) throw new Error("at least one bind plugin is needed");
    if (this.queueSortPlugin === null) throw new Error("one queue sort plugin is needed");
  }

  // --- Handle -------------------------------------------------------------------------------

  snapshot(): Snapshot {
    return this.deps.snapshot();
  }

  nominator(): PodNominator | null {
    return this.deps.nominator?.() ?? null;
  }

  /** The events each plugin registers (`EventsToRegister`), by plugin name. */
  eventsToRegister(): Record<string, ClusterEventRegistration[]> {
    const out: Record<string, ClusterEventRegistration[]> = {};
    for (const [name, p] of this.plugins) out[name] = p.eventsToRegister?.() ?? [];
    return out;
  }

  /** A fresh cycle state for one scheduling attempt. */
  newCycleState(randomInt: (n: number) => number, now = 0): CycleState {
    return new CycleState(randomInt, now);
  }

  // --- PreEnqueue ---------------------------------------------------------------------------

  /** `RunPreEnqueuePlugins`: the first non-success status, with its plugin set. */
  runPreEnqueuePlugins(pod: PodInfo): Status | null {
    for (const p of this.preEnqueuePlugins) {
      const s = p.preEnqueue(pod.pod);
      if (!isSuccess(s)) return withPlugin(s as Status, p.name);
    }
    return null;
  }

  // --- PreFilter / Filter -------------------------------------------------------------------

  /**
   * `RunPreFilterPlugins`. Skip marks the plugin's Filter as skipped for this cycle.
   * UnschedulableAndUnresolvable stops at once; Unschedulable still runs the other PreFilters
   * (preemption may need their state). A PreFilterResult narrowing to no node rejects the pod.
   */
  runPreFilterPlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PreFilterRun {
    let nodeNames: Set<string> | null = null;
    let returnStatus: Status | null = null;
    const pluginsWithNodes: string[] = [];
    const skip = new Set<string>();
    for (const pl of this.preFilterPlugins) {
      let out: { status: Status | null; nodeNames?: Set<string> };
      try {
        out = pl.preFilter(state, pod, nodes);
      } catch (e) {
        out = { status: asStatus(e) };
      }
      const s = out.status;
      if (s && s.code === "Skip") {
        skip.add(pl.name);
        continue;
      }
      if (!isSuccess(s)) {
        const st = s as Status;
        st.plugin = pl.name;
        if (st.code === "UnschedulableAndUnresolvable") {
          state.skipFilterPlugins = skip;
          return { nodeNames: null, status: st, unschedulablePlugins: [] };
        }
        if (st.code === "Unschedulable") {
          returnStatus = st;
          continue;
        }
        const err = newStatus("Error", `running PreFilter plugin "${pl.name}": ${st.reasons.join(", ")}`);
        err.plugin = pl.name;
        return { nodeNames: null, status: err, unschedulablePlugins: [] };
      }
      if (out.nodeNames !== undefined) {
        pluginsWithNodes.push(pl.name);
        nodeNames = nodeNames === null ? new Set(out.nodeNames) : intersect(nodeNames, out.nodeNames);
        if (nodeNames.size === 0) {
          const sorted = [...pluginsWithNodes].sort();
          const msg =
            sorted.length === 1
              ? `node(s) didn't satisfy plugin ${sorted[0]}`
              : `node(s) didn't satisfy plugin(s) [${sorted.join(" ")}] simultaneously`;
          state.skipFilterPlugins = skip;
          return {
            nodeNames,
            status: newStatus("UnschedulableAndUnresolvable", msg),
            unschedulablePlugins: sorted,
          };
        }
      }
    }
    state.skipFilterPlugins = skip;
    return { nodeNames, status: returnStatus, unschedulablePlugins: [...pluginsWithNodes].sort() };
  }

  /** The Filter plugins to run in this cycle (those not skipped by their PreFilter). */
  filtersToRun(state: CycleState): FilterPlugin[] {
    const skip = state.skipFilterPlugins;
    return skip.size === 0 ? this.filterPlugins : this.filterPlugins.filter((p) => !skip.has(p.name));
  }

  /** `RunFilterPlugins`: the first plugin that rejects the node decides; null when all pass. */
  runFilterPlugins(
    state: CycleState,
    pod: PodInfo,
    nodeInfo: NodeInfo,
    plugins?: FilterPlugin[],
  ): Status | null {
    const list = plugins ?? this.filtersToRun(state);
    for (let i = 0; i < list.length; i++) {
      const pl = list[i] as FilterPlugin;
      let s: Status | null;
      try {
        s = pl.filter(state, pod, nodeInfo);
      } catch (e) {
        s = asStatus(e);
      }
      if (s !== null && s.code !== "Success") {
        if (!isRejected(s)) {
          s = newStatus("Error", `running "${pl.name}" filter plugin: ${s.reasons.join(", ")}`);
        }
        s.plugin = pl.name;
        return s;
      }
    }
    return null;
  }

  /**
   * `RunFilterPluginsWithNominatedPods`: when pods of equal or higher priority are nominated to
   * the node, the filters run twice, once as if they were running there and once without them;
   * the pod must fit both ways.
   */
  runFilterPluginsWithNominatedPods(
    state: CycleState,
    pod: PodInfo,
    nodeInfo: NodeInfo,
    plugins?: FilterPlugin[],
  ): Status | null {
    const nominator = this.nominator();
    if (nominator === null || nominator.isEmpty())
      return this.runFilterPlugins(state, pod, nodeInfo, plugins);
    const nominated = nominator.nominatedPodsForNode(nodeInfo.name);
    if (nominated.length === 0) return this.runFilterPlugins(state, pod, nodeInfo, plugins);
    let stateOut: CycleState | null = null;
    let nodeOut: NodeInfo | null = null;
    for (const pi of nominated) {
      if (pi.priority >= pod.priority && pi.key !== pod.key) {
        if (stateOut === null || nodeOut === null) {
          stateOut = state.clone();
          nodeOut = cloneNodeInfo(nodeInfo);
        }
        addPodInfo(nodeOut, pi);
        const s = this.runPreFilterExtensionAddPod(stateOut, pod, pi, nodeOut);
        if (!isSuccess(s)) return s;
      }
    }
    if (stateOut === null || nodeOut === null) return this.runFilterPlugins(state, pod, nodeInfo, plugins);
    const first = this.runFilterPlugins(stateOut, pod, nodeOut, plugins);
    if (first !== null) return first;
    return this.runFilterPlugins(state, pod, nodeInfo, plugins);
  }

  /** `RunPreFilterExtensionAddPod`: tell every (non-skipped) PreFilter plugin a pod was added. */
  runPreFilterExtensionAddPod(
    state: CycleState,
    pod: PodInfo,
    toAdd: PodInfo,
    nodeInfo: NodeInfo,
  ): Status | null {
    for (const pl of this.preFilterPlugins) {
      if (!pl.addPod || state.skipFilterPlugins.has(pl.name)) continue;
      const s = pl.addPod(state, pod, toAdd, nodeInfo);
      if (!isSuccess(s)) {
        return withPlugin(
          newStatus(
            "Error",
            `running AddPod on PreFilter plugin "${pl.name}": ${(s as Status).reasons.join(", ")}`,
          ),
          pl.name,
        );
      }
    }
    return null;
  }

  /** `RunPreFilterExtensionRemovePod`. */
  runPreFilterExtensionRemovePod(
    state: CycleState,
    pod: PodInfo,
    toRemove: PodInfo,
    nodeInfo: NodeInfo,
  ): Status | null {
    for (const pl of this.preFilterPlugins) {
      if (!pl.removePod || state.skipFilterPlugins.has(pl.name)) continue;
      const s = pl.removePod(state, pod, toRemove, nodeInfo);
      if (!isSuccess(s)) {
        return withPlugin(
          newStatus(
            "Error",
            `running RemovePod on PreFilter plugin "${pl.name}": ${(s as Status).reasons.join(", ")}`,
          ),
          pl.name,
        );
      }
    }
    return null;
  }

  // --- PostFilter ---------------------------------------------------------------------------

  /**
   * `RunPostFilterPlugins`: the first success wins; UnschedulableAndUnresolvable stops; otherwise
   * the reasons are gathered under the first rejecting plugin.
   */
  runPostFilterPlugins(
    state: CycleState,
    pod: PodInfo,
    m: NodeToStatus,
  ): { result: PostFilterResult | null; status: Status } {
    let result: PostFilterResult | null = null;
    const reasons: string[] = [];
    let rejector = "";
    for (const pl of this.postFilterPlugins) {
      let r: { result: PostFilterResult | null; status: Status | null };
      try {
        r = pl.postFilter(state, pod, m);
      } catch (e) {
        r = { result: null, status: asStatus(e) };
      }
      const s = r.status;
      if (isSuccess(s)) return { result: r.result, status: s ?? newStatus("Success") };
      const st = s as Status;
      if (st.code === "UnschedulableAndUnresolvable")
        return { result: r.result, status: withPlugin(st, pl.name) };
      if (!isRejected(st))
        return { result: null, status: withPlugin(newStatus("Error", st.reasons.join(", ")), pl.name) };
      if (r.result !== null && r.result.nominatingInfo.mode !== "Noop") result = r.result;
      reasons.push(...st.reasons);
      if (rejector === "") rejector = pl.name;
    }
    return { result, status: withPlugin(newStatus("Unschedulable", ...reasons), rejector) };
  }

  // --- PreScore / Score ---------------------------------------------------------------------

  /** `RunPreScorePlugins`: Skip excludes the plugin's Score; any other failure is an error. */
  runPreScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status | null {
    const skip = new Set<string>();
    for (const pl of this.preScorePlugins) {
      let s: Status | null;
      try {
        s = pl.preScore(state, pod, nodes);
      } catch (e) {
        s = asStatus(e);
      }
      if (s && s.code === "Skip") {
        skip.add(pl.name);
        continue;
      }
      if (!isSuccess(s)) {
        return withPlugin(
          newStatus("Error", `running PreScore plugin "${pl.name}": ${(s as Status).reasons.join(", ")}`),
          pl.name,
        );
      }
    }
    state.skipScorePlugins = skip;
    return null;
  }

  /**
   * `RunScorePlugins`: each plugin scores every node, normalises, and every score must be within
   * [0, 100] before it is multiplied by the plugin weight and added to the node's total.
   */
  runScorePlugins(
    state: CycleState,
    pod: PodInfo,
    nodes: readonly NodeInfo[],
  ): { table: ScoreTable | null; status: Status | null } {
    const n = nodes.length;
    // Plain packed arrays (push, not new Array(n)): they stay fast and serialise as JSON.
    const totals: number[] = [];
    for (let i = 0; i < n; i++) totals.push(0);
    const table: ScoreTable = { nodes, plugins: [], totals };
    for (const { plugin, weight } of this.scorePlugins) {
      if (state.skipScorePlugins.has(plugin.name)) continue;
      const scores: number[] = [];
      try {
        if (plugin.scoreNodes) plugin.scoreNodes(state, pod, nodes, scores);
        else for (let i = 0; i < n; i++) scores.push(plugin.score(state, pod, nodes[i] as NodeInfo));
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        return {
          table: null,
          status: withPlugin(
            newStatus("Error", `running Score plugins: plugin "${plugin.name}" failed with: ${msg}`),
            plugin.name,
          ),
        };
      }
      if (plugin.normalizeScore) {
        const s = plugin.normalizeScore(state, pod, nodes, scores);
        if (!isSuccess(s)) {
          return {
            table: null,
            status: withPlugin(
              newStatus(
                "Error",
                `running Normalize on Score plugins: plugin "${plugin.name}" failed with: ${(s as Status).reasons.join(", ")}`,
              ),
              plugin.name,
            ),
          };
        }
      }
      for (let i = 0; i < n; i++) {
        const score = scores[i] as number;
        if (score > MAX_NODE_SCORE || score < MIN_NODE_SCORE) {
          return {
            table: null,
            status: withPlugin(
              newStatus(
                "Error",
                `applying score defaultWeights on Score plugins: plugin "${plugin.name}" returns an invalid score ${score}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`,
              ),
              plugin.name,
            ),
          };
        }
        const weighted = score * weight;
        scores[i] = weighted;
        totals[i] = (totals[i] as number) + weighted;
      }
      table.plugins.push({ name: plugin.name, weight, scores });
    }
    return { table, status: null };
  }

  // --- Reserve / Permit / PreBind / Bind / PostBind -----------------------------------------

  /** `RunReservePluginsReserve`. */
  runReservePluginsReserve(state: CycleState, pod: PodInfo, nodeName: string): Status | null {
    for (const pl of this.reservePlugins) {
      const s = pl.reserve(state, pod, nodeName);
      if (!isSuccess(s)) {
        const st = s as Status;
        if (isRejected(st)) return withPlugin(st, pl.name);
        return withPlugin(
          newStatus("Error", `running Reserve plugin "${pl.name}": ${st.reasons.join(", ")}`),
          pl.name,
        );
      }
    }
    return null;
  }

  /** `RunReservePluginsUnreserve`: in reverse order. */
  runReservePluginsUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (let i = this.reservePlugins.length - 1; i >= 0; i--) {
      (this.reservePlugins[i] as ReservePlugin).unreserve(state, pod, nodeName);
    }
  }

  /** `RunPermitPlugins` (allow or reject; waiting is not supported in the simulation). */
  runPermitPlugins(state: CycleState, pod: PodInfo, nodeName: string): Status | null {
    for (const pl of this.permitPlugins) {
      const s = pl.permit(state, pod, nodeName);
      if (!isSuccess(s)) {
        const st = s as Status;
        if (isRejected(st)) return withPlugin(st, pl.name);
        return withPlugin(
          newStatus("Error", `running Permit plugin "${pl.name}": ${st.reasons.join(", ")}`),
          pl.name,
        );
      }
    }
    return null;
  }

  /** `RunPreBindPlugins`. */
  runPreBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): Status | null {
    for (const pl of this.preBindPlugins) {
      const s = pl.preBind(state, pod, nodeName);
      if (!isSuccess(s)) {
        const st = s as Status;
        if (isRejected(st)) return withPlugin(st, pl.name);
        return withPlugin(
          newStatus("Error", `running PreBind plugin "${pl.name}": ${st.reasons.join(", ")}`),
          pl.name,
        );
      }
    }
    return null;
  }

  /** `RunBindPlugins`: binders are tried in order until one does not Skip. */
  runBindPlugins(
    state: CycleState,
    pod: PodInfo,
    nodeName: string,
  ): { status: Status | null; binding: Binding | null } {
    for (const pl of this.bindPlugins) {
      const out = pl.bind(state, pod, nodeName);
      if (out.status && out.status.code === "Skip") continue;
      if (!isSuccess(out.status)) {
        const st = out.status as Status;
        return {
          status: withPlugin(
            newStatus("Error", `running Bind plugin "${pl.name}": ${st.reasons.join(", ")}`),
            pl.name,
          ),
          binding: null,
        };
      }
      return out;
    }
    return { status: newStatus("Skip"), binding: null };
  }

  /** `RunPostBindPlugins`. */
  runPostBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (const pl of this.postBindPlugins) pl.postBind(state, pod, nodeName);
  }
}

function intersect(a: Set<string>, b: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const x of a) if (b.has(x)) out.add(x);
  return out;
}
