/**
 * The controller work queue as plain data: client-go's `workqueue` (a FIFO with a dirty set and
 * a processing set, so one key is never synced by two workers at once and a key added while it
 * is being synced is synced again afterwards), its delaying queue (`AddAfter`) and its rate
 * limiter (`AddRateLimited`, `Forget`, `NumRequeues`).
 *
 * The default rate limiter is `DefaultTypedControllerRateLimiter`: the maximum of a per-item
 * exponential back-off (5 ms × 2^failures, capped at 1000 s) and an overall token bucket of
 * 10 qps with a burst of 100 (client-go util/workqueue/default_rate_limiters.go).
 */

/** Parameters of a work queue's rate limiter. */
export interface RateLimiterConfig {
  /** Per-item exponential back-off: first delay (ms). */
  baseDelayMs: number;
  /** Per-item exponential back-off: cap (ms). */
  maxDelayMs: number;
  /** The overall token bucket (`BucketRateLimiter`), or null for none. */
  bucket: { qps: number; burst: number } | null;
}

/** `workqueue.DefaultTypedControllerRateLimiter`: 5 ms → 1000 s per item, 10 qps / burst 100 overall. */
export const DEFAULT_CONTROLLER_RATE_LIMITER: RateLimiterConfig = {
  baseDelayMs: 5,
  maxDelayMs: 1_000_000,
  bucket: { qps: 10, burst: 100 },
};

/** The queue's state. Keys are strings (`namespace/name`, or `name` for cluster-scoped objects). */
export interface WorkQueueState {
  /** Keys waiting for a worker, in order; `queue[head]` is next. */
  queue: string[];
  head: number;
  /** Keys that need processing (queued, or added again while being processed). */
  dirty: Record<string, true>;
  /** Keys a worker is syncing now. */
  processing: Record<string, true>;
  /** Delayed keys: key → the virtual time it becomes ready (the earliest one wins). */
  waiting: Record<string, number>;
  /** Per-item failure counts (ItemExponentialFailureRateLimiter). */
  failures: Record<string, number>;
  /** Overall token bucket (tokens may go negative: reservations, as `rate.Limiter` does). */
  bucketTokens: number;
  bucketLast: number;
  limiter: RateLimiterConfig;
}

/** A new, empty queue. */
export function createWorkQueue(
  limiter: RateLimiterConfig = DEFAULT_CONTROLLER_RATE_LIMITER,
): WorkQueueState {
  return {
    queue: [],
    head: 0,
    dirty: {},
    processing: {},
    waiting: {},
    failures: {},
    bucketTokens: limiter.bucket?.burst ?? 0,
    bucketLast: 0,
    limiter,
  };
}

/** `Add`: mark the key dirty and queue it unless it is already queued or being processed. */
export function queueAdd(q: WorkQueueState, key: string): void {
  if (q.dirty[key]) return;
  q.dirty[key] = true;
  if (q.processing[key]) return;
  q.queue.push(key);
}

/** Number of keys waiting for a worker. */
export function queueLength(q: WorkQueueState): number {
  return q.queue.length - q.head;
}

/** `Get`: take the next key and mark it processing; undefined when the queue is empty. */
export function queueGet(q: WorkQueueState): string | undefined {
  if (q.head >= q.queue.length) return undefined;
  const key = q.queue[q.head]!;
  q.head++;
  // Compact now and then so that the array does not grow without bound (amortised O(1)).
  if (q.head > 1024 && q.head * 2 > q.queue.length) {
    q.queue = q.queue.slice(q.head);
    q.head = 0;
  }
  q.processing[key] = true;
  delete q.dirty[key];
  return key;
}

/** `Done`: the worker finished the key; if it was added meanwhile, queue it again. */
export function queueDone(q: WorkQueueState, key: string): void {
  delete q.processing[key];
  if (q.dirty[key]) q.queue.push(key);
}

/** Whether a key is queued, delayed or being processed. */
export function queueHas(q: WorkQueueState, key: string): boolean {
  return q.dirty[key] === true || q.processing[key] === true || q.waiting[key] !== undefined;
}

/**
 * `AddAfter`: the key becomes ready at `now + delayMs`. Returns the ready time when the caller
 * must set a timer (a new or earlier deadline), null when an earlier wait already covers it or
 * the key was added at once.
 */
export function queueAddAfter(q: WorkQueueState, key: string, delayMs: number, now: number): number | null {
  if (delayMs <= 0) {
    queueAdd(q, key);
    return null;
  }
  const at = now + delayMs;
  const existing = q.waiting[key];
  // The delaying queue keeps the earliest ready time for a key added twice.
  if (existing !== undefined && existing <= at) return null;
  q.waiting[key] = at;
  return at;
}

/** A delay timer fired: add the key if this timer is still the one it waits for. */
export function queueDelayFired(q: WorkQueueState, key: string, at: number): void {
  if (q.waiting[key] !== at) return;
  delete q.waiting[key];
  queueAdd(q, key);
}

/** The rate limiter's `When`: how long to wait before retrying `key` (and count the failure). */
export function rateLimiterWhen(q: WorkQueueState, key: string, now: number): number {
  const l = q.limiter;
  const failures = q.failures[key] ?? 0;
  q.failures[key] = failures + 1;
  const itemDelay = Math.min(l.baseDelayMs * 2 ** failures, l.maxDelayMs);
  let bucketDelay = 0;
  if (l.bucket) {
    const elapsed = now - q.bucketLast;
    q.bucketTokens = Math.min(l.bucket.burst, q.bucketTokens + (elapsed * l.bucket.qps) / 1000);
    q.bucketLast = now;
    q.bucketTokens -= 1;
    if (q.bucketTokens < 0) bucketDelay = Math.ceil((-q.bucketTokens * 1000) / l.bucket.qps);
  }
  return Math.max(itemDelay, bucketDelay);
}

/** `AddRateLimited`: add after the rate limiter's delay. Returns the timer deadline as `queueAddAfter`. */
export function queueAddRateLimited(q: WorkQueueState, key: string, now: number): number | null {
  return queueAddAfter(q, key, rateLimiterWhen(q, key, now), now);
}

/** `Forget`: the key synced successfully; reset its back-off. */
export function queueForget(q: WorkQueueState, key: string): void {
  delete q.failures[key];
}

/** `NumRequeues`: failures counted for the key since its last `Forget`. */
export function queueNumRequeues(q: WorkQueueState, key: string): number {
  return q.failures[key] ?? 0;
}
