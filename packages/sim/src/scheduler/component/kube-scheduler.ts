/**
 * The kube-scheduler process as a simulation component (`cmd/kube-scheduler/app/server.go` `Run`,
 * `pkg/scheduler/scheduler.go`, `schedule_one.go`):
 *
 * 1. Start the informers (pods, nodes and what the plugins list) and wait for them to sync; their
 *    event handlers keep the cache and the scheduling queue current from then on, also on
 *    standby replicas.
 * 2. Leader election on the Lease `kube-system/kube-scheduler` (15 s / 10 s / 2 s); only the
 *    leader schedules. A leader that fails to renew exits (`klog.FlushAndExit`) and is restarted
 *    with a new identity and empty memory, as the kubelet restarts the static pod's container.
 * 3. While leading: pop one pod at a time from activeQ and run one scheduling cycle
 *    (`scheduleOne`). A placed pod is assumed in the cache and bound by POSTing a `Binding` to
 *    `pods/<name>/binding` (the DefaultBinder); the Normal `Scheduled` event follows the bind. A pod
 *    that fits nowhere gets the Warning `FailedScheduling` event with the FitError text and the
 *    `PodScheduled=False` condition (reason `Unschedulable`, or `SchedulerError`) patched into its
 *    status; when preemption chose victims, they get the `DisruptionTarget` condition, are deleted
 *    and get a `Preempted` event, and the preemptor's `status.nominatedNodeName` is set.
 *    The queue's tickers run in virtual time: backoffQ is flushed every 1 s, unschedulablePods
 *    every 30 s (pods left there 5 min are retried) — armed only while those queues hold pods, so
 *    an idle scheduler costs nothing.
 *
 * Every profile (`spec.schedulerName`) has its own framework; all share one queue and cache.
 * Diagnoses for the UI: see `diagnosis.ts`.
 *
 * Add one to a simulation:
 *
 * ```ts
 * sim.addComponent("kube-scheduler-cp-1", KUBE_SCHEDULER_KIND,
 *   createKubeScheduler({ hostname: "cp-1", apiServer: cp.loadBalancer }));
 * ```
 * (register `kubeSchedulerBehavior` with the simulation).
 */
import type { Pod } from "kubernetes-types/core/v1";
import type { Status as ApiStatus } from "../../api/types";
import {
  type ApiClientEvent,
  type ApiClientState,
  cancelWatch,
  createApiClient,
  handleApiMessage,
  handleApiTimer,
} from "../../apiserver/client/api-client";
import {
  handleInformerEvent,
  handleInformerTimer,
  type InformerState,
  informerGet,
  startInformer,
} from "../../apiserver/client/informer";
import { type Context, defineBehavior, type Message, type Timer } from "../../core/component";
import { newHolderIdentity } from "../../leader-election/identity";
import {
  createLeaderElection,
  type ElectionResult,
  handleElectionMessage,
  handleElectionTimer,
  type LeaderElectionState,
  startElection,
} from "../../leader-election/leader-elector";
import type { SchedulerCacheState } from "../cache/cache";
import { EVENT_ASSIGNED_POD_DELETE } from "../framework/events";
import type { Framework } from "../framework/framework";
import type { QueuedPodInfo } from "../framework/interface";
import { newPodInfo } from "../framework/pod-info";
import type { NodeInfo } from "../framework/types";
import {
  handleAssumed,
  handleBindingFailure,
  handleBindingSuccess,
  handleSchedulingFailure,
} from "../handle-failure";
import {
  preemptedEventMessage,
  preemptionDisruptionCondition,
} from "../plugins/default-preemption/default-preemption";
import { frameworkForPod } from "../profiles";
import type { SchedulingQueueState } from "../queue/scheduling-queue";
import {
  explainNode,
  newSchedulerAlgorithmState,
  type ScheduledResult,
  type SchedulerAlgorithmState,
  scheduleOne,
  type UnschedulableResult,
} from "../schedule-one";
import {
  handleRateLimiterTimer,
  limitedRequest,
  newRateLimiter,
  type RateLimiterState,
} from "./client-rate-limiter";
import { defaultKubeSchedulerConfig, type KubeSchedulerConfig } from "./config";
import {
  decisionOf,
  diagnosisOf,
  type PodSchedulingDiagnosis,
  RECENT_DECISIONS,
  type SchedulingDecision,
} from "./diagnosis";
import {
  assignedPod,
  handleNodeDelta,
  handlePodDelta,
  handleStorageDelta,
  type PodDeltaEffects,
} from "./event-handlers";
import {
  type EventRecorderState,
  handleEventRecorderTimer,
  newEventRecorder,
  type ObjectReference,
  recordEvent,
  referenceTo,
} from "./event-recorder";
import { allSynced, createSchedulerInformers, type SchedulerInformers } from "./informers";
import { type ApiSender, patchPodCondition, patchPodStatus } from "./pod-status";
import { newSchedulerStates, type SchedulerRuntime, schedulerRuntime } from "./runtime";

