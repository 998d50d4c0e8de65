/**
 * An etcd member: raft (leader election with terms and pre-vote, log replication by
 * AppendEntries, majority commit, check-quorum, read-index for linearizable reads, snapshots for
 * followers too far behind) driving the MVCC store, plus etcd's client API (KV, Watch, Lease) with
 * etcd's real timeouts and error texts.
 *
 * Follows etcd v3.5 (`server/etcdserver`, `raft/raft.go`): the raft clock ticks every heartbeat
 * interval; the election timeout is randomised per term in [electionTicks, 2 × electionTicks)
 * ticks; pre-vote and check-quorum are on (etcd's defaults since v3.5 for pre-vote).
 */
import type { ConnectionRefused, Context, Message, Timer } from "../core/component";
import { defineBehavior } from "../core/component";
import { EtcdErrors } from "./errors";
import type {
  AppendEntries,
  AppendEntriesResponse,
  Entry,
  EntryData,
  EtcdClientMessage,
  EtcdRequest,
  EtcdResponse,
  EtcdResults,
  Heartbeat,
  HeartbeatResponse,
  InstallSnapshot,
  Propose,
  RaftMessage,
  ReadIndexRequest,
  ReadIndexResponse,
  ResponseHeader,
  VoteRequest,
  VoteResponse,
  WatchCreate,
  WatchResponse,
  WriteOp,
} from "./messages";
import {
  changesSince,
  compact,
  createStore,
  deleteRange,
  keyMatches,
  leaseGrant,
  leaseRevoke,
  MvccError,
  type MvccEvent,
  type MvccStore,
  put,
  type RevisionChanges,
  range,
  txn,
} from "./mvcc";

/** The component kind of etcd members. */
export const ETCD_MEMBER_KIND = "etcd-member";

/** Tunables, with etcd's defaults. */
export interface EtcdMemberConfig {
  /** `--heartbeat-interval`, 100 ms (etcd server/embed/config.go). One raft tick. */
  heartbeatMs: number;
  /** `--election-timeout` 1000 ms = 10 ticks (etcd server/embed/config.go). */
  electionTicks: number;
  /**
   * Applied entries between raft snapshots (log truncations). etcd v3.5's `--snapshot-count`
   * default is 100,000 (etcdserver.DefaultSnapshotCount); the simulation keeps 10,000 because
   * the log lives in memory and in every serialized snapshot. It only changes when a lagging
   * follower is sent a snapshot instead of log entries.
   */
  snapshotCount: number;
  /** Entries kept after a snapshot for slow followers (etcdserver.DefaultSnapshotCatchUpEntries, 5000). */
  catchUpEntries: number;
  /** Most entries per AppendEntries message (etcd limits by bytes, 1 MiB; entries are small here). */
  maxEntriesPerMessage: number;
}

/** etcd's defaults. */
export function defaultEtcdMemberConfig(): EtcdMemberConfig {
  return {
    heartbeatMs: 100,
    electionTicks: 10,
    snapshotCount: 10_000,
    catchUpEntries: 5000,
    maxEntriesPerMessage: 4096,
  };
}

type Role = "follower" | "pre-candidate" | "candidate" | "leader";

/** The leader's view of one follower (raft tracker.Progress). */
interface Progress {
  match: number;
  next: number;
  /** probe: one append per heartbeat until the logs match; replicate: pipelined; snapshot: waiting. */
  state: "probe" | "replicate" | "snapshot";
  paused: boolean;
  recentActive: boolean;
}

/** A client write waiting to be applied. */
interface PendingWrite {
  client: string;
  id: number;
  op: EtcdRequest["verb"];
  startedAt: number;
  data: EntryData;
  forwarded: boolean;
}

/** A client linearizable read waiting for its read index. */
interface PendingRead {
  client: string;
  id: number;
  req: EtcdRequest & { verb: "Range" };
  startedAt: number;
  sentAt: number;
  /** Read index once known; the read is served when applied ≥ index. */
  index: number;
}

/** A read-index request the leader is confirming with a heartbeat round. */
interface LeaderRead {
  seq: number;
  index: number;
  requester: string;
  ctx: number;
  acks: Record<string, true>;
}

/** A watch a client opened on this member. */
interface Watcher {
  client: string;
  watchId: number;
  key: string;
  rangeEnd?: string;
  prevKv: boolean;
  requireLeader: boolean;
  /** Next revision this watcher has not seen. */
  nextRev: number;
}

/** A member's whole state: persistent (what etcd keeps in its WAL and backend) and volatile. */
export interface EtcdMemberState {
  name: string;
  peers: string[];
  cfg: EtcdMemberConfig;
  // persistent: raft HardState, log, snapshot, backend
  term: number;
  vote: string;
  log: Entry[];
  snapIndex: number;
  snapTerm: number;
  commit: number;
  applied: number;
  store: MvccStore;
  // volatile
  role: Role;
  lead: string;
  /** When this member learned of the current leader (for "possibly due to previous leader failure"). */
  leadElectedAt: number;
  electionElapsed: number;
  heartbeatElapsed: number;
  randomizedElectionTimeout: number;
  votes: Record<string, boolean>;
  progress: Record<string, Progress>;
  flushScheduled: boolean;
  commitChanged: boolean;
  nextReqSeq: number;
  pendingWrites: Record<string, PendingWrite>;
  nextReadId: number;
  pendingReads: Record<number, PendingRead>;
  leaderReads: LeaderRead[];
  nextLeaderReadSeq: number;
  /** Reads forwarded to us before our first commit in this term (raft pendingReadIndexMessages). */
  deferredReads: { requester: string; ctx: number }[];
  /** Per peer: since when it has been continuously reachable, and when we last heard from it. */
  peerSeen: Record<string, { since: number; last: number }>;
  watchers: Record<string, Watcher>;
  leaderlessTicks: number;
  /** Leader only: when each lease expires (ms). */
  leaseExpiry: Record<number, number>;
  revokingLeases: Record<number, true>;
  /** Changes applied in the current apply pass, flushed to watchers together. */
  pendingWatchChanges: RevisionChanges[];
}

