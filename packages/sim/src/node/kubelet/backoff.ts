/**
 * client-go's `flowcontrol.Backoff` as the kubelet uses it for container restarts
 * (CrashLoopBackOff: 10 s doubling to 300 s) and image pulls (ImagePullBackOff: same curve), as
 * plain data: per key the current back-off and when it was last updated. An entry expires
 * (restarts from the initial value) when nothing happened for 2 × the cap (`hasExpired`).
 */

/** One key's back-off. */
export interface BackoffEntry {
  backoffMs: number;
  lastUpdate: number;
}

/** Back-off entries by key. */
export type BackoffState = Record<string, BackoffEntry>;

/** kubelet.go: `backOffPeriod` 10 s, `MaxContainerBackOff` 300 s; images: `imageBackOffPeriod`/`MaxImageBackOff` the same. */
export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;

function expired(eventTime: number, lastUpdate: number, maxMs: number): boolean {
  return eventTime - lastUpdate > 2 * maxMs;
}

/** `IsInBackOffSince(id, eventTime)`: still waiting out the back-off since `eventTime`? */
export function isInBackOffSince(
  s: BackoffState,
  key: string,
  eventTime: number,
  now: number,
  maxMs = MAX_BACKOFF_MS,
): boolean {
  const e = s[key];
  if (!e) return false;
  if (expired(eventTime, e.lastUpdate, maxMs)) return false;
  return now - eventTime < e.backoffMs;
}

/** `Next(id, eventTime)`: start (10 s) or double (capped) the back-off. */
export function nextBackoff(
  s: BackoffState,
  key: string,
  eventTime: number,
  now: number,
  initialMs = INITIAL_BACKOFF_MS,
  maxMs = MAX_BACKOFF_MS,
): void {
  const e = s[key];
  if (!e || expired(eventTime, e.lastUpdate, maxMs)) s[key] = { backoffMs: initialMs, lastUpdate: now };
  else s[key] = { backoffMs: Math.min(e.backoffMs * 2, maxMs), lastUpdate: now };
}

/** The current back-off of a key (0 when none). */
export function backoffOf(s: BackoffState, key: string): number {
  return s[key]?.backoffMs ?? 0;
}

/** `GC()`: drop entries that expired (the kubelet runs it periodically). */
export function gcBackoff(s: BackoffState, now: number, maxMs = MAX_BACKOFF_MS): void {
  for (const k of Object.keys(s)) if (expired(now, s[k]!.lastUpdate, maxMs)) delete s[k];
}

/** `IsInBackOffSinceUpdate(id, now)`: still within the back-off counted from the last update (image pulls). */
export function isInBackOffSinceUpdate(
  s: BackoffState,
  key: string,
  now: number,
  maxMs = MAX_BACKOFF_MS,
): boolean {
  const e = s[key];
  if (!e) return false;
  if (expired(now, e.lastUpdate, maxMs)) return false;
  return now - e.lastUpdate < e.backoffMs;
}
