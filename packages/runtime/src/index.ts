/**
 * @kubelab/runtime: hosting simulated clusters — partitions and their leases, the command log
 * and snapshots, the worker runtime, the request client, events, time and quotas.
 */
export { type Applied, RuntimeClient, type RuntimeClientOptions } from "./client/runtime-client";
export {
  type CreatedCluster,
  createClusterRecord,
  markClusterDeleted,
  newClusterId,
} from "./clusters/create-cluster";
export {
  createQueueDashboard,
  type QueueDashboardOptions,
  type QueueOverview,
} from "./dashboard/queue-dashboard";
export { RuntimeError, toKubernetesStatus } from "./errors";
export { publishOutputs, STREAM_MAXLEN } from "./events/event-publisher";
export {
  type Attention,
  clockTarget,
  DEFAULT_WAKE_POLICY,
  MAX_SPEED,
  nextWakeWall,
  type VirtualClock,
  type WakePolicy,
} from "./host/clock";
export {
  clusterEventsKey,
  clusterViewersKey,
  partitionLeaseKey,
  partitionQueueName,
  partitionTokenKey,
  replyChannel,
  workersKey,
} from "./keys";
export { desiredOwner, desiredPartitions } from "./lease/assignment";
export { type HeldLease, PartitionLeases } from "./lease/partition-leases";
export { CommandLog, type StoredCommand } from "./log/command-log";
export { partitionOf } from "./partitions";
export { JOB, type Reply, type RuntimeErrorCode, type RuntimeInput, ZRuntimeInput } from "./protocol";
export { DEFAULT_QUOTAS, type QuotaLimits, quotaFor, takeRequest } from "./quotas/quotas";
export { ClusterRuntime, type RuntimeOptions, replay } from "./worker/cluster-runtime";