/** Create a member's initial state. */
export function createEtcdMember(
  name: string,
  peers: string[],
  cfg = defaultEtcdMemberConfig(),
): EtcdMemberState {
  return {
    name,
    peers: peers.filter((p) => p !== name),
    cfg,
    term: 0,
    vote: "",
    log: [],
    snapIndex: 0,
    snapTerm: 0,
    commit: 0,
    applied: 0,
    store: createStore(),
    role: "follower",
    lead: "",
    leadElectedAt: 0,
    electionElapsed: 0,
    heartbeatElapsed: 0,
    randomizedElectionTimeout: cfg.electionTicks,
    votes: {},
    progress: {},
    flushScheduled: false,
    commitChanged: false,
    nextReqSeq: 1,
    pendingWrites: {},
    nextReadId: 1,
    pendingReads: {},
    leaderReads: [],
    nextLeaderReadSeq: 1,
    deferredReads: [],
    peerSeen: {},
    watchers: {},
    leaderlessTicks: 0,
    leaseExpiry: {},
    revokingLeases: {},
    pendingWatchChanges: [],
  };
}

// ---- raft log helpers -------------------------------------------------------------------------

function lastIndex(s: EtcdMemberState): number {
  return s.snapIndex + s.log.length;
}

function termAt(s: EtcdMemberState, index: number): number {
  if (index === s.snapIndex) return s.snapTerm;
  if (index < s.snapIndex) return -1;
  return s.log[index - s.snapIndex - 1]?.term ?? -1;
}

function entryAt(s: EtcdMemberState, index: number): Entry | undefined {
  return s.log[index - s.snapIndex - 1];
}

function quorum(s: EtcdMemberState): number {
  return Math.floor((s.peers.length + 1) / 2) + 1;
}

/** etcd's request timeout: 5 s + 2 × election timeout (EtcdServer.ReqTimeout). */
function reqTimeoutMs(s: EtcdMemberState): number {
  return 5000 + 2 * s.cfg.electionTicks * s.cfg.heartbeatMs;
}

function electionTimeoutMs(s: EtcdMemberState): number {
  return s.cfg.electionTicks * s.cfg.heartbeatMs;
}

function header(s: EtcdMemberState): ResponseHeader {
  return { revision: s.store.revision, memberId: s.name, raftTerm: s.term };
}

// ---- role changes -----------------------------------------------------------------------------

function resetRandomizedElectionTimeout(ctx: Context, s: EtcdMemberState): void {
  // raft.resetRandomizedElectionTimeout: electionTimeout + rand.Intn(electionTimeout).
  s.randomizedElectionTimeout = s.cfg.electionTicks + ctx.randomInt(s.cfg.electionTicks);
}

function setLead(ctx: Context, s: EtcdMemberState, lead: string): void {
  if (lead === s.lead) return;
  const changed = s.lead !== "" || lead !== "";
  s.lead = lead;
  if (lead !== "") {
    s.leadElectedAt = ctx.now;
    s.leaderlessTicks = 0;
    // etcd notifies pending linearizable reads that the leader changed: they fail.
    if (changed) failPendingReads(ctx, s, EtcdErrors.leaderChanged, true);
    forwardWaitingProposals(ctx, s);
    retryReads(ctx, s);
  }
}

function reset(ctx: Context, s: EtcdMemberState, term: number): void {
  if (s.term !== term) {
    s.term = term;
    s.vote = "";
  }
  setLead(ctx, s, "");
  s.electionElapsed = 0;
  s.heartbeatElapsed = 0;
  resetRandomizedElectionTimeout(ctx, s);
  s.votes = {};
  s.progress = {};
  s.leaderReads = [];
  s.deferredReads = [];
  s.leaseExpiry = {};
  s.revokingLeases = {};
}

function becomeFollower(ctx: Context, s: EtcdMemberState, term: number, lead: string): void {
  reset(ctx, s, term);
  s.role = "follower";
  setLead(ctx, s, lead);
}

function becomePreCandidate(ctx: Context, s: EtcdMemberState): void {
  // Pre-vote does not change the term or the vote (raft.becomePreCandidate).
  s.role = "pre-candidate";
  s.votes = { [s.name]: true };
  setLead(ctx, s, "");
}

function becomeCandidate(ctx: Context, s: EtcdMemberState): void {
  reset(ctx, s, s.term + 1);
  s.role = "candidate";
  s.vote = s.name;
  s.votes = { [s.name]: true };
}

function becomeLeader(ctx: Context, s: EtcdMemberState): void {
  reset(ctx, s, s.term);
  s.role = "leader";
  const last = lastIndex(s);
  for (const p of s.peers) {
    s.progress[p] = { match: 0, next: last + 1, state: "probe", paused: false, recentActive: true };
  }
  setLead(ctx, s, s.name);
  // Leases survive a leader change: the new leader restarts every lease's clock (lessor.Promote).
  for (const id of Object.keys(s.store.leases)) {
    const lease = s.store.leases[Number(id)]!;
    s.leaseExpiry[lease.id] = ctx.now + lease.ttl * 1000 + electionTimeoutMs(s);
  }
  // A new leader appends an empty entry of its term; it can commit (and serve read-index) only
  // once an entry of its own term is committed.
  appendToLog(ctx, s, [null]);
  scheduleFlush(ctx, s);
}

function campaign(ctx: Context, s: EtcdMemberState, pre: boolean): void {
  if (pre) becomePreCandidate(ctx, s);
  else becomeCandidate(ctx, s);
  if (Object.keys(s.votes).length >= quorum(s)) {
    if (pre) campaign(ctx, s, false);
    else becomeLeader(ctx, s);
    return;
  }
  const term = pre ? s.term + 1 : s.term;
  const last = lastIndex(s);
  const msg: VoteRequest = {
    verb: pre ? "PreVote" : "RequestVote",
    term,
    lastIndex: last,
    lastTerm: termAt(s, last),
    detail: `term ${term}`,
  };
  for (const p of s.peers) ctx.send(p, msg);
}

