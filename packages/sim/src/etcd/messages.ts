/**
 * Messages of etcd's client API (what the apiserver sends to a member) and of raft between
 * members. Every one is plain data with a `verb` for the trace.
 */
import type { Message } from "../core/component";
import type {
  DeleteRangeRequest,
  KeyValue,
  MvccEvent,
  MvccStore,
  PutRequest,
  RangeRequest,
  RangeResult,
  TxnRequest,
  TxnResult,
} from "./mvcc";

// ---- client API (etcdserverpb.KV, Watch, Lease) --------------------------------------------

/** Header on every response (etcdserverpb.ResponseHeader). */
export interface ResponseHeader {
  /** The store's revision when the request was served. */
  revision: number;
  memberId: string;
  raftTerm: number;
}

/** A KV request from a client. `id` correlates the response. */
export type EtcdRequest =
  | (Message & { verb: "Range"; id: number; range: RangeRequest; serializable?: boolean })
  | (Message & { verb: "Put"; id: number; put: PutRequest })
  | (Message & { verb: "DeleteRange"; id: number; deleteRange: DeleteRangeRequest })
  | (Message & { verb: "Txn"; id: number; txn: TxnRequest })
  | (Message & { verb: "Compact"; id: number; revision: number })
  | (Message & { verb: "LeaseGrant"; id: number; ttl: number })
  | (Message & { verb: "LeaseRevoke"; id: number; lease: number });

/** The verbs of EtcdRequest. */
export type EtcdRequestVerb = EtcdRequest["verb"];

/** The result payload per request verb. */
export interface EtcdResults {
  Range: RangeResult;
  Put: { prevKv?: KeyValue };
  DeleteRange: { deleted: number; prevKvs?: KeyValue[] };
  Txn: TxnResult;
  Compact: Record<string, never>;
  LeaseGrant: { lease: number; ttl: number };
  LeaseRevoke: Record<string, never>;
}

/** The response to an EtcdRequest: `error` (etcd's error text) or `result`. */
export interface EtcdResponse extends Message {
  verb: "EtcdResponse";
  id: number;
  /** The request verb this answers. */
  op: EtcdRequestVerb;
  header: ResponseHeader;
  error?: string;
  result?: EtcdResults[EtcdRequestVerb];
}

/** Open a watch on [key, rangeEnd) from `startRevision` (0 = from now). */
export interface WatchCreate extends Message {
  verb: "Watch";
  watchId: number;
  key: string;
  rangeEnd?: string;
  startRevision?: number;
  prevKv?: boolean;
  /** clientv3.WithRequireLeader: the member cancels the watch when it has no leader. */
  requireLeader?: boolean;
}

/** Cancel a watch. */
export interface WatchCancel extends Message {
  verb: "WatchCancel";
  watchId: number;
}

/** Ask for a progress notification on every watch of this client (clientv3 RequestProgress). */
export interface WatchProgressRequest extends Message {
  verb: "WatchProgressRequest";
}

/** Events, or a notification, for one watch (etcdserverpb.WatchResponse). */
export interface WatchResponse extends Message {
  verb: "WatchResponse";
  watchId: number;
  header: ResponseHeader;
  events: MvccEvent[];
  created?: boolean;
  canceled?: boolean;
  /** Set when the watch was canceled because its start revision is compacted. */
  compactRevision?: number;
  cancelReason?: string;
}

/** Any message a member accepts from a client. */
export type EtcdClientMessage = EtcdRequest | WatchCreate | WatchCancel | WatchProgressRequest;

// ---- raft -----------------------------------------------------------------------------------

/** A write operation replicated through the raft log. */
export type WriteOp =
  | { type: "Put"; put: PutRequest }
  | { type: "DeleteRange"; deleteRange: DeleteRangeRequest }
  | { type: "Txn"; txn: TxnRequest }
  | { type: "Compact"; revision: number }
  | { type: "LeaseGrant"; ttl: number }
  | { type: "LeaseRevoke"; lease: number };

/** What a log entry carries: the operation and which member's request it answers. */
export interface EntryData {
  /** `<member>:<n>`: the member that proposed it answers its client once the entry is applied. */
  reqId: string;
  op: WriteOp;
}

/** A raft log entry. `data` is null for the empty entry a new leader appends. */
export interface Entry {
  term: number;
  index: number;
  data: EntryData | null;
}

/** raft MsgApp. */
export interface AppendEntries extends Message {
  verb: "AppendEntries";
  term: number;
  prevIndex: number;
  prevTerm: number;
  entries: Entry[];
  commit: number;
}

/** raft MsgAppResp. On reject, `index` is the follower's hint for where logs may match. */
export interface AppendEntriesResponse extends Message {
  verb: "AppendEntriesResponse";
  term: number;
  index: number;
  reject: boolean;
}

/** raft MsgHeartbeat; `ctx` > 0 confirms leadership for read-index requests up to it. */
export interface Heartbeat extends Message {
  verb: "Heartbeat";
  term: number;
  commit: number;
  ctx: number;
}

/** raft MsgHeartbeatResp. */
export interface HeartbeatResponse extends Message {
  verb: "HeartbeatResponse";
  term: number;
  ctx: number;
}

/** raft MsgPreVote / MsgVote. */
export interface VoteRequest extends Message {
  verb: "PreVote" | "RequestVote";
  term: number;
  lastIndex: number;
  lastTerm: number;
}

/** raft MsgPreVoteResp / MsgVoteResp. */
export interface VoteResponse extends Message {
  verb: "PreVoteResponse" | "RequestVoteResponse";
  term: number;
  granted: boolean;
}

/** raft MsgProp forwarded by a follower to the leader. */
export interface Propose extends Message {
  verb: "Propose";
  term: number;
  entries: EntryData[];
}

/** raft MsgReadIndex from a follower (ctx is the follower's read id). */
export interface ReadIndexRequest extends Message {
  verb: "ReadIndex";
  term: number;
  ctx: number;
}

/** raft MsgReadIndexResp. */
export interface ReadIndexResponse extends Message {
  verb: "ReadIndexResponse";
  term: number;
  ctx: number;
  index: number;
}

/** raft MsgSnap: the leader's state machine for a follower too far behind its log. */
export interface InstallSnapshot extends Message {
  verb: "InstallSnapshot";
  term: number;
  index: number;
  snapTerm: number;
  store: MvccStore;
}

/** Any raft message between members. */
export type RaftMessage =
  | AppendEntries
  | AppendEntriesResponse
  | Heartbeat
  | HeartbeatResponse
  | VoteRequest
  | VoteResponse
  | Propose
  | ReadIndexRequest
  | ReadIndexResponse
  | InstallSnapshot;
