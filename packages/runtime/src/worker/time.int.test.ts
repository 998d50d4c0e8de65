import { bullPrefix } from "@kubelab/jobs";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RuntimeClient } from "../client/runtime-client";
import { partitionQueueName } from "../keys";
import { eventually, RuntimeTestbed } from "../testing/testbed";
import type { ClusterRuntime } from "./cluster-runtime";

// Done-when 4: an idle, unwatched cluster processes no jobs until its next timer (and, once
// settled, none at all: its clock stands still); watched, its timers fire on time at 1×.

const bed = new RuntimeTestbed("time", process.env, 2);
const jobs: { name: string; clusterId: string; at: number }[] = [];
const wakes: { clusterId: string; kind: string; lateMs: number }[] = [];
let runtime: ClusterRuntime;
let client: RuntimeClient;

beforeAll(async () => {
  runtime = await bed.worker({
    // Unwatched, time runs for 2 s after the last input, with wake-ups coalesced to 700 ms.
    wake: { settleMs: 2_000, settlingFloorMs: 700, liveFloorMs: 50 },
    onJob: (e) => jobs.push({ name: e.name, clusterId: e.clusterId, at: Date.now() }),
    onWake: (e) => wakes.push(e),
  });
  client = await bed.client();
});
afterAll(() => bed.cleanup());

describe("time", () => {
  it("leaves an unwatched cluster alone until its next wake-up, and idle once it has settled", async () => {
    const owner = await bed.user();
    const id = await bed.cluster(client, owner);
    const bootedAt = Date.now();
    const queue = new Queue(partitionQueueName(client.partitionOf(id)), {
      connection: bed.redis(),
      prefix: bullPrefix(bed.prefix),
    });
    const forCluster = () => jobs.filter((j) => j.clusterId === id);
    // One delayed job is planned: its next timer, coalesced to the settling floor.
    const delayed = (await queue.getDelayed()).filter((j) => j.data.clusterId === id);
    expect(delayed).toHaveLength(1);
    const due = delayed[0]!.data.due as number;
    expect(due).toBeGreaterThanOrEqual(bootedAt + 600);
    // Until then, no job of that cluster runs at all; then the wake-up runs, not before it is due.
    const before = forCluster().length;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now() - 100)));
    expect(forCluster().length).toBe(before);
    const tick = await eventually(() => forCluster().find((j) => j.name === "tick"), 10_000, "tick");
    expect(tick.at).toBeGreaterThanOrEqual(due);

    // Once settled (2 s after its last input) its clock stands still: no job, no timer, no time.
    await eventually(
      async () =>
        Date.now() > bootedAt + 3_000 && (await queue.getDelayed()).every((j) => j.data.clusterId !== id),
      10_000,
      "settled",
    );
    const settledJobs = forCluster().length;
    const frozenAt = runtime.hostedCluster(id)!.now();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(forCluster().length).toBe(settledJobs);
    expect(runtime.hostedCluster(id)!.now()).toBe(frozenAt);
    // The next input is applied where time stopped, and time runs again.
    const applied = await client.send(id, { type: "time", action: "advance", ms: 0 });
    expect(applied.at).toBe(frozenAt);
    await eventually(() => runtime.hostedCluster(id)!.now() > frozenAt + 500, 5_000, "time running again");
    await queue.close();
  });

  it("runs a watched cluster's timers on time at 1×", async () => {
    const owner = await bed.user();
    const id = await bed.cluster(client, owner);
    await client.watch(id, 10_000);
    // The cluster goes live: its timers (etcd's 100 ms raft tick) fire from in-process timers.
    await eventually(
      () => wakes.filter((w) => w.clusterId === id && w.kind === "live").length >= 20,
      10_000,
      "live wake-ups",
    );
    const late = wakes
      .filter((w) => w.clusterId === id && w.kind === "live")
      .map((w) => w.lateMs)
      .sort((a, b) => a - b);
    // Median lateness (robust to a noisy machine; the benchmark reports the tail).
    expect(late[Math.floor(late.length / 2)]!).toBeLessThanOrEqual(100);
    // Virtual time follows wall time: 1 s of wall time is about 1 s of virtual time.
    const c = runtime.hostedCluster(id)!;
    const v0 = c.now();
    const w0 = Date.now();
    await new Promise((r) => setTimeout(r, 1_000));
    const dv = c.now() - v0;
    const dw = Date.now() - w0;
    expect(dv).toBeGreaterThan(dw - 300);
    expect(dv).toBeLessThan(dw + 300);
  });

  it("pauses, steps, advances and speeds up virtual time", async () => {
    const owner = await bed.user();
    const id = await bed.cluster(client, owner);
    const paused = await client.send<{ now: number; speed: number }>(id, { type: "time", action: "pause" });
    expect(paused.result.speed).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    const still = await client.send<{ now: number }>(id, { type: "time", action: "advance", ms: 0 });
    expect(still.result.now).toBe(paused.result.now);
    const advanced = await client.send<{ now: number }>(id, { type: "time", action: "advance", ms: 60_000 });
    expect(advanced.result.now).toBe(paused.result.now + 60_000);
    const stepped = await client.send<{ now: number }>(id, { type: "time", action: "step" });
    expect(stepped.result.now).toBeGreaterThan(advanced.result.now);
    const fast = await client.send<{ now: number; speed: number }>(id, {
      type: "time",
      action: "speed",
      speed: 100,
    });
    expect(fast.result.speed).toBe(100);
    await new Promise((r) => setTimeout(r, 500));
    const later = await client.send<{ now: number }>(id, { type: "time", action: "advance", ms: 0 });
    // Half a second at 100× is about 50 s of virtual time.
    expect(later.result.now - fast.result.now).toBeGreaterThan(20_000);
    // The speed is durable: the row says so.
    const row = await bed.db.cluster.findUniqueOrThrow({ where: { id } });
    expect(row.speed).toBe(100);
    expect(row.status).toBe("RUNNING");
  });
});