/** The component kind. */
export const KUBE_SCHEDULER_KIND = "kube-scheduler";

/** `flushBackoffQCompleted` runs every second (`scheduling_queue.go` `Run`). */
const BACKOFF_FLUSH_PERIOD_MS = 1_000;
/** `flushUnschedulablePodsLeftover` runs every 30 s. */
const UNSCHEDULABLE_FLUSH_PERIOD_MS = 30_000;

/** A pod assumed on a node whose `Binding` POST is in flight. */
export interface PendingBinding {
  queued: QueuedPodInfo;
  assumedPod: Pod;
  suggestedHost: string;
  decision: SchedulingDecision;
}

/** What the process is doing. */
export type SchedulerPhase = "syncing" | "standby" | "leading";

/** The component's state (plain data). */
export interface KubeSchedulerState {
  config: KubeSchedulerConfig;
  /** Incremented at every process (re)start; timers of an earlier life are ignored. */
  life: number;
  phase: SchedulerPhase;
  client: ApiClientState;
  informers: SchedulerInformers;
  election: LeaderElectionState | null;
  cache: SchedulerCacheState;
  queue: SchedulingQueueState;
  algorithm: SchedulerAlgorithmState;
  recorder: EventRecorderState;
  /** The client-side token buckets of the scheduler's client and of its event client. */
  limiter: RateLimiterState;
  eventLimiter: RateLimiterState;
  /** Bindings in flight, by pod uid. */
  bindings: Record<string, PendingBinding>;
  /** The last failed attempt of each pending pod, by pod uid (see `diagnosis.ts`). */
  diagnoses: Record<string, PodSchedulingDiagnosis>;
  /** The last successful placements, oldest first. */
  recentDecisions: SchedulingDecision[];
  /** When scheduling started (the queue's tickers count from here). */
  runStartedAt: number;
  timers: { cycle: boolean; backoffAt: number | null; backoffId: number | null; unschedulable: boolean };
  stats: { attempts: number; scheduled: number; unschedulable: number; errors: number; restarts: number };
}

/** Options for `createKubeScheduler`: a `KubeSchedulerConfig` with defaults filled in. */
export type KubeSchedulerOptions = Parameters<typeof defaultKubeSchedulerConfig>[0];

function freshState(config: KubeSchedulerConfig, life: number, nextRequestId: number): KubeSchedulerState {
  const { cache, queue } = newSchedulerStates(config);
  const client = createApiClient(config.apiServer, config.user);
  client.nextRequestId = nextRequestId;
  const informers = createSchedulerInformers();
  // Informer ids carry the process life, so that timers of a previous life never match.
  for (const inf of Object.values(informers) as InformerState[]) inf.id = `${inf.id}@${life}`;
  return {
    config,
    life,
    phase: "syncing",
    client,
    informers,
    election: null,
    cache,
    queue,
    algorithm: newSchedulerAlgorithmState(config.percentageOfNodesToScore),
    recorder: newEventRecorder(config.hostname),
    limiter: newRateLimiter(`client@${life}`, config.clientConnection.qps, config.clientConnection.burst),
    eventLimiter: newRateLimiter(
      `events@${life}`,
      config.clientConnection.qps,
      config.clientConnection.burst,
    ),
    bindings: {},
    diagnoses: {},
    recentDecisions: [],
    runStartedAt: 0,
    timers: { cycle: false, backoffAt: null, backoffId: null, unschedulable: false },
    stats: { attempts: 0, scheduled: 0, unschedulable: 0, errors: 0, restarts: 0 },
  };
}

