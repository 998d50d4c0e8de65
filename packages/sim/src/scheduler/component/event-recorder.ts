/**
 * kube-scheduler's event recorder: client-go's `events.k8s.io/v1` broadcaster
 * (`tools/events/event_broadcaster.go`, `event_recorder.go`), which the scheduler uses through
 * `NewEventBroadcasterAdapter`. Its events are stored as core/v1 Events (the storage version), so
 * they are posted here in that form — what `kubectl get events` reads back from a real cluster:
 * `message` (the v1 `note`), `involvedObject` (`regarding`), `related`, `action`, `eventTime`,
 * `reportingComponent` (the profile's schedulerName) and `reportingInstance`
 * (`<schedulerName>-<hostname>`), no `count`/`firstTimestamp`/`lastTimestamp`, an empty `source`.
 *
 * Repeats are folded into a series as the broadcaster does: an *isomorphic* event (same action,
 * reason, reporting controller, regarding object — resourceVersion included — related object and
 * note) seen again while cached gets `series: {count: 2, lastObservedTime}` PATCHed; later repeats
 * only count in memory and are written on the 30-minute refresh or when the series ends (no repeat
 * for 6 minutes), after which the event leaves the cache.
 */
import type { Context } from "../../core/component";
import { formatTimestamp } from "../../core/time";
import { eventName } from "../../leader-election/lease-event";
import type { ApiSender } from "./pod-status";

/** `finishTime`: a series with no new occurrence for 6 minutes ends (`event_broadcaster.go`). */
export const EVENT_SERIES_FINISH_MS = 6 * 60_000;
/** `refreshTime`: ongoing series are written every 30 minutes. */
export const EVENT_SERIES_REFRESH_MS = 30 * 60_000;

/** A `v1.ObjectReference` (what `reference.GetReference` builds). */
export interface ObjectReference {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  apiVersion: string;
  resourceVersion?: string;
}

/** One cached (isomorphic-key) event. */
interface CachedEvent {
  namespace: string;
  name: string;
  /** The event's `eventTime`, virtual ms. */
  eventTime: number;
  series: { count: number; lastObservedTime: number } | null;
  /** True when the in-memory count is ahead of what was written. */
  dirty: boolean;
}

/** The recorder's state (plain data, inside the component's state). */
export interface EventRecorderState {
  /** `reportingInstance` suffix: the process's hostname. */
  hostname: string;
  seq: number;
  cache: Record<string, CachedEvent>;
  /** The 6-minute ticker (`finishSeries`), armed while the cache holds events. */
  tickerArmed: boolean;
  ticks: number;
}

/** A new recorder for a process on `hostname`. */
export function newEventRecorder(hostname: string): EventRecorderState {
  return { hostname, seq: 0, cache: {}, tickerArmed: false, ticks: 0 };
}

/** What to record: `Eventf(regarding, related, type, reason, action, note)`. */
export interface EventRecord {
  regarding: ObjectReference;
  related?: ObjectReference;
  type: "Normal" | "Warning";
  reason: string;
  action: string;
  note: string;
  /** The profile's schedulerName (`reportingController`). */
  reportingController: string;
}

/** The timer name the recorder uses. */
export const EVENT_RECORDER_TIMER = "event-recorder:finish-series";

/** The API tag of the recorder's requests (answers need no handling beyond the 404 fallback). */
export const EVENT_RECORDER_TAG = "event-recorder";

function refKey(r: ObjectReference | undefined): string {
  if (!r) return "";
  return `${r.kind}/${r.namespace ?? ""}/${r.name}/${r.uid ?? ""}/${r.resourceVersion ?? ""}`;
}

function isomorphicKey(e: EventRecord): string {
  return `${e.action}\u0000${e.reason}\u0000${e.reportingController}\u0000${refKey(e.regarding)}\u0000${refKey(e.related)}\u0000${e.note}`;
}

