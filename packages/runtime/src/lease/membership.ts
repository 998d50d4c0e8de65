/**
 * The set of live workers: each worker refreshes its entry in a sorted set scored by the moment
 * its membership expires; entries past that moment are dropped by whoever looks next. A worker
 * that dies stops refreshing and drops out after one lease time.
 */
import type { Redis } from "ioredis";
import { workersKey } from "../keys";

/** Refresh this worker's membership and return the live workers (sorted). */
export async function heartbeat(
  redis: Redis,
  prefix: string,
  workerId: string,
  ttlMs: number,
): Promise<string[]> {
  const key = workersKey(prefix);
  const now = Date.now();
  const result = await redis
    .multi()
    .zadd(key, String(now + ttlMs), workerId)
    .zremrangebyscore(key, "-inf", String(now))
    .zrange(key, "0", "-1")
    .exec();
  const members = result?.[2]?.[1];
  return Array.isArray(members) ? (members as string[]).sort() : [workerId];
}

/** Remove this worker's membership (graceful shutdown). */
export async function leave(redis: Redis, prefix: string, workerId: string): Promise<void> {
  await redis.zrem(workersKey(prefix), workerId);
}
