/**
 * etcd's error strings, exactly as clients see them.
 * Source: etcd v3.5 `api/v3rpc/rpctypes/error.go` and `server/mvcc/kvstore.go`.
 */
export const EtcdErrors = {
  requestTimedOut: "etcdserver: request timed out",
  timeoutDueToLeaderFail: "etcdserver: request timed out, possibly due to previous leader failure",
  timeoutDueToConnectionLost: "etcdserver: request timed out, possibly due to connection lost",
  leaderChanged: "etcdserver: leader changed",
  noLeader: "etcdserver: no leader",
  serverStopped: "etcdserver: server stopped",
  unhealthyCluster: "etcdserver: unhealthy cluster",
  tooManyRequests: "etcdserver: too many requests",
  /** mvcc.ErrCompacted as the gRPC layer words it (rpctypes.ErrGRPCCompacted). */
  compacted: "etcdserver: mvcc: required revision has been compacted",
  /** mvcc.ErrFutureRev (rpctypes.ErrGRPCFutureRev). */
  futureRevision: "etcdserver: mvcc: required revision is a future revision",
  leaseNotFound: "etcdserver: requested lease not found",
} as const;
