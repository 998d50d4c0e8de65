/**
 * Cluster lifecycle costs in the runtime: how soon a new cluster is ready after creation (the
 * row and CREATE command written, the owner worker builds and snapshots it, the client gets its
 * summary), and how much memory one idle small cluster takes in a worker holding 2,000.
 *
 *   npm run bench -- runtime-clusters [runs]
 *
 * Needs PostgreSQL and Redis (DATABASE_URL / REDIS_URL, else the local defaults); uses a database
 * and a Redis prefix of its own and removes them. The worker runs in this process (to measure
 * its heap); run with --expose-gc (npm run bench does).
 */
import { createClusterRecord } from "../packages/runtime/src/clusters/create-cluster";
import { DEFAULT_QUOTAS } from "../packages/runtime/src/quotas/quotas";
import { benchTestbed } from "../packages/runtime/src/testing/bench-env";
import { type Figure, median, percentile, report } from "./lib/report";

const runs = Number(process.argv[2] ?? 3);
const HELD = 2_000;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

const figures: Figure[] = [];
const readyP50: number[] = [];
const readyP95: number[] = [];
const perCluster: number[] = [];
for (let r = 0; r < runs; r++) {
  const { bed, dispose } = await benchTestbed("bench-cl", process.env, 16);
  try {
    // Idle clusters never settle into eviction during the run; nothing watches them.
    const runtime = await bed.worker({
      leaseMs: 10_000,
      sleepAfterMs: 3_600_000,
      maxHot: 10_000,
      wake: { settleMs: 0 },
    });
    const client = await bed.client(60_000);
    const owner = await bed.user();
    const quota = { ...DEFAULT_QUOTAS, maxClusters: 1_000_000 };
    const create = async (i: number) => {
      const t0 = performance.now();
      const c = await createClusterRecord(bed.db, bed.pool, {
        ownerId: owner,
        name: `c${r}-${i}`,
        spec: {},
        partitions: 16,
        quota,
      });
      await client.boot(c.id);
      return performance.now() - t0;
    };
    // Ready: 100 clusters created one after another (what a class starting at once looks like
    // from one user's side is the same path, in parallel).
    const ready: number[] = [];
    for (let i = 0; i < 100; i++) ready.push(await create(i));
    readyP50.push(percentile(ready, 50));
    readyP95.push(percentile(ready, 95));

    // Memory: the worker's heap with 2,000 idle clusters held, per cluster.
    gc();
    const base = process.memoryUsage().heapUsed;
    const hotBefore = runtime.hotClusters().length;
    for (let i = 100; i < 100 + HELD; i += 8)
      await Promise.all(Array.from({ length: 8 }, (_, j) => create(i + j)));
    await new Promise((res) => setTimeout(res, 1_000));
    gc();
    const held = runtime.hotClusters().length - hotBefore;
    perCluster.push((process.memoryUsage().heapUsed - base) / held / 2 ** 20);
  } finally {
    await dispose();
  }
}
figures.push({ name: "new cluster ready, p50", unit: "ms", runs: readyP50 });
figures.push({
  name: "new cluster ready, p95",
  unit: "ms",
  runs: readyP95,
  target: "≤ 300 ms",
  meets: median(readyP95) <= 300,
});
figures.push({
  name: `memory per idle small cluster (${HELD.toLocaleString("en-US")} held by one worker)`,
  unit: "MiB",
  runs: perCluster,
  target: "≤ 1 MiB",
  meets: median(perCluster) <= 1,
});
report(
  "runtime-clusters",
  "Cluster runtime: creation and memory",
  `npm run bench -- runtime-clusters ${runs}`,
  figures,
  "Ready = row and CREATE command written, then the owner worker (in this process) builds the default cluster, snapshots it and answers with its summary. Memory = growth of the worker's V8 heap after GC, divided by the clusters held (each a restored-from-nothing simulation of the default spec, idle, clock stopped).",
);
process.exit(0);