/** The initial state of a kube-scheduler process. */
export function createKubeScheduler(options: KubeSchedulerOptions): KubeSchedulerState {
  return freshState(defaultKubeSchedulerConfig(options), 0, 1);
}

/** True when this replica holds the lease (or runs without leader election) and schedules. */
export function isSchedulingLeader(s: KubeSchedulerState): boolean {
  return s.phase === "leading";
}

// ---- timers ---------------------------------------------------------------------------------

const T_CYCLE = "kube-scheduler:schedule-one";
const T_BACKOFF = "kube-scheduler:flush-backoff";
const T_UNSCHEDULABLE = "kube-scheduler:flush-unschedulable";
const T_SYNC_WATCHDOG = "kube-scheduler:sync-watchdog";

/**
 * How long an informer's first list may stay unanswered before it is sent again. The simulated
 * network drops messages over a cut link without any error, where a real client's connection
 * attempt would fail (TCP timeout) and the reflector would retry with back-off: a process started
 * during a partition would otherwise never sync after the partition heals.
 */
const SYNC_WATCHDOG_MS = 30_000;

interface LifeTimer extends Timer {
  life: number;
}

/** The first tick of a `period` ticker started at `start` that is at or after `t`. */
function tickAt(start: number, period: number, t: number): number {
  return start + Math.max(0, Math.ceil((t - start) / period)) * period;
}

/** Arm the timers the queue needs now (only while leading, only when there is work). */
function armTimers(ctx: Context, s: KubeSchedulerState, rt: SchedulerRuntime): void {
  if (s.phase !== "leading") return;
  const t = s.timers;
  if (!t.cycle && rt.queue.activeLength() > 0) {
    t.cycle = true;
    ctx.setTimer(0, { name: T_CYCLE, life: s.life } as LifeTimer);
  }
  const expiry = rt.queue.nextBackoffExpiry();
  if (expiry !== null) {
    const at = Math.max(ctx.now, tickAt(s.runStartedAt, BACKOFF_FLUSH_PERIOD_MS, expiry));
    if (t.backoffAt === null || at < t.backoffAt) {
      if (t.backoffId !== null) ctx.cancelTimer(t.backoffId);
      t.backoffAt = at;
      t.backoffId = ctx.setTimer(at - ctx.now, { name: T_BACKOFF, life: s.life } as LifeTimer);
    }
  }
  if (!t.unschedulable) {
    for (const _ in s.queue.unschedulablePods) {
      t.unschedulable = true;
      const at = tickAt(s.runStartedAt, UNSCHEDULABLE_FLUSH_PERIOD_MS, ctx.now + 1);
      ctx.setTimer(at - ctx.now, { name: T_UNSCHEDULABLE, life: s.life } as LifeTimer);
      break;
    }
  }
}

// ---- lifecycle ------------------------------------------------------------------------------

function start(ctx: Context, s: KubeSchedulerState): void {
  for (const inf of Object.values(s.informers) as InformerState[]) startInformer(ctx, s.client, inf);
  ctx.setTimer(SYNC_WATCHDOG_MS, { name: T_SYNC_WATCHDOG, life: s.life } as LifeTimer);
}

/** Re-list the informers whose first list got no answer; re-arm while still syncing. */
function syncWatchdog(ctx: Context, s: KubeSchedulerState): void {
  if (s.phase !== "syncing") return;
  for (const inf of Object.values(s.informers) as InformerState[]) {
    if (inf.synced || inf.phase !== "listing") continue;
    delete s.client.pending[inf.requestId];
    startInformer(ctx, s.client, inf);
  }
  ctx.setTimer(SYNC_WATCHDOG_MS, { name: T_SYNC_WATCHDOG, life: s.life } as LifeTimer);
}

