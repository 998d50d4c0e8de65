/**
 * The event recorder a controller uses (client-go `tools/record`): `core/v1` Events named
 * `<object>.<hex nanoseconds>`, with the correlator's three steps in their real order:
 *
 * 1. aggregation (`EventAggregator`): the 10th distinct message with the same source, object,
 *    type and reason within 10 minutes becomes one event "(combined from similar events): …";
 * 2. de-duplication (`eventLogger`): an event identical to one already sent is a PATCH of its
 *    `count` and `lastTimestamp` instead of a new object;
 * 3. the spam filter (`EventSourceObjectSpamFilter`): per source and object a token bucket of
 *    burst 25 refilled once every 5 minutes; events beyond it are dropped.
 *
 * Caches are LRUs of 4096 entries (`maxLruCacheEntries`), as plain data.
 */
import type { KubeObject } from "../../api/types";
import type { Context } from "../../core/component";
import { formatTimestamp } from "../../core/time";

/** `maxLruCacheEntries` (client-go tools/record/events_cache.go). */
const LRU_ENTRIES = 4096;
/** `defaultAggregateMaxEvents`, `defaultAggregateIntervalInSeconds`. */
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
/** `defaultSpamBurst`, `defaultSpamQPS` (1/300). */
const SPAM_BURST = 25;
const SPAM_QPS = 1 / 300;

/** A bounded map with insertion-order eviction (approximating the LRU, deterministically). */
interface Lru<V> {
  entries: Record<string, V>;
  order: string[];
  head: number;
}

function lruGet<V>(c: Lru<V>, key: string): V | undefined {
  return c.entries[key];
}

function lruSet<V>(c: Lru<V>, key: string, value: V): void {
  if (!(key in c.entries)) {
    c.order.push(key);
    if (c.order.length - c.head > LRU_ENTRIES) {
      const evict = c.order[c.head]!;
      c.head++;
      delete c.entries[evict];
      if (c.head > LRU_ENTRIES) {
        c.order = c.order.slice(c.head);
        c.head = 0;
      }
    }
  }
  c.entries[key] = value;
}

function newLru<V>(): Lru<V> {
  return { entries: {}, order: [], head: 0 };
}

/** What one recorder remembers. */
export interface EventRecorderState {
  /** `source.component` (`replicaset-controller`, `deployment-controller`, …). */
  component: string;
  aggregate: Lru<{ messages: string[]; last: number }>;
  /** Events sent, by de-duplication key: name, namespace, count and first timestamp. */
  observed: Lru<{ name: string; namespace: string; count: number; first: string }>;
  spam: Lru<{ tokens: number; last: number }>;
  /** Tie-breaker so that two events of one object in the same millisecond get distinct names. */
  seq: number;
}

/** A new recorder for a component. */
export function createEventRecorder(component: string): EventRecorderState {
  return { component, aggregate: newLru(), observed: newLru(), spam: newLru(), seq: 0 };
}

/** `Normal` or `Warning`. */
export type EventType = "Normal" | "Warning";

/** What to send for an event: a create, or a patch of an existing one. */
export type EventWrite =
  | { kind: "create"; namespace: string; event: KubeObject }
  | { kind: "patch"; namespace: string; name: string; patch: unknown; event: KubeObject };

/** `ref.GetReference`: the involved object reference. */
function objectReference(obj: KubeObject): Record<string, string> {
  const ref: Record<string, string> = {
    kind: obj.kind,
    name: obj.metadata.name ?? "",
    uid: obj.metadata.uid ?? "",
    apiVersion: obj.apiVersion,
    resourceVersion: obj.metadata.resourceVersion ?? "",
  };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  return ref;
}

/**
 * Record an event about `obj`: returns the write to send, or null when the spam filter drops it.
 * Pure over the recorder state; the caller sends the write.
 */
export function recordEvent(
  ctx: Context,
  r: EventRecorderState,
  obj: KubeObject,
  type: EventType,
  reason: string,
  message: string,
): EventWrite | null {
  const ref = objectReference(obj);
  const namespace = ref.namespace || "default";
  const nowMs = ctx.epochMs + ctx.now;
  const ts = formatTimestamp(nowMs);
  // Event names carry the time in nanoseconds; a per-recorder sequence stands in for the
  // sub-millisecond part so names stay unique and deterministic.
  const nanos = BigInt(nowMs) * 1_000_000n + BigInt(r.seq++ % 1_000_000);
  const objectId = `${r.component}\u0000${ref.kind}\u0000${namespace}\u0000${ref.name}\u0000${ref.uid}\u0000${ref.apiVersion}`;

  // 1. Aggregation by reason.
  const aggregateKey = `${objectId}\u0000${type}\u0000${reason}`;
  let rec = lruGet(r.aggregate, aggregateKey);
  if (!rec || ctx.now - rec.last > AGGREGATE_INTERVAL_MS) rec = { messages: [], last: ctx.now };
  if (!rec.messages.includes(message)) rec.messages.push(message);
  rec.last = ctx.now;
  lruSet(r.aggregate, aggregateKey, rec);
  let key = `${objectId}\u0000${type}\u0000${reason}\u0000${message}`;
  let eventMessage = message;
  if (rec.messages.length >= AGGREGATE_MAX_EVENTS) {
    rec.messages.shift();
    key = aggregateKey;
    eventMessage = `(combined from similar events): ${message}`;
  }

  // 3. Spam filter (applied to the event about to be written).
  const spamKey = `${objectId}\u0000${type}`;
  const bucket = lruGet(r.spam, spamKey) ?? { tokens: SPAM_BURST, last: ctx.now };
  bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + ((ctx.now - bucket.last) / 1000) * SPAM_QPS);
  bucket.last = ctx.now;
  lruSet(r.spam, spamKey, bucket);
  if (bucket.tokens < 1) return null;
  bucket.tokens -= 1;

  // 2. De-duplication.
  const seen = lruGet(r.observed, key);
  const event: KubeObject = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: seen?.name ?? `${ref.name}.${nanos.toString(16)}`, namespace },
    involvedObject: ref,
    reason,
    message: eventMessage,
    source: { component: r.component },
    firstTimestamp: seen?.first ?? ts,
    lastTimestamp: ts,
    count: (seen?.count ?? 0) + 1,
    type,
    eventTime: null,
    reportingComponent: r.component,
    reportingInstance: "",
  };
  lruSet(r.observed, key, {
    name: event.metadata.name!,
    namespace,
    count: event.count as number,
    first: event.firstTimestamp as string,
  });
  if (seen)
    return {
      kind: "patch",
      namespace,
      name: seen.name,
      patch: { count: event.count, lastTimestamp: ts, message: eventMessage },
      event,
    };
  return { kind: "create", namespace, event };
}
