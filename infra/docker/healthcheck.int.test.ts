import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../test-support/repo-root";

// The probe Docker runs inside every app container, run here against a real
// HTTP server that answers like the apps do.

const script = path.join(repoRoot, "infra/docker/healthcheck.mjs");

function probe(port: number, endpoint: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, endpoint], {
      env: { ...process.env, PORT: String(port) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stderr }));
  });
}

describe("infra/docker/healthcheck.mjs", () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === "/healthz") response.writeHead(200).end("ok");
      else if (request.url === "/readyz") response.writeHead(503).end("redis: connection refused");
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("exits 0 when the endpoint answers 200", async () => {
    expect(await probe(port, "/healthz")).toEqual({ code: 0, stderr: "" });
  });

  it("exits 1 on 503 and says what the app answered", async () => {
    const result = await probe(port, "/readyz");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("answered 503: redis: connection refused");
  });

  it("exits 1 when nothing listens", async () => {
    const idle = createServer();
    await new Promise<void>((resolve) => idle.listen(0, "127.0.0.1", resolve));
    const closedPort = (idle.address() as AddressInfo).port;
    await new Promise<void>((resolve) => idle.close(() => resolve()));
    const result = await probe(closedPort, "/healthz");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("did not answer");
  });
});
