/**
 * Controller expectations (k8s.io/kubernetes pkg/controller/controller_utils.go
 * `ControllerExpectations` and `UIDTrackingControllerExpectations`): a controller that has asked
 * for N creations or deletions must not act on the same key again until its informer has seen
 * them (or they failed), otherwise it would count the in-flight pods as missing and create them
 * twice. The ReplicaSet, Job and DaemonSet controllers use this.
 */

/** `ExpectationsTimeout`: expectations older than this are treated as satisfied (5 min). */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

/** One controller key's expectations. */
export interface Expectation {
  /** Creations still expected. */
  add: number;
  /** Deletions still expected. */
  del: number;
  /** When they were set (virtual ms). */
  timestamp: number;
  /** The keys of the objects whose deletion is expected (UIDTrackingControllerExpectations). */
  deleting?: Record<string, true>;
}

/** Expectations of one controller, by controller key. Keep it in the controller's data. */
export type Expectations = Record<string, Expectation>;

/** `SatisfiedExpectations`: true when nothing is expected, everything expected was seen, or it expired. */
export function satisfiedExpectations(e: Expectations, key: string, now: number): boolean {
  const exp = e[key];
  if (!exp) return true;
  if (exp.add <= 0 && exp.del <= 0) return true;
  return now - exp.timestamp > EXPECTATIONS_TIMEOUT_MS;
}

/** `ExpectCreations`: the controller is about to create `adds` objects for `key`. */
export function expectCreations(e: Expectations, key: string, adds: number, now: number): void {
  e[key] = { add: adds, del: 0, timestamp: now };
}

/**
 * `ExpectDeletions` (UID-tracking form): the controller is about to delete the objects with
 * these keys (`namespace/name`).
 */
export function expectDeletions(
  e: Expectations,
  key: string,
  deleting: readonly string[],
  now: number,
): void {
  const set: Record<string, true> = {};
  for (const k of deleting) set[k] = true;
  e[key] = { add: 0, del: deleting.length, timestamp: now, deleting: set };
}

/** `CreationObserved` / `LowerExpectations(key, 1, 0)`: one creation was seen (or failed). */
export function creationObserved(e: Expectations, key: string): void {
  const exp = e[key];
  if (exp) exp.add--;
}

/**
 * `DeletionObserved`: the object `objectKey` was seen deleted (or its deletion failed). With
 * UID tracking, only an object the controller itself expected to delete lowers the count.
 */
export function deletionObserved(e: Expectations, key: string, objectKey: string): void {
  const exp = e[key];
  if (!exp) return;
  if (exp.deleting) {
    if (!exp.deleting[objectKey]) return;
    delete exp.deleting[objectKey];
  }
  exp.del--;
}

/** `LowerExpectations`: skipped or failed creations/deletions will never be observed. */
export function lowerExpectations(e: Expectations, key: string, adds: number, dels: number): void {
  const exp = e[key];
  if (!exp) return;
  exp.add -= adds;
  exp.del -= dels;
}

/** `DeleteExpectations`: the controller object is gone. */
export function deleteExpectations(e: Expectations, key: string): void {
  delete e[key];
}