/** All caches synced (`WaitForCacheSync` + `WaitForHandlersSync`): elect, or run at once. */
function onCachesSynced(ctx: Context, s: KubeSchedulerState): void {
  const le = s.config.leaderElection;
  if (!le.leaderElect) {
    startScheduling(ctx, s);
    return;
  }
  s.phase = "standby";
  s.election = createLeaderElection({
    lease: { namespace: le.resourceNamespace, name: le.resourceName },
    identity: newHolderIdentity(ctx, s.config.hostname),
    // The leader election events use the first profile's schedulerName as their source.
    eventSource: s.config.profiles[0]?.schedulerName ?? "default-scheduler",
    leaseDurationMs: le.leaseDurationMs,
    renewDeadlineMs: le.renewDeadlineMs,
    retryPeriodMs: le.retryPeriodMs,
  });
  startElection(ctx, s.client, s.election);
}

/** `sched.Run`: the queue's tickers and the scheduling loop start. */
function startScheduling(ctx: Context, s: KubeSchedulerState): void {
  s.phase = "leading";
  s.runStartedAt = ctx.now;
  armTimers(ctx, s, schedulerRuntime(s));
}

/**
 * Lost the lease: the process exits and is restarted with empty memory and a new identity (the
 * kubelet's first restart of a container is immediate). Its watches close with it.
 */
function exitAndRestart(ctx: Context, s: KubeSchedulerState): void {
  for (const id of Object.keys(s.client.pending).map(Number)) {
    if (s.client.pending[id]?.watch) cancelWatch(ctx, s.client, id);
  }
  const restarts = s.stats.restarts + 1;
  Object.assign(s, freshState(s.config, s.life + 1, s.client.nextRequestId));
  s.stats.restarts = restarts;
  start(ctx, s);
}

function onElection(ctx: Context, s: KubeSchedulerState, r: ElectionResult): void {
  if (r === "becameLeader") startScheduling(ctx, s);
  else if (r === "lostLeadership") exitAndRestart(ctx, s);
}

// ---- API traffic ----------------------------------------------------------------------------

/** Send through the scheduler's rate-limited client. */
function api(ctx: Context, s: KubeSchedulerState): ApiSender {
  return (call, tag, data) => limitedRequest(ctx, s.client, s.limiter, call, tag, data);
}

/** Send through the event client (its own token bucket). */
function eventsApi(ctx: Context, s: KubeSchedulerState): ApiSender {
  return (call, tag, data) => limitedRequest(ctx, s.client, s.eventLimiter, call, tag, data);
}

const TAG_BIND = "bind";
const TAG_PREEMPT_PATCH = "preempt-patch";

function dispatch(ctx: Context, s: KubeSchedulerState, ev: ApiClientEvent): void {
  const rt = schedulerRuntime(s);
  if (s.election !== null) {
    const r = handleElectionMessage(ctx, s.client, s.election, ev);
    if (r !== null) {
      onElection(ctx, s, r);
      return;
    }
  }
  if (ev.kind === "response") {
    if (ev.tag === TAG_BIND) {
      onBindResponse(ctx, s, rt, ev);
      return;
    }
    if (ev.tag === TAG_PREEMPT_PATCH) {
      onVictimPatched(ctx, s, ev);
      return;
    }
  }
  const inf = s.informers;
  const pods = handleInformerEvent(ctx, s.client, inf.pods, ev);
  if (pods !== null) {
    const effects: PodDeltaEffects = { gone: [] };
    for (const d of pods.deltas) handlePodDelta(rt, d, ctx.now, effects);
    for (const uid of effects.gone) delete s.diagnoses[uid];
    afterInformerUpdate(ctx, s, pods.justSynced);
    return;
  }
  const nodes = handleInformerEvent(ctx, s.client, inf.nodes, ev);
  if (nodes !== null) {
    for (const d of nodes.deltas) handleNodeDelta(rt, d, ctx.now);
    afterInformerUpdate(ctx, s, nodes.justSynced);
    return;
  }
  const storage = [
    ["PersistentVolumeClaim", inf.persistentVolumeClaims],
    ["PersistentVolume", inf.persistentVolumes],
    ["StorageClass", inf.storageClasses],
  ] as const;
  for (const [resource, informer] of storage) {
    const u = handleInformerEvent(ctx, s.client, informer, ev);
    if (u === null) continue;
    for (const d of u.deltas) handleStorageDelta(rt, resource, d, ctx.now);
    afterInformerUpdate(ctx, s, u.justSynced);
    return;
  }
  for (const informer of [
    inf.services,
    inf.replicaSets,
    inf.statefulSets,
    inf.replicationControllers,
    inf.namespaces,
    inf.podDisruptionBudgets,
  ]) {
    const u = handleInformerEvent(ctx, s.client, informer, ev);
    if (u === null) continue;
    afterInformerUpdate(ctx, s, u.justSynced);
    return;
  }
  // Anything else (events, status patches, deletions of victims) needs no answer.
}