// ---- the log ----------------------------------------------------------------------------------

function appendToLog(ctx: Context, s: EtcdMemberState, datas: (EntryData | null)[]): void {
  let index = lastIndex(s);
  for (const data of datas) s.log.push({ term: s.term, index: ++index, data });
  if (s.peers.length === 0) maybeCommit(ctx, s);
}

function scheduleFlush(ctx: Context, s: EtcdMemberState): void {
  if (s.flushScheduled) return;
  s.flushScheduled = true;
  // Batch everything that happens in this millisecond into one round of messages, like etcd's
  // raft Ready loop batches proposals.
  ctx.setTimer(0, { name: "flush" });
}

function flush(ctx: Context, s: EtcdMemberState): void {
  s.flushScheduled = false;
  if (s.role !== "leader") return;
  const sendIfEmpty = s.commitChanged;
  s.commitChanged = false;
  for (const p of s.peers) sendAppend(ctx, s, p, sendIfEmpty);
  if (s.leaderReads.length > 0) {
    const hb: Heartbeat = { verb: "Heartbeat", term: s.term, commit: 0, ctx: s.nextLeaderReadSeq - 1 };
    for (const p of s.peers) ctx.send(p, { ...hb, commit: Math.min(s.progress[p]!.match, s.commit) });
  }
}

function sendAppend(ctx: Context, s: EtcdMemberState, peer: string, sendIfEmpty: boolean): void {
  const pr = s.progress[peer]!;
  if (pr.state === "snapshot" || (pr.state === "probe" && pr.paused)) return;
  if (pr.next <= s.snapIndex) {
    sendSnapshot(ctx, s, peer, pr);
    return;
  }
  const last = lastIndex(s);
  const end = Math.min(last, pr.next + s.cfg.maxEntriesPerMessage - 1);
  if (end < pr.next && !sendIfEmpty) return;
  const entries = end >= pr.next ? s.log.slice(pr.next - s.snapIndex - 1, end - s.snapIndex) : [];
  const prevIndex = pr.next - 1;
  const msg: AppendEntries = {
    verb: "AppendEntries",
    term: s.term,
    prevIndex,
    prevTerm: termAt(s, prevIndex),
    entries,
    commit: s.commit,
  };
  if (entries.length > 0) {
    if (pr.state === "replicate") pr.next = end + 1;
    else pr.paused = true;
  }
  // Ask to hear about a crashed follower, as rafthttp reports an unreachable peer (raft ReportUnreachable).
  ctx.send(peer, msg, { refuse: true });
}

function sendSnapshot(ctx: Context, s: EtcdMemberState, peer: string, pr: Progress): void {
  pr.state = "snapshot";
  const msg: InstallSnapshot = {
    verb: "InstallSnapshot",
    term: s.term,
    index: s.applied,
    snapTerm: termAt(s, s.applied),
    store: cloneStore(s.store),
    detail: `index ${s.applied}`,
  };
  ctx.send(peer, msg, { refuse: true });
}

/** Copy a store for a snapshot. Key-values are immutable, so only containers are copied. */
function cloneStore(st: MvccStore): MvccStore {
  const leases: MvccStore["leases"] = {};
  for (const id of Object.keys(st.leases)) {
    const l = st.leases[Number(id)]!;
    leases[l.id] = { id: l.id, ttl: l.ttl, keys: { ...l.keys } };
  }
  return {
    revision: st.revision,
    compactRevision: st.compactRevision,
    kvs: { ...st.kvs },
    listed: { ...st.listed },
    keys: [...st.keys],
    keysSorted: st.keysSorted,
    history: [...st.history],
    leases,
    nextLeaseId: st.nextLeaseId,
  };
}

function maybeCommit(ctx: Context, s: EtcdMemberState): void {
  const matches = [lastIndex(s)];
  for (const p of s.peers) matches.push(s.progress[p]!.match);
  matches.sort((a, b) => b - a);
  const mci = matches[quorum(s) - 1]!;
  // Only entries of the leader's own term are committed by counting (raft §5.4.2).
  if (mci > s.commit && termAt(s, mci) === s.term) {
    s.commit = mci;
    s.commitChanged = true;
    applyCommitted(ctx, s);
    serveDeferredReads(ctx, s);
    scheduleFlush(ctx, s);
  }
}

// ---- applying ---------------------------------------------------------------------------------

function applyCommitted(ctx: Context, s: EtcdMemberState): void {
  while (s.applied < s.commit) {
    const e = entryAt(s, s.applied + 1);
    if (!e) break;
    s.applied++;
    if (e.data) applyEntry(ctx, s, e.data);
  }
  flushWatchers(ctx, s);
  serveReadyReads(ctx, s);
  maybeSnapshot(s);
}

function applyEntry(ctx: Context, s: EtcdMemberState, data: EntryData): void {
  const pending = s.pendingWrites[data.reqId];
  let result: EtcdResults[keyof EtcdResults] | undefined;
  let error: string | undefined;
  try {
    const r = applyOp(ctx, s, data.op);
    result = r.result;
    if (r.changes) s.pendingWatchChanges.push(r.changes);
  } catch (err) {
    if (!(err instanceof MvccError)) throw err;
    error = err.message;
  }
  if (pending) {
    delete s.pendingWrites[data.reqId];
    respond(ctx, s, pending.client, pending.id, pending.op, result, error);
  }
}

