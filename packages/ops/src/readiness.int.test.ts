import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgPool, createRedis } from "./connections";
import { withOps } from "./http";
import { createLogger } from "./logger";
import { createMetrics } from "./metrics";
import { postgresCheck, redisCheck } from "./readiness";

// /readyz must follow Redis going away and coming back without a restart of
// the app. A private redis-server (not the shared one) is stopped and started.

let redisProcess: ChildProcess | undefined;
let redisPort = 0;
let server: Server;
let baseUrl = "";

function startRedis(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn("redis-server", [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
    ]);
    child.on("error", reject);
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) resolve(child);
    });
  });
}

async function stopRedis(): Promise<void> {
  const child = redisProcess;
  if (!child || child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once("exit", resolve);
    child.kill("SIGTERM");
  });
}

async function readyz() {
  const res = await fetch(`${baseUrl}/readyz`);
  return { status: res.status, body: await res.text() };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

const pool = createPgPool(process.env.DATABASE_URL ?? "");
let redis: ReturnType<typeof createRedis>;

beforeAll(async () => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
  redisPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  redisProcess = await startRedis(redisPort);
  redis = createRedis(`redis://127.0.0.1:${redisPort}`, { offlineQueue: false });
  redis.on("error", () => {});
  const logger = createLogger("test", "silent");
  server = createServer(
    withOps(
      { logger, metrics: createMetrics("test"), checks: [postgresCheck(pool), redisCheck(redis)] },
      (_q, res) => {
        res.end("app");
      },
    ),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  redis?.disconnect();
  await stopRedis();
  await pool.end();
  await new Promise((r) => server?.close(r));
});

describe("/readyz", () => {
  it("answers 200 when PostgreSQL and Redis answer", async () => {
    expect(await eventually(async () => (await readyz()).status === 200)).toBe(true);
    expect((await readyz()).body).toBe("[+]postgres ok\n[+]redis ok\nreadyz check passed\n");
  });

  it("turns 503 naming Redis when it stops, and recovers when it returns", async () => {
    await stopRedis();
    expect(await eventually(async () => (await readyz()).status === 503)).toBe(true);
    const down = await readyz();
    expect(down.body).toContain("[+]postgres ok");
    expect(down.body).toMatch(/\[-\]redis failed: /);
    expect(down.body).toContain("readyz check failed: redis unreachable");

    redisProcess = await startRedis(redisPort);
    expect(await eventually(async () => (await readyz()).status === 200)).toBe(true);
  });

  it("keeps /healthz at 200 whatever the dependencies do, and tags responses with a request id", async () => {
    const res = await fetch(`${baseUrl}/healthz`, { headers: { "x-request-id": "abc-123" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("abc-123");
    const generated = await fetch(`${baseUrl}/anything`);
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("exposes request latency on /metrics", async () => {
    await fetch(`${baseUrl}/some/path`);
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(text).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/some"[^}]*\} [1-9]/);
  });
});
