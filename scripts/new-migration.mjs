#!/usr/bin/env node
// Writes a new migration from the change to prisma/schema.prisma:
//   npm run db:migration -- add_cluster_labels
// Each migration folder keeps the schema it was generated from (schema.prisma),
// so the next diff needs no database: Prisma compares that copy with the
// current schema offline. The test in packages/db proves the two never drift.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { listMigrations, migrationsDir } from "./lib/migrate.mjs";
import { runPrisma, schemaPath } from "./lib/prisma.mjs";

const name = (process.argv[2] ?? "").replace(/[^a-z0-9_]/gi, "_").toLowerCase();
if (!name) {
  console.error("usage: npm run db:migration -- <name>");
  process.exit(2);
}
const previous = listMigrations().at(-1);
const from = previous
  ? ["--from-schema-datamodel", path.join(migrationsDir, previous.name, "schema.prisma")]
  : ["--from-empty"];
const diff = runPrisma(["migrate", "diff", ...from, "--to-schema-datamodel", schemaPath, "--script"]);
if (diff.status !== 0) {
  process.stderr.write(diff.stdout + diff.stderr);
  process.exit(diff.status);
}
const sql = diff.stdout.replace(/^Loaded Prisma config.*\n/m, "");
if (!/\b(CREATE|ALTER|DROP)\b/.test(sql)) {
  console.log("schema.prisma matches the last migration: nothing to do");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(migrationsDir, `${stamp}_${name}`);
if (existsSync(dir)) throw new Error(`${dir} exists`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql);
copyFileSync(schemaPath, path.join(dir, "schema.prisma"));
console.log(`wrote prisma/migrations/${path.basename(dir)}`);
