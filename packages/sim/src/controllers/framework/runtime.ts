/**
 * Running controllers inside a component: per controller a work queue, workers, an event
 * recorder and a client-side rate limiter, all plain data; the shared informers and the API
 * client belong to the host (the kube-controller-manager). The host feeds informer deltas,
 * API answers and timers here, and the runtime runs handlers, syncs and their steps.
 *
 * A sync runs to completion at once (it only reads caches and queues calls). Its key stays
 * "processing" (holding one of the controller's workers, as a Go worker blocked in the sync
 * would) until every call it made has been answered and its steps have run; then the key is
 * `Done`, and `Forget` or `AddRateLimited` as the sync succeeded or failed.
 */
import type { KubeObject } from "../../api/types";
import {
  type ApiCall,
  type ApiClientEvent,
  type ApiClientState,
  apiRequest,
} from "../../apiserver/client/api-client";
import {
  type InformerDelta,
  type InformerState,
  informerByIndex,
  informerGet,
  informerList,
} from "../../apiserver/client/informer";
import type { UserInfo } from "../../apiserver/http";
import type { Context, Timer } from "../../core/component";
import type {
  ControllerDefinition,
  ControllerSettings,
  HandlerContext,
  SyncContext,
  WriteOptions,
  WriteResult,
} from "./controller";
import { createEventRecorder, type EventRecorderState, type EventType, recordEvent } from "./events";
import { apiVersionOf, objectPath, resourcePath } from "./resources";
import {
  createWorkQueue,
  DEFAULT_CONTROLLER_RATE_LIMITER,
  queueAdd,
  queueAddAfter,
  queueAddRateLimited,
  queueDelayFired,
  queueDone,
  queueForget,
  queueGet,
  queueNumRequeues,
  type WorkQueueState,
} from "./work-queue";

/** A call waiting for the client-side rate limiter. */
interface ThrottledCall {
  call: ApiCall;
  tag: string;
  data: unknown;
}

/**
 * Client-side rate limiting (client-go `flowcontrol.NewTokenBucketRateLimiter(qps, burst)`):
 * each controller's client is built from the manager's `--kube-api-qps`/`--kube-api-burst`.
 */
export interface ClientThrottleState {
  /** Requests per second; negative: unlimited. */
  qps: number;
  burst: number;
  tokens: number;
  last: number;
  waiting: ThrottledCall[];
  armed: boolean;
}

/** A sync in progress (its key holds a worker). */
export interface ActiveSync {
  /** Calls made and not yet answered. */
  outstanding: number;
  /** Answers to the calls of the current step, in arrival order. */
  results: WriteResult[];
  /** The step to run once `outstanding` reaches 0 (set by `continueWith`). */
  step: string | null;
  stepData: unknown;
  /** Set by `fail`: the sync returned an error. */
  error: string | null;
}

/** One controller's runtime state, kept in the host's state. */
export interface ControllerRuntimeState {
  name: string;
  /** Worker count (`--concurrent-…-syncs`). */
  workers: number;
  /** The identity its client uses. */
  user: UserInfo;
  queue: WorkQueueState;
  active: Record<string, ActiveSync>;
  activeCount: number;
  /** True once its informers synced (`WaitForCacheSync`) and workers may run. */
  started: boolean;
  /** The controller's own data (`ControllerDefinition.init()`). */
  data: unknown;
  recorder: EventRecorderState;
  throttle: ClientThrottleState;
  /** Syncs run so far (for benchmarks and tests). */
  syncs: number;
  /** The last error of each key that failed (cleared on success), like the controller's logs. */
  errors: Record<string, string>;
}

/** What the host (the controller-manager) holds that controllers share. */
export interface ControllerHost {
  client: ApiClientState;
  /** Shared informers by group-resource. */
  informers: Record<string, InformerState>;
  controllers: Record<string, ControllerRuntimeState>;
}

/** Finds a controller's code by name (the host's registry). */
export type ControllerLookup = (name: string) => ControllerDefinition;

/** Options of a controller's runtime. */
export interface ControllerRuntimeOptions {
  workers?: number;
  user: UserInfo;
  /** Client QPS / burst (KCM `--kube-api-qps` 20, `--kube-api-burst` 30). */
  qps: number;
  burst: number;
  settings: ControllerSettings;
}

/** A fresh runtime for a controller. */
export function createControllerRuntime(
  def: ControllerDefinition,
  options: ControllerRuntimeOptions,
): ControllerRuntimeState {
  return {
    name: def.name,
    workers: options.workers ?? def.workers,
    user: options.user,
    queue: createWorkQueue(def.rateLimiter ?? DEFAULT_CONTROLLER_RATE_LIMITER),
    active: {},
    activeCount: 0,
    started: false,
    data: def.init(options.settings),
    recorder: createEventRecorder(def.component),
    throttle: {
      qps: options.qps,
      burst: options.burst,
      tokens: options.burst,
      last: 0,
      waiting: [],
      armed: false,
    },
    syncs: 0,
    errors: {},
  };
}

