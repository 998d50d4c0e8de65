#!/usr/bin/env node
// `npm start`: installs what is missing, finds (or starts) PostgreSQL and
// Redis, applies migrations, builds, runs web + worker + gateway, prints the
// URL. Ctrl-C stops everything cleanly.
import { existsSync } from "node:fs";
import { ensureDependencies } from "./lib/deps.mjs";
import { log } from "./lib/log.mjs";
import { root } from "./lib/paths.mjs";

// Settings in a .env file (see .env.example) apply as if exported.
if (existsSync(`${root}/.env`)) process.loadEnvFile(`${root}/.env`);

try {
  await ensureDependencies();
  const { resolveServices, withDatabase } = await import("./lib/services.mjs");
  const { applyMigrations, ensureDatabase } = await import("./lib/migrate.mjs");
  const { runPrisma } = await import("./lib/prisma.mjs");
  const { localSecrets } = await import("./lib/secrets.mjs");
  const { buildStack, startStack } = await import("./lib/stack.mjs");
  const { run } = await import("./lib/run.mjs");

  const services = await resolveServices();
  const databaseUrl = process.env.DATABASE_URL ?? withDatabase(services.databaseUrl, "kubelab");
  log.step(`PostgreSQL: ${new URL(databaseUrl).host}  Redis: ${new URL(services.redisUrl).host}`);

  const generated = runPrisma(["generate"], { env: { DATABASE_URL: databaseUrl } });
  if (generated.status !== 0)
    throw new Error(`prisma generate failed:\n${generated.stdout}${generated.stderr}`);
  await ensureDatabase(databaseUrl);
  const applied = await applyMigrations(databaseUrl, { log: log.step });
  log.ok(applied.length ? `${applied.length} migration(s) applied` : "database is up to date");
  const { seed } = await import("../prisma/seed.mjs");
  log.ok(`seeded ${await seed(databaseUrl)} built-in lab(s)`);

  await buildStack(run);
  const stack = await startStack({
    databaseUrl,
    redisUrl: services.redisUrl,
    redisPrefix: process.env.REDIS_PREFIX ?? "kubelab",
    secrets: { ...localSecrets(), ...pick(process.env, ["NEXTAUTH_SECRET", "TICKET_SECRET"]) },
    ports: { web: Number(process.env.PORT ?? 3000), gateway: 3001, worker: 3002 },
  });
  log.ok(
    `Kubelab is running at ${stack.urls.web}  (gateway ${stack.urls.gateway}, worker ${stack.urls.worker})`,
  );
  log.ok("Press Ctrl-C to stop.");

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log.step("stopping…");
    await stack.stop();
    services.stop();
    log.ok("stopped");
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  log.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

function pick(source, keys) {
  return Object.fromEntries(keys.filter((k) => source[k]).map((k) => [k, source[k]]));
}
