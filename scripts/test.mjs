#!/usr/bin/env node
// `npm test`: the same set-up as `npm start` (dependencies, PostgreSQL, Redis,
// migrations), then every layer: type-check, lint, unit, integration (on a
// database and Redis prefix of this run only, dropped afterwards) and
// end-to-end in Chromium. `npm test -- --only unit,lint` runs some layers.
import { randomBytes } from "node:crypto";
import { ensureDependencies } from "./lib/deps.mjs";
import { log } from "./lib/log.mjs";

const LAYERS = ["typecheck", "lint", "unit", "integration", "e2e"];
const only = argValue("--only")?.split(",") ?? LAYERS;
const unknown = only.filter((l) => !LAYERS.includes(l));
if (unknown.length) {
  log.error(`unknown layer(s): ${unknown.join(", ")}; layers are ${LAYERS.join(", ")}`);
  process.exit(2);
}

const results = [];
let cleanup = async () => {};
let exitCode = 0;
try {
  await ensureDependencies();
  const { resolveServices, withDatabase } = await import("./lib/services.mjs");
  const { applyMigrations, ensureDatabase, dropDatabase } = await import("./lib/migrate.mjs");
  const { runPrisma } = await import("./lib/prisma.mjs");
  const { run } = await import("./lib/run.mjs");

  const services = await resolveServices();
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const databaseUrl = withDatabase(services.databaseUrl, `kubelab_test_${runId}`);
  const redisPrefix = `kubelab-test-${runId}`;
  const testEnv = {
    ...process.env,
    NODE_ENV: "test",
    DATABASE_URL: databaseUrl,
    REDIS_URL: services.redisUrl,
    REDIS_PREFIX: redisPrefix,
    NEXT_TELEMETRY_DISABLED: "1",
    TURBO_TELEMETRY_DISABLED: "1",
  };
  cleanup = async () => {
    await dropDatabase(databaseUrl).catch((e) => log.warn(`could not drop the test database: ${e.message}`));
    await deleteRedisKeys(services.redisUrl, redisPrefix).catch((e) =>
      log.warn(`Redis cleanup: ${e.message}`),
    );
    services.stop();
  };

  log.step(`test database ${new URL(databaseUrl).pathname.slice(1)}, Redis prefix ${redisPrefix}`);
  const generated = runPrisma(["generate"], { env: { DATABASE_URL: databaseUrl } });
  if (generated.status !== 0)
    throw new Error(`prisma generate failed:\n${generated.stdout}${generated.stderr}`);
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl);

  const layer = async (name, fn) => {
    if (!only.includes(name)) return;
    log.step(`── ${name} ──`);
    const started = Date.now();
    let ok = false;
    try {
      ok = await fn();
    } catch (error) {
      log.error(`${name}: ${error instanceof Error ? error.message : error}`);
    }
    results.push({ name, ok, seconds: (Date.now() - started) / 1000 });
  };
  const npx = (args, env = testEnv) => run("npx", args, { env }).then((code) => code === 0);

  await layer("typecheck", () => npx(["turbo", "run", "typecheck", "--output-logs=errors-only"]));
  await layer("lint", () => npx(["biome", "ci", "."]));
  await layer("unit", () => npx(["vitest", "run", "--project", "unit"]));
  await layer("integration", () => npx(["vitest", "run", "--project", "integration"]));
  await layer("e2e", async () => {
    const { ensureChromium } = await import("./lib/chromium.mjs");
    const { buildStack, startStack } = await import("./lib/stack.mjs");
    const chromium = await ensureChromium();
    await buildStack((cmd, args, opts) => run(cmd, args, { ...opts, env: testEnv }));
    const secrets = {
      NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
      TICKET_SECRET: randomBytes(32).toString("hex"),
    };
    const stack = await startStack({
      databaseUrl,
      redisUrl: services.redisUrl,
      redisPrefix,
      secrets,
      logLevel: "warn",
    });
    try {
      return await npx(["playwright", "test"], {
        ...testEnv,
        CHROMIUM_PATH: chromium,
        E2E_BASE_URL: stack.urls.web,
        E2E_GATEWAY_URL: stack.urls.gateway,
        E2E_WORKER_URL: stack.urls.worker,
      });
    } finally {
      await stack.stop();
    }
  });
} catch (error) {
  log.error(error instanceof Error ? error.message : String(error));
  exitCode = 1;
} finally {
  await cleanup();
}

for (const r of results) {
  (r.ok ? log.ok : log.error)(`${r.ok ? "✓" : "✗"} ${r.name.padEnd(12)} ${r.seconds.toFixed(1)} s`);
}
const failed = results.filter((r) => !r.ok).length;
if (failed > 0 || exitCode !== 0) process.exit(1);
log.ok("all layers passed");
process.exit(0);

function argValue(flag) {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function deleteRedisKeys(url, prefix) {
  const { Redis } = await import("ioredis");
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
