#!/usr/bin/env node
// Applies pending migrations to DATABASE_URL (creating the database if needed),
// then upserts the reference data (built-in labs).
// Used by `npm start`, `npm test`, the compose `migrate` service and the
// init containers of the Kubernetes Deployments.
import { seed } from "../prisma/seed.mjs";
import { applyMigrations, ensureDatabase } from "./lib/migrate.mjs";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set");
  process.exit(2);
}
try {
  await ensureDatabase(url);
  const applied = await applyMigrations(url, { log: (line) => console.log(line) });
  console.log(applied.length ? `${applied.length} migration(s) applied` : "database is up to date");
  console.log(`seeded ${await seed(url)} built-in lab(s)`);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
