/**
 * An informer as plain data (client-go `tools/cache`: Reflector + Indexer): list, then watch
 * from the list's resourceVersion with bookmarks; keep a local cache with indexes; on a closed
 * watch resume from the last resourceVersion; on "too old resource version" (410) relist; back
 * off on errors like the reflector (800 ms doubling to 30 s). The component feeds it the client
 * events and timers it receives and gets back the changes (deltas) to act on.
 */
import type { KubeObject } from "../../api/types";
import type { Context, Timer } from "../../core/component";
import type { WatchEvent } from "../http";
import { type ApiClientEvent, type ApiClientState, apiRequest, apiWatch, cancelWatch } from "./api-client";

/** One change the informer saw. */
export interface InformerDelta {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: KubeObject;
  /** The previous state (MODIFIED, DELETED). */
  old?: KubeObject;
}

/** The informer's state (keep it inside the component's state). */
export interface InformerState {
  /** Unique per component; tags its requests and timers. */
  id: string;
  /** The collection path, e.g. `/api/v1/pods` or `/apis/apps/v1/namespaces/web/deployments`. */
  path: string;
  /** `labelSelector` / `fieldSelector` query parameters. */
  selectors: Record<string, string>;
  /** Names of index functions (see `registerIndexFunction`) to maintain. */
  indexers: string[];
  /** Objects by `namespace/name` (or `name` when cluster-scoped). Read-only: copy before changing. */
  items: Record<string, KubeObject>;
  /** index name → value → keys. */
  indexes: Record<string, Record<string, Record<string, true>>>;
  /** Last resourceVersion seen (list, event or bookmark). */
  resourceVersion: string;
  phase: "idle" | "listing" | "watching" | "backoff";
  /** True once the first list has been delivered (HasSynced). */
  synced: boolean;
  /** The request id of the current list or watch. */
  requestId: number;
  backoffMs: number;
  /** Items gathered over the pages of a paged list. */
  listing: Record<string, KubeObject> | null;
  /** True while the current list or watch request has had no answer yet. */
  awaiting?: boolean;
  /** When the current watch last delivered anything (events, bookmarks). */
  lastHeardAt?: number;
}

/** An index function: the index values of an object (client-go IndexFunc). Code, not state. */
export type IndexFunction = (obj: KubeObject) => string[];

const INDEX_FUNCTIONS: Record<string, IndexFunction> = {
  /** cache.NamespaceIndex */
  namespace: (o) => [o.metadata.namespace ?? ""],
  /** Pods by the node they are bound to. */
  "spec.nodeName": (o) => (o.spec?.nodeName ? [o.spec.nodeName] : []),
  /** Objects by the uid of their controller (ownerReference with controller: true). */
  controllerUid: (o) =>
    (o.metadata.ownerReferences ?? []).filter((r) => r.controller === true).map((r) => r.uid),
};

/** Register an index function under a name (at module load, from code). */
export function registerIndexFunction(name: string, fn: IndexFunction): void {
  INDEX_FUNCTIONS[name] = fn;
}

/** client-go's reflector back-off: 800 ms initial, ×2, 30 s cap (reflector.go NewReflectorWithOptions). */
const BACKOFF_INITIAL_MS = 800;
const BACKOFF_MAX_MS = 30_000;
/** client-go list page size (pager.go defaultPageSize). */
const PAGE_SIZE = "500";
/** The reflector's watch timeout: minWatchTimeout 5 min × (1 + rand) (reflector.go). */
const MIN_WATCH_TIMEOUT_S = 300;
/**
 * How long a request may go unanswered before the connection is declared dead: client-go's
 * HTTP/2 health check pings an idle connection after 30 s (ReadIdleTimeout) and closes it when
 * the ping is not answered within 15 s (PingTimeout) (apimachinery util/net http.go). A cut
 * network link drops messages silently, so this is how a client learns of it.
 */
const DEAD_CONNECTION_MS = 45_000;
/**
 * An open watch hears a bookmark at least every minute (the apiserver sends them to watches with
 * `allowWatchBookmarks`); silence beyond that plus the health check's 45 s means the connection
 * died. (The simulated transport has no pings; the bookmarks stand in for them.)
 */
