/**
 * Request round trip web → worker → web through the cluster runtime, and sustained inputs per
 * second on one worker. A worker process (the real runtime: leases, one BullMQ consumer per
 * partition, command log appends in PostgreSQL, events to Redis) hosts 200 small clusters on 16
 * partitions; this process plays the web app with one `RuntimeClient` (as one web server has).
 * Every request is a write (POST of a ConfigMap): it is appended to the command log (fsync'd
 * commit) before it is answered, the costliest path. The clusters' clocks are paused, so the
 * figures are the runtime's (queue, apply, group commit, events, reply) and not the cost of
 * simulating 200 clusters' heartbeats at 1×, which is printed separately.
 *
 *   npm run bench -- runtime-roundtrip [runs]
 *
 * Needs PostgreSQL and Redis (DATABASE_URL / REDIS_URL, else the local defaults); uses a database
 * and a Redis prefix of its own and removes them.
 */
import { benchTestbed } from "../packages/runtime/src/testing/bench-env";
import { spawnWorker } from "../packages/runtime/src/testing/spawn-worker";
import { Cluster, defaultClusterSpec } from "../packages/sim/src/index";
import { type Figure, median, percentile, report } from "./lib/report";

const runs = Number(process.argv[2] ?? 3);
const PARTITIONS = 16;
const CLUSTERS = 200;
const RUN_MS = 3_000;

const { bed, dispose } = await benchTestbed("bench-rt", process.env, PARTITIONS);
const worker = await spawnWorker({
  databaseUrl: bed.databaseUrl,
  redisUrl: bed.redisUrl,
  prefix: bed.prefix,
  partitions: PARTITIONS,
  leaseMs: 10_000,
  // RUNTIME_BENCH_PROFILE=1 writes the worker's CPU profile to .cpuprofile files in the working directory.
  ...(process.env.RUNTIME_BENCH_PROFILE
    ? { nodeArgs: ["--cpu-prof", "--cpu-prof-dir=node_modules/.cache/profiles"] }
    : {}),
});
try {
  const client = await bed.client(30_000);
  const owner = await bed.user();
  const clusters: string[] = [];
  for (let i = 0; i < CLUSTERS; i += 20) {
    clusters.push(
      ...(await Promise.all(Array.from({ length: 20 }, (_, j) => bed.cluster(client, owner, {}, i + j)))),
    );
  }
  // Paused clocks: each request still runs in virtual time until its response.
  await Promise.all(clusters.map((id) => client.send(id, { type: "time", action: "pause" })));
  let n = 0;
  const write = (clusterId: string) =>
    client.send(clusterId, {
      type: "api",
      method: "POST",
      path: "/api/v1/namespaces/default/configmaps",
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${n++}` }, data: { k: "v" } },
    });

  /** `concurrency` closed loops for `ms`; returns each request's latency. */
  async function load(concurrency: number, ms: number): Promise<{ latencies: number[]; errors: number }> {
    const latencies: number[] = [];
    let errors = 0;
    const end = Date.now() + ms;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, i) => {
        const clusterId = clusters[i % clusters.length]!;
        while (Date.now() < end) {
          const t0 = performance.now();
          try {
            await write(clusterId);
            latencies.push(performance.now() - t0);
          } catch {
            errors++;
          }
        }
      }),
    );
    return { latencies, errors };
  }

  await load(50, 1_000); // warm-up: JIT, connections, clusters in memory
  const figures: Figure[] = [];
  let errors = 0;
  for (const c of [1, 50, 200]) {
    const p50: number[] = [];
    const p99: number[] = [];
    for (let r = 0; r < runs; r++) {
      const res = await load(c, RUN_MS);
      errors += res.errors;
      p50.push(percentile(res.latencies, 50));
      p99.push(percentile(res.latencies, 99));
    }
    figures.push({
      name: `round trip p50, ${c} concurrent client${c > 1 ? "s" : ""}`,
      unit: "ms",
      runs: p50,
    });
    const target = c === 50 ? 25 : undefined;
    figures.push({
      name: `round trip p99, ${c} concurrent client${c > 1 ? "s" : ""}`,
      unit: "ms",
      runs: p99,
      ...(target ? { target: `≤ ${target} ms`, meets: median(p99) <= target } : {}),
    });
  }
  const throughput: number[] = [];
  for (let r = 0; r < runs; r++) {
    const res = await load(CLUSTERS, 5_000);
    errors += res.errors;
    throughput.push(res.latencies.length / 5);
  }
  figures.push({
    name: `sustained inputs/s, one worker, ${CLUSTERS} clusters`,
    unit: "inputs/s",
    runs: throughput,
    target: "≥ 2,000",
    meets: median(throughput) >= 2_000,
  });
  // What one cluster costs to simulate at 1× (CPU ms per virtual second), for context.
  const probe = Cluster.create(defaultClusterSpec(), 1);
  probe.advanceTo(probe.now() + 10_000);
  const t0 = performance.now();
  probe.advanceTo(probe.now() + 30_000);
  const simCost = (performance.now() - t0) / 30;
  report(
    "runtime-roundtrip",
    "Cluster runtime: request round trip and throughput",
    `npm run bench -- runtime-roundtrip ${runs}`,
    figures,
    `Writes (ConfigMap POSTs) through BullMQ (one queue per partition, ${PARTITIONS} partitions, concurrency 1 each) to one worker process, appended to PostgreSQL (synchronous commit) before the reply, which comes back on Redis pub/sub. ${CLUSTERS} clusters; each client loops on its own cluster. Errors during the runs: ${errors}. For context, simulating one default cluster costs ${simCost.toFixed(1)} ms of CPU per virtual second on this machine (so ${Math.floor(1000 / simCost)} clusters at 1× fill one core): unwatched clusters' time stands still once settled, which is what keeps a worker's load to the clusters in use.`,
  );
  await client.close();
} finally {
  worker.child.kill("SIGTERM");
  await worker.exited;
  await dispose();
}
process.exit(0);
