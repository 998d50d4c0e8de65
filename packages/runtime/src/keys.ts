/**
 * Every Redis key and BullMQ queue name the runtime uses, in one place, under the deployment's
 * prefix (so test runs and deployments sharing a Redis never collide).
 */

/** The Redis stream of one cluster's events (watch events, trace, status), capped; the gateway reads it. */
export function clusterEventsKey(prefix: string, clusterId: string): string {
  return `${prefix}:cluster:${clusterId}:events`;
}

/** Set while someone watches the cluster live (the gateway refreshes it; it expires on its own). */
export function clusterViewersKey(prefix: string, clusterId: string): string {
  return `${prefix}:cluster:${clusterId}:viewers`;
}

/** The lease of a partition: `<workerId>|<fencing token>`, with a TTL. */
export function partitionLeaseKey(prefix: string, partition: number): string {
  return `${prefix}:runtime:partition:${partition}:lease`;
}

/** The counter fencing tokens of a partition are drawn from (INCR). */
export function partitionTokenKey(prefix: string, partition: number): string {
  return `${prefix}:runtime:partition:${partition}:token`;
}

/** Live workers: a sorted set of worker ids scored by when their membership expires (Unix ms). */
export function workersKey(prefix: string): string {
  return `${prefix}:runtime:workers`;
}

/** The pub/sub channel a request client receives its replies on. */
export function replyChannel(prefix: string, clientId: string): string {
  return `${prefix}:runtime:reply:${clientId}`;
}

/** Requests an account made in one second (rate limit window). */
export function rateKey(prefix: string, accountId: string, second: number): string {
  return `${prefix}:quota:rps:${accountId}:${second}`;
}

/** The BullMQ queue of a partition. */
export function partitionQueueName(partition: number): string {
  return `partition-${partition}`;
}
