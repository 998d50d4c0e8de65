/**
 * Helpers for the runtime's integration tests (real PostgreSQL and Redis, never mocks): a Redis
 * prefix per test file with cleanup, workers and clients on it, users and clusters.
 */
import { randomUUID } from "node:crypto";
import { createDatabase, type Database } from "@kubelab/db";
import { createLogger, createPgPool, createRedis } from "@kubelab/ops";
import type { Redis } from "ioredis";
import type pg from "pg";
import { RuntimeClient } from "../client/runtime-client";
import { createClusterRecord } from "../clusters/create-cluster";
import { DEFAULT_QUOTAS } from "../quotas/quotas";
import { ClusterRuntime, type RuntimeOptions } from "../worker/cluster-runtime";

/** Everything a runtime test needs, on a private Redis prefix. */
export class RuntimeTestbed {
  readonly prefix: string;
  readonly db: Database;
  readonly pool: pg.Pool;
  private readonly connections: Redis[] = [];
  private readonly runtimes: ClusterRuntime[] = [];
  private readonly clients: RuntimeClient[] = [];

  readonly databaseUrl: string;
  readonly redisUrl: string;
  private readonly logLevel: string;

  /** `env` is the test's environment (`npm test` sets DATABASE_URL, REDIS_URL and REDIS_PREFIX). */
  constructor(
    name: string,
    env: Record<string, string | undefined>,
    readonly partitions = 4,
    overrides: { databaseUrl?: string; redisUrl?: string } = {},
  ) {
    this.databaseUrl = overrides.databaseUrl ?? env.DATABASE_URL ?? "";
    this.redisUrl = overrides.redisUrl ?? env.REDIS_URL ?? "";
    this.logLevel = env.RUNTIME_TEST_LOG ?? "silent";
    const databaseUrl = this.databaseUrl;
    this.prefix = `${env.REDIS_PREFIX ?? "kubelab-test"}-${name}-${randomUUID().slice(0, 6)}`;
    this.db = createDatabase(databaseUrl, { max: 4 });
    this.pool = createPgPool(databaseUrl, 8);
  }

  /** A Redis connection that is closed at cleanup. */
  redis(name = "test"): Redis {
    const r = createRedis(this.redisUrl, { name });
    r.on("error", () => {});
    this.connections.push(r);
    return r;
  }

  /** A started worker runtime. */
  async worker(options: Partial<RuntimeOptions> = {}): Promise<ClusterRuntime> {
    const runtime = new ClusterRuntime({
      redis: this.redis("worker"),
      pool: this.pool,
      prefix: this.prefix,
      partitions: this.partitions,
      logger: createLogger("test", this.logLevel),
      leaseMs: 2_000,
      ...options,
    });
    await runtime.start();
    this.runtimes.push(runtime);
    return runtime;
  }

  /** A started request client. */
  async client(timeoutMs = 10_000): Promise<RuntimeClient> {
    const client = new RuntimeClient({
      redis: this.redis("client"),
      subscriber: this.redis("client-sub"),
      prefix: this.prefix,
      partitions: this.partitions,
      timeoutMs,
    });
    await client.start();
    this.clients.push(client);
    return client;
  }

  /** A sandbox user. */
  async user(name = "learner"): Promise<string> {
    return (await this.db.user.create({ data: { name, isGuest: true } })).id;
  }

  /** A cluster created and booted through `client`. */
  async cluster(client: RuntimeClient, ownerId: string, spec: unknown = {}, seed = 42): Promise<string> {
    const created = await createClusterRecord(this.db, this.pool, {
      ownerId,
      name: `c-${randomUUID().slice(0, 8)}`,
      spec,
      seed,
      partitions: this.partitions,
      quota: { ...DEFAULT_QUOTAS, maxClusters: 10_000 },
    });
    await client.boot(created.id);
    return created.id;
  }

  /** Stop workers and clients, delete this prefix's keys, close connections. */
  async cleanup(): Promise<void> {
    await Promise.all(this.runtimes.map((r) => r.stop().catch(() => {})));
    await Promise.all(this.clients.map((c) => c.close().catch(() => {})));
    const r = this.connections[0] ?? this.redis("cleanup");
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `${this.prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await r.unlink(...keys);
    } while (cursor !== "0");
    for (const c of this.connections) c.disconnect();
    await this.pool.end();
    await this.db.$disconnect();
  }
}

/** Poll until `check` holds (or throw after `timeoutMs`). */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A ConfigMap creation input. */
export function createConfigMap(name: string, namespace = "default") {
  return {
    type: "api" as const,
    method: "POST" as const,
    path: `/api/v1/namespaces/${namespace}/configmaps`,
    body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { name } },
  };
}