function afterInformerUpdate(ctx: Context, s: KubeSchedulerState, justSynced: boolean): void {
  if (justSynced && s.phase === "syncing" && allSynced(s.informers)) onCachesSynced(ctx, s);
}

// ---- the scheduling cycle -------------------------------------------------------------------

function podRef(pod: Pod): ObjectReference {
  return referenceTo({ ...pod, apiVersion: "v1", kind: "Pod" });
}

/** `ScheduleOne`: pop one pod and run its scheduling cycle. */
function scheduleNextPod(ctx: Context, s: KubeSchedulerState, rt: SchedulerRuntime): void {
  const q = rt.queue.pop(ctx.now);
  if (q === null) return;
  const fwk = frameworkForPod(rt.profiles, q.podInfo.pod);
  if (fwk === undefined) {
    rt.queue.done(q.podInfo.key);
    return;
  }
  s.stats.attempts++;
  const r = scheduleOne(q, {
    framework: fwk,
    cache: rt.cache,
    algorithm: s.algorithm,
    randomInt: (n) => ctx.randomInt(n),
    now: ctx.now,
  });
  switch (r.outcome) {
    case "Skipped":
      rt.queue.done(q.podInfo.key);
      if (r.eventMessage !== "")
        recordEvent(ctx, eventsApi(ctx, s), s.recorder, {
          regarding: podRef(q.podInfo.pod),
          type: "Warning",
          reason: "FailedScheduling",
          action: "Scheduling",
          note: r.eventMessage,
          reportingController: fwk.profileName,
        });
      return;
    case "Scheduled":
      bind(ctx, s, rt, q, r, fwk);
      return;
    case "Unschedulable":
      onSchedulingFailure(ctx, s, rt, q, r, fwk);
      return;
  }
}

/** The binding cycle: POST the Binding the DefaultBinder built. */
function bind(
  ctx: Context,
  s: KubeSchedulerState,
  rt: SchedulerRuntime,
  q: QueuedPodInfo,
  r: ScheduledResult,
  fwk: Framework,
): void {
  handleAssumed(rt.queue, r);
  const uid = q.podInfo.key;
  // The Go scheduler keeps the pod "in flight" until its binding ends, recording the cluster
  // events seen meanwhile. They are never consulted for a pod whose cycle succeeded: a failed
  // binding requeues it with no rejecting plugin, i.e. after its back-off whatever happened. And
  // while it is assumed, updates of it are ignored (`updatePodInSchedulingQueue`). So it leaves
  // the in-flight set now, which keeps recording an event O(1) with thousands of bindings pending.
  rt.queue.done(uid);
  s.bindings[uid] = {
    queued: q,
    assumedPod: r.assumedPod,
    suggestedHost: r.suggestedHost,
    decision: decisionOf(r, fwk.profileName, ctx.now),
  };
  api(ctx, s)(
    {
      method: "POST",
      path: `/api/v1/namespaces/${q.podInfo.namespace}/pods/${q.podInfo.name}/binding`,
      body: r.binding,
    },
    TAG_BIND,
    uid,
  );
}

