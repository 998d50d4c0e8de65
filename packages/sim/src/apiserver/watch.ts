/**
 * Watch plumbing: the cache's etcd watch (one reflector over `/registry/`), applying its events
 * to the watch cache, and dispatching them to client watches with their selectors, plus
 * bookmarks. Source: apiserver `pkg/storage/cacher` (cacher.go, cache_watcher.go, watch_cache.go).
 */

import type { FieldRequirement, LabelRequirement } from "../api/selectors";
import { fieldsMatch, labelsMatch } from "../api/selectors";
import { newTooOldResourceVersion } from "../api/status";
import type { KubeObject } from "../api/types";
import type { Context } from "../core/component";
import type { WatchCreate, WatchResponse } from "../etcd/messages";
import { prefixEnd } from "../etcd/mvcc";
import { decode, withResourceVersion } from "./codec";
import { etcdCall, etcdEndpoint } from "./etcd-client";
import type { WatchClosed, WatchEvent, WatchEventMessage } from "./http";
import { lookupResource, prefixOfKey } from "./resources";
import type { ApiServerState, ApiWatcher } from "./state";
import {
  type CacheEvent,
  cacheDelete,
  cachePut,
  createWatchCache,
  eventsAfter,
  listCached,
  oldestResumableRev,
  recordEvent,
} from "./watch-cache";

/** Build the cache from a full read of `/registry/`, then watch from the next revision. */
export function startCacheList(ctx: Context, s: ApiServerState): void {
  s.ready = false;
  etcdCall(ctx, s, "cache-list", {
    verb: "Range",
    range: { key: "/registry/", rangeEnd: prefixEnd("/registry/") },
  });
}

/** The initial list arrived: fill the cache and open the watch. */
export function onCacheList(
  ctx: Context,
  s: ApiServerState,
  kvs: import("../etcd/mvcc").KeyValue[],
  rev: number,
): void {
  s.cache = createWatchCache(s.cache.capacity);
  for (const kv of kvs) {
    const prefix = prefixOfKey(s, kv.key);
    if (prefix) cachePut(s.cache, prefix, kv.key, decode(kv));
  }
  s.cache.rev = rev;
  s.cache.startRev = rev;
  openEtcdWatch(ctx, s);
}

/** (Re)open the etcd watch from the cache's revision + 1. */
export function openEtcdWatch(ctx: Context, s: ApiServerState): void {
  s.etcdWatchId++;
  const msg: WatchCreate = {
    verb: "Watch",
    watchId: s.etcdWatchId,
    key: "/registry/",
    rangeEnd: prefixEnd("/registry/"),
    startRevision: s.cache.rev + 1,
    prevKv: true,
    // The apiserver watches with clientv3.WithRequireLeader (storage/etcd3/watcher.go).
    requireLeader: true,
    detail: `from ${s.cache.rev + 1}`,
  };
  const to = etcdEndpoint(s);
  ctx.connect(to);
  ctx.send(to, msg, { refuse: true });
}

/** A WatchResponse from etcd. Returns true when the cache became ready. */
export function onEtcdWatch(ctx: Context, s: ApiServerState, m: WatchResponse): void {
  if (m.watchId !== s.etcdWatchId) return;
  if (m.canceled) {
    if (m.compactRevision !== undefined) {
      // The cache fell behind compaction: relist (the reflector's "too old resource version").
      ctx.setTimer(1000, { name: "cache-relist" });
    } else {
      // No leader, or the member went away: re-watch from where we are after the reflector's back-off.
      ctx.setTimer(1000, { name: "cache-rewatch" });
    }
    s.etcdWatchId++;
    return;
  }
  if (m.created && !s.ready) {
    s.ready = true;
    onCacheReady(ctx, s);
  }
  if (m.events.length === 0) {
    // A progress notification: the cache is current up to the header revision.
    if (m.header.revision > s.cache.rev) s.cache.rev = m.header.revision;
    serveWaitingReads(ctx, s);
    return;
  }
  const batches = new Map<string, WatchEvent[]>();
  for (const ev of m.events) {
    const prefix = prefixOfKey(s, ev.kv.key);
    const rev = ev.kv.modRevision;
    if (!prefix) continue;
    let ce: CacheEvent;
    if (ev.type === "PUT") {
      const obj = decode(ev.kv);
      const prev = ev.prevKv ? decode(ev.prevKv) : undefined;
      ce = { rev, key: ev.kv.key, prefix, type: prev ? "MODIFIED" : "ADDED", object: obj };
      if (prev) ce.prevObject = prev;
      cachePut(s.cache, prefix, ev.kv.key, obj);
    } else {
      const prev = ev.prevKv ? decode(ev.prevKv) : undefined;
      if (!prev) continue;
      // A DELETED event carries the last state with the deletion's revision.
      ce = {
        rev,
        key: ev.kv.key,
        prefix,
        type: "DELETED",
        object: withResourceVersion(prev, rev),
        prevObject: prev,
      };
      cacheDelete(s.cache, prefix, ev.kv.key);
    }
    recordEvent(s.cache, ce);
    dispatch(s, ce, batches);
    onCachedChange(ctx, s, ce);
  }
  s.cache.rev = m.header.revision;
  for (const [key, events] of batches) {
    const w = s.watchers[key];
    if (!w) continue;
    w.rev = s.cache.rev;
    sendEvents(ctx, w, events);
  }
  serveWaitingReads(ctx, s);
}

