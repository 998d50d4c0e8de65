/**
 * The scheduling queue (`pkg/scheduler/backend/queue/scheduling_queue.go`, `PriorityQueue`):
 *
 * - activeQ: pods ready to be scheduled, ordered by the QueueSort plugin (priority, then the time
 *   they were queued);
 * - backoffQ: pods that failed and wait out their back-off, 1 s doubling up to 10 s
 *   (`podInitialBackoffSeconds`, `podMaxBackoffSeconds`), ordered by back-off expiry and moved
 *   to activeQ by `flushBackoffQCompleted` (the Go queue runs it every second);
 * - unschedulablePods: pods no node fits; a cluster event that one of the plugins which rejected
 *   the pod registered for moves it back (to backoffQ while its back-off runs, else activeQ);
 *   `flushUnschedulablePodsLeftover` (every 30 s) moves pods left there more than 5 min
 *   (`DefaultPodMaxInUnschedulablePodsDuration`).
 *
 * Events are matched as the v1.32 queue does with queueing hints, every registered event
 * counting as `Queue` (no plugin-specific hint functions). Time is virtual and passed in; all
 * state is plain data (`SchedulingQueueState`).
 */
import type { Pod } from "kubernetes-types/core/v1";
import {
  ActionType,
  type ClusterEvent,
  type ClusterEventRegistration,
  clusterEvent,
  EVENT_ASSIGNED_POD_ADD,
  EVENT_FORCE_ACTIVATE,
  EVENT_UNSCHEDULABLE_TIMEOUT,
  isWildCard,
  matchClusterEvents,
  podUpdateEvents,
} from "../framework/events";
import type { NominatingInfo, PodNominator, QueuedPodInfo } from "../framework/interface";
import { affinityTermMatches, newPodInfo, podKey } from "../framework/pod-info";
import type { Status } from "../framework/status";
import type { PodInfo } from "../framework/types";
import { heapPop, heapPush, heapRemoveAt } from "./heap";
import {
  addNominatedPod,
  deleteNominatedPod,
  type NominatorState,
  newNominatorState,
  nominatorView,
} from "./nominator";

/** `DefaultPodInitialBackoffDuration`: 1 s (`podInitialBackoffSeconds`). */
export const DEFAULT_POD_INITIAL_BACKOFF_MS = 1_000;
/** `DefaultPodMaxBackoffDuration`: 10 s (`podMaxBackoffSeconds`). */
export const DEFAULT_POD_MAX_BACKOFF_MS = 10_000;
/** `DefaultPodMaxInUnschedulablePodsDuration`: 5 min. */
export const DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS = 5 * 60_000;
/** The period of `flushBackoffQCompleted` in the Go queue (`wait.Until(..., 1.0*time.Second)`). */
export const BACKOFF_Q_FLUSH_PERIOD_MS = 1_000;
/** The period of `flushUnschedulablePodsLeftover` (`wait.Until(..., 30*time.Second)`). */
export const UNSCHEDULABLE_PODS_FLUSH_PERIOD_MS = 30_000;

/** Where a queued pod is. */
export type QueueName = "activeQ" | "backoffQ" | "unschedulablePods";

/** The queue's whole state, JSON-serialisable. */
export interface SchedulingQueueState {
  activeQ: QueuedPodInfo[];
  backoffQ: QueuedPodInfo[];
  unschedulablePods: Record<string, QueuedPodInfo>;
  /** Pod key → its queue (absent when not queued, e.g. in flight). */
  location: Record<string, QueueName>;
  /** Pods popped and not yet done, with the cluster events seen meanwhile. */
  inFlight: Record<string, ClusterEvent[]>;
  /** Incremented by every Pop. */
  schedulingCycle: number;
  nominator: NominatorState;
  podInitialBackoffMs: number;
  podMaxBackoffMs: number;
  podMaxInUnschedulablePodsDurationMs: number;
}