/** The error text of a failed request: the Status message, or the client error as Go's url.Error prints it. */
function errorMessageOf(
  s: KubeSchedulerState,
  ev: Extract<ApiClientEvent, { kind: "response" }>,
  method: string,
  path: string,
): string {
  const status = ev.body as ApiStatus | undefined;
  if (status && typeof status === "object" && status.kind === "Status" && status.message)
    return status.message;
  return `${method} "https://${s.config.apiServer}${path}": ${ev.error ?? `status ${ev.code}`}`;
}

function onBindResponse(
  ctx: Context,
  s: KubeSchedulerState,
  rt: SchedulerRuntime,
  ev: Extract<ApiClientEvent, { kind: "response" }>,
): void {
  const uid = ev.data as string;
  const b = s.bindings[uid];
  if (b === undefined) return;
  delete s.bindings[uid];
  const pseudo = {
    assumedPod: b.assumedPod,
    suggestedHost: b.suggestedHost,
    pod: b.queued.podInfo,
  } as ScheduledResult;
  const fwk = frameworkForPod(rt.profiles, b.queued.podInfo.pod);
  const profile = fwk?.profileName ?? b.decision.profile;
  if (ev.code === 201 || ev.code === 200) {
    handleBindingSuccess(rt.cache, rt.queue, pseudo, ctx.now);
    s.stats.scheduled++;
    delete s.diagnoses[uid];
    s.recentDecisions.push(b.decision);
    if (s.recentDecisions.length > RECENT_DECISIONS) s.recentDecisions.shift();
    recordEvent(ctx, eventsApi(ctx, s), s.recorder, {
      regarding: podRef(b.assumedPod),
      type: "Normal",
      reason: "Scheduled",
      action: "Binding",
      note: `Successfully assigned ${b.queued.podInfo.namespace}/${b.queued.podInfo.name} to ${b.suggestedHost}`,
      reportingController: profile,
    });
    return;
  }
  s.stats.errors++;
  const path = `/api/v1/namespaces/${b.queued.podInfo.namespace}/pods/${b.queued.podInfo.name}/binding`;
  // RunBindPlugins wraps the binder's error.
  const message = `running Bind plugin "DefaultBinder": ${errorMessageOf(s, ev, "Post", path)}`;
  if (fwk === undefined) {
    rt.cache.forgetPod(b.assumedPod);
    rt.queue.done(uid);
    return;
  }
  pseudo.state = fwk.newCycleState((n) => ctx.randomInt(n), ctx.now);
  const latest = informerGet(s.informers.pods, b.queued.podInfo.namespace, b.queued.podInfo.name) as
    | Pod
    | undefined;
  const actions = handleBindingFailure(fwk, rt.cache, rt.queue, b.queued, pseudo, message, ctx.now, latest);
  recordFailure(ctx, s, b.assumedPod, actions.eventMessage, profile);
  patchPodCondition(ctx, api(ctx, s), b.queued.podInfo.pod, actions.condition, actions.nominatingInfo);
}

function recordFailure(ctx: Context, s: KubeSchedulerState, pod: Pod, note: string, profile: string): void {
  recordEvent(ctx, eventsApi(ctx, s), s.recorder, {
    regarding: podRef(pod),
    type: "Warning",
    reason: "FailedScheduling",
    action: "Scheduling",
    note,
    reportingController: profile,
  });
}

/** `handleSchedulingFailure`, after the PostFilter's API calls (`prepareCandidate`). */
function onSchedulingFailure(
  ctx: Context,
  s: KubeSchedulerState,
  rt: SchedulerRuntime,
  q: QueuedPodInfo,
  r: UnschedulableResult,
  fwk: Framework,
): void {
  const pod = q.podInfo.pod;
  if (r.reason === "Unschedulable") s.stats.unschedulable++;
  else s.stats.errors++;
  if (r.forgotten) {
    // Forgetting an assumed pod frees its room: other pods may fit now.
    rt.queue.moveAllToActiveOrBackoffQueue(
      EVENT_ASSIGNED_POD_DELETE,
      ctx.now,
      (p) => p.podInfo.key !== q.podInfo.key,
    );
  }
  if (r.victims.length > 0 && r.nominatingInfo?.mode === "Override") {
    preempt(ctx, s, rt, fwk, pod, r.nominatingInfo.nominatedNodeName, r.victims);
  }
  s.diagnoses[q.podInfo.key] = diagnosisOf(r, fwk.profileName, q.attempts, ctx.now);
  const latest = informerGet(s.informers.pods, q.podInfo.namespace, q.podInfo.name) as Pod | undefined;
  const actions = handleSchedulingFailure(rt.queue, q, r, ctx.now, latest);
  recordFailure(ctx, s, pod, actions.eventMessage, fwk.profileName);
  patchPodCondition(ctx, api(ctx, s), pod, actions.condition, actions.nominatingInfo);
}