// Hooks the apiserver module installs (avoids an import cycle at module init).
let onCacheReady: (ctx: Context, s: ApiServerState) => void = () => {};
let onCachedChange: (ctx: Context, s: ApiServerState, ev: CacheEvent) => void = () => {};
let serveWaitingReads: (ctx: Context, s: ApiServerState) => void = () => {};

/** Install the apiserver's reactions to cache readiness, cache changes and revision progress. */
export function setWatchHooks(hooks: {
  ready: typeof onCacheReady;
  change: typeof onCachedChange;
  progress: typeof serveWaitingReads;
}): void {
  onCacheReady = hooks.ready;
  onCachedChange = hooks.change;
  serveWaitingReads = hooks.progress;
}

// ---- client watches ---------------------------------------------------------------------------

/** The parsed selectors of a watch, kept beside the watcher (plain data). */
export interface WatchFilter {
  namespace: string;
  labels: LabelRequirement[];
  fields: FieldRequirement[];
}

function filterOf(w: ApiWatcher): WatchFilter {
  return w.filter;
}

/** Whether an object passes a watch's namespace and selectors. */
export function passes(f: WatchFilter, obj: KubeObject): boolean {
  if (f.namespace && obj.metadata.namespace !== f.namespace) return false;
  if (f.labels.length > 0 && !labelsMatch(f.labels, obj.metadata.labels)) return false;
  if (f.fields.length > 0 && !fieldsMatch(f.fields, obj)) return false;
  return true;
}

/** The event a watcher sees for a change, or null (cache_watcher.go convertToWatchEvent). */
function eventFor(w: ApiWatcher, ev: CacheEvent): WatchEvent | null {
  const f = filterOf(w);
  if (ev.type === "DELETED") return passes(f, ev.prevObject!) ? { type: "DELETED", object: ev.object } : null;
  const cur = passes(f, ev.object);
  const old = ev.prevObject !== undefined && passes(f, ev.prevObject);
  if (cur && old) return { type: "MODIFIED", object: ev.object };
  if (cur) return { type: "ADDED", object: ev.object };
  // An object that stops matching leaves the watcher's view: DELETED with its new resourceVersion.
  if (old) return { type: "DELETED", object: withResourceVersion(ev.prevObject!, ev.rev) };
  return null;
}

function addTo(batches: Map<string, WatchEvent[]>, key: string, e: WatchEvent): void {
  const b = batches.get(key);
  if (b) b.push(e);
  else batches.set(key, [e]);
}

function dispatch(s: ApiServerState, ev: CacheEvent, batches: Map<string, WatchEvent[]>): void {
  const all = s.watchersByPrefix[ev.prefix];
  if (all) {
    for (const key in all) {
      const w = s.watchers[key]!;
      const e = eventFor(w, ev);
      if (e) addTo(batches, key, e);
    }
  }
  // Pod watches by spec.nodeName (every kubelet has one) are indexed by node, like the
  // cacher's "spec.nodeName" trigger: a pod change only reaches the watchers of its node(s).
  if (ev.prefix === "/registry/pods") {
    const nodes = new Set<string>();
    const n1 = ev.object.spec?.nodeName;
    const n2 = ev.prevObject?.spec?.nodeName;
    if (n1) nodes.add(n1);
    if (n2) nodes.add(n2);
    for (const node of nodes) {
      const ws = s.watchersByNode[node];
      if (!ws) continue;
      for (const key in ws) {
        const e = eventFor(s.watchers[key]!, ev);
        if (e) addTo(batches, key, e);
      }
    }
  }
}

function sendEvents(ctx: Context, w: ApiWatcher, events: WatchEvent[]): void {
  const first = events[0]!.object as KubeObject;
  const msg: WatchEventMessage = {
    verb: "WATCH-EVENT",
    requestId: w.requestId,
    events,
    object: objectRef(first),
    detail: events.length === 1 ? events[0]!.type : `${events.length} events`,
  };
  ctx.send(w.replyTo, { ...msg, origin: w.origin } as WatchEventMessage);
}

