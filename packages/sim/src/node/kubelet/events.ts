/**
 * The kubelet's event recorder as client-go's `record` package runs it: events are correlated
 * (the same source, object, type, reason and message within the cache become one Event whose
 * `count` and `lastTimestamp` are PATCHed: `kubectl describe` shows `(x5 over 2m)`), and a spam
 * filter per object (token bucket: burst 25, one token per 5 min) drops floods. Names are
 * `<object>.<hex nanoseconds>` as client-go makes them.
 */
import type { KubeObject } from "../../api/types";
import { type ApiClientState, apiRequest } from "../../apiserver/client/api-client";
import type { Context } from "../../core/component";

/** What an event is about (`v1.ObjectReference`). */
export interface InvolvedObject {
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
  apiVersion: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** One correlated event the recorder remembers. */
interface CorrelatedEvent {
  name: string;
  namespace: string;
  count: number;
  first: string;
  last: number;
}

/** The recorder's plain-data state. */
export interface EventRecorderState {
  component: string;
  host: string;
  /** Correlation cache: key → event (client-go's LRU of 4096). */
  seen: Record<string, CorrelatedEvent>;
  /** Spam filter buckets per object: tokens and the last refill time. */
  buckets: Record<string, { tokens: number; at: number }>;
  /** Sub-millisecond counter that keeps event names unique and in order within a millisecond. */
  seq: number;
}

/** client-go events_cache.go: `maxLruCacheEntries` 4096; spam filter burst 25, qps 1/300. */
const CACHE_ENTRIES = 4096;
const SPAM_BURST = 25;
const SPAM_REFILL_MS = 300_000;

/** A new recorder for a component on a host. */
export function createEventRecorder(component: string, host: string): EventRecorderState {
  return { component, host, seen: {}, buckets: {}, seq: 0 };
}

function hexNanos(ctx: Context, s: EventRecorderState): string {
  // UnixNano in hex, from virtual time (ms) plus a sub-millisecond counter so names stay unique.
  s.seq = (s.seq + 1) % 1_000_000;
  const ns = BigInt(ctx.epochMs + ctx.now) * 1_000_000n + BigInt(s.seq);
  return ns.toString(16);
}

function allowed(s: EventRecorderState, objKey: string, now: number): boolean {
  const b = s.buckets[objKey] ?? { tokens: SPAM_BURST, at: now };
  const refill = Math.floor((now - b.at) / SPAM_REFILL_MS);
  if (refill > 0) {
    b.tokens = Math.min(SPAM_BURST, b.tokens + refill);
    b.at += refill * SPAM_REFILL_MS;
  }
  if (b.tokens <= 0) {
    s.buckets[objKey] = b;
    return false;
  }
  b.tokens--;
  s.buckets[objKey] = b;
  return true;
}

/** Record an event (POST a new Event, or PATCH the count of the one it repeats). */
export function recordEvent(
  ctx: Context,
  s: EventRecorderState,
  client: ApiClientState,
  obj: InvolvedObject,
  type: "Normal" | "Warning",
  reason: string,
  message: string,
): void {
  const objKey = `${obj.kind}/${obj.namespace ?? ""}/${obj.name}/${obj.uid}`;
  if (!allowed(s, objKey, ctx.now)) return;
  const namespace = obj.namespace || "default";
  const key = `${objKey}/${obj.fieldPath ?? ""}/${type}/${reason}/${message}`;
  const ts = ctx.timestamp();
  const prev = s.seen[key];
  if (prev) {
    prev.count++;
    prev.last = ctx.now;
    apiRequest(
      ctx,
      client,
      {
        method: "PATCH",
        path: `/api/v1/namespaces/${prev.namespace}/events/${prev.name}`,
        contentType: "application/strategic-merge-patch+json",
        body: { count: prev.count, lastTimestamp: ts, message },
      },
      "event",
      { key },
    );
    return;
  }
  const name = `${obj.name}.${hexNanos(ctx, s)}`;
  const involvedObject: Record<string, string> = {
    kind: obj.kind,
    name: obj.name,
    uid: obj.uid,
    apiVersion: obj.apiVersion,
  };
  if (obj.namespace) involvedObject.namespace = obj.namespace;
  if (obj.resourceVersion) involvedObject.resourceVersion = obj.resourceVersion;
  if (obj.fieldPath) involvedObject.fieldPath = obj.fieldPath;
  const ev: KubeObject = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace },
    involvedObject,
    reason,
    message,
    source: { component: s.component, host: s.host },
    firstTimestamp: ts,
    lastTimestamp: ts,
    count: 1,
    type,
    eventTime: null,
    reportingComponent: s.component,
    reportingInstance: s.host,
  };
  s.seen[key] = { name, namespace, count: 1, first: ts, last: ctx.now };
  apiRequest(
    ctx,
    client,
    { method: "POST", path: `/api/v1/namespaces/${namespace}/events`, body: ev },
    "event",
    { key },
  );
  const keys = Object.keys(s.seen);
  if (keys.length > CACHE_ENTRIES) {
    // Evict the least recently used quarter at once (amortised).
    keys.sort((a, b) => s.seen[a]!.last - s.seen[b]!.last);
    for (const k of keys.slice(0, keys.length - (CACHE_ENTRIES * 3) / 4)) delete s.seen[k];
  }
}

/** An event whose PATCH found it gone (expired after the 1 h TTL): forget it so the next one is new. */
export function forgetEvent(s: EventRecorderState, key: string): void {
  delete s.seen[key];
}
