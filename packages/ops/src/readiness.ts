import type { Redis } from "ioredis";
import type { Pool } from "pg";

/** One dependency a process needs to serve: its name and a probe that throws when it is down. */
export interface ReadinessCheck {
  name: string;
  probe: () => Promise<void>;
}

/** The answer of `/readyz`: HTTP status and a text naming each dependency's state. */
export interface ReadinessReport {
  ok: boolean;
  status: 200 | 503;
  body: string;
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs every check in parallel (each bounded by a timeout) and reports in the
 * style of kube-apiserver's `/readyz?verbose`: `[+]postgres ok`, `[-]redis failed: …`.
 */
export async function checkReadiness(checks: ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (check) => {
      try {
        await withTimeout(check.probe(), CHECK_TIMEOUT_MS);
        return { name: check.name, error: undefined as string | undefined };
      } catch (error) {
        return { name: check.name, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  const ok = results.every((r) => r.error === undefined);
  const lines = results.map((r) =>
    r.error === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.error}`,
  );
  const failed = results.filter((r) => r.error !== undefined).map((r) => r.name);
  lines.push(ok ? "readyz check passed" : `readyz check failed: ${failed.join(", ")} unreachable`);
  return { ok, status: ok ? 200 : 503, body: `${lines.join("\n")}\n` };
}

/** Readiness of PostgreSQL through a pool: `select 1`. */
export function postgresCheck(pool: Pool): ReadinessCheck {
  return {
    name: "postgres",
    probe: async () => {
      await pool.query("select 1");
    },
  };
}

/**
 * Readiness of Redis: PING on a connection whose offline queue is off, so a
 * request fails at once while Redis is down instead of waiting to be sent.
 */
export function redisCheck(redis: Redis): ReadinessCheck {
  return {
    name: "redis",
    probe: async () => {
      if (redis.status !== "ready") throw new Error(`connection ${redis.status}`);
      await redis.ping();
    },
  };
}