function applyOp(
  ctx: Context,
  s: EtcdMemberState,
  op: WriteOp,
): { result: EtcdResults[keyof EtcdResults]; changes: RevisionChanges | null } {
  switch (op.type) {
    case "Put":
      return put(s.store, op.put);
    case "DeleteRange":
      return deleteRange(s.store, op.deleteRange);
    case "Txn":
      return txn(s.store, op.txn);
    case "Compact":
      compact(s.store, op.revision);
      return { result: {}, changes: null };
    case "LeaseGrant": {
      const lease = leaseGrant(s.store, op.ttl);
      if (s.role === "leader") s.leaseExpiry[lease.id] = ctx.now + op.ttl * 1000;
      return { result: { lease: lease.id, ttl: lease.ttl }, changes: null };
    }
    case "LeaseRevoke": {
      delete s.leaseExpiry[op.lease];
      delete s.revokingLeases[op.lease];
      return { result: {}, changes: leaseRevoke(s.store, op.lease) };
    }
  }
}

function maybeSnapshot(s: EtcdMemberState): void {
  if (s.applied - s.snapIndex <= s.cfg.snapshotCount) return;
  const keepFrom = s.applied - s.cfg.catchUpEntries;
  if (keepFrom <= s.snapIndex) return;
  s.snapTerm = termAt(s, keepFrom);
  s.log = s.log.slice(keepFrom - s.snapIndex);
  s.snapIndex = keepFrom;
}

function respond(
  ctx: Context,
  s: EtcdMemberState,
  client: string,
  id: number,
  op: EtcdRequest["verb"],
  result: EtcdResponse["result"] | undefined,
  error: string | undefined,
): void {
  const msg: EtcdResponse = { verb: "EtcdResponse", id, op, header: header(s) };
  if (error !== undefined) {
    msg.error = error;
    (msg as { detail?: string }).detail = error;
  } else msg.result = result;
  ctx.send(client, msg);
}

// ---- watches ----------------------------------------------------------------------------------

function watcherKey(client: string, watchId: number): string {
  return `${client}#${watchId}`;
}

function eventsFor(w: Watcher, events: MvccEvent[]): MvccEvent[] {
  const out: MvccEvent[] = [];
  for (const ev of events) {
    if (!keyMatches(ev.kv.key, w.key, w.rangeEnd)) continue;
    out.push(w.prevKv || !ev.prevKv ? ev : { type: ev.type, kv: ev.kv });
  }
  return out;
}

function flushWatchers(ctx: Context, s: EtcdMemberState): void {
  const changes = s.pendingWatchChanges;
  if (changes.length === 0) return;
  s.pendingWatchChanges = [];
  for (const key in s.watchers) {
    const w = s.watchers[key]!;
    let batch: MvccEvent[] | null = null;
    for (const ch of changes) {
      if (ch.rev < w.nextRev) continue;
      const evs = eventsFor(w, ch.events);
      if (evs.length > 0) {
        if (batch) for (const e of evs) batch.push(e);
        else batch = evs;
      }
    }
    w.nextRev = s.store.revision + 1;
    if (batch) sendWatch(ctx, s, w, batch);
  }
}

function sendWatch(
  ctx: Context,
  s: EtcdMemberState,
  w: Watcher,
  events: MvccEvent[],
  extra?: Partial<WatchResponse>,
) {
  const msg: WatchResponse = {
    verb: "WatchResponse",
    watchId: w.watchId,
    header: header(s),
    events,
    ...extra,
  };
  ctx.send(w.client, msg);
}

function createWatch(ctx: Context, s: EtcdMemberState, m: WatchCreate, from: string): void {
  const w: Watcher = {
    client: from,
    watchId: m.watchId,
    key: m.key,
    prevKv: m.prevKv === true,
    requireLeader: m.requireLeader === true,
    nextRev: s.store.revision + 1,
  };
  if (m.rangeEnd) w.rangeEnd = m.rangeEnd;
  ctx.connect(from);
  if (w.requireLeader && s.lead === "") {
    sendWatch(ctx, s, w, [], { created: true, canceled: true, cancelReason: EtcdErrors.noLeader });
    return;
  }
  const start = m.startRevision ?? 0;
  if (start > 0 && start <= s.store.compactRevision) {
    // etcd answers with the compact revision and cancels; clientv3 turns it into ErrCompacted.
    sendWatch(ctx, s, w, [], {
      created: true,
      canceled: true,
      compactRevision: s.store.compactRevision,
      cancelReason: EtcdErrors.compacted,
    });
    return;
  }
  s.watchers[watcherKey(from, m.watchId)] = w;
  sendWatch(ctx, s, w, [], { created: true });
  if (start > 0 && start <= s.store.revision) {
    const past = changesSince(s.store, start, w.key, w.rangeEnd);
    const events: MvccEvent[] = [];
    for (const ch of past) for (const e of eventsFor(w, ch.events)) events.push(e);
    if (events.length > 0) sendWatch(ctx, s, w, events);
  }
}

/** After installing a snapshot, bring watchers up to the new state from the store's history. */
function resyncWatchers(ctx: Context, s: EtcdMemberState): void {
  for (const key of Object.keys(s.watchers)) {
    const w = s.watchers[key]!;
    try {
      const past = changesSince(s.store, w.nextRev, w.key, w.rangeEnd);
      const events: MvccEvent[] = [];
      for (const ch of past) for (const e of eventsFor(w, ch.events)) events.push(e);
      if (events.length > 0) sendWatch(ctx, s, w, events);
      w.nextRev = s.store.revision + 1;
    } catch {
      delete s.watchers[key];
      sendWatch(ctx, s, w, [], {
        canceled: true,
        compactRevision: s.store.compactRevision,
        cancelReason: EtcdErrors.compacted,
      });
    }
  }
}

// ---- client requests --------------------------------------------------------------------------

