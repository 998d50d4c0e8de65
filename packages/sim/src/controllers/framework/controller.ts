/**
 * What a controller is: a definition (code, registered by name) over plain-data state that the
 * controller-manager keeps for it. See `index.ts` for a worked example.
 */
import type { KubeObject } from "../../api/types";
import type { ApiCall } from "../../apiserver/client/api-client";
import type { InformerDelta, InformerState } from "../../apiserver/client/informer";
import type { HttpMethod } from "../../apiserver/http";
import type { EventType } from "./events";
import type { RateLimiterConfig } from "./work-queue";

/**
 * Cluster-wide settings some controllers read at start (flags and files of kube-controller-manager).
 * Controllers add the fields they need, each with its KCM flag and default.
 */
export interface ControllerSettings {
  /** The cluster CA bundle (`--root-ca-file`), published as `kube-root-ca.crt` in every namespace. */
  rootCaPem: string;
}

/** A shared informer a controller needs: a group-resource and the indexes it looks objects up by. */
export interface InformerNeed {
  /** `pods`, `replicasets.apps`, `jobs.batch`, … */
  resource: string;
  /** Index function names (see `controller-ref.ts` and `registerIndexFunction`); `namespace` is always kept. */
  indexers?: readonly string[];
}

/** The answer to one write (or live read) a sync made. */
export interface WriteResult {
  /** What the sync passed as `label` when it made the call (plain data). */
  label: unknown;
  method: HttpMethod;
  /** HTTP status; 0 when no answer came (`error` says why). */
  code: number;
  /** The object, or a `Status` on errors. */
  body: unknown;
  error?: string;
}

/** Options of a write. */
export interface WriteOptions {
  /** Plain data handed back in the `WriteResult` (which pod, which index…). */
  label?: unknown;
  query?: Record<string, string>;
}

/** Reading the shared informer caches, and queueing keys: what event handlers may do. */
export interface HandlerContext<D> {
  /** Virtual time (ms since the cluster epoch). */
  readonly now: number;
  /** The same instant in Unix ms (to compare with timestamps parsed by `parseTimestampMs`). */
  readonly unixMs: number;
  /** The current time as a `metav1.Time` string. */
  timestamp(): string;
  /** The controller's own plain data (expectations, bookkeeping). */
  readonly data: D;
  /** A cached object (`namespace` "" for cluster-scoped). Read-only: copy before changing. */
  get(resource: string, namespace: string, name: string): KubeObject | undefined;
  /** Cached objects, all or of one namespace. */
  list(resource: string, namespace?: string): KubeObject[];
  /** Cached objects by index value (client-go `ByIndex`). */
  byIndex(resource: string, index: string, value: string): KubeObject[];
  /** The raw informer (for counts, `synced`). */
  informer(resource: string): InformerState;
  /** `queue.Add(key)`. */
  enqueue(key: string): void;
  /** `queue.AddAfter(key, delay)`. */
  enqueueAfter(key: string, delayMs: number): void;
  /** `queue.AddRateLimited(key)`. */
  enqueueRateLimited(key: string): void;
  /** `queue.NumRequeues(key)`. */
  numRequeues(key: string): number;
}

/** What a sync may do beyond a handler: write through the API client, record events, chain steps. */
export interface SyncContext<D> extends HandlerContext<D> {
  /** The key being synced. */
  readonly key: string;
  /** POST a new object into a namespace's collection. */
  create(resource: string, namespace: string, body: KubeObject, options?: WriteOptions): void;
  /** PUT an object (its namespace/name; optimistic concurrency on its resourceVersion). */
  update(resource: string, obj: KubeObject, options?: WriteOptions): void;
  /** PUT an object's `status` subresource. */
  updateStatus(resource: string, obj: KubeObject, options?: WriteOptions): void;
  /** PATCH an object (or a subresource). */
  patch(
    resource: string,
    namespace: string,
    name: string,
    patch: unknown,
    type: "merge" | "strategic" | "json",
    options?: WriteOptions & { subresource?: string },
  ): void;
  /** DELETE an object; `body` is DeleteOptions (propagationPolicy, preconditions…). */
  delete(resource: string, namespace: string, name: string, body?: unknown, options?: WriteOptions): void;
  /** Any other call (a live GET the cache cannot answer, a list…). */
  request(call: ApiCall, options?: WriteOptions): void;
  /** Record an event on an object (the controller's event recorder; not awaited). */
  event(obj: KubeObject, type: EventType, reason: string, message: string): void;
  /**
   * Continue with `steps[step]` once every call made so far in this sync (or step) has been
   * answered: a multi-write sync is a small state machine whose states are these steps.
   */
  continueWith(step: string, data?: unknown): void;
  /** End this sync as failed: the key is retried with the rate limiter's back-off (sync returned an error). */
  fail(reason: string): void;
}

