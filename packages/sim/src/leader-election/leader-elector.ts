/**
 * Lease-based leader election for components, as client-go's `tools/leaderelection` with a
 * `resourcelock.LeaseLock` (v1.32), in plain data. Replicas of kube-scheduler and
 * kube-controller-manager each run one elector on the same Lease (`kube-system/kube-scheduler`,
 * `kube-system/kube-controller-manager`); only the one holding the lease does its work.
 *
 * The algorithm (`LeaderElector.acquire`, `renew`, `tryAcquireOrRenew`):
 *
 * - **acquire**: try at once, then every `retryPeriod` × (1 + rand × `JitterFactor` 1.2), i.e.
 *   2–4.4 s (`wait.JitterUntil`, sliding). An attempt reads the Lease (creating it when absent).
 *   While someone else holds it and the record has *changed* within the last `leaseDuration`
 *   (15 s) of local time (`observedTime`), the attempt fails. Otherwise the candidate writes
 *   itself in with an Update carrying the resourceVersion it read (`leaseTransitions` + 1); the
 *   apiserver's optimistic concurrency lets only one racer win. The winner records the Normal
 *   `LeaderElection` event `<identity> became leader` on the Lease.
 * - **renew**: right away and then every `retryPeriod` (2 s) after each success, a renewal "poll"
 *   starts: it retries every `retryPeriod` until one Update succeeds, for at most `renewDeadline`
 *   (10 s). The leader renews optimistically with the Lease it last wrote (fast path) and falls
 *   back to read-then-update on error. A poll that runs out of time ends the leadership: the
 *   elector records `<identity> stopped leading` and reports `lostLeadership` (kube-scheduler
 *   and kube-controller-manager then exit; their process is restarted).
 *
 * Because renewDeadline (10 s) < leaseDuration (15 s), a partitioned leader stops before anyone
 * else can take over; a crashed leader is replaced ≈ 15 s after its last renewal was observed,
 * plus up to one jittered retry.
 *
 * Usage (the component keeps an `ApiClientState` and a `LeaderElectionState` in its state):
 *
 * ```ts
 * import { createLeaderElection, startElection, handleElectionMessage, handleElectionTimer,
 *          newHolderIdentity } from "../leader-election";
 *
 * onStart(ctx, s) {
 *   s.election = createLeaderElection({
 *     lease: { namespace: "kube-system", name: "kube-controller-manager" },
 *     identity: newHolderIdentity(ctx, s.hostname),      // `<hostname>_<uuid>`
 *     eventSource: "kube-controller-manager",
 *   });
 *   startElection(ctx, s.client, s.election);
 * },
 * onMessage(ctx, s, msg) {
 *   const ev = handleApiMessage(ctx, s.client, msg);
 *   if (!ev) return;
 *   const r = handleElectionMessage(ctx, s.client, s.election, ev);
 *   if (r === "becameLeader") startControllers(ctx, s);
 *   else if (r === "lostLeadership") exitAndRestart(ctx, s);
 *   if (r !== null) return;                              // it was the elector's
 *   // … the component's own API traffic
 * },
 * onTimer(ctx, s, timer) {
 *   const timeout = handleApiTimer(ctx, s.client, timer); // client-side request timeouts
 *   if (timeout) { const r = handleElectionMessage(ctx, s.client, s.election, timeout); … }
 *   const r = handleElectionTimer(ctx, s.client, s.election, timer);
 *   if (r !== null) { …same as above…; return; }
 * },
 * ```
 *
 * `isLeader(state)` says whether the component may act; `observedLeader(state)` is the holder it
 * last saw (client-go `GetLeader`).
 */

import type { ApiClientEvent, ApiClientState } from "../apiserver/client/api-client";
import { apiRequest } from "../apiserver/client/api-client";
import type { Context, Timer } from "../core/component";
import { leaderElectionEvent } from "./lease-event";
import {
  type LeaderElectionRecord,
  type Lease,
  leaseSpecToRecord,
  leasesPath,
  newLeaseObject,
  rawRecord,
  updatedLeaseObject,
} from "./lease-lock";

