/**
 * The default small cluster (the kubeadm preset: one control-plane node with its static pods and
 * stacked etcd, three workers, scheduler, controller-manager, kubelets and runtimes, kubeadm's
 * bootstrap objects and addons): how long `Cluster.create` takes (it returns once the apiserver
 * serves requests, ~2 s of virtual time), and how long a snapshot of it takes to write and to
 * restore once it has settled (a minute of virtual time: nodes Ready, CoreDNS and kube-proxy
 * running) — the figures the runtime pays on every create, checkpoint and cold start.
 *
 * Targets (issue 3): created in under 50 ms; snapshotted or restored in under 10 ms.
 *
 *   npm run bench -- cluster-small [runs]
 */
import { Cluster } from "../packages/sim/src/cluster/cluster";
import { parseClusterSpec } from "../packages/sim/src/cluster/spec";
import { type Figure, median, report } from "./lib/report";

const runs = Number(process.argv[2] ?? 7);
const parsed = parseClusterSpec({ preset: "kubeadm" });
if (!parsed.ok) throw new Error("spec");
const spec = parsed.spec;

const create: number[] = [];
const serialize: number[] = [];
const restore: number[] = [];
const createdAt: number[] = [];
let bytes = 0;
for (let i = 0; i < runs + 1; i++) {
  const t0 = performance.now();
  const c = Cluster.create(spec, 1 + i);
  const t1 = performance.now();
  const readyAt = c.now();
  c.advanceTo(60_000);
  const t2 = performance.now();
  const snap = c.serialize();
  const t3 = performance.now();
  Cluster.restore(snap);
  const t4 = performance.now();
  if (i === 0) continue; // warm-up (JIT)
  create.push(t1 - t0);
  createdAt.push(readyAt);
  serialize.push(t3 - t2);
  restore.push(t4 - t3);
  bytes = snap.length;
}

const figures: Figure[] = [
  {
    name: "create (kubeadm preset, until the API serves)",
    unit: "ms",
    runs: create,
    target: "< 50 ms",
    meets: median(create) < 50,
  },
  {
    name: "serialize (settled, 1 min)",
    unit: "ms",
    runs: serialize,
    target: "< 10 ms",
    meets: median(serialize) < 10,
  },
  {
    name: "restore (settled, 1 min)",
    unit: "ms",
    runs: restore,
    target: "< 10 ms",
    meets: median(restore) < 10,
  },
];
report(
  "cluster-small",
  "A default small cluster: create, snapshot, restore",
  "npm run bench -- cluster-small",
  figures,
  `Snapshot size ${(bytes / 1e6).toFixed(1)} MB (plain JSON). Creation returns at virtual ${median(createdAt)} ms.`,
);
