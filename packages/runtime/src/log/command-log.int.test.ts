import { afterAll, describe, expect, it } from "vitest";
import { PartitionLeases } from "../lease/partition-leases";
import { RuntimeTestbed } from "../testing/testbed";
import { CommandLog } from "./command-log";

const bed = new RuntimeTestbed("log", process.env, 2);
afterAll(() => bed.cleanup());

describe("appendMany", () => {
  it("appends several clusters in one statement, each under its own fence and sequence check", async () => {
    const owner = await bed.user();
    const base = 2_000_000 + Math.floor(Math.random() * 1_000_000);
    const [p1, p2] = [base, base + 1];
    const row = (name: string, partition: number) =>
      bed.db.cluster.create({
        data: { ownerId: owner, name, spec: {}, seed: 1, partition, lastSeq: 1n, status: "RUNNING" },
      });
    const [a, b, c] = [await row("a", p1), await row("b", p1), await row("c", p2)];
    const mine = new PartitionLeases(bed.redis(), bed.pool, bed.prefix, "me", 10_000);
    const other = new PartitionLeases(bed.redis(), bed.pool, bed.prefix, "other", 10_000);
    const l1 = (await mine.tryAcquire(p1))!;
    const stale = (await mine.tryAcquire(p2))!;
    await mine.release(stale);
    await other.tryAcquire(p2); // p2 moved on: appends with `stale` are fenced
    const progress = (expectSeq: number) => ({
      expectSeq,
      virtualTimeMs: 5,
      anchorWallMs: Date.now(),
      speed: 1,
      status: "RUNNING" as const,
    });
    const cmd = (seq: number, inputId: string) => ({
      seq,
      kind: "API" as const,
      payload: { n: inputId },
      virtualTimeMs: 5,
      actorId: null,
      inputId,
    });
    const log = new CommandLog(bed.pool);
    const outcomes = await log.appendMany([
      {
        clusterId: a.id,
        partition: p1,
        token: l1.token,
        commands: [cmd(2, "a2"), cmd(3, "a3")],
        progress: progress(1),
      },
      { clusterId: b.id, partition: p1, token: l1.token, commands: [cmd(5, "b5")], progress: progress(4) },
      { clusterId: c.id, partition: p2, token: stale.token, commands: [cmd(2, "c2")], progress: progress(1) },
    ]);
    expect(Object.fromEntries(outcomes)).toEqual({ [a.id]: "ok", [b.id]: "conflict", [c.id]: "fenced" });
    expect((await log.commandsAfter(a.id, 0)).map((x) => x.inputId)).toEqual(["a2", "a3"]);
    expect(await log.commandsAfter(b.id, 0)).toEqual([]);
    expect(await log.commandsAfter(c.id, 0)).toEqual([]);
    expect((await bed.db.cluster.findUniqueOrThrow({ where: { id: a.id } })).lastSeq).toBe(3n);
  });
});