/** Queue parameters (defaults from `pkg/scheduler/apis/config/v1/defaults.go`). */
export interface SchedulingQueueOptions {
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  podMaxInUnschedulablePodsDurationMs?: number;
}

/** An empty queue. */
export function newSchedulingQueueState(opts: SchedulingQueueOptions = {}): SchedulingQueueState {
  return {
    activeQ: [],
    backoffQ: [],
    unschedulablePods: {},
    location: {},
    inFlight: {},
    schedulingCycle: 0,
    nominator: newNominatorState(),
    podInitialBackoffMs: opts.podInitialBackoffMs ?? DEFAULT_POD_INITIAL_BACKOFF_MS,
    podMaxBackoffMs: opts.podMaxBackoffMs ?? DEFAULT_POD_MAX_BACKOFF_MS,
    podMaxInUnschedulablePodsDurationMs:
      opts.podMaxInUnschedulablePodsDurationMs ?? DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS,
  };
}

/** What the queue needs from the scheduler's profiles (code, not state). */
export interface SchedulingQueueHooks {
  /** The QueueSort plugin's `Less` (all profiles must share one). */
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
  /** Runs the PreEnqueue plugins of the pod's profile; a non-null status gates the pod. */
  runPreEnqueue(pod: PodInfo): Status | null;
  /** The events each plugin of the profile `schedulerName` registered, by plugin name. */
  eventsToRegister(schedulerName: string): Record<string, ClusterEventRegistration[]>;
}

type Strategy = "skip" | "afterBackoff" | "immediately";

/** The queue operations over a `SchedulingQueueState`. */
export class SchedulingQueue {
  private readonly backoffLess = (a: QueuedPodInfo, b: QueuedPodInfo) =>
    this.backoffTime(a) < this.backoffTime(b);

  constructor(
    readonly state: SchedulingQueueState,
    private readonly hooks: SchedulingQueueHooks,
  ) {}

  // --- helpers ------------------------------------------------------------------------------

  /** `calculateBackoffDuration`: initial × 2^(attempts-1), capped at the max. */
  backoffDuration(p: QueuedPodInfo): number {
    if (p.attempts === 0) return 0;
    let d = this.state.podInitialBackoffMs;
    const max = this.state.podMaxBackoffMs;
    for (let i = 1; i < p.attempts; i++) {
      if (d > max - d) return max;
      d += d;
    }
    return d;
  }

  /** `getBackoffTime`: when the pod's back-off ends. */
  backoffTime(p: QueuedPodInfo): number {
    return p.timestamp + this.backoffDuration(p);
  }

  /** `isPodBackingoff`: gated pods never back off. */
  isPodBackingoff(p: QueuedPodInfo, now: number): boolean {
    if (p.gated) return false;
    return this.backoffTime(p) > now;
  }

  private newQueuedPodInfo(pod: Pod, now: number, podInfo?: PodInfo): QueuedPodInfo {
    return {
      podInfo: podInfo ?? newPodInfo(pod),
      timestamp: now,
      attempts: 0,
      initialAttemptTimestamp: null,
      unschedulablePlugins: [],
      pendingPlugins: [],
      gated: false,
      gatingPlugin: "",
    };
  }

  private removeFrom(key: string): QueuedPodInfo | null {
    const where = this.state.location[key];
    if (where === undefined) return null;
    delete this.state.location[key];
    if (where === "unschedulablePods") {
      const p = this.state.unschedulablePods[key] ?? null;
      delete this.state.unschedulablePods[key];
      return p;
    }
    const heap = where === "activeQ" ? this.state.activeQ : this.state.backoffQ;
    const i = heap.findIndex((p) => p.podInfo.key === key);
    if (i < 0) return null;
    return heapRemoveAt(heap, i, where === "activeQ" ? this.hooks.less : this.backoffLess);
  }

  private pushActive(p: QueuedPodInfo): void {
    heapPush(this.state.activeQ, p, this.hooks.less);
    this.state.location[p.podInfo.key] = "activeQ";
  }

