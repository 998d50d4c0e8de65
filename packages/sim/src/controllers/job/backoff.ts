/**
 * The Job controller's pod failure back-off (pkg/controller/job/backoff_utils.go): after
 * consecutive pod failures (since the last success) new pods wait
 * `DefaultJobPodFailureBackOff` 10 s × 2^(failures−1), capped at `MaxJobPodFailureBackOff`
 * 10 min, counted from the last failure's finish time.
 */
import type { KubeObject } from "../../api/types";
import { parseTimestampMs } from "../framework/time";

/** `DefaultJobPodFailureBackOff`. */
export const DEFAULT_JOB_POD_FAILURE_BACKOFF_MS = 10_000;
/** `MaxJobPodFailureBackOff`. */
export const MAX_JOB_POD_FAILURE_BACKOFF_MS = 600_000;

/** `backoffRecord`. */
export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  /** Unix ms of the last failure, or null. */
  lastFailureTime: number | null;
}

/** `getFinishedTime`: the latest container finishedAt, else the Ready transition, else deletion, else now. */
export function finishedTime(pod: KubeObject, nowMs: number): number {
  let latest = Number.NaN;
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const t = s.state?.terminated?.finishedAt;
    if (t) {
      const ms = parseTimestampMs(t);
      if (Number.isNaN(latest) || ms > latest) latest = ms;
    }
  }
  if (!Number.isNaN(latest)) return latest;
  const ready = (pod.status?.conditions ?? []).find((c: { type: string }) => c.type === "Ready");
  if (ready?.lastTransitionTime) return parseTimestampMs(ready.lastTransitionTime);
  if (pod.metadata.deletionTimestamp) return parseTimestampMs(pod.metadata.deletionTimestamp);
  return nowMs;
}

/** `newBackoffRecord`: the record after this sync's newly finished pods. */
export function newBackoffRecord(
  old: BackoffRecord | undefined,
  succeeded: readonly KubeObject[],
  failed: readonly KubeObject[],
  nowMs: number,
): BackoffRecord {
  const b: BackoffRecord = old ? { ...old } : { failuresAfterLastSuccess: 0, lastFailureTime: null };
  const fin = (p: KubeObject) => finishedTime(p, nowMs);
  const s = [...succeeded].sort((a, z) => fin(a) - fin(z));
  const f = [...failed].sort((a, z) => fin(a) - fin(z));
  if (s.length === 0) {
    if (f.length === 0) return b;
    b.failuresAfterLastSuccess += f.length;
    b.lastFailureTime = fin(f[f.length - 1]!);
    return b;
  }
  b.failuresAfterLastSuccess = 0;
  b.lastFailureTime = null;
  const lastSuccess = fin(s[s.length - 1]!);
  for (let i = f.length - 1; i >= 0; i--) {
    const t = fin(f[i]!);
    if (t <= lastSuccess) break;
    if (b.lastFailureTime === null) b.lastFailureTime = t;
    b.failuresAfterLastSuccess++;
  }
  return b;
}

/** `getRemainingTime`: how long new pods must still wait (ms, 0 for none). */
export function remainingBackoffMs(b: BackoffRecord, nowMs: number): number {
  if (b.failuresAfterLastSuccess === 0 || b.lastFailureTime === null) return 0;
  let backoff = DEFAULT_JOB_POD_FAILURE_BACKOFF_MS;
  for (let i = 1; i < b.failuresAfterLastSuccess; i++) {
    backoff *= 2;
    if (backoff >= MAX_JOB_POD_FAILURE_BACKOFF_MS) {
      backoff = MAX_JOB_POD_FAILURE_BACKOFF_MS;
      break;
    }
  }
  const elapsed = nowMs - b.lastFailureTime;
  return backoff < elapsed ? 0 : backoff - elapsed;
}