// ---- the context handed to controller code ------------------------------------------------

const WRITE_TAG = "kcm:write";
const EVENT_TAG = "kcm:event";
const QUEUE_TIMER = "kcm:queue";
const THROTTLE_TIMER = "kcm:throttle";

interface WriteData {
  c: string;
  k: string;
  l: unknown;
  m: ApiCall["method"];
}

/** The transient object controller code talks to (never stored). */
class Handle implements SyncContext<unknown> {
  constructor(
    private readonly ctx: Context,
    private readonly host: ControllerHost,
    private readonly rt: ControllerRuntimeState,
    readonly key: string,
    private readonly active: ActiveSync | null,
  ) {}

  get now(): number {
    return this.ctx.now;
  }
  get unixMs(): number {
    return this.ctx.epochMs + this.ctx.now;
  }
  get data(): unknown {
    return this.rt.data;
  }
  timestamp(): string {
    return this.ctx.timestamp();
  }
  informer(resource: string): InformerState {
    const inf = this.host.informers[resource];
    if (!inf) throw new Error(`controller ${this.rt.name} has no informer for ${resource}`);
    return inf;
  }
  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    return informerGet(this.informer(resource), namespace, name);
  }
  list(resource: string, namespace?: string): KubeObject[] {
    return informerList(this.informer(resource), namespace);
  }
  byIndex(resource: string, index: string, value: string): KubeObject[] {
    return informerByIndex(this.informer(resource), index, value);
  }
  enqueue(key: string): void {
    queueAdd(this.rt.queue, key);
  }
  enqueueAfter(key: string, delayMs: number): void {
    const at = queueAddAfter(this.rt.queue, key, delayMs, this.ctx.now);
    if (at !== null) armQueueTimer(this.ctx, this.rt, key, at);
  }
  enqueueRateLimited(key: string): void {
    const at = queueAddRateLimited(this.rt.queue, key, this.ctx.now);
    if (at !== null) armQueueTimer(this.ctx, this.rt, key, at);
  }
  numRequeues(key: string): number {
    return queueNumRequeues(this.rt.queue, key);
  }

  private mustBeSyncing(): ActiveSync {
    if (!this.active) throw new Error(`controller ${this.rt.name}: API calls are only allowed in a sync`);
    return this.active;
  }
  request(call: ApiCall, options?: WriteOptions): void {
    const a = this.mustBeSyncing();
    a.outstanding++;
    const data: WriteData = { c: this.rt.name, k: this.key, l: options?.label ?? null, m: call.method };
    sendThrottled(this.ctx, this.host, this.rt, call, WRITE_TAG, data);
  }
  create(resource: string, namespace: string, body: KubeObject, options?: WriteOptions): void {
    const call: ApiCall = { method: "POST", path: resourcePath(resource, namespace), body };
    if (options?.query) call.query = options.query;
    this.request(call, options);
  }
  update(resource: string, obj: KubeObject, options?: WriteOptions): void {
    this.put(resource, obj, undefined, options);
  }
  updateStatus(resource: string, obj: KubeObject, options?: WriteOptions): void {
    this.put(resource, obj, "status", options);
  }
  private put(resource: string, obj: KubeObject, sub: string | undefined, options?: WriteOptions): void {
    const body = { ...obj, apiVersion: obj.apiVersion || apiVersionOf(resource) };
    const call: ApiCall = { method: "PUT", path: objectPath(resource, obj, sub), body };
    if (options?.query) call.query = options.query;
    this.request(call, options);
  }
  patch(
    resource: string,
    namespace: string,
    name: string,
    patch: unknown,
    type: "merge" | "strategic" | "json",
    options?: WriteOptions & { subresource?: string },
  ): void {
    const contentType =
      type === "merge"
        ? "application/merge-patch+json"
        : type === "strategic"
          ? "application/strategic-merge-patch+json"
          : "application/json-patch+json";
    const call: ApiCall = {
      method: "PATCH",
      path: resourcePath(resource, namespace, name, options?.subresource),
      body: patch,
      contentType,
    };
    if (options?.query) call.query = options.query;
    this.request(call, options);
  }
  delete(resource: string, namespace: string, name: string, body?: unknown, options?: WriteOptions): void {
    const call: ApiCall = { method: "DELETE", path: resourcePath(resource, namespace, name) };
    if (body !== undefined) call.body = body;
    if (options?.query) call.query = options.query;
    this.request(call, options);
  }
  event(obj: KubeObject, type: EventType, reason: string, message: string): void {
    const w = recordEvent(this.ctx, this.rt.recorder, obj, type, reason, message);
    if (!w) return;
    const call: ApiCall =
      w.kind === "create"
        ? { method: "POST", path: `/api/v1/namespaces/${w.namespace}/events`, body: w.event }
        : {
            method: "PATCH",
            path: `/api/v1/namespaces/${w.namespace}/events/${w.name}`,
            body: w.patch,
            contentType: "application/strategic-merge-patch+json",
          };
    sendThrottled(this.ctx, this.host, this.rt, call, EVENT_TAG, { c: this.rt.name, e: w.event });
  }
  continueWith(step: string, data?: unknown): void {
    const a = this.mustBeSyncing();
    a.step = step;
    a.stepData = data ?? null;
  }
  fail(reason: string): void {
    this.mustBeSyncing().error = reason;
  }
}

