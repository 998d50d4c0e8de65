/** etcd: raft members over an MVCC store, with etcd's client API and errors. */
export { addEtcdCluster, etcdMemberNames } from "./cluster";
export { EtcdErrors } from "./errors";
export type { EtcdMemberConfig, EtcdMemberState } from "./member";
export { createEtcdMember, defaultEtcdMemberConfig, ETCD_MEMBER_KIND, etcdMemberBehavior } from "./member";
export type * from "./messages";
export type {
  Compare,
  DeleteRangeRequest,
  KeyValue,
  MvccEvent,
  MvccStore,
  PutRequest,
  RangeRequest,
  RangeResult,
  RequestOp,
  ResponseOp,
  RevisionChanges,
  TxnRequest,
  TxnResult,
} from "./mvcc";
export { createStore, MvccError, prefixEnd } from "./mvcc";