/** `kind/namespace/name` for the trace. */
export function objectRef(obj: KubeObject | undefined): string | undefined {
  if (!obj?.metadata) return undefined;
  const kind = obj.kind ?? "?";
  return obj.metadata.namespace
    ? `${kind}/${obj.metadata.namespace}/${obj.metadata.name}`
    : `${kind}/${obj.metadata.name}`;
}

/** Register a watcher and send its initial events. Returns an error Status body or null. */
export function startWatch(ctx: Context, s: ApiServerState, w: ApiWatcher, fromRev: number | null): unknown {
  const served = lookupResource(s, w.resourceKey)!;
  const f = w.filter;
  const initial: WatchEvent[] = [];
  if (fromRev === null) {
    // No resourceVersion (or "0"): synthetic ADDED events for the current state, then changes.
    for (const obj of listCached(s.cache, w.prefix, f.namespace)) {
      if (passes(f, obj)) initial.push({ type: "ADDED", object: withKind(obj, served.info) });
    }
  } else {
    if (fromRev < oldestResumableRev(s.cache)) {
      return newTooOldResourceVersion(fromRev, oldestResumableRev(s.cache) + 1);
    }
    for (const ev of eventsAfter(s.cache, w.prefix, fromRev)) {
      const e = eventFor(w, ev);
      if (e) initial.push(e);
    }
  }
  s.watchers[w.key] = w;
  if (w.node) {
    let set = s.watchersByNode[w.node];
    if (!set) {
      set = {};
      s.watchersByNode[w.node] = set;
    }
    set[w.key] = true;
  } else {
    let set = s.watchersByPrefix[w.prefix];
    if (!set) {
      set = {};
      s.watchersByPrefix[w.prefix] = set;
    }
    set[w.key] = true;
  }
  w.rev = s.cache.rev;
  if (initial.length > 0) sendEvents(ctx, w, initial);
  scheduleBookmarks(ctx, s);
  return null;
}

/** Built-in objects are stored with apiVersion and kind; make sure watch and get show them. */
export function withKind(
  obj: KubeObject,
  info: { group: string; version: string; kind: string },
): KubeObject {
  if (obj.kind && obj.apiVersion) return obj;
  return { ...obj, apiVersion: info.group ? `${info.group}/${info.version}` : info.version, kind: info.kind };
}

/** Remove a watcher; with `notify`, tell the client its stream ended. */
export function stopWatch(ctx: Context, s: ApiServerState, key: string, notify: string | null): void {
  const w = s.watchers[key];
  if (!w) return;
  delete s.watchers[key];
  if (w.node) delete s.watchersByNode[w.node]?.[key];
  else delete s.watchersByPrefix[w.prefix]?.[key];
  if (notify !== null) {
    const msg: WatchClosed = { verb: "WATCH-CLOSED", requestId: w.requestId, reason: notify };
    ctx.send(w.replyTo, { ...msg, origin: w.origin } as WatchClosed);
  }
}

/** Arrange the bookmark timer for the earliest watcher that wants one. */
export function scheduleBookmarks(ctx: Context, s: ApiServerState): void {
  let min = Number.POSITIVE_INFINITY;
  for (const key in s.watchers) {
    const w = s.watchers[key]!;
    if (w.bookmarks && w.nextBookmarkAt < min) min = w.nextBookmarkAt;
  }
  if (min === Number.POSITIVE_INFINITY) return;
  if (s.bookmarkTimerAt !== 0 && s.bookmarkTimerAt <= min) return;
  s.bookmarkTimerAt = min;
  ctx.setTimer(Math.max(0, min - ctx.now), { name: "bookmark", at: min } as { name: string });
}

/** The bookmark timer fired: send BOOKMARK events to every watcher that is due. */
export function sendBookmarks(ctx: Context, s: ApiServerState, at: number): void {
  if (at !== s.bookmarkTimerAt) return;
  s.bookmarkTimerAt = 0;
  for (const key in s.watchers) {
    const w = s.watchers[key]!;
    if (!w.bookmarks || w.nextBookmarkAt > ctx.now) continue;
    const served = lookupResource(s, w.resourceKey)!;
    const info = served.info;
    const object = {
      kind: info.kind,
      apiVersion: info.group ? `${info.group}/${info.version}` : info.version,
      metadata: { resourceVersion: String(s.cache.rev) },
    };
    w.nextBookmarkAt = ctx.now + s.cfg.bookmarkFrequencyMs;
    sendEvents(ctx, w, [{ type: "BOOKMARK", object }]);
  }
  scheduleBookmarks(ctx, s);
}