function armQueueTimer(ctx: Context, rt: ControllerRuntimeState, key: string, at: number): void {
  ctx.setTimer(at - ctx.now, { name: QUEUE_TIMER, c: rt.name, k: key, at } as Timer);
}

/** The handler/sync context for controller code outside a sync (handlers, `onSynced`). */
export function handlerContext(
  ctx: Context,
  host: ControllerHost,
  rt: ControllerRuntimeState,
): HandlerContext<unknown> {
  return new Handle(ctx, host, rt, "", null);
}

// ---- client-side throttling ------------------------------------------------------------------

function refill(ctx: Context, t: ClientThrottleState): void {
  t.tokens = Math.min(t.burst, t.tokens + ((ctx.now - t.last) * t.qps) / 1000);
  t.last = ctx.now;
}

function sendNow(ctx: Context, host: ControllerHost, rt: ControllerRuntimeState, w: ThrottledCall): void {
  // One client connection for the component; each controller's calls carry its own identity.
  const c = host.client;
  const user = c.user;
  c.user = rt.user;
  apiRequest(ctx, c, w.call, w.tag, w.data);
  c.user = user;
}

function sendThrottled(
  ctx: Context,
  host: ControllerHost,
  rt: ControllerRuntimeState,
  call: ApiCall,
  tag: string,
  data: unknown,
): void {
  const t = rt.throttle;
  if (t.qps < 0) {
    sendNow(ctx, host, rt, { call, tag, data });
    return;
  }
  refill(ctx, t);
  if (t.waiting.length === 0 && t.tokens >= 1) {
    t.tokens -= 1;
    sendNow(ctx, host, rt, { call, tag, data });
    return;
  }
  t.waiting.push({ call, tag, data });
  armThrottle(ctx, rt);
}

function armThrottle(ctx: Context, rt: ControllerRuntimeState): void {
  const t = rt.throttle;
  if (t.armed || t.waiting.length === 0) return;
  t.armed = true;
  const delay = Math.max(1, Math.ceil(((1 - t.tokens) * 1000) / t.qps));
  ctx.setTimer(delay, { name: THROTTLE_TIMER, c: rt.name } as Timer);
}

function drainThrottle(ctx: Context, host: ControllerHost, rt: ControllerRuntimeState): void {
  const t = rt.throttle;
  t.armed = false;
  refill(ctx, t);
  let n = 0;
  while (n < t.waiting.length && t.tokens >= 1) {
    t.tokens -= 1;
    sendNow(ctx, host, rt, t.waiting[n]!);
    n++;
  }
  if (n > 0) t.waiting.splice(0, n);
  armThrottle(ctx, rt);
}

// ---- driving controllers ---------------------------------------------------------------------

/** Whether every informer a controller needs has synced. */
export function informersSynced(host: ControllerHost, def: ControllerDefinition): boolean {
  for (const need of def.informers) if (!host.informers[need.resource]?.synced) return false;
  return true;
}

/** Start the controllers whose informers have all synced (`WaitForCacheSync`), then run their workers. */
export function startSyncedControllers(ctx: Context, host: ControllerHost, lookup: ControllerLookup): void {
  for (const name in host.controllers) {
    const rt = host.controllers[name]!;
    if (rt.started) continue;
    const def = lookup(name);
    if (!informersSynced(host, def)) continue;
    rt.started = true;
    def.onSynced?.(handlerContext(ctx, host, rt));
    pumpWorkers(ctx, host, rt, def);
  }
}

/**
 * Hand an informer's deltas to every controller that watches the resource (its event handlers
 * enqueue keys), then let the workers run.
 */
export function dispatchDeltas(
  ctx: Context,
  host: ControllerHost,
  lookup: ControllerLookup,
  watchers: readonly string[],
  resource: string,
  deltas: readonly InformerDelta[],
): void {
  if (deltas.length === 0) return;
  for (const name of watchers) {
    const rt = host.controllers[name];
    if (!rt) continue;
    const def = lookup(name);
    const handler = def.handlers[resource];
    if (!handler) continue;
    const h = handlerContext(ctx, host, rt);
    for (const d of deltas) handler(h, d);
    if (rt.started) pumpWorkers(ctx, host, rt, def);
  }
}

