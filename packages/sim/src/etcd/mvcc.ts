/**
 * etcd's MVCC key-value store (server/mvcc), as plain data: one global revision counter, per-key
 * create revision, mod revision and version, a history of changes per revision (what watches
 * from an old revision and reads at an old revision need), compaction, and leases.
 *
 * Values are JSON-shaped objects treated as immutable bytes: the store never mutates them and
 * readers copy before changing anything.
 */
import { EtcdErrors } from "./errors";

/** One key-value pair at one revision (mvccpb.KeyValue). */
export interface KeyValue {
  key: string;
  /** Revision of the last creation of this key. */
  createRevision: number;
  /** Revision of the last modification of this key. */
  modRevision: number;
  /** Number of modifications since creation (1 after create; reset by delete). */
  version: number;
  value: unknown;
  /** Lease the key is attached to (0 = none). */
  lease: number;
}

/** One change (mvccpb.Event). For DELETE, `kv` carries the key and the deletion's revision. */
export interface MvccEvent {
  type: "PUT" | "DELETE";
  kv: KeyValue;
  /** The key's previous value, if it had one. */
  prevKv?: KeyValue;
}

/** All changes made at one revision (one transaction). */
export interface RevisionChanges {
  rev: number;
  events: MvccEvent[];
}

/** A lease: keys attached to it are deleted when it expires or is revoked. */
export interface Lease {
  id: number;
  ttl: number;
  keys: Record<string, true>;
}

/** The store's plain-data state. */
export interface MvccStore {
  /** Current revision (starts at 1 in a new etcd, like the real one). */
  revision: number;
  /** Revisions at or below this one are compacted (0 = never). */
  compactRevision: number;
  /** Live keys. */
  kvs: Record<string, KeyValue>;
  /** Every key that is listed in `keys` (live or deleted but not yet cleaned). */
  listed: Record<string, true>;
  /** Listed keys; sorted lazily before a range scan. */
  keys: string[];
  keysSorted: boolean;
  /** Changes per revision above `compactRevision`, oldest first. */
  history: RevisionChanges[];
  leases: Record<number, Lease>;
  nextLeaseId: number;
}

/** Create an empty store at revision 1 (an etcd member starts at revision 1). */
export function createStore(): MvccStore {
  return {
    revision: 1,
    compactRevision: 0,
    kvs: {},
    listed: {},
    keys: [],
    keysSorted: true,
    history: [],
    leases: {},
    nextLeaseId: 1,
  };
}