  private pushBackoff(p: QueuedPodInfo): void {
    heapPush(this.state.backoffQ, p, this.backoffLess);
    this.state.location[p.podInfo.key] = "backoffQ";
  }

  private putUnschedulable(p: QueuedPodInfo): void {
    this.state.unschedulablePods[p.podInfo.key] = p;
    this.state.location[p.podInfo.key] = "unschedulablePods";
  }

  /**
   * `moveToActiveQ`: runs the PreEnqueue plugins; a gated pod goes (or stays) to
   * unschedulablePods. Returns true when the pod entered activeQ.
   */
  private moveToActiveQ(p: QueuedPodInfo, nominate: boolean): boolean {
    const gate = this.hooks.runPreEnqueue(p.podInfo);
    p.gated = gate !== null;
    p.gatingPlugin = gate?.plugin ?? "";
    const key = p.podInfo.key;
    if (p.gated) {
      if (p.gatingPlugin !== "" && !p.unschedulablePlugins.includes(p.gatingPlugin)) {
        p.unschedulablePlugins = [...p.unschedulablePlugins, p.gatingPlugin].sort();
      }
      if (this.state.location[key] === "backoffQ") return false;
      if (this.state.location[key] !== undefined && this.state.location[key] !== "unschedulablePods")
        this.removeFrom(key);
      this.putUnschedulable(p);
      return false;
    }
    if (this.state.location[key] !== undefined) this.removeFrom(key);
    this.pushActive(p);
    if (nominate) addNominatedPod(this.state.nominator, p.podInfo, null);
    return true;
  }

  /** `requeuePodViaQueueingHint`. */
  private requeue(p: QueuedPodInfo, strategy: Strategy, now: number): QueueName {
    if (strategy === "skip") {
      this.putUnschedulable(p);
      return "unschedulablePods";
    }
    if (strategy === "afterBackoff" && this.isPodBackingoff(p, now)) {
      if (this.state.location[p.podInfo.key] !== undefined) this.removeFrom(p.podInfo.key);
      this.pushBackoff(p);
      return "backoffQ";
    }
    if (this.moveToActiveQ(p, false)) return "activeQ";
    if (p.gated) return "unschedulablePods";
    this.pushBackoff(p);
    return "backoffQ";
  }

  /** `isPodWorthRequeuing`: does `event` match a registration of a plugin that rejected the pod? */
  private isPodWorthRequeuing(p: QueuedPodInfo, event: ClusterEvent): Strategy {
    const rejectors = p.unschedulablePlugins.length + p.pendingPlugins.length;
    if (rejectors === 0) return "afterBackoff";
    if (isWildCard(event)) return "afterBackoff";
    const registrations = this.hooks.eventsToRegister(
      p.podInfo.pod.spec?.schedulerName ?? "default-scheduler",
    );
    let strategy: Strategy = "skip";
    for (const plugin of [...p.unschedulablePlugins, ...p.pendingPlugins]) {
      const regs = registrations[plugin];
      if (regs === undefined) continue;
      for (const r of regs) {
        if (!matchClusterEvents(r, event)) continue;
        if (p.pendingPlugins.includes(plugin)) return "immediately";
        strategy = "afterBackoff";
      }
    }
    return strategy;
  }

  private isEventOfInterest(event: ClusterEvent, schedulerNames: Iterable<string>): boolean {
    if (isWildCard(event)) return true;
    for (const name of schedulerNames) {
      const regs = this.hooks.eventsToRegister(name);
      for (const plugin of Object.keys(regs)) {
        for (const r of regs[plugin] as ClusterEventRegistration[])
          if (matchClusterEvents(r, event)) return true;
      }
    }
    return false;
  }

  // --- the queue API ------------------------------------------------------------------------

