import { afterAll, describe, expect, it } from "vitest";
import { CommandLog } from "../log/command-log";
import { createConfigMap, eventually, RuntimeTestbed } from "../testing/testbed";

// Hot clusters stay in memory, cold ones are evicted to their snapshot (idle time, LRU bound);
// workers joining and leaving move partitions between them.

const bed = new RuntimeTestbed("hosting", process.env, 4);
afterAll(() => bed.cleanup());

describe("hosting", () => {
  it("evicts an idle cluster to its snapshot and restores it on the next input", async () => {
    const runtime = await bed.worker({ sleepAfterMs: 600, wake: { settleMs: 200, settlingFloorMs: 100 } });
    const client = await bed.client();
    const owner = await bed.user();
    const id = await bed.cluster(client, owner);
    await client.send(id, createConfigMap("before-sleep"));
    await eventually(() => !runtime.hotClusters().includes(id), 10_000, "eviction");
    const row = await bed.db.cluster.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("SLEEPING");
    const snapshot = await new CommandLog(bed.pool).latestSnapshot(id);
    expect(snapshot?.seq).toBe(Number(row.lastSeq));
    // Asleep, its clock stood still: it wakes where it stopped.
    const r = await client.send<{ code: number }>(id, createConfigMap("after-sleep"));
    expect(r.result.code).toBe(201);
    expect(r.at).toBeGreaterThanOrEqual(Number(row.virtualTimeMs));
    expect(r.at).toBeLessThan(Number(row.virtualTimeMs) + 1_000);
    expect(runtime.hotClusters()).toContain(id);
    const list = await client.send<{ body: { items: { metadata: { name: string } }[] } }>(id, {
      type: "api",
      method: "GET",
      path: "/api/v1/namespaces/default/configmaps",
    });
    expect(list.result.body.items.map((i) => i.metadata.name)).toEqual(
      expect.arrayContaining(["before-sleep", "after-sleep"]),
    );
    await runtime.stop();
  });

  it("keeps at most maxHot clusters in memory, evicting the least recently used", async () => {
    const runtime = await bed.worker({ maxHot: 2 });
    const client = await bed.client();
    const owner = await bed.user();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await bed.cluster(client, owner));
    await eventually(() => runtime.hotClusters().length <= 2, 10_000, "LRU bound");
    expect(runtime.hotClusters()).toContain(ids[3]);
    // An evicted one still answers (restored from its snapshot).
    const r = await client.send<{ code: number }>(ids[0]!, createConfigMap("lru"));
    expect(r.result.code).toBe(201);
    await runtime.stop();
  });

  it("moves partitions when workers join and leave", async () => {
    const a = await bed.worker();
    await eventually(() => a.heldPartitions().length === 4, 20_000, "first worker holding all");
    const b = await bed.worker();
    await eventually(
      () =>
        a.heldPartitions().length > 0 &&
        b.heldPartitions().length > 0 &&
        a.heldPartitions().length + b.heldPartitions().length === 4,
      30_000,
      "partitions shared",
    );
    expect(a.heldPartitions().filter((p) => b.heldPartitions().includes(p))).toEqual([]);
    await b.stop();
    await eventually(() => a.heldPartitions().length === 4, 30_000, "partitions back after the leave");
  });
});
