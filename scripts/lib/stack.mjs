// Builds and runs the three apps (web, gateway, worker) against given
// services: shared by `npm start` and the end-to-end layer of `npm test`.
import path from "node:path";
import { log } from "./log.mjs";
import { root } from "./paths.mjs";
import { freePort } from "./services.mjs";
import { Supervisor } from "./supervisor.mjs";

async function portOr(preferred) {
  const { default: net } = await import("node:net");
  const free = await new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(preferred, "0.0.0.0", () => server.close(() => resolve(true)));
  });
  return free ? preferred : freePort();
}

/**
 * Starts the stack. `ports` may ask for fixed ports (taken ones fall back to
 * free ports). Resolves once every app answers /readyz, with its URLs.
 */
export async function startStack({
  databaseUrl,
  redisUrl,
  redisPrefix,
  secrets,
  ports = {},
  logLevel = "info",
}) {
  const web = ports.web ? await portOr(ports.web) : await freePort();
  const gateway = ports.gateway ? await portOr(ports.gateway) : await freePort();
  const worker = ports.worker ? await portOr(ports.worker) : await freePort();
  const siteUrl = `http://localhost:${web}`;
  const common = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: logLevel,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix,
  };
  const supervisor = new Supervisor();
  supervisor.start("gateway", process.execPath, ["--enable-source-maps", "dist/main.js"], {
    cwd: path.join(root, "apps/gateway"),
    env: { ...common, PORT: String(gateway), TICKET_SECRET: secrets.TICKET_SECRET },
  });
  supervisor.start("worker", process.execPath, ["--enable-source-maps", "dist/main.js"], {
    cwd: path.join(root, "apps/worker"),
    env: { ...common, PORT: String(worker) },
  });
  supervisor.start("web", process.execPath, ["--enable-source-maps", "dist/server.js"], {
    cwd: path.join(root, "apps/web"),
    env: {
      ...common,
      PORT: String(web),
      NEXTAUTH_URL: siteUrl,
      NEXTAUTH_SECRET: secrets.NEXTAUTH_SECRET,
      TICKET_SECRET: secrets.TICKET_SECRET,
      GATEWAY_PUBLIC_URL: `ws://localhost:${gateway}/ws`,
    },
  });
  const urls = {
    web: siteUrl,
    gateway: `http://localhost:${gateway}`,
    worker: `http://localhost:${worker}`,
  };
  try {
    await Promise.all(Object.entries(urls).map(([name, url]) => waitReady(name, url)));
  } catch (error) {
    await supervisor.stop();
    throw error;
  }
  return { urls, stop: () => supervisor.stop() };
}

async function waitReady(name, url, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
      last = (await res.text()).trim().split("\n").at(-1);
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${name} was not ready within ${timeoutMs / 1000} s (${last})`);
}

/** Builds every app (turbo caches what did not change). */
export async function buildStack(run) {
  log.step("building web, worker and gateway…");
  const code = await run("npx", ["turbo", "run", "build", "--output-logs=errors-only"], {
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", TURBO_TELEMETRY_DISABLED: "1" },
  });
  if (code !== 0) throw new Error("build failed");
}