  /** `Add`: a new pending pod. */
  add(pod: Pod, now: number, podInfo?: PodInfo): void {
    const key = podKey(pod);
    if (this.state.location[key] !== undefined || this.state.inFlight[key] !== undefined) {
      this.update(null, pod, now);
      return;
    }
    this.moveToActiveQ(this.newQueuedPodInfo(pod, now, podInfo), true);
  }

  /**
   * `Update`: a pending pod changed. In activeQ/backoffQ it is updated in place; in
   * unschedulablePods the change is matched against the rejecting plugins' registrations (e.g.
   * new tolerations for TaintToleration, removed scheduling gates for SchedulingGates).
   */
  update(oldPod: Pod | null, newPod: Pod, now: number): void {
    const key = podKey(newPod);
    if (this.state.inFlight[key] !== undefined) {
      if (oldPod !== null) for (const e of podUpdateEvents(oldPod, newPod)) this.state.inFlight[key]?.push(e);
      return;
    }
    const where = this.state.location[key];
    if (where === "activeQ" || where === "backoffQ") {
      const heap = where === "activeQ" ? this.state.activeQ : this.state.backoffQ;
      const i = heap.findIndex((p) => p.podInfo.key === key);
      const p = heap[i] as QueuedPodInfo;
      heapRemoveAt(heap, i, where === "activeQ" ? this.hooks.less : this.backoffLess);
      p.podInfo = newPodInfo(newPod);
      if (where === "activeQ") this.pushActive(p);
      else this.pushBackoff(p);
      this.updateNominatedPod(oldPod, p.podInfo);
      return;
    }
    if (where === "unschedulablePods") {
      const p = this.state.unschedulablePods[key] as QueuedPodInfo;
      p.podInfo = newPodInfo(newPod);
      this.updateNominatedPod(oldPod, p.podInfo);
      const events =
        oldPod !== null
          ? podUpdateEvents(oldPod, newPod)
          : [clusterEvent("UnscheduledPod", ActionType.UpdatePodOther)];
      for (const e of events) {
        const strategy = this.isPodWorthRequeuing(p, e);
        if (strategy === "skip") continue;
        delete this.state.unschedulablePods[key];
        delete this.state.location[key];
        const q = this.requeue(p, strategy, now);
        if (q !== "unschedulablePods") break;
      }
      return;
    }
    this.moveToActiveQ(this.newQueuedPodInfo(newPod, now), true);
  }

  /** `Delete`: the pod was deleted (or got bound by someone else). */
  delete(pod: Pod): void {
    const key = podKey(pod);
    this.removeFrom(key);
    deleteNominatedPod(this.state.nominator, key);
  }

  /**
   * `Pop`: the next pod to schedule, or null when activeQ is empty. Attempts are counted and the
   * pod is in flight until `done` (or `addUnschedulableIfNotPresent`).
   */
  pop(now: number): QueuedPodInfo | null {
    const p = heapPop(this.state.activeQ, this.hooks.less);
    if (p === undefined) return null;
    delete this.state.location[p.podInfo.key];
    p.attempts++;
    if (p.initialAttemptTimestamp === null) p.initialAttemptTimestamp = now;
    this.state.schedulingCycle++;
    this.state.inFlight[p.podInfo.key] = [];
    p.unschedulablePlugins = [];
    p.pendingPlugins = [];
    return p;
  }

  /** `Done`: the pod's scheduling (and binding) finished; forget the events seen meanwhile. */
  done(key: string): void {
    delete this.state.inFlight[key];
  }