/** A continuation of a sync: the answers to the calls of the previous step, and its data. */
export type SyncStep<D> = (c: SyncContext<D>, results: WriteResult[], data: unknown) => void;

/**
 * A controller: the informer → work queue → `sync(key)` loop of `pkg/controller/<name>/`.
 *
 * - `informers`: the shared informers it reads (one list+watch per resource for all controllers).
 * - `handlers`: for each informer, what to enqueue when an object is added, changed or deleted.
 * - `sync`: reconcile one key from the caches; write through the context; never block.
 * - `steps`: continuations for syncs that must wait for answers (slow-start batches, status after
 *   deletes). A sync whose calls fail and that has no step to look at them is retried with back-off.
 */
export interface ControllerDefinition<D = unknown> {
  /**
   * Canonical name (cmd/kube-controller-manager/names: `replicaset-controller`,
   * `garbage-collector-controller`, …), accepted by `--controllers` with its `aliases`.
   */
  name: string;
  /** Older `--controllers` names still accepted (`replicaset`, `garbagecollector`, …). */
  aliases?: readonly string[];
  /** Event source (`source.component`) and, unless `serviceAccount` says otherwise, the service account (`replicaset-controller`). */
  component: string;
  /** The `kube-system` service account its client acts as, when it differs from `component` (`generic-garbage-collector`). */
  serviceAccount?: string;
  /** Default worker count (KCM's `Concurrent…Syncs`). */
  workers: number;
  /** The queue's rate limiter (default `DEFAULT_CONTROLLER_RATE_LIMITER`). */
  rateLimiter?: RateLimiterConfig;
  /** Whether `--controllers=*` enables it (some KCM controllers are off by default). */
  enabledByDefault?: boolean;
  informers: readonly InformerNeed[];
  /** The controller's initial plain data (from the manager's settings when it needs them). */
  init(settings: ControllerSettings): D;
  /** Event handlers per informer resource. */
  handlers: Readonly<Record<string, (c: HandlerContext<D>, delta: InformerDelta) => void>>;
  /** Called once the controller's informers have synced, before the first sync (e.g. enqueue everything). */
  onSynced?(c: HandlerContext<D>): void;
  sync(c: SyncContext<D>, key: string): void;
  steps?: Readonly<Record<string, SyncStep<D>>>;
}

/** Erase a definition's data type so definitions share one registry. */
export function defineController<D>(def: ControllerDefinition<D>): ControllerDefinition<unknown> {
  return def as unknown as ControllerDefinition<unknown>;
}

/** True for a 2xx answer. */
export function isSuccess(r: WriteResult): boolean {
  return r.code >= 200 && r.code < 300;
}

/** True for 404 NotFound. */
export function isNotFound(r: WriteResult): boolean {
  return r.code === 404;
}

/** True for 409 (Conflict or AlreadyExists). */
export function isConflict(r: WriteResult): boolean {
  return r.code === 409;
}

/** The `reason` of a Status answer (`AlreadyExists`, `Conflict`, `Invalid`, …), or "". */
export function statusReason(r: WriteResult): string {
  const b = r.body as { kind?: string; reason?: string } | undefined;
  return b?.kind === "Status" ? (b.reason ?? "") : "";
}

/** The error text of a failed answer (the Status message, or the transport error). */
export function errorMessage(r: WriteResult): string {
  const b = r.body as { kind?: string; message?: string } | undefined;
  if (b?.kind === "Status" && b.message) return b.message;
  return r.error ?? `status ${r.code}`;
}