/** The end of the range that covers every key with the given prefix (clientv3.GetPrefixRangeEnd). */
export function prefixEnd(prefix: string): string {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    if (c < 0xffff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  return "\0";
}

/** A range request (etcdserverpb.RangeRequest, the fields the apiserver uses). */
export interface RangeRequest {
  key: string;
  /** Exclusive end; empty means the single key `key`. */
  rangeEnd?: string;
  limit?: number;
  /** Read at this revision (0 = current). */
  revision?: number;
  keysOnly?: boolean;
  countOnly?: boolean;
}

/** A range result. */
export interface RangeResult {
  kvs: KeyValue[];
  more: boolean;
  count: number;
}

/** A put request. */
export interface PutRequest {
  key: string;
  value: unknown;
  lease?: number;
  prevKv?: boolean;
}

/** A delete-range request. */
export interface DeleteRangeRequest {
  key: string;
  rangeEnd?: string;
  prevKv?: boolean;
}

/** One comparison in a transaction (etcdserverpb.Compare). */
export interface Compare {
  key: string;
  target: "MOD" | "CREATE" | "VERSION" | "VALUE";
  result: "EQUAL" | "NOT_EQUAL" | "GREATER" | "LESS";
  /** Number for MOD/CREATE/VERSION, the value for VALUE. */
  value: unknown;
}

/** One operation inside a transaction. */
export type RequestOp = { range: RangeRequest } | { put: PutRequest } | { deleteRange: DeleteRangeRequest };

/** A transaction: if all compares hold, run `success`, else `failure`. */
export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

/** The result of one operation inside a transaction. */
export type ResponseOp =
  | { range: RangeResult }
  | { put: { prevKv?: KeyValue } }
  | { deleteRange: { deleted: number; prevKvs?: KeyValue[] } };

/** A transaction's result. */
export interface TxnResult {
  succeeded: boolean;
  responses: ResponseOp[];
}

/** Thrown for requests etcd refuses (compacted or future revision, unknown lease). */
export class MvccError extends Error {}

function inRange(key: string, start: string, end: string | undefined): boolean {
  if (!end) return key === start;
  if (end === "\0") return key >= start;
  return key >= start && key < end;
}

/**
 * Sort the key list before a scan. New keys are appended unsorted, so a burst of creates costs
 * one sort at the next range rather than an O(n) insertion each. Deleted keys stay listed until
 * compaction removes them (a range at an old revision still needs them).
 */
function sortKeys(s: MvccStore): void {
  if (s.keysSorted) return;
  s.keys.sort();
  s.keysSorted = true;
}

/** First index in the sorted key list ≥ key. */
function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The state of the keys in [key, rangeEnd) at revision `rev` (< current), rebuilt from history. */
function valuesAt(s: MvccStore, req: RangeRequest, rev: number): Map<string, KeyValue> {
  const out = new Map<string, KeyValue>();
  // Undo, newest first, every change above `rev` that touches the range.
  const touched = new Map<string, KeyValue | null>();
  for (let i = s.history.length - 1; i >= 0; i--) {
    const h = s.history[i]!;
    if (h.rev <= rev) break;
    for (let j = h.events.length - 1; j >= 0; j--) {
      const ev = h.events[j]!;
      if (!inRange(ev.kv.key, req.key, req.rangeEnd)) continue;
      touched.set(ev.kv.key, ev.prevKv ?? null);
    }
  }
  const visit = (k: string) => {
    if (touched.has(k)) {
      const v = touched.get(k);
      if (v) out.set(k, v);
    } else {
      const v = s.kvs[k];
      if (v) out.set(k, v);
    }
  };
  scanKeys(s, req, visit);
  for (const k of touched.keys()) if (!s.listed[k]) visit(k);
  return out;
}

function scanKeys(s: MvccStore, req: RangeRequest, visit: (k: string) => void): void {
  if (!req.rangeEnd) {
    visit(req.key);
    return;
  }
  sortKeys(s);
  const keys = s.keys;
  for (let i = lowerBound(keys, req.key); i < keys.length; i++) {
    const k = keys[i]!;
    if (req.rangeEnd !== "\0" && k >= req.rangeEnd) break;
    visit(k);
  }
}

/** Range over keys (etcd Range). Throws MvccError for a compacted or future revision. */
export function range(s: MvccStore, req: RangeRequest): RangeResult {
  const rev = req.revision ?? 0;
  if (rev > s.revision) throw new MvccError(EtcdErrors.futureRevision);
  if (rev > 0 && rev <= s.compactRevision) throw new MvccError(EtcdErrors.compacted);
  const limit = req.limit && req.limit > 0 ? req.limit : Number.POSITIVE_INFINITY;
  const kvs: KeyValue[] = [];
  let count = 0;
  if (rev > 0 && rev < s.revision) {
    const at = valuesAt(s, req, rev);
    const sorted = [...at.keys()].sort();
    for (const k of sorted) {
      count++;
      if (!req.countOnly && kvs.length < limit) kvs.push(at.get(k)!);
    }
  } else {
    scanKeys(s, req, (k) => {
      const kv = s.kvs[k];
      if (!kv) return;
      count++;
      if (!req.countOnly && kvs.length < limit) kvs.push(kv);
    });
  }
  const out = req.keysOnly ? kvs.map((kv) => ({ ...kv, value: null })) : kvs;
  return { kvs: out, more: count > kvs.length && !req.countOnly, count };
}

function listKey(s: MvccStore, key: string): void {
  if (s.listed[key]) return;
  s.listed[key] = true;
  s.keys.push(key);
  s.keysSorted = false;
}

function applyPut(s: MvccStore, rev: number, req: PutRequest, events: MvccEvent[]): { prevKv?: KeyValue } {
  const prev = s.kvs[req.key];
  const lease = req.lease ?? 0;
  if (lease !== 0 && !s.leases[lease]) throw new MvccError(EtcdErrors.leaseNotFound);
  const kv: KeyValue = {
    key: req.key,
    createRevision: prev ? prev.createRevision : rev,
    modRevision: rev,
    version: prev ? prev.version + 1 : 1,
    value: req.value,
    lease,
  };
  if (prev && prev.lease !== 0 && prev.lease !== lease) delete s.leases[prev.lease]?.keys[req.key];
  if (lease !== 0) s.leases[lease]!.keys[req.key] = true;
  s.kvs[req.key] = kv;
  listKey(s, req.key);
  const ev: MvccEvent = { type: "PUT", kv };
  if (prev) ev.prevKv = prev;
  events.push(ev);
  return req.prevKv && prev ? { prevKv: prev } : {};
}

function applyDelete(
  s: MvccStore,
  rev: number,
  req: DeleteRangeRequest,
  events: MvccEvent[],
): { deleted: number; prevKvs?: KeyValue[] } {
  const victims: KeyValue[] = [];
  scanKeys(s, { key: req.key, rangeEnd: req.rangeEnd }, (k) => {
    const kv = s.kvs[k];
    if (kv) victims.push(kv);
  });
  for (const prev of victims) {
    delete s.kvs[prev.key];
    if (prev.lease !== 0) delete s.leases[prev.lease]?.keys[prev.key];
    events.push({
      type: "DELETE",
      kv: { key: prev.key, createRevision: 0, modRevision: rev, version: 0, value: null, lease: 0 },
      prevKv: prev,
    });
  }
  return req.prevKv ? { deleted: victims.length, prevKvs: victims } : { deleted: victims.length };
}

/** Commit the events of one write: bump the revision only when something changed (etcd does the same). */
function commit(s: MvccStore, rev: number, events: MvccEvent[]): RevisionChanges | null {
  if (events.length === 0) return null;
  s.revision = rev;
  const changes = { rev, events };
  s.history.push(changes);
  return changes;
}

/** Put a key. Returns the changes (for watchers). */
export function put(
  s: MvccStore,
  req: PutRequest,
): { result: { prevKv?: KeyValue }; changes: RevisionChanges | null } {
  const events: MvccEvent[] = [];
  const result = applyPut(s, s.revision + 1, req, events);
  return { result, changes: commit(s, s.revision + 1, events) };
}

/** Delete keys. */
export function deleteRange(
  s: MvccStore,
  req: DeleteRangeRequest,
): { result: { deleted: number; prevKvs?: KeyValue[] }; changes: RevisionChanges | null } {
  const events: MvccEvent[] = [];
  const result = applyDelete(s, s.revision + 1, req, events);
  return { result, changes: commit(s, s.revision + 1, events) };
}

function compareOne(s: MvccStore, c: Compare): boolean {
  const kv = s.kvs[c.key];
  let actual: unknown;
  switch (c.target) {
    case "MOD":
      actual = kv ? kv.modRevision : 0;
      break;
    case "CREATE":
      actual = kv ? kv.createRevision : 0;
      break;
    case "VERSION":
      actual = kv ? kv.version : 0;
      break;
    case "VALUE":
      // etcd: a VALUE compare on a missing key is false.
      if (!kv) return false;
      actual = JSON.stringify(kv.value);
      return compareValues(actual as string, JSON.stringify(c.value), c.result);
  }
  return compareValues(actual as number, c.value as number, c.result);
}

function compareValues<T extends number | string>(a: T, b: T, r: Compare["result"]): boolean {
  switch (r) {
    case "EQUAL":
      return a === b;
    case "NOT_EQUAL":
      return a !== b;
    case "GREATER":
      return a > b;
    case "LESS":
      return a < b;
  }
}

/** Run a transaction atomically: all its writes share one new revision. */
export function txn(s: MvccStore, req: TxnRequest): { result: TxnResult; changes: RevisionChanges | null } {
  const succeeded = req.compare.every((c) => compareOne(s, c));
  const ops = succeeded ? req.success : req.failure;
  const rev = s.revision + 1;
  const events: MvccEvent[] = [];
  const responses: ResponseOp[] = [];
  for (const op of ops) {
    if ("range" in op) responses.push({ range: range(s, op.range) });
    else if ("put" in op) responses.push({ put: applyPut(s, rev, op.put, events) });
    else responses.push({ deleteRange: applyDelete(s, rev, op.deleteRange, events) });
  }
  return { result: { succeeded, responses }, changes: commit(s, rev, events) };
}

/**
 * Compact: forget history at or below `rev`. Reads and watches at compacted revisions fail with
 * "required revision has been compacted" afterwards.
 */
export function compact(s: MvccStore, rev: number): void {
  if (rev <= s.compactRevision) throw new MvccError(EtcdErrors.compacted);
  if (rev > s.revision) throw new MvccError(EtcdErrors.futureRevision);
  s.compactRevision = rev;
  let i = 0;
  while (i < s.history.length && s.history[i]!.rev <= rev) i++;
  if (i > 0) s.history.splice(0, i);
  // Deleted keys whose deletion is now compacted are no longer visible at any revision.
  const stillTouched = new Set<string>();
  for (const h of s.history) for (const ev of h.events) stillTouched.add(ev.kv.key);
  s.keys = s.keys.filter((k) => {
    if (s.kvs[k] || stillTouched.has(k)) return true;
    delete s.listed[k];
    return false;
  });
}

/**
 * Changes after `fromRev` (inclusive) for keys in [key, rangeEnd), for a watch that starts in the
 * past. Throws MvccError when `fromRev` is compacted.
 */
export function changesSince(
  s: MvccStore,
  fromRev: number,
  key: string,
  rangeEnd?: string,
): RevisionChanges[] {
  if (fromRev > 0 && fromRev <= s.compactRevision) throw new MvccError(EtcdErrors.compacted);
  const out: RevisionChanges[] = [];
  let lo = 0;
  let hi = s.history.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.history[mid]!.rev < fromRev) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < s.history.length; i++) {
    const h = s.history[i]!;
    const events = h.events.filter((ev) => inRange(ev.kv.key, key, rangeEnd));
    if (events.length > 0) out.push({ rev: h.rev, events });
  }
  return out;
}

/** Whether a key falls in a watch's range. */
export function keyMatches(key: string, start: string, rangeEnd: string | undefined): boolean {
  return inRange(key, start, rangeEnd);
}

/** Grant a lease (etcd LeaseGrant). Lease ids are deterministic: 1, 2, 3… */
export function leaseGrant(s: MvccStore, ttl: number, id?: number): Lease {
  const leaseId = id && id > 0 ? id : s.nextLeaseId;
  if (leaseId >= s.nextLeaseId) s.nextLeaseId = leaseId + 1;
  const lease: Lease = { id: leaseId, ttl, keys: {} };
  s.leases[leaseId] = lease;
  return lease;
}

/** Revoke a lease, deleting its keys in one revision. */
export function leaseRevoke(s: MvccStore, id: number): RevisionChanges | null {
  const lease = s.leases[id];
  if (!lease) throw new MvccError(EtcdErrors.leaseNotFound);
  delete s.leases[id];
  const rev = s.revision + 1;
  const events: MvccEvent[] = [];
  for (const key of Object.keys(lease.keys).sort()) applyDelete(s, rev, { key }, events);
  return commit(s, rev, events);
}
