/**
 * Set-up shared by the runtime benchmarks (bench/runtime-*.ts): a database of their own with the
 * migrations applied (dropped afterwards), and the shared Redis under a prefix of their own.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { RuntimeTestbed } from "./testbed";

/** A testbed on a fresh, migrated database; call `dispose()` at the end. */
export async function benchTestbed(
  name: string,
  env: Record<string, string | undefined>,
  partitions: number,
): Promise<{ bed: RuntimeTestbed; dispose: () => Promise<void> }> {
  const server = env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const dbName = `kubelab_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const migrations = path.join(process.cwd(), "prisma/migrations");
  for (const m of readdirSync(migrations).sort()) {
    const file = path.join(migrations, m, "migration.sql");
    if (existsSync(file)) await client.query(readFileSync(file, "utf8"));
  }
  await client.end();
  const bed = new RuntimeTestbed(
    name,
    { ...env, REDIS_PREFIX: env.REDIS_PREFIX ?? "kubelab-bench" },
    partitions,
    {
      databaseUrl,
      redisUrl: env.REDIS_URL ?? "redis://127.0.0.1:6379",
    },
  );
  return {
    bed,
    dispose: async () => {
      await bed.cleanup();
      const a = new pg.Client({ connectionString: server });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await a.end();
    },
  };
}
