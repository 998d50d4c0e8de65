/**
 * Per-account quotas: clusters, nodes per cluster, pods per cluster and API requests per second.
 * Defaults are the service's (a sandbox must not starve its neighbours); an `AccountQuota` row
 * overrides them per account. The rate limit is a counter per account and second in Redis, shared
 * by every web and gateway process.
 */
import type { Redis } from "ioredis";
import type pg from "pg";
import { rateKey } from "../keys";

/** What an account may use. */
export interface QuotaLimits {
  maxClusters: number;
  maxNodesPerCluster: number;
  maxPodsPerCluster: number;
  requestsPerSecond: number;
}

/**
 * Service defaults. 110 pods is kubelet's default `maxPods` for one node (kubelet config
 * `maxPods: 110`); a sandbox cluster gets that many in all. The rest are the service's choices.
 */
export const DEFAULT_QUOTAS: QuotaLimits = {
  maxClusters: 5,
  maxNodesPerCluster: 10,
  maxPodsPerCluster: 110,
  requestsPerSecond: 50,
};

/** The limits of an account: its `AccountQuota` overrides on top of `defaults`. */
export async function quotaFor(
  pool: pg.Pool,
  userId: string,
  defaults = DEFAULT_QUOTAS,
): Promise<QuotaLimits> {
  const { rows } = await pool.query(
    `SELECT "maxClusters", "maxNodesPerCluster", "maxPodsPerCluster", "requestsPerSecond" FROM "AccountQuota" WHERE "userId" = $1`,
    [userId],
  );
  const r = rows[0] ?? {};
  return {
    maxClusters: r.maxClusters ?? defaults.maxClusters,
    maxNodesPerCluster: r.maxNodesPerCluster ?? defaults.maxNodesPerCluster,
    maxPodsPerCluster: r.maxPodsPerCluster ?? defaults.maxPodsPerCluster,
    requestsPerSecond: r.requestsPerSecond ?? defaults.requestsPerSecond,
  };
}

const TAKE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], 2000) end
return n`;

/**
 * Count one request against the account's per-second budget. Fixed one-second windows: simple,
 * one round trip, and at worst twice the rate across a window edge.
 */
export async function takeRequest(
  redis: Redis,
  prefix: string,
  accountId: string,
  perSecond: number,
  now = Date.now(),
): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
  const second = Math.floor(now / 1000);
  const n = Number(await redis.eval(TAKE, 1, rateKey(prefix, accountId, second)));
  return n <= perSecond ? { ok: true } : { ok: false, retryAfterSeconds: 1 };
}
