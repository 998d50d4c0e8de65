/**
 * `RateLimitedTimedQueue` (`pkg/controller/nodelifecycle/scheduler/rate_limited_queue.go`) as
 * plain data: a queue of node names, unique until explicitly removed, drained through a token
 * bucket (`flowcontrol.NewTokenBucketRateLimiter(qps, burst 1)`). One per zone; the node
 * lifecycle controller uses it to pace NoExecute tainting (0.1 nodes/s by default).
 */
import { EVICTION_RATE_LIMITER_BURST } from "./constants";

/** `TimedValue`. */
export interface TimedValue {
  value: string;
  uid: string;
  addedAt: number;
  processAt: number;
}

/** A token bucket (golang.org/x/time/rate as flowcontrol uses it). qps 0: never accepts. */
export interface TokenBucket {
  qps: number;
  burst: number;
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  last: number;
}

/** The queue (plain data). */
export interface RateLimitedTimedQueue {
  /** Items in processing order (by processAt, then insertion). */
  queue: TimedValue[];
  /** Values added and not yet removed (`UniqueQueue.set`): a processed value stays here. */
  set: Record<string, true>;
  limiter: TokenBucket;
}

/** A full bucket, as `NewTokenBucketRateLimiter` starts. */
export function newTokenBucket(qps: number, now: number, burst = EVICTION_RATE_LIMITER_BURST): TokenBucket {
  return { qps, burst, tokens: qps > 0 ? burst : 0, last: now };
}

function refill(b: TokenBucket, now: number): void {
  if (b.qps > 0 && now > b.last) b.tokens = Math.min(b.burst, b.tokens + ((now - b.last) / 1000) * b.qps);
  b.last = Math.max(b.last, now);
}

/** `TryAccept`: take a token if one is there. */
export function tryAccept(b: TokenBucket, now: number): boolean {
  if (b.qps <= 0) return false;
  refill(b, now);
  // A tiny epsilon absorbs floating-point drift (0.1 × 10 s ≠ 1 exactly).
  if (b.tokens >= 1 - 1e-9) {
    b.tokens -= 1;
    return true;
  }
  return false;
}

/** When the bucket will next hold a token (ms), or null for a stopped limiter. */
export function nextTokenAt(b: TokenBucket, now: number): number | null {
  if (b.qps <= 0) return null;
  refill(b, now);
  if (b.tokens >= 1 - 1e-9) return now;
  return now + Math.ceil(((1 - b.tokens) * 1000) / b.qps);
}

/** A new queue with a full bucket at `qps`. */
export function newRateLimitedTimedQueue(qps: number, now: number): RateLimitedTimedQueue {
  return { queue: [], set: {}, limiter: newTokenBucket(qps, now) };
}

/** `Add`: enqueue a value unless it was added and not removed. Returns true when added. */
export function queueAdd(q: RateLimitedTimedQueue, value: string, uid: string, now: number): boolean {
  if (q.set[value]) return false;
  q.set[value] = true;
  insertSorted(q, { value, uid, addedAt: now, processAt: now });
  return true;
}

function insertSorted(q: RateLimitedTimedQueue, v: TimedValue): void {
  let i = q.queue.length;
  while (i > 0 && q.queue[i - 1]!.processAt > v.processAt) i--;
  q.queue.splice(i, 0, v);
}

/** `Remove`: drop a value and allow it to be added again. Returns true if it was known. */
export function queueRemove(q: RateLimitedTimedQueue, value: string): boolean {
  if (!q.set[value]) return false;
  delete q.set[value];
  q.queue = q.queue.filter((v) => v.value !== value);
  return true;
}

/**
 * `Try`: process values due by `now` while the limiter gives tokens. `fn` returns
 * `{ done: true }` when a value is handled (it stays in the set, so it is not added again) or
 * `{ done: false, retryAfterMs }` to retry later.
 */
export function queueTry(
  q: RateLimitedTimedQueue,
  now: number,
  fn: (v: TimedValue) => { done: true } | { done: false; retryAfterMs: number },
): void {
  let head = q.queue[0];
  while (head) {
    if (!tryAccept(q.limiter, now)) break;
    if (now < head.processAt) break;
    const r = fn(head);
    q.queue.shift();
    if (!r.done) insertSorted(q, { ...head, processAt: now + r.retryAfterMs + 1 });
    head = q.queue[0];
  }
}

/**
 * `SwapLimiter`: a new bucket at `qps` (a stopped one for 0). As in the Go code, if the old
 * bucket was empty the new one starts empty too (burst is 1).
 */
export function swapLimiter(q: RateLimitedTimedQueue, qps: number, now: number): void {
  if (q.limiter.qps === qps) return;
  const next = newTokenBucket(qps, now);
  if (qps > 0 && !tryAccept(q.limiter, now)) tryAccept(next, now);
  q.limiter = next;
}

/** When `queueTry` could next make progress (ms), or null when the queue is empty or stopped. */
export function queueNextWake(q: RateLimitedTimedQueue, now: number): number | null {
  const head = q.queue[0];
  if (!head) return null;
  const token = nextTokenAt(q.limiter, now);
  if (token === null) return null;
  return Math.max(token, head.processAt);
}
