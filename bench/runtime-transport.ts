/**
 * The request path's transport alone: a job added to a partition's BullMQ queue, taken by a
 * consumer with concurrency 1, answered on Redis pub/sub — no simulation, no PostgreSQL. It
 * tells how much of the round trip BullMQ itself costs, at 1, 50 and 200 concurrent requests
 * spread over 16 partition queues. Consumer and clients share this process (one event loop).
 *
 *   npm run bench -- runtime-transport [runs]
 */
import { randomUUID } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { createRedis } from "../packages/ops/src/index";
import { type Figure, percentile, report } from "./lib/report";

const runs = Number(process.argv[2] ?? 3);
const PARTITIONS = 16;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `kubelab-bench-transport-${randomUUID().slice(0, 6)}:bull`;
const connection = createRedis(redisUrl);
const subscriber = createRedis(redisUrl);
const channel = `${prefix}:reply`;
const pending = new Map<string, () => void>();
subscriber.on("message", (_c: string, id: string) => {
  pending.get(id)?.();
  pending.delete(id);
});
await subscriber.subscribe(channel);
const queues = Array.from(
  { length: PARTITIONS },
  (_, p) => new Queue(`partition-${p}`, { connection, prefix }),
);
const workers = Array.from(
  { length: PARTITIONS },
  (_, p) =>
    new Worker(
      `partition-${p}`,
      async (job) => {
        await connection.publish(channel, job.id ?? "");
      },
      { connection, prefix, concurrency: 1 },
    ),
);

async function load(concurrency: number, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = Date.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      while (Date.now() < end) {
        const id = randomUUID();
        const t0 = performance.now();
        const answered = new Promise<void>((resolve) => pending.set(id, resolve));
        await queues[i % PARTITIONS]!.add("input", { i }, { jobId: id, removeOnComplete: true });
        await answered;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencies;
}

await load(50, 1_000);
const figures: Figure[] = [];
for (const c of [1, 50, 200]) {
  const p50: number[] = [];
  const p99: number[] = [];
  const rate: number[] = [];
  for (let r = 0; r < runs; r++) {
    const l = await load(c, 3_000);
    p50.push(percentile(l, 50));
    p99.push(percentile(l, 99));
    rate.push(l.length / 3);
  }
  figures.push({ name: `BullMQ + pub/sub round trip p50, ${c} concurrent`, unit: "ms", runs: p50 });
  figures.push({ name: `BullMQ + pub/sub round trip p99, ${c} concurrent`, unit: "ms", runs: p99 });
  figures.push({ name: `jobs/s, ${c} concurrent`, unit: "jobs/s", runs: rate });
}
report(
  "runtime-transport",
  "Cluster runtime: the transport alone (BullMQ queue per partition, pub/sub reply)",
  `npm run bench -- runtime-transport ${runs}`,
  figures,
  `No-op consumers (concurrency 1 on each of ${PARTITIONS} queues) in the same process as the clients; no simulation, no PostgreSQL.`,
);
await Promise.all(workers.map((w) => w.close()));
await Promise.all(queues.map((q) => q.obliterate({ force: true }).then(() => q.close())));
connection.disconnect();
subscriber.disconnect();
process.exit(0);