/** `leaseDuration` default 15 s (component-base `config/v1alpha1/defaults.go`). */
export const DEFAULT_LEASE_DURATION_MS = 15_000;
/** `renewDeadline` default 10 s (same file). */
export const DEFAULT_RENEW_DEADLINE_MS = 10_000;
/** `retryPeriod` default 2 s (same file). */
export const DEFAULT_RETRY_PERIOD_MS = 2_000;
/** `leaderelection.JitterFactor` = 1.2 (client-go `tools/leaderelection/leaderelection.go`). */
export const JITTER_FACTOR = 1.2;

/** What an elector is configured with (`LeaderElectionConfig` + the lock's `ResourceLockConfig`). */
export interface LeaderElectionConfig {
  /** The Lease used as the lock. */
  lease: { namespace: string; name: string };
  /** `<hostname>_<uuid>`; see `newHolderIdentity`. */
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** The component name of the `LeaderElection` events (`EventSource.Component`). */
  eventSource: string;
  /** Give the lease up when the elector is stopped gracefully (`ReleaseOnCancel`). */
  releaseOnCancel: boolean;
}

/** Where the elector is. */
export type ElectionPhase = "idle" | "acquiring" | "leading" | "stopped";

/** One `tryAcquireOrRenew` in flight: which request of it is outstanding. */
export interface ElectionAttempt {
  requestId: number;
  /** `fast-update`: the leader's optimistic renew; then `get`, `create` or `update`. */
  step: "fast-update" | "get" | "create" | "update" | "release";
  /** Virtual ms when the attempt began (the poll ticker counts from here). */
  startedAt: number;
  /** The record being written. */
  record: LeaderElectionRecord;
}

/** The elector's state: plain data, keep it inside the component's state. */
export interface LeaderElectionState {
  config: LeaderElectionConfig;
  phase: ElectionPhase;
  /** The last record seen or written (`observedRecord`); null before the first read. */
  observedRecord: LeaderElectionRecord | null;
  observedRaw: string;
  /** Local (virtual) time when `observedRecord` last changed (`observedTime`). */
  observedTime: number;
  /** The Lease last read or written (`LeaseLock.lease`): its resourceVersion guards updates. */
  lease: Lease | null;
  attempt: ElectionAttempt | null;
  /** While leading: when the current renewal poll gives up; null between polls. */
  renewDeadlineAt: number | null;
  retryTimerId: number | null;
  deadlineTimerId: number | null;
  /** The leader last reported (`reportedLeader`, for `OnNewLeader`). */
  reportedLeader: string;
  /** Counter for event names. */
  eventSeq: number;
  /** Virtual ms of the last became-leader / stopped-leading transition (for UIs). */
  transitions: { at: number; what: "became leader" | "stopped leading" }[];
}

/** What a handler tells the component. */
export type ElectionResult = "becameLeader" | "lostLeadership" | "nothing";

/** A new elector (not started). Durations default to the v1.32 component defaults. */
export function createLeaderElection(
  config: Pick<LeaderElectionConfig, "lease" | "identity" | "eventSource"> &
    Partial<Omit<LeaderElectionConfig, "lease" | "identity" | "eventSource">>,
): LeaderElectionState {
  const full: LeaderElectionConfig = {
    leaseDurationMs: DEFAULT_LEASE_DURATION_MS,
    renewDeadlineMs: DEFAULT_RENEW_DEADLINE_MS,
    retryPeriodMs: DEFAULT_RETRY_PERIOD_MS,
    releaseOnCancel: false,
    ...config,
  };
  // `NewLeaderElector`'s validation.
  if (full.leaseDurationMs <= full.renewDeadlineMs)
    throw new Error("leaseDuration must be greater than renewDeadline");
  if (full.renewDeadlineMs <= JITTER_FACTOR * full.retryPeriodMs)
    throw new Error("renewDeadline must be greater than retryPeriod*JitterFactor");
  if (full.identity === "") throw new Error("Lock identity is empty");
  return {
    config: full,
    phase: "idle",
    observedRecord: null,
    observedRaw: "",
    observedTime: 0,
    lease: null,
    attempt: null,
    renewDeadlineAt: null,
    retryTimerId: null,
    deadlineTimerId: null,
    reportedLeader: "",
    eventSeq: 0,
    transitions: [],
  };
}

/** True while this elector holds the lease and may act (`OnStartedLeading` … `OnStoppedLeading`). */
export function isLeader(st: LeaderElectionState): boolean {
  return st.phase === "leading";
}

