import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RuntimeClient } from "../client/runtime-client";
import { RuntimeError } from "../errors";
import { CommandLog } from "../log/command-log";
import { type PrivateServer, startPrivatePostgres, startPrivateRedis } from "../testing/private-services";
import { createConfigMap, eventually, RuntimeTestbed } from "../testing/testbed";

// Done-when 3: a Redis restart and a PostgreSQL restart during load — the service recovers by
// itself and loses nothing acknowledged. Private servers (never the shared ones) are restarted;
// Redis runs without persistence, so its restart loses every lease, counter and queued job.

let postgres: PrivateServer;
let redis: PrivateServer;
let bed: RuntimeTestbed;
let client: RuntimeClient;

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
  bed = new RuntimeTestbed("restarts", process.env, 2, { databaseUrl: postgres.url, redisUrl: redis.url });
  await bed.worker({ leaseMs: 1_500 });
  client = await bed.client(2_000);
}, 120_000);
afterAll(async () => {
  await bed?.cleanup().catch(() => {});
  await Promise.all([postgres?.destroy(), redis?.destroy()]);
});

describe("service restarts under load", () => {
  it("recovers from a Redis restart and a PostgreSQL restart without losing an acknowledged input", async () => {
    const owner = await bed.user();
    const clusterId = await bed.cluster(client, owner);
    // Prisma is only needed for the set-up; its pool must not see the restart (packages/db does
    // not handle errors of idle connections yet).
    await bed.db.$disconnect();
    const acked: { name: string; seq: number }[] = [];
    const failures = new Map<string, number>();
    let stop = false;
    let n = 0;
    const loop = async () => {
      while (!stop) {
        const name = `cm-${n++}`;
        try {
          const r = await client.send<{ code: number }>(clusterId, createConfigMap(name));
          acked.push({ name, seq: r.seq });
        } catch (error) {
          expect(error).toBeInstanceOf(RuntimeError);
          const code = (error as RuntimeError).code;
          failures.set(code, (failures.get(code) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    };
    const loops = Array.from({ length: 4 }, loop);
    await eventually(() => acked.length >= 20, 20_000, "inputs before the restarts");

    await redis.stop();
    await new Promise((r) => setTimeout(r, 500));
    await redis.start();
    const afterRedis = acked.length;
    await eventually(() => acked.length >= afterRedis + 20, 30_000, "inputs after the Redis restart");

    await postgres.stop();
    await new Promise((r) => setTimeout(r, 500));
    await postgres.start();
    const afterPostgres = acked.length;
    await eventually(() => acked.length >= afterPostgres + 20, 30_000, "inputs after the PostgreSQL restart");
    stop = true;
    await Promise.all(loops);

    // Each outage was seen by clients as clear errors, never a hang.
    expect([...failures.keys()].every((c) => c === "TIMEOUT" || c === "UNAVAILABLE")).toBe(true);
    // Every acknowledged input is in the log where it was acknowledged; none twice.
    const log = await new CommandLog(bed.pool).commandsAfter(clusterId, 1);
    const nameAt = new Map(
      log.map((c) => [c.seq, (c.payload as { body: { metadata: { name: string } } }).body.metadata.name]),
    );
    for (const a of acked) expect(nameAt.get(a.seq)).toBe(a.name);
    expect(new Set(nameAt.values()).size).toBe(log.length);
    // And the cluster, restored after the outages, holds exactly what the log holds.
    const list = await client.send<{ body: { items: { metadata: { name: string } }[] } }>(clusterId, {
      type: "api",
      method: "GET",
      path: "/api/v1/namespaces/default/configmaps",
    });
    const served = list.result.body.items.map((i) => i.metadata.name).filter((x) => x.startsWith("cm-"));
    expect(served.sort()).toEqual([...nameAt.values()].sort());
  }, 120_000);
});