const WATCH_SILENCE_MS = 60_000 + DEAD_CONNECTION_MS;

/** Create an informer (call `startInformer` to begin). */
export function createInformer(
  id: string,
  path: string,
  options: { labelSelector?: string; fieldSelector?: string; indexers?: string[] } = {},
): InformerState {
  const selectors: Record<string, string> = {};
  if (options.labelSelector) selectors.labelSelector = options.labelSelector;
  if (options.fieldSelector) selectors.fieldSelector = options.fieldSelector;
  const indexers = options.indexers ?? ["namespace"];
  const indexes: InformerState["indexes"] = {};
  for (const name of indexers) indexes[name] = {};
  return {
    id,
    path,
    selectors,
    indexers,
    items: {},
    indexes,
    resourceVersion: "",
    phase: "idle",
    synced: false,
    requestId: 0,
    backoffMs: BACKOFF_INITIAL_MS,
    listing: null,
  };
}

/** The cache key of an object (cache.MetaNamespaceKeyFunc). */
export function informerKey(obj: KubeObject): string {
  return obj.metadata.namespace
    ? `${obj.metadata.namespace}/${obj.metadata.name}`
    : (obj.metadata.name ?? "");
}

/** Begin (or restart) with a list. `fromCache`: list at resourceVersion "0" as the reflector's first list does. */
export function startInformer(ctx: Context, c: ApiClientState, inf: InformerState, fromCache = true): void {
  inf.phase = "listing";
  inf.listing = {};
  const query: Record<string, string> = {
    ...inf.selectors,
    limit: PAGE_SIZE,
    resourceVersion: fromCache ? "0" : "",
  };
  inf.requestId = apiRequest(ctx, c, { method: "GET", path: inf.path, query }, `${inf.id}:list`);
  awaitAnswer(ctx, inf);
}

/** Arms the dead-connection deadline of the request just sent. */
function awaitAnswer(ctx: Context, inf: InformerState): void {
  inf.awaiting = true;
  ctx.setTimer(DEAD_CONNECTION_MS, { name: `${inf.id}:deadline`, requestId: inf.requestId } as Timer);
}

/** Gives up the current request (its connection is dead) and retries after the back-off. */
function abandon(ctx: Context, c: ApiClientState, inf: InformerState): void {
  const watching = inf.phase === "watching";
  if (watching) cancelWatch(ctx, c, inf.requestId);
  else delete c.pending[inf.requestId];
  inf.awaiting = false;
  // A list starts over; a watch resumes from the last resourceVersion.
  backoff(ctx, inf, !watching);
}

function startWatching(ctx: Context, c: ApiClientState, inf: InformerState): void {
  inf.phase = "watching";
  const timeoutSeconds = String(Math.floor(MIN_WATCH_TIMEOUT_S * (1 + ctx.random())));
  inf.requestId = apiWatch(
    ctx,
    c,
    inf.path,
    { ...inf.selectors, resourceVersion: inf.resourceVersion, allowWatchBookmarks: "true", timeoutSeconds },
    `${inf.id}:watch`,
  );
  awaitAnswer(ctx, inf);
}

function backoff(ctx: Context, inf: InformerState, relist: boolean): void {
  inf.phase = "backoff";
  ctx.setTimer(inf.backoffMs, { name: `${inf.id}:retry`, relist } as Timer);
  inf.backoffMs = Math.min(inf.backoffMs * 2, BACKOFF_MAX_MS);
}

function indexAdd(inf: InformerState, key: string, obj: KubeObject): void {
  for (const name of inf.indexers) {
    const fn = INDEX_FUNCTIONS[name];
    if (!fn) continue;
    const idx = inf.indexes[name]!;
    for (const v of fn(obj)) {
      let set = idx[v];
      if (!set) {
        set = {};
        idx[v] = set;
      }
      set[key] = true;
    }
  }
}