/**
 * `prepareCandidate`: each victim gets the `DisruptionTarget` condition, then is deleted, and a
 * `Preempted` event (related to the preemptor); lower-priority pods nominated to the same node
 * lose their nomination (`ClearNominatedNodeName`), so they look for another place.
 */
function preempt(
  ctx: Context,
  s: KubeSchedulerState,
  rt: SchedulerRuntime,
  fwk: Framework,
  preemptor: Pod,
  nodeName: string,
  victims: Pod[],
): void {
  const condition = preemptionDisruptionCondition(fwk.profileName);
  for (const victim of victims) {
    const ns = victim.metadata?.namespace ?? "";
    const name = victim.metadata?.name ?? "";
    const { condition: next, changed } = conditionWithTime(victim, condition, ctx.timestamp());
    if (changed) {
      api(ctx, s)(
        {
          method: "PATCH",
          path: `/api/v1/namespaces/${ns}/pods/${name}/status`,
          contentType: "application/strategic-merge-patch+json",
          body: {
            metadata: { uid: victim.metadata?.uid },
            status: {
              "$setElementOrder/conditions": [
                ...(victim.status?.conditions ?? [])
                  .map((c) => ({ type: c.type }))
                  .filter((c) => c.type !== "DisruptionTarget"),
                { type: "DisruptionTarget" },
              ],
              conditions: [next],
            },
          },
        },
        TAG_PREEMPT_PATCH,
        { namespace: ns, name },
      );
    } else deleteVictim(ctx, s, ns, name);
    recordEvent(ctx, eventsApi(ctx, s), s.recorder, {
      regarding: podRef(victim),
      related: podRef(preemptor),
      type: "Normal",
      reason: "Preempted",
      action: "Preempting",
      note: preemptedEventMessage(preemptor.metadata?.uid ?? "", nodeName),
      reportingController: fwk.profileName,
    });
  }
  const priority = preemptor.spec?.priority ?? 0;
  for (const pi of rt.queue.nominator().nominatedPodsForNode(nodeName)) {
    if (pi.priority >= priority || pi.key === (preemptor.metadata?.uid ?? "")) continue;
    patchPodStatus(api(ctx, s), pi.pod, { nominatedNodeName: null });
  }
}

function conditionWithTime(
  pod: Pod,
  c: ReturnType<typeof preemptionDisruptionCondition>,
  now: string,
): { condition: Record<string, unknown>; changed: boolean } {
  const old = (pod.status?.conditions ?? []).find((x) => x.type === c.type);
  const changed = !old || old.status !== c.status || old.reason !== c.reason || old.message !== c.message;
  return {
    condition: {
      ...c,
      lastProbeTime: null,
      lastTransitionTime: old?.status === c.status ? old.lastTransitionTime : now,
    },
    changed,
  };
}

function onVictimPatched(
  ctx: Context,
  s: KubeSchedulerState,
  ev: Extract<ApiClientEvent, { kind: "response" }>,
): void {
  // `util.DeletePod` follows a successful status patch; a failed patch aborts this victim.
  if (ev.code !== 200) return;
  const { namespace, name } = ev.data as { namespace: string; name: string };
  deleteVictim(ctx, s, namespace, name);
}

function deleteVictim(ctx: Context, s: KubeSchedulerState, namespace: string, name: string): void {
  api(ctx, s)({ method: "DELETE", path: `/api/v1/namespaces/${namespace}/pods/${name}` }, "preempt-delete");
}

// ---- the behaviour --------------------------------------------------------------------------

