// Finds PostgreSQL and Redis for `npm start` and `npm test`, in this order:
//   1. DATABASE_URL / REDIS_URL when set;
//   2. the local defaults (127.0.0.1:5432, 127.0.0.1:6379) when they answer;
//   3. `docker compose up -d postgres redis` when a Docker engine runs;
//   4. the locally installed postgres / redis-server, started under .data/ on free ports;
//   5. otherwise a clear message naming what to install.
import { spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { log } from "./log.mjs";
import { dataDir, root } from "./paths.mjs";

const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** Resolves with true when PostgreSQL at `url` accepts a query. */
export async function postgresAnswers(url, timeoutMs = 1_500) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Resolves with true when Redis at `url` answers PING. */
export function redisAnswers(url, timeoutMs = 1_500) {
  const { hostname, port, password } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || "127.0.0.1", port: Number(port || 6379) });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on("error", () => done(false));
    socket.on("connect", () =>
      socket.write(password ? `AUTH ${decodeURIComponent(password)}\r\nPING\r\n` : "PING\r\n"),
    );
    socket.on("data", (data) => done(data.toString().includes("+PONG")));
  });
}

/** A TCP port nobody listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(check, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs / 1000} s`);
}

function dockerEngineRuns() {
  const info = spawnSync("docker", ["info"], { stdio: "ignore", timeout: 10_000 });
  if (info.status !== 0) return false;
  return spawnSync("docker", ["compose", "version"], { stdio: "ignore" }).status === 0;
}

/** Looks for a PostgreSQL server binary folder (PATH, then Debian's layout). */
export function findPostgresBin() {
  const onPath = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).stdout.trim();
  if (onPath) return path.dirname(onPath);
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bin = path.join(base, version, "bin");
    if (existsSync(path.join(bin, "initdb"))) return bin;
  }
  return undefined;
}

export function findRedisServer() {
  return spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).stdout.trim() || undefined;
}

/** PostgreSQL refuses to run as root: run its binaries as the `postgres` user then. */
function asPostgresUser(cmd, args) {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) return { cmd, args, uid: undefined };
  const id = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (id.status !== 0)
    throw new Error("running as root and there is no 'postgres' user to run PostgreSQL as");
  return { cmd, args, uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Starts PostgreSQL from `bin` with its data in `dir` (initialised on first use) on a free port. */
export async function startLocalPostgres(bin, dir = path.join(dataDir, "postgres")) {
  const port = await freePort();
  mkdirSync(dir, { recursive: true });
  const initdb = asPostgresUser(path.join(bin, "initdb"), []);
  if (initdb.uid !== undefined) chownSync(dir, initdb.uid, initdb.gid);
  if (!existsSync(path.join(dir, "PG_VERSION"))) {
    log.step(`initialising a PostgreSQL data folder in ${path.relative(root, dir)}`);
    const result = spawnSync(initdb.cmd, ["-D", dir, "-U", "postgres", "--auth=trust", "-E", "UTF8"], {
      encoding: "utf8",
      uid: initdb.uid,
      gid: initdb.gid,
    });
    if (result.status !== 0)
      throw new Error(`initdb failed: ${(result.stderr || result.error?.message || "").trim()}`);
  }
  const child = spawn(
    path.join(bin, "postgres"),
    ["-D", dir, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1"],
    { stdio: "ignore", uid: initdb.uid, gid: initdb.gid },
  );
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  await waitFor(() => postgresAnswers(url, 500), `PostgreSQL (${dir})`);
  log.ok(`started PostgreSQL from ${bin} on port ${port}`);
  return { url, stop: () => child.kill("SIGINT") };
}

/** Starts redis-server with its append-only file in `dir` on a free port. */
export async function startLocalRedis(binary, dir = path.join(dataDir, "redis")) {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const child = spawn(
    binary,
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", ""],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(() => redisAnswers(url, 500), `Redis (${dir})`);
  log.ok(`started Redis from ${binary} on port ${port}`);
  return { url, stop: () => child.kill("SIGTERM") };
}

/**
 * Returns `{ databaseUrl, redisUrl, stop }`: the server URLs (the database
 * part of `databaseUrl` names the `postgres` maintenance database; callers
 * pick their own database name) and a function stopping what was started here.
 */
export async function resolveServices() {
  const stops = [];
  let databaseUrl = process.env.DATABASE_URL;
  let redisUrl = process.env.REDIS_URL;

  if (databaseUrl && !(await postgresAnswers(databaseUrl))) {
    const admin = new URL(databaseUrl);
    admin.pathname = "/postgres";
    if (!(await postgresAnswers(admin.toString())))
      throw new Error(`DATABASE_URL is set but PostgreSQL there does not answer`);
  }
  if (redisUrl && !(await redisAnswers(redisUrl)))
    throw new Error(`REDIS_URL is set but Redis there does not answer`);

  if (!databaseUrl && (await postgresAnswers(DEFAULT_DATABASE_URL))) databaseUrl = DEFAULT_DATABASE_URL;
  if (!redisUrl && (await redisAnswers(DEFAULT_REDIS_URL))) redisUrl = DEFAULT_REDIS_URL;

  if ((!databaseUrl || !redisUrl) && dockerEngineRuns()) {
    const services = [!databaseUrl && "postgres", !redisUrl && "redis"].filter(Boolean);
    log.step(`starting ${services.join(" and ")} with docker compose…`);
    const up = spawnSync("docker", ["compose", "up", "-d", "--wait", ...services], {
      cwd: root,
      stdio: "inherit",
    });
    if (up.status === 0) {
      // The ports and credentials docker-compose.yml publishes on loopback.
      const password = encodeURIComponent(process.env.POSTGRES_PASSWORD ?? "kubelab-change-me");
      const composeDatabaseUrl = `postgresql://kubelab:${password}@127.0.0.1:${process.env.KUBELAB_POSTGRES_PORT ?? 5432}/postgres`;
      const composeRedisUrl = `redis://127.0.0.1:${process.env.KUBELAB_REDIS_PORT ?? 6379}`;
      if (!databaseUrl) {
        await waitFor(() => postgresAnswers(composeDatabaseUrl, 500), "PostgreSQL (docker compose)");
        databaseUrl = composeDatabaseUrl;
      }
      if (!redisUrl) {
        await waitFor(() => redisAnswers(composeRedisUrl, 500), "Redis (docker compose)");
        redisUrl = composeRedisUrl;
      }
    }
  }

  if (!databaseUrl) {
    const bin = findPostgresBin();
    if (!bin) {
      throw new Error(
        "PostgreSQL was not found. Set DATABASE_URL, start a Docker engine, or install it " +
          "(Debian/Ubuntu: apt-get install -y postgresql; macOS: brew install postgresql).",
      );
    }
    const pg = await startLocalPostgres(bin);
    databaseUrl = pg.url;
    stops.push(pg.stop);
  }
  if (!redisUrl) {
    const binary = findRedisServer();
    if (!binary) {
      throw new Error(
        "Redis was not found. Set REDIS_URL, start a Docker engine, or install it " +
          "(Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis).",
      );
    }
    const redis = await startLocalRedis(binary);
    redisUrl = redis.url;
    stops.push(redis.stop);
  }
  return {
    databaseUrl,
    redisUrl,
    stop: () => {
      for (const stop of stops) stop();
    },
  };
}

/** `url` with its database name replaced. */
export function withDatabase(url, name) {
  const next = new URL(url);
  next.pathname = `/${name}`;
  return next.toString();
}