function handleClient(ctx: Context, s: EtcdMemberState, m: EtcdClientMessage, from: string): void {
  switch (m.verb) {
    case "Watch":
      createWatch(ctx, s, m, from);
      return;
    case "WatchCancel": {
      const key = watcherKey(from, m.watchId);
      const w = s.watchers[key];
      if (w) {
        delete s.watchers[key];
        sendWatch(ctx, s, w, [], { canceled: true });
      }
      return;
    }
    case "WatchProgressRequest":
      // A progress notification: an empty response whose header carries the current revision.
      for (const key in s.watchers) {
        const w = s.watchers[key]!;
        if (w.client === from) sendWatch(ctx, s, w, []);
      }
      return;
    case "Range":
      if (m.serializable) {
        serveRange(ctx, s, from, m);
        return;
      }
      startRead(ctx, s, from, m);
      return;
    default:
      startWrite(ctx, s, from, m);
  }
}

function serveRange(
  ctx: Context,
  s: EtcdMemberState,
  client: string,
  m: EtcdRequest & { verb: "Range" },
): void {
  try {
    respond(ctx, s, client, m.id, "Range", range(s.store, m.range), undefined);
  } catch (err) {
    if (!(err instanceof MvccError)) throw err;
    respond(ctx, s, client, m.id, "Range", undefined, err.message);
  }
}

function toWriteOp(m: EtcdRequest): WriteOp {
  switch (m.verb) {
    case "Put":
      return { type: "Put", put: m.put };
    case "DeleteRange":
      return { type: "DeleteRange", deleteRange: m.deleteRange };
    case "Txn":
      return { type: "Txn", txn: m.txn };
    case "Compact":
      return { type: "Compact", revision: m.revision };
    case "LeaseGrant":
      return { type: "LeaseGrant", ttl: m.ttl };
    case "LeaseRevoke":
      return { type: "LeaseRevoke", lease: m.lease };
    case "Range":
      throw new Error("Range is not a write");
  }
}

function startWrite(ctx: Context, s: EtcdMemberState, client: string, m: EtcdRequest): void {
  const reqId = `${s.name}:${s.nextReqSeq++}`;
  const data: EntryData = { reqId, op: toWriteOp(m) };
  const pw: PendingWrite = { client, id: m.id, op: m.verb, startedAt: ctx.now, data, forwarded: false };
  // Its deadline (ReqTimeout) is checked on each raft tick rather than by a timer per request:
  // pending writes are in arrival order, so the check stops at the first one still in time.
  s.pendingWrites[reqId] = pw;
  proposeOrForward(ctx, s, pw);
}

function proposeOrForward(ctx: Context, s: EtcdMemberState, pw: PendingWrite): void {
  if (s.role === "leader") {
    pw.forwarded = true;
    appendToLog(ctx, s, [pw.data]);
    scheduleFlush(ctx, s);
  } else if (s.lead !== "") {
    pw.forwarded = true;
    const msg: Propose = { verb: "Propose", term: s.term, entries: [pw.data] };
    ctx.send(s.lead, msg);
  }
  // Without a leader raft does not take proposals (node.run sets propc = nil): the request
  // waits until a leader appears or its timeout fires.
}

function forwardWaitingProposals(ctx: Context, s: EtcdMemberState): void {
  for (const key in s.pendingWrites) {
    const pw = s.pendingWrites[key]!;
    if (!pw.forwarded) proposeOrForward(ctx, s, pw);
  }
}

/** Which timeout error etcd reports (EtcdServer.parseProposeCtxErr). */
function timeoutError(ctx: Context, s: EtcdMemberState, start: number): string {
  const prevLeadLost = s.leadElectedAt - 2 * electionTimeoutMs(s);
  if (s.lead !== "" && start > prevLeadLost && start < s.leadElectedAt)
    return EtcdErrors.timeoutDueToLeaderFail;
  if (s.lead === s.name) {
    let connected = 1;
    for (const p of s.peers) if (isConnectedSince(ctx, s, p, start)) connected++;
    if (connected < quorum(s)) return EtcdErrors.timeoutDueToConnectionLost;
  } else if (s.lead !== "" && !isConnectedSince(ctx, s, s.lead, start)) {
    return EtcdErrors.timeoutDueToConnectionLost;
  }
  return EtcdErrors.requestTimedOut;
}

function isConnectedSince(ctx: Context, s: EtcdMemberState, peer: string, since: number): boolean {
  const seen = s.peerSeen[peer];
  if (!seen) return false;
  return seen.since <= since && ctx.now - seen.last <= electionTimeoutMs(s);
}

function startRead(
  ctx: Context,
  s: EtcdMemberState,
  client: string,
  m: EtcdRequest & { verb: "Range" },
): void {
  const readId = s.nextReadId++;
  s.pendingReads[readId] = { client, id: m.id, req: m, startedAt: ctx.now, sentAt: ctx.now, index: -1 };
  requestReadIndex(ctx, s, readId);
}

function requestReadIndex(ctx: Context, s: EtcdMemberState, readId: number): void {
  const r = s.pendingReads[readId];
  if (!r) return;
  r.sentAt = ctx.now;
  if (s.role === "leader") leaderReadIndex(ctx, s, s.name, readId);
  else if (s.lead !== "") {
    const msg: ReadIndexRequest = { verb: "ReadIndex", term: s.term, ctx: readId };
    ctx.send(s.lead, msg);
  }
}

function retryReads(ctx: Context, s: EtcdMemberState): void {
  for (const key in s.pendingReads) {
    const r = s.pendingReads[key]!;
    if (r.index < 0) requestReadIndex(ctx, s, Number(key));
  }
}

function leaderReadIndex(ctx: Context, s: EtcdMemberState, requester: string, readCtx: number): void {
  if (termAt(s, s.commit) !== s.term) {
    s.deferredReads.push({ requester, ctx: readCtx });
    return;
  }
  const lr: LeaderRead = {
    seq: s.nextLeaderReadSeq++,
    index: s.commit,
    requester,
    ctx: readCtx,
    acks: { [s.name]: true },
  };
  s.leaderReads.push(lr);
  if (s.peers.length === 0) advanceLeaderReads(ctx, s);
  else scheduleFlush(ctx, s);
}

