/**
 * The taint eviction decisions as plain data: the `TimedWorkerQueue` of scheduled pod deletions
 * and `processPodOnNode` (`pkg/controller/tainteviction/taint_eviction.go`, `timed_workers.go`).
 */
import type { Taint, Toleration } from "kubernetes-types/core/v1";
import { getMatchingTolerations, getMinTolerationTimeMs } from "./tolerations";

/** A scheduled deletion (`TimedWorker`). `fired`: it ran, and stays as a tombstone so it is not scheduled again. */
export interface ScheduledEviction {
  createdAt: number;
  fireAt: number;
  fired: boolean;
}

/** `TimedWorkerQueue.workers`, keyed `namespace/name`. */
export type EvictionQueue = Record<string, ScheduledEviction>;

/** What `processPodOnNode` decided. */
export interface EvictionDecision {
  /** A scheduled deletion was cancelled (emit "Cancelling deletion of Pod …"). */
  cancelled: boolean;
  /** A deletion was scheduled at this time (ms); null when none was added. */
  scheduledAt: number | null;
}

/**
 * `CancelWork`: drop the pod's entry. Returns true only when a pending (not yet fired) deletion
 * was cancelled, the case that emits the cancel event.
 */
export function cancelEviction(q: EvictionQueue, key: string): boolean {
  const w = q[key];
  if (!w) return false;
  delete q[key];
  return !w.fired;
}

/** `AddWork`: schedule unless an entry (pending or fired) exists. Returns true when added. */
export function addEviction(q: EvictionQueue, key: string, createdAt: number, fireAt: number): boolean {
  if (q[key]) return false;
  q[key] = { createdAt, fireAt, fired: false };
  return true;
}

/**
 * `processPodOnNode`: given the node's NoExecute taints and the pod's tolerations, cancel,
 * schedule (immediately for an untolerated taint, after the shortest toleration otherwise) or
 * keep the pod's deletion.
 */
export function processPodOnNode(
  q: EvictionQueue,
  key: string,
  tolerations: readonly Toleration[] | undefined,
  taints: readonly Taint[],
  now: number,
): EvictionDecision {
  let cancelled = false;
  // The Go code only gets here with taints (callers filter untainted nodes); without any, all
  // there is to do is cancel.
  if (taints.length === 0) return { cancelled: cancelEviction(q, key), scheduledAt: null };
  const { allTolerated, used } = getMatchingTolerations(taints, tolerations);
  if (!allTolerated) {
    // Delete right away: cancel what was scheduled, then add work due now.
    cancelled = cancelEviction(q, key) || cancelled;
    const added = addEviction(q, key, now, now);
    return { cancelled, scheduledAt: added ? now : null };
  }
  const min = getMinTolerationTimeMs(used);
  if (min < 0) {
    // Tolerated forever.
    cancelled = cancelEviction(q, key) || cancelled;
    return { cancelled, scheduledAt: null };
  }
  let startTime = now;
  const triggerTime = now + min;
  const existing = q[key];
  if (existing && !existing.fired) {
    startTime = existing.createdAt;
    // The deletion already scheduled comes first: keep it.
    if (startTime + min < triggerTime) return { cancelled, scheduledAt: null };
    cancelled = cancelEviction(q, key) || cancelled;
  }
  const added = addEviction(q, key, startTime, startTime + min);
  return { cancelled, scheduledAt: added ? startTime + min : null };
}
