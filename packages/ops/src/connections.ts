import { Redis } from "ioredis";
import pg from "pg";

/**
 * A Redis connection that reconnects forever (with a capped delay), so a
 * Redis restart heals without restarting the app. `maxRetriesPerRequest: null`
 * is what BullMQ requires of its connections.
 */
export function createRedis(url: string, options: { offlineQueue?: boolean; name?: string } = {}): Redis {
  return new Redis(url, {
    connectionName: options.name,
    maxRetriesPerRequest: null,
    enableOfflineQueue: options.offlineQueue ?? true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  });
}

/** A small PostgreSQL pool for health probes and raw queries; fails fast when the server is gone. */
export function createPgPool(url: string, max = 4): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 10_000,
  });
  // An idle client that loses its server emits 'error' on the pool; without a
  // listener that would crash the process. The next query reconnects.
  pool.on("error", () => {});
  return pool;
}