function serveDeferredReads(ctx: Context, s: EtcdMemberState): void {
  if (s.deferredReads.length === 0 || termAt(s, s.commit) !== s.term) return;
  const deferred = s.deferredReads;
  s.deferredReads = [];
  for (const d of deferred) leaderReadIndex(ctx, s, d.requester, d.ctx);
}

function advanceLeaderReads(ctx: Context, s: EtcdMemberState): void {
  const q = quorum(s);
  while (s.leaderReads.length > 0) {
    const lr = s.leaderReads[0]!;
    if (Object.keys(lr.acks).length < q) break;
    s.leaderReads.shift();
    if (lr.requester === s.name) readIndexReady(ctx, s, lr.ctx, lr.index);
    else {
      const msg: ReadIndexResponse = {
        verb: "ReadIndexResponse",
        term: s.term,
        ctx: lr.ctx,
        index: lr.index,
      };
      ctx.send(lr.requester, msg);
    }
  }
}

function readIndexReady(ctx: Context, s: EtcdMemberState, readId: number, index: number): void {
  const r = s.pendingReads[readId];
  if (!r) return;
  r.index = index;
  serveReadyReads(ctx, s);
}

function serveReadyReads(ctx: Context, s: EtcdMemberState): void {
  for (const key in s.pendingReads) {
    const r = s.pendingReads[key]!;
    if (r.index >= 0 && r.index <= s.applied) {
      delete s.pendingReads[key];
      serveRange(ctx, s, r.client, r.req);
    }
  }
}

function failPendingReads(ctx: Context, s: EtcdMemberState, error: string, onlyUnconfirmed: boolean): void {
  for (const key in s.pendingReads) {
    const r = s.pendingReads[key]!;
    if (onlyUnconfirmed && r.index >= 0) continue;
    if (ctx.now === r.startedAt) continue; // a read started this instant has not asked anyone yet
    delete s.pendingReads[key];
    respond(ctx, s, r.client, r.id, "Range", undefined, error);
  }
}

// ---- raft messages ----------------------------------------------------------------------------

function notePeer(ctx: Context, s: EtcdMemberState, peer: string): void {
  const seen = s.peerSeen[peer];
  if (!seen || ctx.now - seen.last > electionTimeoutMs(s))
    s.peerSeen[peer] = { since: ctx.now, last: ctx.now };
  else seen.last = ctx.now;
}

function handleRaft(ctx: Context, s: EtcdMemberState, m: RaftMessage, from: string): void {
  notePeer(ctx, s, from);
  if (s.role === "leader" && s.progress[from]) s.progress[from].recentActive = true;

  // Term checks (raft.Step).
  if (m.term > s.term) {
    if (m.verb === "PreVote" || m.verb === "RequestVote") {
      // Check-quorum lease: a member that heard from a leader within the election timeout
      // ignores vote requests, so a partitioned member cannot disrupt a healthy cluster.
      const inLease = s.lead !== "" && s.electionElapsed < s.cfg.electionTicks;
      if (inLease) return;
      if (m.verb === "RequestVote") becomeFollower(ctx, s, m.term, "");
    } else if (m.verb === "PreVoteResponse" && m.granted) {
      // A granted pre-vote carries the proposed term: no state change.
    } else {
      const lead =
        m.verb === "AppendEntries" || m.verb === "Heartbeat" || m.verb === "InstallSnapshot" ? from : "";
      becomeFollower(ctx, s, m.term, lead);
    }
  } else if (m.term < s.term) {
    if (m.verb === "AppendEntries" || m.verb === "Heartbeat") {
      // Tell a stale leader about the newer term so it steps down (raft with check-quorum).
      const resp: AppendEntriesResponse = {
        verb: "AppendEntriesResponse",
        term: s.term,
        index: 0,
        reject: true,
      };
      ctx.send(from, resp);
    } else if (m.verb === "PreVote") {
      const resp: VoteResponse = { verb: "PreVoteResponse", term: s.term, granted: false };
      ctx.send(from, resp);
    }
    return;
  }

  switch (m.verb) {
    case "PreVote":
    case "RequestVote":
      handleVoteRequest(ctx, s, m, from);
      return;
    case "PreVoteResponse":
    case "RequestVoteResponse":
      handleVoteResponse(ctx, s, m, from);
      return;
    case "AppendEntries":
      toFollowerOf(ctx, s, from);
      handleAppend(ctx, s, m, from);
      return;
    case "Heartbeat":
      toFollowerOf(ctx, s, from);
      if (m.commit > s.commit) {
        s.commit = Math.min(m.commit, lastIndex(s));
        applyCommitted(ctx, s);
      }
      ctx.send(from, { verb: "HeartbeatResponse", term: s.term, ctx: m.ctx } satisfies HeartbeatResponse);
      return;
    case "InstallSnapshot":
      toFollowerOf(ctx, s, from);
      handleSnapshot(ctx, s, m, from);
      return;
    case "AppendEntriesResponse":
      if (s.role === "leader") handleAppendResponse(ctx, s, m, from);
      return;
    case "HeartbeatResponse":
      if (s.role === "leader") handleHeartbeatResponse(ctx, s, m, from);
      return;
    case "Propose":
      if (s.role === "leader") {
        appendToLog(ctx, s, m.entries);
        scheduleFlush(ctx, s);
      }
      // A non-leader drops forwarded proposals (ErrProposalDropped); the proposer times out.
      return;
    case "ReadIndex":
      if (s.role === "leader") leaderReadIndex(ctx, s, from, m.ctx);
      return;
    case "ReadIndexResponse":
      readIndexReady(ctx, s, m.ctx, m.index);
      return;
  }
}

function toFollowerOf(ctx: Context, s: EtcdMemberState, leader: string): void {
  if (s.role !== "follower") becomeFollower(ctx, s, s.term, leader);
  setLead(ctx, s, leader);
  s.electionElapsed = 0;
}

