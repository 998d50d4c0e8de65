/**
 * PostgreSQL and Redis servers private to one test, started from the locally installed binaries
 * (as `npm start` does when nothing else is available), so a test can stop and restart them
 * without touching the shared ones.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not start within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once("exit", () => r()));
}

/** A server that can be stopped and started again on the same port and data. */
export interface PrivateServer {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stop for good and remove the data folder. */
  destroy(): Promise<void>;
}

function postgresBin(): string {
  const found = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).stdout.trim();
  if (found) return path.dirname(found);
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions)
    if (existsSync(path.join(base, v, "bin", "initdb"))) return path.join(base, v, "bin");
  throw new Error("PostgreSQL binaries (initdb, postgres) are not installed");
}

/** A fresh PostgreSQL with Kubelab's migrations applied. */
export async function startPrivatePostgres(): Promise<PrivateServer> {
  const bin = postgresBin();
  const dir = mkdtempSync(path.join(tmpdir(), "kubelab-pg-"));
  chmodSync(dir, 0o755);
  // PostgreSQL refuses to run as root: run it as the `postgres` user then.
  let uid: number | undefined;
  let gid: number | undefined;
  if (process.getuid?.() === 0) {
    uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
    gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
    chownSync(dir, uid, gid);
  }
  const init = spawnSync(
    path.join(bin, "initdb"),
    ["-D", dir, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
    {
      encoding: "utf8",
      uid,
      gid,
    },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  const answers = async () => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 500 });
    c.on("error", () => {});
    try {
      await c.connect();
      await c.query("select 1");
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => {});
    }
  };
  const server: PrivateServer = {
    url,
    async start() {
      child = spawn(
        path.join(bin, "postgres"),
        ["-D", dir, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1"],
        {
          stdio: "ignore",
          uid,
          gid,
        },
      );
      await waitUntil(answers, "PostgreSQL");
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      // Fast shutdown: clients are disconnected, committed data is kept.
      child.kill("SIGINT");
      await exited(child);
    },
    async destroy() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const migrations = path.join(root, "prisma/migrations");
  for (const name of readdirSync(migrations).sort()) {
    const file = path.join(migrations, name, "migration.sql");
    if (existsSync(file)) await client.query(readFileSync(file, "utf8"));
  }
  await client.end();
  return server;
}

/** A Redis without persistence: a restart loses everything (leases, counters, queues). */
export async function startPrivateRedis(): Promise<PrivateServer> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const server: PrivateServer = {
    url,
    async start() {
      child = spawn(
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        {
          stdio: ["ignore", "pipe", "ignore"],
        },
      );
      await new Promise<void>((resolve, reject) => {
        child!.once("error", reject);
        child!.stdout!.on("data", (d: Buffer) => {
          if (d.toString().includes("Ready to accept connections")) resolve();
        });
      });
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      child.kill("SIGTERM");
      await exited(child);
    },
    destroy: () => server.stop(),
  };
  await server.start();
  return server;
}
