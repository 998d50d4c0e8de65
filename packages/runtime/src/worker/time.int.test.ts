import { bullPrefix } from "@kubelab/jobs";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RuntimeClient } from "../client/runtime-client";
import { partitionQueueName } from "../keys";
import { eventually, RuntimeTestbed } from "../testing/testbed";
import type { ClusterRuntime } from "./cluster-runtime";

// Done-when 4: an idle, unwatched cluster processes no jobs until its next timer; watched, its
// timers fire on time at 1×.

const bed = new RuntimeTestbed("time", process.env, 2);
const jobs: { name: string; clusterId: string; at: number }[] = [];
const wakes: { clusterId: string; kind: string; lateMs: number }[] = [];
let runtime: ClusterRuntime;
let client: RuntimeClient;

beforeAll(async () => {
  runtime = await bed.worker({
    // Idle clusters wake at their next timer but at most every 1.5 s; nothing counts as settling.
    wake: { idleFloorMs: 1_500, settleMs: 0, settlingFloorMs: 1_500, liveFloorMs: 50 },
    onJob: (e) => jobs.push({ name: e.name, clusterId: e.clusterId, at: Date.now() }),
    onWake: (e) => wakes.push(e),
  });
  client = await bed.client();
});
afterAll(() => bed.cleanup());

describe("time", () => {
  it("leaves an idle, unwatched cluster alone until its next wake-up", async () => {
    const owner = await bed.user();
    const id = await bed.cluster(client, owner);
    const bootedAt = Date.now();
    const queue = new Queue(partitionQueueName(client.partitionOf(id)), {
      connection: bed.redis(),
      prefix: bullPrefix(bed.prefix),
    });
    // One delayed job is planned for the cluster: its next timer, coalesced to the idle floor.
    const delayed = (await queue.getDelayed()).filter((j) => j.data.clusterId === id);
    expect(delayed).toHaveLength(1);
    const due = delayed[0]!.data.due as number;
    expect(due).toBeGreaterThanOrEqual(bootedAt + 1_000);
    // Until then, no job of that cluster runs at all.
    const processedBefore = jobs.filter((j) => j.clusterId === id).length;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now() - 200)));
    expect(jobs.filter((j) => j.clusterId === id).length).toBe(processedBefore);
    // Then exactly the wake-up runs, not before its due time, and the cluster catches up to its clock.
    const tick = await eventually(
      () => jobs.find((j) => j.clusterId === id && j.name === "tick"),
      10_000,
      "tick",
    );
    expect(tick.at).toBeGreaterThanOrEqual(due);
    const now = runtime.hostedCluster(id)!.now();
    expect(now).toBeGreaterThan(2_000 + 1_000);
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