function logUpToDate(s: EtcdMemberState, index: number, term: number): boolean {
  const last = lastIndex(s);
  const lastTerm = termAt(s, last);
  return term > lastTerm || (term === lastTerm && index >= last);
}

function handleVoteRequest(ctx: Context, s: EtcdMemberState, m: VoteRequest, from: string): void {
  const pre = m.verb === "PreVote";
  const canVote = s.vote === from || (s.vote === "" && s.lead === "") || (pre && m.term > s.term);
  const respVerb = pre ? "PreVoteResponse" : "RequestVoteResponse";
  if (canVote && logUpToDate(s, m.lastIndex, m.lastTerm)) {
    ctx.send(from, { verb: respVerb, term: m.term, granted: true } satisfies VoteResponse);
    if (!pre) {
      s.electionElapsed = 0;
      s.vote = from;
    }
  } else {
    ctx.send(from, { verb: respVerb, term: s.term, granted: false } satisfies VoteResponse);
  }
}

function handleVoteResponse(ctx: Context, s: EtcdMemberState, m: VoteResponse, from: string): void {
  const pre = m.verb === "PreVoteResponse";
  if ((pre && s.role !== "pre-candidate") || (!pre && s.role !== "candidate")) return;
  s.votes[from] = m.granted;
  let granted = 0;
  let rejected = 0;
  for (const k in s.votes) {
    if (s.votes[k]) granted++;
    else rejected++;
  }
  if (granted >= quorum(s)) {
    if (pre) campaign(ctx, s, false);
    else becomeLeader(ctx, s);
  } else if (rejected >= quorum(s)) {
    becomeFollower(ctx, s, s.term, "");
  }
}

function handleAppend(ctx: Context, s: EtcdMemberState, m: AppendEntries, from: string): void {
  const reply = (index: number, reject: boolean) =>
    ctx.send(from, {
      verb: "AppendEntriesResponse",
      term: s.term,
      index,
      reject,
    } satisfies AppendEntriesResponse);
  if (m.prevIndex < s.commit) {
    reply(s.commit, false);
    return;
  }
  if (termAt(s, m.prevIndex) !== m.prevTerm) {
    const last = lastIndex(s);
    reply(last < m.prevIndex ? last : m.prevIndex - 1, true);
    return;
  }
  // Append, truncating a conflicting suffix (raftLog.maybeAppend).
  for (const e of m.entries) {
    const existing = termAt(s, e.index);
    if (existing === e.term) continue;
    if (e.index <= lastIndex(s)) s.log.length = e.index - s.snapIndex - 1;
    s.log.push(e);
  }
  const lastNew = m.prevIndex + m.entries.length;
  const newCommit = Math.min(m.commit, lastNew);
  if (newCommit > s.commit) {
    s.commit = newCommit;
    applyCommitted(ctx, s);
  }
  reply(lastNew, false);
}

function handleSnapshot(ctx: Context, s: EtcdMemberState, m: InstallSnapshot, from: string): void {
  if (m.index <= s.commit) {
    ctx.send(from, { verb: "AppendEntriesResponse", term: s.term, index: s.commit, reject: false });
    return;
  }
  s.store = m.store;
  s.log = [];
  s.snapIndex = m.index;
  s.snapTerm = m.snapTerm;
  s.commit = m.index;
  s.applied = m.index;
  resyncWatchers(ctx, s);
  serveReadyReads(ctx, s);
  ctx.send(from, { verb: "AppendEntriesResponse", term: s.term, index: m.index, reject: false });
}

function handleAppendResponse(
  ctx: Context,
  s: EtcdMemberState,
  m: AppendEntriesResponse,
  from: string,
): void {
  const pr = s.progress[from];
  if (!pr) return;
  if (m.reject) {
    pr.next = Math.max(pr.match + 1, Math.min(pr.next - 1, m.index + 1));
    pr.state = "probe";
    pr.paused = false;
    sendAppend(ctx, s, from, true);
    return;
  }
  if (m.index > pr.match) pr.match = m.index;
  if (pr.next < m.index + 1) pr.next = m.index + 1;
  pr.paused = false;
  if (pr.state !== "replicate") {
    pr.state = "replicate";
    pr.next = pr.match + 1;
  }
  maybeCommit(ctx, s);
  if (pr.next <= lastIndex(s)) sendAppend(ctx, s, from, false);
}

function handleHeartbeatResponse(ctx: Context, s: EtcdMemberState, m: HeartbeatResponse, from: string): void {
  const pr = s.progress[from]!;
  pr.paused = false;
  if (pr.state === "snapshot") pr.state = "probe";
  if (pr.match < lastIndex(s)) sendAppend(ctx, s, from, false);
  if (m.ctx > 0) {
    for (const lr of s.leaderReads) if (lr.seq <= m.ctx) lr.acks[from] = true;
    advanceLeaderReads(ctx, s);
  }
}

// ---- ticks ------------------------------------------------------------------------------------

function tick(ctx: Context, s: EtcdMemberState): void {
  ctx.setTimer(s.cfg.heartbeatMs, { name: "tick" });
  if (s.role === "leader") tickHeartbeat(ctx, s);
  else tickElection(ctx, s);
  if (s.lead === "") {
    s.leaderlessTicks++;
    // etcd's watch server cancels require-leader watches after 3 election timeouts without a
    // leader (v3rpc monitorLeader, maxNoLeaderCnt = 3).
    if (s.leaderlessTicks === 3 * s.cfg.electionTicks) cancelRequireLeaderWatches(ctx, s);
  }
  // etcd retries an unanswered read index every 500 ms (readIndexRetryTime).
  for (const key in s.pendingReads) {
    const r = s.pendingReads[key]!;
    if (r.index < 0 && ctx.now - r.sentAt >= 500) requestReadIndex(ctx, s, Number(key));
  }
  expireRequests(ctx, s);
}

