#!/usr/bin/env node
// Seeds reference data into DATABASE_URL: the built-in labs. Idempotent
// (upsert by slug), run by `npm start` after migrations.
import pg from "pg";
import { builtInLabs } from "./seed/labs.mjs";

/** Upserts the built-in labs; returns how many were written. */
export async function seed(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("begin");
    for (const lab of builtInLabs) {
      await client.query(
        `insert into "Lab" (id, slug, title, instructions, "clusterSpec", setup, checks, "isPublic", "updatedAt")
         values ($1, $2, $3, $4, $5, $6, $7, true, now())
         on conflict (slug) do update set title = excluded.title, instructions = excluded.instructions,
           "clusterSpec" = excluded."clusterSpec", setup = excluded.setup, checks = excluded.checks,
           "isPublic" = true, "updatedAt" = now()`,
        [
          `lab_${lab.slug}`,
          lab.slug,
          JSON.stringify(lab.title),
          JSON.stringify(lab.instructions),
          JSON.stringify(lab.clusterSpec),
          JSON.stringify(lab.setup),
          JSON.stringify(lab.checks),
        ],
      );
    }
    await client.query("commit");
    return builtInLabs.length;
  } catch (error) {
    await client.query("rollback");
    throw error;
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error("DATABASE_URL is not set");
    process.exit(2);
  }
  console.log(`seeded ${await seed(url)} built-in lab(s)`);
}
