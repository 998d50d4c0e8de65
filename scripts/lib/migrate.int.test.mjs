// The committed migrations and prisma/schema.prisma must describe the same
// database, and the runner must apply them once, in order, refusing edits.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, dropDatabase, ensureDatabase, listMigrations, migrationsDir } from "./migrate.mjs";
import { runPrisma, schemaPath } from "./prisma.mjs";

const base = process.env.DATABASE_URL;
const created = [];

function scratchUrl(suffix) {
  const url = new URL(base);
  url.pathname = `/${url.pathname.slice(1)}_${suffix}`;
  created.push(url.toString());
  return url.toString();
}

/** Tables, columns, constraints, indexes and enums of the public schema, as comparable text. */
async function describeSchema(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql) => (await client.query(sql)).rows.map((r) => Object.values(r).join("|")).sort();
    return {
      columns:
        await q(`select table_name, column_name, data_type, udt_name, is_nullable, coalesce(column_default,'')
                        from information_schema.columns where table_schema='public' and table_name <> '_kubelab_migrations'`),
      constraints:
        await q(`select conrelid::regclass::text, conname, pg_get_constraintdef(oid) from pg_constraint
                            where connamespace='public'::regnamespace and conrelid::regclass::text <> '"_kubelab_migrations"'
                            and conrelid::regclass::text <> '_kubelab_migrations'`),
      indexes: await q(`select tablename, indexname, indexdef from pg_indexes where schemaname='public'
                        and tablename <> '_kubelab_migrations'`),
      enums: await q(`select t.typname, string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_type t
                      join pg_enum e on e.enumtypid=t.oid group by t.typname`),
    };
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const url of created) await dropDatabase(url);
});

describe("migrations", () => {
  it("the last migration was generated from the current schema.prisma", () => {
    const last = listMigrations().at(-1);
    expect(last, "no migrations committed").toBeDefined();
    const diff = runPrisma([
      "migrate",
      "diff",
      "--from-schema-datamodel",
      path.join(migrationsDir, last.name, "schema.prisma"),
      "--to-schema-datamodel",
      schemaPath,
      "--exit-code",
      "--script",
    ]);
    expect(
      diff.stdout + diff.stderr,
      "schema.prisma changed: run `npm run db:migration -- <name>`",
    ).not.toMatch(/CREATE|ALTER|DROP/);
    expect(diff.status).toBe(0);
  });

  it("applying every migration gives the database the schema describes", async () => {
    const fromMigrations = scratchUrl("from_migrations");
    const fromSchema = scratchUrl("from_schema");
    await ensureDatabase(fromMigrations);
    await ensureDatabase(fromSchema);
    await applyMigrations(fromMigrations);

    const script = runPrisma([
      "migrate",
      "diff",
      "--from-empty",
      "--to-schema-datamodel",
      schemaPath,
      "--script",
    ]);
    expect(script.status).toBe(0);
    const client = new pg.Client({ connectionString: fromSchema });
    await client.connect();
    await client.query(script.stdout.replace(/^Loaded Prisma config.*$/m, ""));
    await client.end();

    const [a, b] = [await describeSchema(fromMigrations), await describeSchema(fromSchema)];
    expect(a.columns.length).toBeGreaterThan(50);
    expect(a).toEqual(b);
  });

  it("applies each migration once and refuses one edited after it was applied", async () => {
    const url = scratchUrl("runner");
    await ensureDatabase(url);
    const dir = mkdtempSync(path.join(tmpdir(), "kubelab-migrations-"));
    cpSync(migrationsDir, dir, { recursive: true });
    const first = await applyMigrations(url, { dir });
    expect(first).toEqual(listMigrations(dir).map((m) => m.name));
    expect(await applyMigrations(url, { dir })).toEqual([]);

    const last = listMigrations(dir).at(-1);
    const file = path.join(dir, last.name, "migration.sql");
    writeFileSync(file, `${readFileSync(file, "utf8")}\n-- edited`);
    await expect(applyMigrations(url, { dir })).rejects.toThrow(/was changed after it was applied/);
  });

  it("rolls back a failing migration entirely", async () => {
    const url = scratchUrl("failing");
    await ensureDatabase(url);
    const dir = mkdtempSync(path.join(tmpdir(), "kubelab-migrations-"));
    cpSync(path.join(migrationsDir, listMigrations()[0].name), path.join(dir, "0001_first"), {
      recursive: true,
    });
    cpSync(path.join(migrationsDir, listMigrations()[0].name), path.join(dir, "0002_broken"), {
      recursive: true,
    });
    writeFileSync(
      path.join(dir, "0002_broken/migration.sql"),
      'CREATE TABLE "Half" (id int);\nSELECT nonsense();',
    );
    await expect(applyMigrations(url, { dir })).rejects.toThrow(/0002_broken failed/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const half = await client.query(`select to_regclass('public."Half"') as t`);
    const names = (await client.query(`select name from "_kubelab_migrations"`)).rows.map((r) => r.name);
    await client.end();
    expect(half.rows[0].t).toBeNull();
    expect(names).toEqual(["0001_first"]);
  });
});
