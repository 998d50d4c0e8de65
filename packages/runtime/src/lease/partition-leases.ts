/**
 * Partition leases: a Redis key per partition held by one worker with a TTL, and a fencing token
 * per holder. The token comes from an INCR counter in Redis and is written to the partition's
 * row in PostgreSQL when the lease is taken; every append to the command log checks it in the
 * same statement. A worker that lost its lease (paused, partitioned, slow) therefore cannot
 * write, even if it still believes it holds the lease — Redis leases alone cannot promise that.
 */
import type { Redis } from "ioredis";
import type pg from "pg";
import { partitionLeaseKey, partitionTokenKey } from "../keys";

/** A lease this worker holds. */
export interface HeldLease {
  partition: number;
  token: number;
}

// Take the lease if free: SET NX PX, then draw a token. One script, so no one sees a lease without a token.
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local token = redis.call('INCR', KEYS[2])
  redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
  return token
end
return 0`;

// Extend the lease only if it is still ours (same worker and token).
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

// Delete the lease only if it is still ours.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

// Raise the token counter to at least ARGV[1] (after Redis lost it: a restart without persistence).
const RAISE = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 1`;

/** Lease operations of one worker. */
export class PartitionLeases {
  constructor(
    private readonly redis: Redis,
    private readonly pool: pg.Pool,
    private readonly prefix: string,
    private readonly workerId: string,
    private readonly leaseMs: number,
  ) {}

  /**
   * Try to take `partition`. On success the token is also recorded in PostgreSQL, which fences
   * every earlier holder from that moment on. Returns null when someone else holds it.
   */
  async tryAcquire(partition: number): Promise<HeldLease | null> {
    const leaseKey = partitionLeaseKey(this.prefix, partition);
    const tokenKey = partitionTokenKey(this.prefix, partition);
    const token = Number(await this.redis.eval(ACQUIRE, 2, leaseKey, tokenKey, this.workerId, this.leaseMs));
    if (!token) return null;
    const held = { partition, token };
    let fenced: { rows: { fencingToken: string }[] };
    try {
      fenced = await this.pool.query(
        `INSERT INTO "ClusterPartition" ("partition", "fencingToken", "holder", "updatedAt")
         VALUES ($1, $2, $3, now())
         ON CONFLICT ("partition") DO UPDATE
           SET "fencingToken" = EXCLUDED."fencingToken", "holder" = EXCLUDED."holder", "updatedAt" = now()
           WHERE "ClusterPartition"."fencingToken" < EXCLUDED."fencingToken"
         RETURNING "fencingToken"`,
        [partition, token, this.workerId],
      );
    } catch (error) {
      await this.release(held).catch(() => {});
      throw error;
    }
    if (fenced.rows.length === 0) {
      // PostgreSQL has seen a higher token: Redis lost its counter. Raise it and let the next
      // round take the lease with a token that fences correctly.
      const row = await this.pool.query(
        `SELECT "fencingToken" FROM "ClusterPartition" WHERE "partition" = $1`,
        [partition],
      );
      await this.redis.eval(RAISE, 1, tokenKey, String(row.rows[0]?.fencingToken ?? token));
      await this.release(held);
      return null;
    }
    return held;
  }

  /** Extend a held lease; false when it was lost (expired, or taken by another worker). */
  async renew(lease: HeldLease): Promise<boolean> {
    const key = partitionLeaseKey(this.prefix, lease.partition);
    return (
      Number(await this.redis.eval(RENEW, 1, key, `${this.workerId}|${lease.token}`, this.leaseMs)) === 1
    );
  }

  /** Give a lease back (a no-op if it is no longer ours). */
  async release(lease: HeldLease): Promise<void> {
    const key = partitionLeaseKey(this.prefix, lease.partition);
    await this.redis.eval(RELEASE, 1, key, `${this.workerId}|${lease.token}`);
  }

  /** Who holds each partition now (`workerId` or null), for rebalancing and operators. */
  async holders(count: number): Promise<(string | null)[]> {
    const keys = Array.from({ length: count }, (_, p) => partitionLeaseKey(this.prefix, p));
    const values = keys.length ? await this.redis.mget(...keys) : [];
    return values.map((v) => (v ? (v.split("|")[0] ?? null) : null));
  }
}