/** The holder last observed (`GetLeader`); "" when none yet. */
export function observedLeader(st: LeaderElectionState): string {
  return st.observedRecord?.holderIdentity ?? "";
}

const tagPrefix = (st: LeaderElectionState) =>
  `leader-election:${st.config.lease.namespace}/${st.config.lease.name}:`;
const timerName = (st: LeaderElectionState, what: "retry" | "deadline") => `${tagPrefix(st)}${what}`;

/** Begin (`LeaderElector.Run`): the first acquire attempt goes out at once. */
export function startElection(ctx: Context, c: ApiClientState, st: LeaderElectionState): void {
  clearTimers(ctx, st);
  st.phase = "acquiring";
  st.attempt = null;
  st.renewDeadlineAt = null;
  tryAcquireOrRenew(ctx, c, st);
}

/**
 * Stop the elector (the component shuts down gracefully). With `releaseOnCancel` a leader writes
 * an empty holder so that another replica takes over without waiting for the lease to expire.
 * Returns `lostLeadership` when it was leading.
 */
export function stopElection(ctx: Context, c: ApiClientState, st: LeaderElectionState): ElectionResult {
  const wasLeading = st.phase === "leading";
  clearTimers(ctx, st);
  st.attempt = null;
  st.renewDeadlineAt = null;
  st.phase = "stopped";
  if (!wasLeading) return "nothing";
  recordEvent(ctx, c, st, "stopped leading");
  if (st.config.releaseOnCancel) release(ctx, c, st);
  return "lostLeadership";
}

function clearTimers(ctx: Context, st: LeaderElectionState): void {
  if (st.retryTimerId !== null) ctx.cancelTimer(st.retryTimerId);
  if (st.deadlineTimerId !== null) ctx.cancelTimer(st.deadlineTimerId);
  st.retryTimerId = null;
  st.deadlineTimerId = null;
}

function setRetry(ctx: Context, st: LeaderElectionState, delayMs: number): void {
  if (st.retryTimerId !== null) ctx.cancelTimer(st.retryTimerId);
  st.retryTimerId = ctx.setTimer(delayMs, { name: timerName(st, "retry") });
}

function setObserved(ctx: Context, st: LeaderElectionState, r: LeaderElectionRecord): void {
  st.observedRecord = r;
  st.observedRaw = rawRecord(r);
  st.observedTime = ctx.now;
}

/** `IsLeader()` of client-go: the last observed record names us (not the same as "leading"). */
function recordNamesUs(st: LeaderElectionState): boolean {
  return st.observedRecord !== null && st.observedRecord.holderIdentity === st.config.identity;
}

/** `isLeaseValid`: the observed record changed less than its leaseDuration ago. */
function isLeaseValid(st: LeaderElectionState, now: number): boolean {
  const seconds = st.observedRecord?.leaseDurationSeconds ?? 0;
  return st.observedTime + seconds * 1000 > now;
}

/** How long a request may take: the leader-election client's timeout is renewDeadline, and a renewal poll's deadline cuts it shorter. */
function requestTimeout(ctx: Context, st: LeaderElectionState): number {
  const t = st.config.renewDeadlineMs;
  if (st.renewDeadlineAt === null) return t;
  return Math.max(1, Math.min(t, st.renewDeadlineAt - ctx.now));
}

function send(
  ctx: Context,
  c: ApiClientState,
  st: LeaderElectionState,
  step: ElectionAttempt["step"],
  record: LeaderElectionRecord,
  startedAt: number,
): void {
  const { namespace, name } = st.config.lease;
  const path = leasesPath(namespace);
  let requestId: number;
  const timeoutMs = requestTimeout(ctx, st);
  const tag = `${tagPrefix(st)}${step}`;
  switch (step) {
    case "get":
      requestId = apiRequest(ctx, c, { method: "GET", path: `${path}/${name}` }, tag, undefined, {
        timeoutMs,
      });
      break;
    case "create":
      requestId = apiRequest(
        ctx,
        c,
        { method: "POST", path, body: newLeaseObject(namespace, name, record) },
        tag,
        undefined,
        { timeoutMs },
      );
      break;
    default:
      requestId = apiRequest(
        ctx,
        c,
        { method: "PUT", path: `${path}/${name}`, body: updatedLeaseObject(st.lease as Lease, record) },
        tag,
        undefined,
        { timeoutMs },
      );
  }
  st.attempt = { requestId, step, startedAt, record };
}

