/**
 * 5,000 nodes: how fast an idle 5,000-node cluster runs against real time (kubelet heartbeats
 * every 10 s, node leases, node-lifecycle monitoring every 5 s, …), and how far 1,500
 * Deployments of 100 replicas (150,000 pods) get towards convergence in the wall budget.
 *
 * Targets (issues 3 and 4): the 5,000-node cluster runs at least 10× faster than real time;
 * 150,000 pods from 1,500 Deployments converge in at most 60 s of wall time.
 *
 *   npm run bench -- cluster-5000 [nodes] [idle-virtual-seconds] [budget-seconds]
 * (needs a large heap: node --max-old-space-size=20000 on the bundle)
 */

import {
  benchSpec,
  Cluster,
  createDeployment,
  readyNodes,
  runningPods,
  runUntil,
  time,
} from "./lib/cluster-fixtures";
import { type Figure, report } from "./lib/report";

const nodes = Number(process.argv[2] ?? 5_000);
const idleMs = Number(process.argv[3] ?? 60) * 1_000;
const budgetMs = Number(process.argv[4] ?? 60) * 1_000;
const DEPLOYMENTS = 1_500;
const REPLICAS = 100;
const progress = (c: Cluster) => `${readyNodes(c)} nodes Ready, ${runningPods(c)} pods Running`;

let c!: Cluster;
const createMs = time(() => {
  c = Cluster.create(benchSpec(nodes), 1);
});
const join = runUntil(c, () => readyNodes(c) >= nodes + 1, {
  stepMs: 1_000,
  wallLimitMs: 30 * 60_000,
  virtualLimitMs: 600_000,
  progress,
});
console.log(
  `created in ${createMs.toFixed(0)} ms; ${readyNodes(c)} nodes Ready after ${(join.wallMs / 1000).toFixed(1)} s wall`,
);
// Let the joining settle (kube-proxy DaemonSet pods, first status reports) before timing idle running.
c.advanceTo(c.now() + 60_000);
const idleWall = time(() => {
  c.advanceTo(c.now() + idleMs);
});
const speed = idleMs / idleWall;
console.log(
  `idle: ${idleMs / 1000} s virtual in ${(idleWall / 1000).toFixed(1)} s wall (${speed.toFixed(2)}× real time)`,
);

const deployMs = time(() => {
  for (let i = 0; i < DEPLOYMENTS; i++) createDeployment(c, `app-${i}`, REPLICAS);
});
const converge = runUntil(c, () => runningPods(c) >= DEPLOYMENTS * REPLICAS, {
  stepMs: 1_000,
  wallLimitMs: Math.max(0, budgetMs - deployMs),
  virtualLimitMs: 3 * 3_600_000,
  progress,
});
const reached = runningPods(c);
const figures: Figure[] = [
  {
    name: `${nodes} idle nodes: virtual time / wall time`,
    unit: "×",
    runs: [speed],
    target: "≥ 10×",
    meets: speed >= 10 && nodes >= 5_000,
  },
  {
    name: `150,000 pods from 1,500 Deployments: wall time to converge`,
    unit: "s",
    runs: [(deployMs + converge.wallMs) / 1000],
    target: "≤ 60 s",
    meets: converge.done && (deployMs + converge.wallMs) / 1000 <= 60,
  },
  { name: `${nodes} nodes joining (to all Ready)`, unit: "s", runs: [join.wallMs / 1000] },
];
report(
  "cluster-5000",
  "5,000 nodes: speed against real time, and 150,000 pods converging",
  `npm run bench -- cluster-5000 ${nodes}`,
  figures,
  `Creating the Deployments through the API took ${(deployMs / 1000).toFixed(1)} s wall. ` +
    `${converge.done ? "Converged" : `At the budget: ${reached} of ${DEPLOYMENTS * REPLICAS} pods Running`} after ` +
    `${(converge.virtualMs / 1000).toFixed(0)} s of virtual time. One run.`,
);