/** Record an event (posting, patching the series, or only counting). */
export function recordEvent(ctx: Context, send: ApiSender, rec: EventRecorderState, e: EventRecord): void {
  const key = isomorphicKey(e);
  const cached = rec.cache[key];
  if (cached !== undefined) {
    if (cached.series !== null) {
      cached.series.count++;
      cached.series.lastObservedTime = ctx.now;
      cached.dirty = true;
      return;
    }
    cached.series = { count: 2, lastObservedTime: ctx.now };
    patchSeries(ctx, send, cached);
    return;
  }
  const ns = e.regarding.namespace || "default";
  const name = eventName(ctx, e.regarding.name, rec.seq++);
  rec.cache[key] = { namespace: ns, name, eventTime: ctx.now, series: null, dirty: false };
  const body: Record<string, unknown> = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace: ns },
    involvedObject: e.regarding,
    reason: e.reason,
    message: e.note,
    source: {},
    type: e.type,
    eventTime: ctx.microTimestamp(),
    action: e.action,
    reportingComponent: e.reportingController,
    reportingInstance: `${e.reportingController}-${rec.hostname}`,
  };
  if (e.related) body.related = e.related;
  send({ method: "POST", path: `/api/v1/namespaces/${ns}/events`, body }, EVENT_RECORDER_TAG);
  if (!rec.tickerArmed) {
    rec.tickerArmed = true;
    ctx.setTimer(EVENT_SERIES_FINISH_MS, { name: EVENT_RECORDER_TIMER });
  }
}

function patchSeries(ctx: Context, send: ApiSender, ev: CachedEvent): void {
  const series = ev.series!;
  ev.dirty = false;
  send(
    {
      method: "PATCH",
      path: `/api/v1/namespaces/${ev.namespace}/events/${ev.name}`,
      contentType: "application/strategic-merge-patch+json",
      body: {
        series: {
          count: series.count,
          lastObservedTime: formatTimestamp(ctx.epochMs + series.lastObservedTime, true),
        },
      },
    },
    EVENT_RECORDER_TAG,
  );
}

/**
 * The 6-minute ticker: ended series get their final count written and leave the cache, as do
 * single events older than 6 minutes; every fifth tick (30 minutes) ongoing series are refreshed.
 * Returns true when the timer was the recorder's.
 */
export function handleEventRecorderTimer(
  ctx: Context,
  send: ApiSender,
  rec: EventRecorderState,
  timer: { name: string },
): boolean {
  if (timer.name !== EVENT_RECORDER_TIMER) return false;
  rec.ticks++;
  const refresh = rec.ticks % (EVENT_SERIES_REFRESH_MS / EVENT_SERIES_FINISH_MS) === 0;
  for (const key of Object.keys(rec.cache)) {
    const ev = rec.cache[key]!;
    if (ev.series !== null) {
      if (ctx.now - ev.series.lastObservedTime > EVENT_SERIES_FINISH_MS) {
        if (ev.dirty) patchSeries(ctx, send, ev);
        delete rec.cache[key];
      } else if (refresh && ev.dirty) patchSeries(ctx, send, ev);
    } else if (ctx.now - ev.eventTime > EVENT_SERIES_FINISH_MS) {
      delete rec.cache[key];
    }
  }
  rec.tickerArmed = false;
  for (const _ in rec.cache) {
    rec.tickerArmed = true;
    ctx.setTimer(EVENT_SERIES_FINISH_MS, { name: EVENT_RECORDER_TIMER });
    break;
  }
  return true;
}

/** `reference.GetReference` for an object with metadata. */
export function referenceTo(obj: {
  apiVersion?: string;
  kind?: string;
  metadata?: { namespace?: string; name?: string; uid?: string; resourceVersion?: string };
}): ObjectReference {
  const ref: ObjectReference = {
    kind: obj.kind ?? "Pod",
    name: obj.metadata?.name ?? "",
    apiVersion: obj.apiVersion ?? "v1",
  };
  if (obj.metadata?.namespace) ref.namespace = obj.metadata.namespace;
  if (obj.metadata?.uid) ref.uid = obj.metadata.uid;
  if (obj.metadata?.resourceVersion) ref.resourceVersion = obj.metadata.resourceVersion;
  return ref;
}
