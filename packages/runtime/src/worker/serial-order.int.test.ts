import { Cluster, parseClusterSpec } from "@kubelab/sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RuntimeClient } from "../client/runtime-client";
import { CommandLog } from "../log/command-log";
import { createConfigMap, RuntimeTestbed } from "../testing/testbed";
import { replay } from "./cluster-runtime";

// Done-when 1: 200 concurrent inputs to one cluster from many clients are applied in one serial
// order, none lost, none applied twice.

const bed = new RuntimeTestbed("serial", process.env);
let clients: RuntimeClient[] = [];

beforeAll(async () => {
  await bed.worker();
  clients = await Promise.all(Array.from({ length: 10 }, () => bed.client()));
});
afterAll(() => bed.cleanup());

describe("one cluster, many clients", () => {
  it("applies 200 concurrent inputs in one serial order, each exactly once", async () => {
    const owner = await bed.user();
    const clusterId = await bed.cluster(clients[0]!, owner);
    const names = Array.from({ length: 200 }, (_, i) => `cm-${i}`);
    const acks = await Promise.all(
      names.map((name, i) =>
        clients[i % clients.length]!.send<{ code: number }>(clusterId, createConfigMap(name)),
      ),
    );
    // Every input was acknowledged as created, at a distinct place in the log.
    expect(acks.map((a) => a.result.code)).toEqual(names.map(() => 201));
    const seqs = acks.map((a) => a.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 2));

    // The log holds each input once, in that order, at non-decreasing virtual times.
    const log = await new CommandLog(bed.pool).commandsAfter(clusterId, 1);
    expect(log.map((c) => c.seq)).toEqual(seqs);
    const logged = log.map((c) => (c.payload as { body: { metadata: { name: string } } }).body.metadata.name);
    expect(new Set(logged).size).toBe(200);
    expect([...logged].sort()).toEqual([...names].sort());
    for (let i = 1; i < log.length; i++)
      expect(log[i]!.virtualTimeMs).toBeGreaterThanOrEqual(log[i - 1]!.virtualTimeMs);
    // Acknowledgements agree with the log: the input acknowledged at seq s is the one logged at s.
    const bySeq = new Map(log.map((c) => [c.seq, c]));
    acks.forEach((a, i) => {
      const payload = bySeq.get(a.seq)?.payload as { body: { metadata: { name: string } } } | undefined;
      expect(payload?.body.metadata.name).toBe(names[i]);
    });

    // The cluster holds the 200 ConfigMaps, each once.
    const list = await clients[1]!.send<{ code: number; body: { items: { metadata: { name: string } }[] } }>(
      clusterId,
      {
        type: "api",
        method: "GET",
        path: "/api/v1/namespaces/default/configmaps",
      },
    );
    const listed = list.result.body.items.map((i) => i.metadata.name).filter((n) => n.startsWith("cm-"));
    expect(listed.sort()).toEqual([...names].sort());

    // And a replay of the log from scratch reaches the same state as the live cluster.
    const created = await bed.pool.query(
      `SELECT "payload" FROM "ClusterCommand" WHERE "clusterId" = $1 AND "seq" = 1`,
      [clusterId],
    );
    const { spec, seed } = created.rows[0].payload;
    const parsed = parseClusterSpec(spec);
    if (!parsed.ok) throw new Error("bad spec");
    const replayed = Cluster.create(parsed.spec, seed);
    for (const c of await new CommandLog(bed.pool).commandsAfter(clusterId, 1)) replay(replayed, c);
    const configMaps = replayed.submit({
      type: "api",
      method: "GET",
      path: "/api/v1/namespaces/default/configmaps",
    }).response as {
      body: { items: unknown[] };
    };
    expect(
      configMaps.body.items.filter((i) =>
        (i as { metadata: { name: string } }).metadata.name.startsWith("cm-"),
      ),
    ).toHaveLength(200);
  });
});