function indexRemove(inf: InformerState, key: string, obj: KubeObject): void {
  for (const name of inf.indexers) {
    const fn = INDEX_FUNCTIONS[name];
    if (!fn) continue;
    const idx = inf.indexes[name]!;
    for (const v of fn(obj)) {
      const set = idx[v];
      if (!set) continue;
      // An emptied set is kept: finding out that it is empty costs a walk of its keys, and an
      // empty set answers lookups correctly.
      delete set[key];
    }
  }
}

function sameIndexValues(inf: InformerState, a: KubeObject, b: KubeObject): boolean {
  for (const name of inf.indexers) {
    const fn = INDEX_FUNCTIONS[name];
    if (!fn) continue;
    const va = fn(a);
    const vb = fn(b);
    if (va.length !== vb.length) return false;
    for (let i = 0; i < va.length; i++) if (va[i] !== vb[i]) return false;
  }
  return true;
}

function store(inf: InformerState, obj: KubeObject, deltas: InformerDelta[]): void {
  const key = informerKey(obj);
  const old = inf.items[key];
  inf.items[key] = obj;
  // Most updates (status, leases) leave every index value as it was: skip the index work then.
  if (!old || !sameIndexValues(inf, old, obj)) {
    if (old) indexRemove(inf, key, old);
    indexAdd(inf, key, obj);
  }
  deltas.push(old ? { type: "MODIFIED", object: obj, old } : { type: "ADDED", object: obj });
}

function remove(inf: InformerState, obj: KubeObject, deltas: InformerDelta[]): void {
  const key = informerKey(obj);
  const old = inf.items[key];
  if (!old) return;
  indexRemove(inf, key, old);
  delete inf.items[key];
  deltas.push({ type: "DELETED", object: obj, old });
}

/** What the informer tells the component after an event. */
export interface InformerUpdate {
  deltas: InformerDelta[];
  /** True when this update completed the first list (the informer just synced). */
  justSynced: boolean;
}

/**
 * Feed a client event. Returns null when the event is not this informer's; otherwise the
 * changes to the local cache (possibly none).
 */
export function handleInformerEvent(
  ctx: Context,
  c: ApiClientState,
  inf: InformerState,
  ev: ApiClientEvent,
): InformerUpdate | null {
  if (ev.requestId !== inf.requestId || !ev.tag.startsWith(`${inf.id}:`)) return null;
  const deltas: InformerDelta[] = [];
  inf.awaiting = false;
  inf.lastHeardAt = ctx.now;
  if (ev.tag === `${inf.id}:list` && ev.kind === "response") {
    if (ev.code !== 200) {
      // 410 on a list at "0"/a known revision: relist consistently; anything else: back off.
      backoff(ctx, inf, true);
      if (ev.code === 410) inf.resourceVersion = "";
      return { deltas, justSynced: false };
    }
    const list = ev.body as {
      metadata: { resourceVersion?: string; continue?: string };
      items: KubeObject[];
    };
    const gathered = inf.listing ?? {};
    for (const item of list.items) gathered[informerKey(item)] = item;
    if (list.metadata.continue) {
      const query = { ...inf.selectors, limit: PAGE_SIZE, continue: list.metadata.continue };
      inf.requestId = apiRequest(ctx, c, { method: "GET", path: inf.path, query }, `${inf.id}:list`);
      awaitAnswer(ctx, inf);
      inf.listing = gathered;
      return { deltas, justSynced: false };
    }
    inf.listing = null;
    // Replace: what is new or changed is ADDED/MODIFIED, what is gone is DELETED (DeltaFIFO.Replace).
    for (const key of Object.keys(inf.items)) if (!gathered[key]) remove(inf, inf.items[key]!, deltas);
    for (const key of Object.keys(gathered)) {
      const obj = gathered[key]!;
      const old = inf.items[key];
      if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) continue;
      store(inf, obj, deltas);
    }
    inf.resourceVersion = list.metadata.resourceVersion ?? "";
    inf.backoffMs = BACKOFF_INITIAL_MS;
    const justSynced = !inf.synced;
    inf.synced = true;
    startWatching(ctx, c, inf);
    return { deltas, justSynced };
  }
  if (ev.tag !== `${inf.id}:watch`) return { deltas, justSynced: false };
  switch (ev.kind) {
    case "response":
      if (ev.code === 200) {
        // The watch is open: from now on, silence longer than the bookmark period means a dead connection.
        ctx.setTimer(WATCH_SILENCE_MS, { name: `${inf.id}:silence`, requestId: inf.requestId } as Timer);
        return { deltas, justSynced: false };
      }
      if (ev.code === 410) {
        inf.resourceVersion = "";
        startInformer(ctx, c, inf, false);
      } else backoff(ctx, inf, ev.code === 0);
      return { deltas, justSynced: false };
    case "watch-event":
      for (const e of ev.events) applyWatchEvent(ctx, c, inf, e, deltas);
      return { deltas, justSynced: false };
    case "watch-closed":
      // A watch that ends (timeout, apiserver gone) resumes from the last resourceVersion.
      if (ev.reason === "connection reset") backoff(ctx, inf, false);
      else startWatching(ctx, c, inf);
      return { deltas, justSynced: false };
  }
}