/** `tryAcquireOrRenew`, first request: the optimistic fast path for a leader, else a read. */
function tryAcquireOrRenew(ctx: Context, c: ApiClientState, st: LeaderElectionState): void {
  const now = ctx.microTimestamp();
  const record: LeaderElectionRecord = {
    holderIdentity: st.config.identity,
    leaseDurationSeconds: Math.floor(st.config.leaseDurationMs / 1000),
    acquireTime: now,
    renewTime: now,
    leaderTransitions: 0,
  };
  if (recordNamesUs(st) && isLeaseValid(st, ctx.now) && st.lease !== null) {
    const old = st.observedRecord as LeaderElectionRecord;
    record.acquireTime = old.acquireTime;
    record.leaderTransitions = old.leaderTransitions;
    send(ctx, c, st, "fast-update", record, ctx.now);
    return;
  }
  send(ctx, c, st, "get", record, ctx.now);
}

/**
 * Feed an API client event (from `handleApiMessage` or `handleApiTimer`). Returns null when it is
 * not the elector's; otherwise what changed.
 */
export function handleElectionMessage(
  ctx: Context,
  c: ApiClientState,
  st: LeaderElectionState,
  ev: ApiClientEvent,
): ElectionResult | null {
  if (ev.kind !== "response" || !ev.tag.startsWith(tagPrefix(st))) return null;
  const a = st.attempt;
  // Events, late answers to abandoned attempts and the release are fire-and-forget.
  if (a === null || ev.requestId !== a.requestId) return "nothing";
  const body = ev.body as Lease | undefined;
  switch (a.step) {
    case "release":
      st.attempt = null;
      if (ev.code === 200 && body) {
        st.lease = body;
        setObserved(ctx, st, a.record);
      }
      return "nothing";
    case "fast-update":
      if (ev.code === 200 && body) {
        st.lease = body;
        setObserved(ctx, st, a.record);
        return attemptDone(ctx, c, st, true);
      }
      // "Failed to update lock optimistically, falling back to slow path".
      send(
        ctx,
        c,
        st,
        "get",
        { ...a.record, acquireTime: a.record.renewTime, leaderTransitions: 0 },
        a.startedAt,
      );
      return "nothing";
    case "get": {
      if (ev.code === 404) {
        send(ctx, c, st, "create", a.record, a.startedAt);
        return "nothing";
      }
      if (ev.code !== 200 || !body) return attemptDone(ctx, c, st, false);
      st.lease = body;
      const old = leaseSpecToRecord(body.spec);
      if (rawRecord(old) !== st.observedRaw) setObserved(ctx, st, old);
      if (old.holderIdentity !== "" && isLeaseValid(st, ctx.now) && !recordNamesUs(st)) {
        // "lock is held by <holder> and has not yet expired"
        return attemptDone(ctx, c, st, false);
      }
      const record = { ...a.record };
      if (recordNamesUs(st)) {
        record.acquireTime = old.acquireTime;
        record.leaderTransitions = old.leaderTransitions;
      } else {
        record.leaderTransitions = old.leaderTransitions + 1;
      }
      send(ctx, c, st, "update", record, a.startedAt);
      return "nothing";
    }
    case "create":
    case "update":
      if ((ev.code === 200 || ev.code === 201) && body) {
        st.lease = body;
        setObserved(ctx, st, a.record);
        return attemptDone(ctx, c, st, true);
      }
      return attemptDone(ctx, c, st, false);
  }
}

/** `maybeReportTransition`: remember the leader we last reported. */
function reportTransition(st: LeaderElectionState): void {
  const holder = observedLeader(st);
  if (holder !== st.reportedLeader) st.reportedLeader = holder;
}