  /**
   * `AddUnschedulableIfNotPresent`: a pod that failed goes back. Events that arrived while it was
   * in flight and match its rejecting plugins send it to backoffQ/activeQ; a failure without
   * rejecting plugins (an error) goes to backoffQ; otherwise it waits in unschedulablePods.
   */
  addUnschedulableIfNotPresent(p: QueuedPodInfo, now: number): string | null {
    const key = p.podInfo.key;
    const where = this.state.location[key];
    if (where === "unschedulablePods")
      return `Pod ${p.podInfo.namespace}/${p.podInfo.name} is already present in unschedulable queue`;
    if (where === "activeQ")
      return `Pod ${p.podInfo.namespace}/${p.podInfo.name} is already present in the active queue`;
    if (where === "backoffQ")
      return `Pod ${p.podInfo.namespace}/${p.podInfo.name} is already present in the backoff queue`;
    p.timestamp = now;
    const seen = this.state.inFlight[key] ?? [];
    delete this.state.inFlight[key];
    let strategy: Strategy;
    if (p.unschedulablePlugins.length + p.pendingPlugins.length === 0) {
      strategy = "afterBackoff";
    } else {
      strategy = "skip";
      for (const e of seen) {
        const s = this.isPodWorthRequeuing(p, e);
        if (s === "immediately") {
          strategy = s;
          break;
        }
        if (s === "afterBackoff") strategy = s;
      }
    }
    this.requeue(p, strategy, now);
    addNominatedPod(this.state.nominator, p.podInfo, null);
    return null;
  }

  /** `flushBackoffQCompleted`: moves pods whose back-off ended to activeQ. Returns how many moved. */
  flushBackoffQCompleted(now: number): number {
    let moved = 0;
    for (;;) {
      const top = this.state.backoffQ[0];
      if (top === undefined || this.backoffTime(top) > now) break;
      heapPop(this.state.backoffQ, this.backoffLess);
      delete this.state.location[top.podInfo.key];
      if (this.moveToActiveQ(top, false)) moved++;
    }
    return moved;
  }

  /** `flushUnschedulablePodsLeftover`: pods left unschedulable longer than the max are moved back. */
  flushUnschedulablePodsLeftover(now: number): number {
    const toMove: QueuedPodInfo[] = [];
    for (const key of Object.keys(this.state.unschedulablePods)) {
      const p = this.state.unschedulablePods[key] as QueuedPodInfo;
      if (now - p.timestamp > this.state.podMaxInUnschedulablePodsDurationMs) toMove.push(p);
    }
    return this.movePodsToActiveOrBackoffQueue(toMove, EVENT_UNSCHEDULABLE_TIMEOUT, now);
  }

  /**
   * `MoveAllToActiveOrBackoffQueue`: a cluster event happened (node added or changed, assigned pod
   * deleted, PVC bound…); every unschedulable pod it may help is moved back. `filter` narrows the
   * candidates (Go's `preCheck`). Returns how many pods moved.
   */
  moveAllToActiveOrBackoffQueue(
    event: ClusterEvent,
    now: number,
    filter?: (p: QueuedPodInfo) => boolean,
  ): number {
    const list: QueuedPodInfo[] = [];
    for (const key of Object.keys(this.state.unschedulablePods)) {
      const p = this.state.unschedulablePods[key] as QueuedPodInfo;
      if (filter === undefined || filter(p)) list.push(p);
    }
    return this.movePodsToActiveOrBackoffQueue(list, event, now);
  }

  private movePodsToActiveOrBackoffQueue(list: QueuedPodInfo[], event: ClusterEvent, now: number): number {
    // Record the event for in-flight pods (they may fail and must know what happened meanwhile).
    for (const key of Object.keys(this.state.inFlight)) this.state.inFlight[key]?.push(event);
    if (list.length === 0) return 0;
    const names = new Set(list.map((p) => p.podInfo.pod.spec?.schedulerName ?? "default-scheduler"));
    if (!this.isEventOfInterest(event, names)) return 0;
    let moved = 0;
    for (const p of list) {
      // Pods held by scheduling gates only move when they themselves are updated.
      if (p.gated && p.unschedulablePlugins.includes("SchedulingGates")) continue;
      const strategy = this.isPodWorthRequeuing(p, event);
      if (strategy === "skip") continue;
      delete this.state.unschedulablePods[p.podInfo.key];
      delete this.state.location[p.podInfo.key];
      this.requeue(p, strategy, now);
      moved++;
    }
    return moved;
  }

