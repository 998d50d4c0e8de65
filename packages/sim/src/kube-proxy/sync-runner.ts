/**
 * `async.BoundedFrequencyRunner` (`pkg/util/async/bounded_frequency_runner.go`) as plain data:
 * a sync runs at most `burst` times back to back, then no more often than every `minInterval`
 * (a token bucket), and at least every `maxInterval`. kube-proxy creates it with burst 2,
 * minInterval = minSyncPeriod, and maxInterval = 1 h (iptables: the 30 s syncPeriod only paces
 * the canary monitor) or syncPeriod (ipvs).
 */

/** The runner's state (inside the component's state). */
export interface SyncRunnerState {
  minIntervalMs: number;
  maxIntervalMs: number;
  burst: number;
  /** Tokens available at `tokensAt`. */
  tokens: number;
  tokensAt: number;
  /** When the next run is due, and its timer id (0: none). */
  nextRunAt: number;
  timerId: number;
}

/** A runner with a full bucket. */
export function createSyncRunner(minIntervalMs: number, maxIntervalMs: number, burst = 2): SyncRunnerState {
  return { minIntervalMs, maxIntervalMs, burst, tokens: burst, tokensAt: 0, nextRunAt: 0, timerId: 0 };
}

function refill(r: SyncRunnerState, now: number): void {
  if (r.minIntervalMs <= 0) {
    r.tokens = r.burst;
  } else {
    r.tokens = Math.min(r.burst, r.tokens + (now - r.tokensAt) / r.minIntervalMs);
  }
  r.tokensAt = now;
}

/**
 * `Run()`: ask for a run. Returns the delay after which the run should happen (0 = now); the
 * caller sets a timer for it when earlier than the one pending (`r.nextRunAt`).
 */
export function requestRun(r: SyncRunnerState, now: number): number {
  refill(r, now);
  if (r.tokens >= 1) return 0;
  return Math.ceil((1 - r.tokens) * r.minIntervalMs);
}

/** Record that a run happened now (takes a token). Returns the delay of the periodic run. */
export function ranAt(r: SyncRunnerState, now: number): number {
  refill(r, now);
  r.tokens = Math.max(0, r.tokens - 1);
  return r.maxIntervalMs;
}