/** Answer requests older than ReqTimeout with etcd's timeout error. */
function expireRequests(ctx: Context, s: EtcdMemberState): void {
  const deadline = ctx.now - reqTimeoutMs(s);
  for (const key in s.pendingWrites) {
    const pw = s.pendingWrites[key]!;
    if (pw.startedAt > deadline) break;
    delete s.pendingWrites[key];
    respond(ctx, s, pw.client, pw.id, pw.op, undefined, timeoutError(ctx, s, pw.startedAt));
  }
  for (const key in s.pendingReads) {
    const r = s.pendingReads[key]!;
    if (r.startedAt > deadline) break;
    delete s.pendingReads[key];
    respond(ctx, s, r.client, r.id, "Range", undefined, EtcdErrors.requestTimedOut);
  }
}

function tickElection(ctx: Context, s: EtcdMemberState): void {
  s.electionElapsed++;
  if (s.electionElapsed >= s.randomizedElectionTimeout) {
    s.electionElapsed = 0;
    campaign(ctx, s, true);
  }
}

function tickHeartbeat(ctx: Context, s: EtcdMemberState): void {
  s.heartbeatElapsed++;
  s.electionElapsed++;
  if (s.electionElapsed >= s.cfg.electionTicks) {
    s.electionElapsed = 0;
    // Check quorum: step down if a majority has not been heard from within an election timeout.
    let active = 1;
    for (const p of s.peers) {
      const pr = s.progress[p]!;
      if (pr.recentActive) active++;
      pr.recentActive = false;
    }
    if (active < quorum(s)) {
      becomeFollower(ctx, s, s.term, "");
      return;
    }
  }
  if (s.heartbeatElapsed >= 1) {
    s.heartbeatElapsed = 0;
    const ctxSeq = s.leaderReads.length > 0 ? s.nextLeaderReadSeq - 1 : 0;
    for (const p of s.peers) {
      const hb: Heartbeat = {
        verb: "Heartbeat",
        term: s.term,
        commit: Math.min(s.progress[p]!.match, s.commit),
        ctx: ctxSeq,
      };
      ctx.send(p, hb);
    }
  }
  // The lessor revokes expired leases through raft (checked every 500 ms in etcd).
  if (ctx.now % 500 < s.cfg.heartbeatMs) revokeExpiredLeases(ctx, s);
}

function revokeExpiredLeases(ctx: Context, s: EtcdMemberState): void {
  for (const key in s.leaseExpiry) {
    const id = Number(key);
    if (s.leaseExpiry[id]! > ctx.now || s.revokingLeases[id]) continue;
    s.revokingLeases[id] = true;
    appendToLog(ctx, s, [{ reqId: `${s.name}:lease`, op: { type: "LeaseRevoke", lease: id } }]);
    scheduleFlush(ctx, s);
  }
}

function cancelRequireLeaderWatches(ctx: Context, s: EtcdMemberState): void {
  for (const key of Object.keys(s.watchers)) {
    const w = s.watchers[key]!;
    if (!w.requireLeader) continue;
    delete s.watchers[key];
    sendWatch(ctx, s, w, [], { canceled: true, cancelReason: EtcdErrors.noLeader });
  }
}

// ---- the behaviour ----------------------------------------------------------------------------

const RAFT_VERBS = new Set([
  "AppendEntries",
  "AppendEntriesResponse",
  "Heartbeat",
  "HeartbeatResponse",
  "PreVote",
  "RequestVote",
  "PreVoteResponse",
  "RequestVoteResponse",
  "Propose",
  "ReadIndex",
  "ReadIndexResponse",
  "InstallSnapshot",
]);

/** The etcd member behaviour. */
export const etcdMemberBehavior = defineBehavior<EtcdMemberState>({
  kind: ETCD_MEMBER_KIND,
  onStart(ctx, s) {
    // On (re)start a member is a follower that knows no leader; its persisted log and store
    // are intact, and it catches up from whoever leads.
    s.role = "follower";
    s.lead = "";
    resetRandomizedElectionTimeout(ctx, s);
    s.electionElapsed = 0;
    ctx.setTimer(s.cfg.heartbeatMs, { name: "tick" });
  },
  onStop(s) {
    // What survives a crash: the WAL (term, vote, log, commit) and the backend (store, applied).
    // Pending client requests and watches die with their connections.
    return {
      ...s,
      role: "follower",
      lead: "",
      votes: {},
      progress: {},
      flushScheduled: false,
      commitChanged: false,
      pendingWrites: {},
      pendingReads: {},
      leaderReads: [],
      deferredReads: [],
      peerSeen: {},
      watchers: {},
      leaderlessTicks: 0,
      leaseExpiry: {},
      revokingLeases: {},
      pendingWatchChanges: [],
    };
  },
  onMessage(ctx, s, msg: Message, from) {
    if (RAFT_VERBS.has(msg.verb)) {
      handleRaft(ctx, s, msg as RaftMessage, from);
      return;
    }
    if (msg.verb === "CONNECTION-REFUSED") {
      // A follower is down: stop pipelining to it (raft ReportUnreachable → probe).
      const orig = (msg as ConnectionRefused).original;
      const pr = s.progress[from];
      if (pr && (orig.verb === "AppendEntries" || orig.verb === "InstallSnapshot")) {
        pr.state = "probe";
        pr.paused = true;
        pr.next = pr.match + 1;
      }
      return;
    }
    if (msg.verb === "CONNECTION-CLOSED") {
      // A client went away: drop its watches.
      const peer = (msg as unknown as { peer: string }).peer;
      for (const key of Object.keys(s.watchers)) if (s.watchers[key]!.client === peer) delete s.watchers[key];
      return;
    }
    handleClient(ctx, s, msg as EtcdClientMessage, from);
  },
  onTimer(ctx, s, timer: Timer) {
    switch (timer.name) {
      case "tick":
        tick(ctx, s);
        return;
      case "flush":
        flush(ctx, s);
        return;
    }
  },
});