function applyWatchEvent(
  ctx: Context,
  c: ApiClientState,
  inf: InformerState,
  e: WatchEvent,
  deltas: InformerDelta[],
): void {
  const obj = e.object as KubeObject;
  switch (e.type) {
    case "ADDED":
    case "MODIFIED":
      store(inf, obj, deltas);
      break;
    case "DELETED":
      remove(inf, obj, deltas);
      break;
    case "BOOKMARK":
      break;
    case "ERROR": {
      // 410 Expired: the revision is gone from the watch cache: relist.
      const code = (e.object as { code?: number }).code;
      if (code === 410) {
        inf.resourceVersion = "";
        startInformer(ctx, c, inf, false);
      } else backoff(ctx, inf, true);
      return;
    }
  }
  const rv = obj?.metadata?.resourceVersion;
  if (rv) inf.resourceVersion = rv;
}

/** Feed a timer. Returns true when it was this informer's. */
export function handleInformerTimer(
  ctx: Context,
  c: ApiClientState,
  inf: InformerState,
  timer: Timer,
): boolean {
  if (timer.name === `${inf.id}:deadline`) {
    if ((timer as Timer & { requestId: number }).requestId === inf.requestId && inf.awaiting)
      abandon(ctx, c, inf);
    return true;
  }
  if (timer.name === `${inf.id}:silence`) {
    if ((timer as Timer & { requestId: number }).requestId !== inf.requestId || inf.phase !== "watching")
      return true;
    const quietFor = ctx.now - (inf.lastHeardAt ?? ctx.now);
    if (quietFor >= WATCH_SILENCE_MS) abandon(ctx, c, inf);
    else ctx.setTimer(WATCH_SILENCE_MS - quietFor, { name: timer.name, requestId: inf.requestId } as Timer);
    return true;
  }
  if (timer.name !== `${inf.id}:retry`) return false;
  if ((timer as Timer & { relist: boolean }).relist || inf.resourceVersion === "")
    startInformer(ctx, c, inf, true);
  else startWatching(ctx, c, inf);
  return true;
}

/** The cached object `namespace/name` (namespace "" for cluster-scoped). */
export function informerGet(inf: InformerState, namespace: string, name: string): KubeObject | undefined {
  return inf.items[namespace ? `${namespace}/${name}` : name];
}

/** Cached objects, all or of one namespace (via the "namespace" index when present). */
export function informerList(inf: InformerState, namespace?: string): KubeObject[] {
  if (namespace === undefined) return Object.values(inf.items);
  const idx = inf.indexes.namespace;
  if (idx) return Object.keys(idx[namespace] ?? {}).map((k) => inf.items[k]!);
  return Object.values(inf.items).filter((o) => (o.metadata.namespace ?? "") === namespace);
}

/** Cached objects whose index `name` has `value` (client-go ByIndex). */
export function informerByIndex(inf: InformerState, name: string, value: string): KubeObject[] {
  return Object.keys(inf.indexes[name]?.[value] ?? {}).map((k) => inf.items[k]!);
}
