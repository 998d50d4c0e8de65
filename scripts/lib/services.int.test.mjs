// The last resort of `npm start`/`npm test`: the locally installed PostgreSQL
// and Redis binaries, started under a data folder of their own on free ports.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  findPostgresBin,
  findRedisServer,
  postgresAnswers,
  redisAnswers,
  startLocalPostgres,
  startLocalRedis,
} from "./services.mjs";

const dirs = [];
const stops = [];
afterAll(() => {
  for (const stop of stops) stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function scratch() {
  const dir = mkdtempSync(path.join(tmpdir(), "kubelab-services-"));
  // PostgreSQL may run as its own user when we are root: it must reach the folder.
  chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
}

describe("local service fallback", () => {
  it("initialises and starts PostgreSQL from its binaries", { timeout: 60_000 }, async () => {
    const bin = findPostgresBin();
    expect(bin, "PostgreSQL binaries (initdb, postgres) should be installed on this machine").toBeTruthy();
    const dir = path.join(scratch(), "postgres");
    const pg = await startLocalPostgres(bin, dir);
    stops.push(pg.stop);
    expect(pg.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(await postgresAnswers(pg.url)).toBe(true);
    pg.stop();
    // A stopped server no longer answers: the URL really was this process.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await postgresAnswers(pg.url, 500)).toBe(false);
  });

  it("starts Redis from redis-server", async () => {
    const binary = findRedisServer();
    expect(binary).toBeTruthy();
    const redis = await startLocalRedis(binary, path.join(scratch(), "redis"));
    stops.push(redis.stop);
    expect(await redisAnswers(redis.url)).toBe(true);
    redis.stop();
    await new Promise((r) => setTimeout(r, 500));
    expect(await redisAnswers(redis.url, 500)).toBe(false);
  });
});