  /**
   * `AssignedPodAdded`/`AssignedPodUpdated`: a pod landed on (or changed on) a node. Only pods
   * with an affinity term matching it, or rejected by PodTopologySpread, can be helped
   * (`getUnschedulablePodsWithCrossTopologyTerm`).
   */
  assignedPodAddedOrUpdated(pod: Pod, now: number, event: ClusterEvent = EVENT_ASSIGNED_POD_ADD): number {
    const candidates: QueuedPodInfo[] = [];
    for (const key of Object.keys(this.state.unschedulablePods)) {
      const p = this.state.unschedulablePods[key] as QueuedPodInfo;
      if (p.unschedulablePlugins.includes("PodTopologySpread")) {
        candidates.push(p);
        continue;
      }
      const terms = [...p.podInfo.requiredAffinityTerms, ...p.podInfo.requiredAntiAffinityTerms];
      if (terms.some((t) => affinityTermMatches(t, pod, null))) candidates.push(p);
    }
    return this.movePodsToActiveOrBackoffQueue(candidates, event, now);
  }

  /** `Activate`: plugins asked for these pods to be retried now (ForceActivate). */
  activate(pods: Pod[]): void {
    for (const pod of pods) {
      const key = podKey(pod);
      const where = this.state.location[key];
      if (where === undefined) {
        if (this.state.inFlight[key] !== undefined) this.state.inFlight[key]?.push(EVENT_FORCE_ACTIVATE);
        continue;
      }
      if (where === "activeQ") continue;
      const p = this.removeFrom(key);
      if (p !== null && !this.moveToActiveQ(p, false) && !p.gated) this.pushBackoff(p);
    }
  }

  // --- nominator ----------------------------------------------------------------------------

  /** `AddNominatedPod`: records (or clears, with Override "") a pod's nominated node. */
  addNominatedPod(podInfo: PodInfo, nominatingInfo: NominatingInfo | null): void {
    addNominatedPod(this.state.nominator, podInfo, nominatingInfo);
  }

  /** `DeleteNominatedPodIfExists`. */
  deleteNominatedPodIfExists(pod: Pod): void {
    deleteNominatedPod(this.state.nominator, podKey(pod));
  }

  private updateNominatedPod(oldPod: Pod | null, newPodInfo: PodInfo): void {
    // `UpdateNominatedPod`: keep a nomination the scheduler made even if the update does not carry it yet.
    let info: NominatingInfo | null = null;
    const oldNode = this.state.nominator.nominatedPodToNode[newPodInfo.key];
    if (
      oldPod !== null &&
      oldNode !== undefined &&
      !oldPod.status?.nominatedNodeName &&
      !newPodInfo.pod.status?.nominatedNodeName
    ) {
      info = { mode: "Override", nominatedNodeName: oldNode };
    }
    addNominatedPod(this.state.nominator, newPodInfo, info);
  }

  /** The nominator view the framework reads (`PodNominator`). */
  nominator(): PodNominator {
    return nominatorView(this.state.nominator);
  }

  // --- introspection ------------------------------------------------------------------------

  /** Pending pods by queue (`PendingPods`). */
  pendingPods(): { activeQ: QueuedPodInfo[]; backoffQ: QueuedPodInfo[]; unschedulablePods: QueuedPodInfo[] } {
    return {
      activeQ: [...this.state.activeQ],
      backoffQ: [...this.state.backoffQ],
      unschedulablePods: Object.values(this.state.unschedulablePods),
    };
  }

  /** Number of pods in activeQ. */
  activeLength(): number {
    return this.state.activeQ.length;
  }

  /** The earliest back-off expiry in backoffQ (virtual ms), or null. */
  nextBackoffExpiry(): number | null {
    const top = this.state.backoffQ[0];
    return top === undefined ? null : this.backoffTime(top);
  }
}
