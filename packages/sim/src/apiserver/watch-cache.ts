/**
 * The apiserver's watch cache (apiserver `pkg/storage/cacher`): the current objects of every
 * resource, kept up to date from one etcd watch, plus a window of recent events so that watches
 * can resume from a resourceVersion. Lists with `resourceVersion=0` and consistent lists are
 * served from it; watches always are.
 */
import type { KubeObject } from "../api/types";

/** One cached change. */
export interface CacheEvent {
  rev: number;
  key: string;
  prefix: string;
  type: "ADDED" | "MODIFIED" | "DELETED";
  /** The object after the change (for DELETED: the last state, with the deletion's resourceVersion). */
  object: KubeObject;
  /** The object before the change (MODIFIED, DELETED). */
  prevObject?: KubeObject;
}

/** The cached objects of one storage prefix (one resource). */
export interface ResourceCache {
  /** Objects by etcd key. */
  items: Record<string, KubeObject>;
  /** Keys by namespace ("" for cluster-scoped), for namespaced lists without a full scan. */
  byNamespace: Record<string, Record<string, true>>;
  count: number;
}

/** The whole cache. */
export interface WatchCacheState {
  /** Revision the cache reflects (the etcd revision of the last event or progress notification). */
  rev: number;
  /** The revision the cache was (re)built at; events before it are not in the window. */
  startRev: number;
  resources: Record<string, ResourceCache>;
  /** Recent events, oldest first, at most `capacity`. */
  events: CacheEvent[];
  capacity: number;
}

/**
 * The event window. The real cacher sizes it dynamically between 100 and 100 × 1024 events so
 * that it covers about 75 s of history (cacher `defaultLowerBoundCapacity`/`UpperBoundCapacity`,
 * `eventFreshDuration` 75 s); a fixed window of this size behaves the same for the clusters we run.
 */
export const DEFAULT_EVENT_WINDOW = 10_000;

/** An empty cache. */
export function createWatchCache(capacity = DEFAULT_EVENT_WINDOW): WatchCacheState {
  return { rev: 0, startRev: 0, resources: {}, events: [], capacity };
}

/** The cache of one prefix (created on first use). */
export function resourceCache(c: WatchCacheState, prefix: string): ResourceCache {
  let r = c.resources[prefix];
  if (!r) {
    r = { items: {}, byNamespace: {}, count: 0 };
    c.resources[prefix] = r;
  }
  return r;
}

/** Put an object into the cache (no event recorded). */
export function cachePut(c: WatchCacheState, prefix: string, key: string, obj: KubeObject): void {
  const r = resourceCache(c, prefix);
  if (!r.items[key]) {
    r.count++;
    const ns = obj.metadata.namespace ?? "";
    let set = r.byNamespace[ns];
    if (!set) {
      set = {};
      r.byNamespace[ns] = set;
    }
    set[key] = true;
  }
  r.items[key] = obj;
}

/** Remove an object from the cache. */
export function cacheDelete(c: WatchCacheState, prefix: string, key: string): void {
  const r = c.resources[prefix];
  const old = r?.items[key];
  if (!r || !old) return;
  delete r.items[key];
  r.count--;
  const ns = old.metadata.namespace ?? "";
  const set = r.byNamespace[ns];
  if (set) {
    delete set[key];
    for (const _ in set) return;
    delete r.byNamespace[ns];
  }
}

/** Record an event in the window. */
export function recordEvent(c: WatchCacheState, ev: CacheEvent): void {
  c.events.push(ev);
  if (c.events.length > c.capacity) {
    // Trim a chunk at once so the cost stays amortised O(1).
    c.events.splice(0, Math.max(1, Math.floor(c.capacity / 10)));
  }
}

/** The oldest revision a watch can resume from (exclusive): a watch from rev ≥ this is served. */
export function oldestResumableRev(c: WatchCacheState): number {
  const first = c.events[0];
  return first ? Math.min(first.rev - 1, c.rev) : c.startRev;
}

/** Events after `rev` for a prefix, oldest first. */
export function eventsAfter(c: WatchCacheState, prefix: string, rev: number): CacheEvent[] {
  const evs = c.events;
  let lo = 0;
  let hi = evs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (evs[mid]!.rev <= rev) lo = mid + 1;
    else hi = mid;
  }
  const out: CacheEvent[] = [];
  for (let i = lo; i < evs.length; i++) if (evs[i]!.prefix === prefix) out.push(evs[i]!);
  return out;
}

/** The objects of a prefix, optionally in one namespace, sorted by key (as etcd would list them). */
export function listCached(c: WatchCacheState, prefix: string, namespace: string): KubeObject[] {
  const r = c.resources[prefix];
  if (!r) return [];
  let keys: string[];
  if (namespace) keys = Object.keys(r.byNamespace[namespace] ?? {});
  else keys = Object.keys(r.items);
  keys.sort();
  return keys.map((k) => r.items[k]!);
}
