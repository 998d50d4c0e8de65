/**
 * client-go's client-side rate limiting (`rest.Config.QPS` / `Burst`, a token bucket from
 * `util/flowcontrol.NewTokenBucketRateLimiter`): every request waits for a token; the bucket holds
 * `burst` tokens and refills at `qps` per second. kube-scheduler's `clientConnection` defaults to
 * qps 50 and burst 100 (`pkg/scheduler/apis/config/v1/defaults.go`), so a burst of bindings beyond
 * 100 proceeds at 50 per second — the "client-side throttling" of a real scheduler. Its events go
 * through a second client with the same limits.
 *
 * Requests wait in a plain-data queue; a timer releases them when tokens are due.
 */
import { type ApiCall, type ApiClientState, apiRequest } from "../../apiserver/client/api-client";
import type { Context, Timer } from "../../core/component";

/** kube-scheduler's `clientConnection.qps` default. */
export const DEFAULT_CLIENT_QPS = 50;
/** kube-scheduler's `clientConnection.burst` default. */
export const DEFAULT_CLIENT_BURST = 100;

/** A request waiting for a token. */
interface WaitingRequest {
  call: ApiCall;
  tag: string;
  data?: unknown;
}

/** The bucket and its waiting requests (plain data). */
export interface RateLimiterState {
  /** Distinguishes several limiters in one component (timer names). */
  name: string;
  qps: number;
  burst: number;
  tokens: number;
  /** Virtual ms of the last refill. */
  last: number;
  /** Waiting requests; those before `head` were already sent (compacted now and then). */
  waiting: WaitingRequest[];
  head: number;
  timerArmed: boolean;
}

/** A full bucket. `qps` 0 or less means no limit (client-go's `QPS < 0`). */
export function newRateLimiter(name: string, qps: number, burst: number): RateLimiterState {
  return { name, qps, burst, tokens: burst, last: 0, waiting: [], head: 0, timerArmed: false };
}

function refill(ctx: Context, l: RateLimiterState): void {
  if (ctx.now > l.last) {
    l.tokens = Math.min(l.burst, l.tokens + ((ctx.now - l.last) * l.qps) / 1000);
    l.last = ctx.now;
  }
}

function timerName(l: RateLimiterState): string {
  return `rate-limiter:${l.name}`;
}

/** How many requests wait for a token. */
export function waitingRequests(l: RateLimiterState): number {
  return l.waiting.length - l.head;
}

function arm(ctx: Context, l: RateLimiterState): void {
  if (l.timerArmed || waitingRequests(l) === 0) return;
  l.timerArmed = true;
  const wait = Math.max(1, Math.ceil(((1 - l.tokens) * 1000) / l.qps));
  ctx.setTimer(wait, { name: timerName(l) });
}

/** Send `call` now if a token is free, else when one is (in order). */
export function limitedRequest(
  ctx: Context,
  c: ApiClientState,
  l: RateLimiterState,
  call: ApiCall,
  tag: string,
  data?: unknown,
): void {
  if (l.qps <= 0) {
    apiRequest(ctx, c, call, tag, data);
    return;
  }
  refill(ctx, l);
  if (waitingRequests(l) === 0 && l.tokens >= 1) {
    l.tokens -= 1;
    apiRequest(ctx, c, call, tag, data);
    return;
  }
  const w: WaitingRequest = { call, tag };
  if (data !== undefined) w.data = data;
  l.waiting.push(w);
  arm(ctx, l);
}

/** Release the requests whose tokens are due. Returns true when the timer was this limiter's. */
export function handleRateLimiterTimer(
  ctx: Context,
  c: ApiClientState,
  l: RateLimiterState,
  timer: Timer,
): boolean {
  if (timer.name !== timerName(l)) return false;
  l.timerArmed = false;
  refill(ctx, l);
  while (l.head < l.waiting.length && l.tokens >= 1) {
    const w = l.waiting[l.head]!;
    l.tokens -= 1;
    apiRequest(ctx, c, w.call, w.tag, w.data);
    l.head++;
  }
  // Drop the sent prefix once it is most of the array (amortised O(1) per request).
  if (l.head === l.waiting.length) {
    l.waiting = [];
    l.head = 0;
  } else if (l.head > 1024 && l.head * 2 > l.waiting.length) {
    l.waiting = l.waiting.slice(l.head);
    l.head = 0;
  }
  arm(ctx, l);
  return true;
}