/** The kube-scheduler behaviour (register it with the simulation). */
export const kubeSchedulerBehavior = defineBehavior<KubeSchedulerState>({
  kind: KUBE_SCHEDULER_KIND,
  onStart(ctx, s) {
    start(ctx, s);
  },
  onMessage(ctx, s, msg: Message) {
    const ev = handleApiMessage(ctx, s.client, msg);
    if (ev === null) return;
    dispatch(ctx, s, ev);
    armTimers(ctx, s, schedulerRuntime(s));
  },
  onTimer(ctx, s, timer) {
    const rt = schedulerRuntime(s);
    const timeout = handleApiTimer(ctx, s.client, timer);
    if (timeout !== null) dispatch(ctx, s, timeout);
    else if (handleOwnTimer(ctx, s, rt, timer)) {
      // the queue's tickers and the scheduling loop
    } else if (
      handleRateLimiterTimer(ctx, s.client, s.limiter, timer) ||
      handleRateLimiterTimer(ctx, s.client, s.eventLimiter, timer)
    ) {
      // requests released by the client-side rate limiters
    } else if (handleEventRecorderTimer(ctx, eventsApi(ctx, s), s.recorder, timer)) {
      // event series bookkeeping
    } else {
      const r = s.election === null ? null : handleElectionTimer(ctx, s.client, s.election, timer);
      if (r !== null) onElection(ctx, s, r);
      else {
        for (const inf of Object.values(s.informers) as InformerState[])
          if (handleInformerTimer(ctx, s.client, inf, timer)) break;
      }
    }
    armTimers(ctx, s, schedulerRuntime(s));
  },
  onStop(s) {
    // A crash loses the process's memory; it starts again from scratch (a new identity, empty caches).
    const next = freshState(s.config, s.life + 1, s.client.nextRequestId);
    next.stats.restarts = s.stats.restarts + 1;
    return next;
  },
});

function handleOwnTimer(ctx: Context, s: KubeSchedulerState, rt: SchedulerRuntime, timer: Timer): boolean {
  const name = timer.name;
  if (name !== T_CYCLE && name !== T_BACKOFF && name !== T_UNSCHEDULABLE && name !== T_SYNC_WATCHDOG)
    return false;
  if ((timer as LifeTimer).life !== s.life) return true;
  if (name === T_SYNC_WATCHDOG) {
    syncWatchdog(ctx, s);
    return true;
  }
  if (name === T_CYCLE) {
    s.timers.cycle = false;
    if (s.phase === "leading") scheduleNextPod(ctx, s, rt);
  } else if (name === T_BACKOFF) {
    s.timers.backoffAt = null;
    s.timers.backoffId = null;
    if (s.phase === "leading") rt.queue.flushBackoffQCompleted(ctx.now);
  } else {
    s.timers.unschedulable = false;
    if (s.phase === "leading") rt.queue.flushUnschedulablePodsLeftover(ctx.now);
  }
  return true;
}

// ---- for UIs and tests ----------------------------------------------------------------------

/**
 * Every Filter plugin's verdict on one node for one pending pod, computed on demand from the
 * scheduler's current cache (the cycle itself stops at the first rejecting plugin). Reads the
 * state only. Null when the pod or node is unknown to this scheduler.
 */
export function explainPendingPod(
  s: KubeSchedulerState,
  namespace: string,
  name: string,
  nodeName: string,
): { plugin: string; code: string; reasons: string[] }[] | null {
  const pod = informerGet(s.informers.pods, namespace, name) as Pod | undefined;
  if (pod === undefined || assignedPod(pod)) return null;
  const rt = schedulerRuntime(s);
  const fwk = frameworkForPod(rt.profiles, pod);
  const nodeInfo = rt.cache.snapshot().get(nodeName);
  if (fwk === undefined || nodeInfo === undefined) return null;
  // A fixed generator: explaining must not draw from the simulation's.
  const randomInt = () => 0;
  return explainNode(
    fwk,
    newPodInfo(pod),
    nodeInfo as NodeInfo,
    randomInt,
    rt.cache.snapshot().nodeInfoList(),
  );
}