function attemptDone(ctx: Context, c: ApiClientState, st: LeaderElectionState, ok: boolean): ElectionResult {
  const a = st.attempt as ElectionAttempt;
  st.attempt = null;
  reportTransition(st);
  const cfg = st.config;
  if (st.phase === "acquiring") {
    if (!ok) {
      // wait.JitterUntil(…, RetryPeriod, JitterFactor, sliding=true): 2 s + up to 120 %.
      // Virtual time is whole milliseconds.
      setRetry(ctx, st, Math.floor(cfg.retryPeriodMs * (1 + ctx.random() * JITTER_FACTOR)));
      return "nothing";
    }
    st.phase = "leading";
    recordEvent(ctx, c, st, "became leader");
    // renew(): wait.Until runs its first poll at once, and the poll tries at once.
    startRenewPoll(ctx, c, st);
    return "becameLeader";
  }
  if (st.phase !== "leading") return "nothing";
  if (ok) {
    // The poll succeeded; wait.Until starts the next one RetryPeriod after this one ended.
    if (st.deadlineTimerId !== null) ctx.cancelTimer(st.deadlineTimerId);
    st.deadlineTimerId = null;
    st.renewDeadlineAt = null;
    setRetry(ctx, st, cfg.retryPeriodMs);
    return "nothing";
  }
  // The poll ticks every RetryPeriod from the previous attempt's start; the deadline timer ends it.
  const next = Math.max(a.startedAt + cfg.retryPeriodMs, ctx.now);
  if (st.renewDeadlineAt !== null && next < st.renewDeadlineAt) setRetry(ctx, st, next - ctx.now);
  return "nothing";
}

function startRenewPoll(ctx: Context, c: ApiClientState, st: LeaderElectionState): void {
  st.renewDeadlineAt = ctx.now + st.config.renewDeadlineMs;
  if (st.deadlineTimerId !== null) ctx.cancelTimer(st.deadlineTimerId);
  st.deadlineTimerId = ctx.setTimer(st.config.renewDeadlineMs, { name: timerName(st, "deadline") });
  tryAcquireOrRenew(ctx, c, st);
}

/** Feed a timer. Returns null when it is not the elector's; otherwise what changed. */
export function handleElectionTimer(
  ctx: Context,
  c: ApiClientState,
  st: LeaderElectionState,
  timer: Timer,
): ElectionResult | null {
  if (timer.name === timerName(st, "retry")) {
    st.retryTimerId = null;
    if (st.attempt !== null) return "nothing";
    if (st.phase === "acquiring") tryAcquireOrRenew(ctx, c, st);
    else if (st.phase === "leading") {
      if (st.renewDeadlineAt === null) startRenewPoll(ctx, c, st);
      else tryAcquireOrRenew(ctx, c, st);
    }
    return "nothing";
  }
  if (timer.name === timerName(st, "deadline")) {
    st.deadlineTimerId = null;
    if (st.phase !== "leading") return "nothing";
    // "failed to renew lease <ns>/<name>: timed out waiting for the condition"
    if (st.retryTimerId !== null) ctx.cancelTimer(st.retryTimerId);
    st.retryTimerId = null;
    st.attempt = null;
    st.renewDeadlineAt = null;
    st.phase = "stopped";
    recordEvent(ctx, c, st, "stopped leading");
    if (st.config.releaseOnCancel) release(ctx, c, st);
    return "lostLeadership";
  }
  return null;
}

/** `release`: write an empty holder (only when the last record we saw still names us). */
function release(ctx: Context, c: ApiClientState, st: LeaderElectionState): void {
  if (!recordNamesUs(st) || st.lease === null) return;
  const now = ctx.microTimestamp();
  const record: LeaderElectionRecord = {
    holderIdentity: "",
    leaseDurationSeconds: 1,
    acquireTime: now,
    renewTime: now,
    leaderTransitions: st.observedRecord?.leaderTransitions ?? 0,
  };
  send(ctx, c, st, "release", record, ctx.now);
}

function recordEvent(
  ctx: Context,
  c: ApiClientState,
  st: LeaderElectionState,
  what: "became leader" | "stopped leading",
): void {
  st.transitions.push({ at: ctx.now, what });
  if (st.transitions.length > 20) st.transitions.shift();
  if (st.lease === null) return;
  const ev = leaderElectionEvent(
    ctx,
    st.lease,
    st.config.identity,
    what,
    st.config.eventSource,
    st.eventSeq++,
  );
  apiRequest(
    ctx,
    c,
    { method: "POST", path: `/api/v1/namespaces/${st.config.lease.namespace}/events`, body: ev },
    `${tagPrefix(st)}event`,
  );
}