/** Let idle workers take keys from the queue and sync them. */
export function pumpWorkers(
  ctx: Context,
  host: ControllerHost,
  rt: ControllerRuntimeState,
  def: ControllerDefinition,
): void {
  if (!rt.started) return;
  while (rt.activeCount < rt.workers) {
    const key = queueGet(rt.queue);
    if (key === undefined) return;
    const a: ActiveSync = { outstanding: 0, results: [], step: null, stepData: null, error: null };
    rt.active[key] = a;
    rt.activeCount++;
    rt.syncs++;
    def.sync(new Handle(ctx, host, rt, key, a), key);
    advance(ctx, host, rt, def, key);
  }
}

/** A call failed in a way that makes the sync fail (a delete of something already gone does not). */
function failedCall(r: WriteResult): boolean {
  if (r.code === 0) return true;
  if (r.code >= 400) return !(r.method === "DELETE" && r.code === 404);
  return false;
}

/** Run the sync's next step if its calls are all answered; finish the key when nothing is left. */
function advance(
  ctx: Context,
  host: ControllerHost,
  rt: ControllerRuntimeState,
  def: ControllerDefinition,
  key: string,
): void {
  const a = rt.active[key];
  if (!a) return;
  while (a.outstanding === 0) {
    if (a.step !== null) {
      const name = a.step;
      const fn = def.steps?.[name];
      if (!fn) throw new Error(`controller ${def.name} has no step ${name}`);
      const results = a.results;
      const data = a.stepData;
      a.step = null;
      a.stepData = null;
      a.results = [];
      fn(new Handle(ctx, host, rt, key, a), results, data);
      continue;
    }
    let error = a.error;
    if (error === null)
      for (const r of a.results)
        if (failedCall(r)) {
          error = `${r.method} failed: ${(r.body as { message?: string } | undefined)?.message ?? r.error ?? r.code}`;
          break;
        }
    delete rt.active[key];
    rt.activeCount--;
    queueDone(rt.queue, key);
    if (error !== null) {
      rt.errors[key] = error;
      const at = queueAddRateLimited(rt.queue, key, ctx.now);
      if (at !== null) armQueueTimer(ctx, rt, key, at);
    } else {
      delete rt.errors[key];
      queueForget(rt.queue, key);
    }
    return;
  }
}

/**
 * Route an API client event that answers a controller's call. Returns false when the event is
 * not a controller call (the host handles it: informers, leader election).
 */
export function handleControllerResponse(
  ctx: Context,
  host: ControllerHost,
  lookup: ControllerLookup,
  ev: ApiClientEvent,
): boolean {
  if (ev.tag === EVENT_TAG) {
    // A de-duplicated event whose original expired gets created anew (recordToSink).
    const d = ev.data as { c: string; e: KubeObject };
    const rt = host.controllers[d.c];
    if (rt && ev.kind === "response" && ev.code === 404 && d.e.metadata.namespace) {
      sendThrottled(
        ctx,
        host,
        rt,
        { method: "POST", path: `/api/v1/namespaces/${d.e.metadata.namespace}/events`, body: d.e },
        EVENT_TAG,
        { c: d.c, e: { ...d.e, metadata: { ...d.e.metadata, resourceVersion: undefined } } },
      );
    }
    return true;
  }
  if (ev.tag !== WRITE_TAG) return false;
  if (ev.kind !== "response") return true;
  const d = ev.data as WriteData;
  const rt = host.controllers[d.c];
  const a = rt?.active[d.k];
  if (!rt || !a) return true;
  const r: WriteResult = {
    label: d.l,
    method: d.m,
    code: ev.code,
    body: ev.body,
  };
  if (ev.error !== undefined) r.error = ev.error;
  a.results.push(r);
  a.outstanding--;
  const def = lookup(d.c);
  advance(ctx, host, rt, def, d.k);
  pumpWorkers(ctx, host, rt, def);
  return true;
}

/** Route a timer of the runtime (delayed keys, throttled calls). Returns false when not ours. */
export function handleControllerTimer(
  ctx: Context,
  host: ControllerHost,
  lookup: ControllerLookup,
  timer: Timer,
): boolean {
  if (timer.name === QUEUE_TIMER) {
    const t = timer as Timer & { c: string; k: string; at: number };
    const rt = host.controllers[t.c];
    if (!rt) return true;
    queueDelayFired(rt.queue, t.k, t.at);
    pumpWorkers(ctx, host, rt, lookup(t.c));
    return true;
  }
  if (timer.name === THROTTLE_TIMER) {
    const rt = host.controllers[(timer as Timer & { c: string }).c];
    if (rt) drainThrottle(ctx, host, rt);
    return true;
  }
  return false;
}
