/**
 * Scheduling throughput through the whole component path: 10,000 pods created through the API
 * (kubectl → load balancer → kube-apiserver → 3-member etcd), seen by the kube-scheduler
 * component's pod informer (watch), scheduled one cycle at a time (default profile, adaptive
 * percentageOfNodesToScore) and bound through `pods/<name>/binding`, with the `Scheduled` event
 * written for each — on 5,000 nodes registered through the API. The clock runs from the first
 * create until the scheduler has seen every binding succeed.
 *
 * Target (issue 3): ≥ 5,000 pods/s for scheduling 10,000 pods on 5,000 nodes (that figure is for
 * the scheduler itself; this one also pays for every API call and etcd write on the way). The
 * real kube-scheduler's CI floor for this workload (scheduler_perf SchedulingBasic
 * 5000Nodes_10000Pods) is 680 pods/s.
 *
 *   npm run bench -- scheduler-component [runs]
 */
import os from "node:os";
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { ApiResponse } from "../packages/sim/src/apiserver/http";
import { ControlPlaneHarness } from "../packages/sim/src/apiserver/testing";
import {
  createKubeScheduler,
  KUBE_SCHEDULER_KIND,
  type KubeSchedulerState,
  kubeSchedulerBehavior,
} from "../packages/sim/src/scheduler/component/kube-scheduler";
import { type Figure, median, report } from "./lib/report";

const NODES = 5_000;
const PODS = 10_000;
const runs = Number(process.argv[2] ?? 3);

const IMAGES = [
  { names: ["registry.k8s.io/pause:3.10"], sizeBytes: 320_000 },
  { names: ["docker.io/library/nginx:1.27", "nginx:1.27"], sizeBytes: 70_000_000 },
  { names: ["docker.io/library/redis:7.4", "redis:7.4"], sizeBytes: 45_000_000 },
  { names: ["ghcr.io/example/api:2.3.1"], sizeBytes: 180_000_000 },
];
const SIZES = [
  { cpu: "4", memory: "16Gi" },
  { cpu: "8", memory: "32Gi" },
  { cpu: "16", memory: "64Gi" },
];
const CPUS = ["100m", "250m", "500m", "1"];
const MEMS = ["128Mi", "256Mi", "512Mi", "1Gi"];
const POD_IMAGES = ["nginx:1.27", "redis:7.4", "ghcr.io/example/api:2.3.1", "registry.k8s.io/pause:3.10"];

function node(i: number): Node {
  const size = SIZES[i % 3]!;
  const name = `node-${i}`;
  const alloc = { cpu: size.cpu, memory: size.memory, pods: "110", "ephemeral-storage": "100Gi" };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "topology.kubernetes.io/region": "eu-west-1",
        "topology.kubernetes.io/zone": `eu-west-1${"abc"[i % 3]}`,
      },
    },
    spec: {},
    status: {
      capacity: alloc,
      allocatable: alloc,
      conditions: [
        { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" },
      ],
      images: IMAGES.filter((_, k) => (i + k) % 2 === 0),
    },
  };
}

function pod(i: number): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `pod-${i}`, namespace: "default", labels: { app: `app-${i % 50}` } },
    spec: {
      containers: [
        {
          name: "main",
          image: POD_IMAGES[i % POD_IMAGES.length],
          resources: { requests: { cpu: CPUS[i % 4]!, memory: MEMS[(i >> 2) % 4]! } },
        },
      ],
    },
  };
}

/** Send requests with at most `window` in flight (as a client with a connection pool). */
function sendAll(h: ControlPlaneHarness, requests: (() => number)[], window = 500): ApiResponse[] {
  const out: ApiResponse[] = [];
  for (let i = 0; i < requests.length; i += window) {
    const ids = requests.slice(i, i + window).map((r) => r());
    for (const id of ids) out.push(h.await(id));
  }
  return out;
}

interface RunResult {
  podsPerSecond: number;
  podsPerCpuSecond: number;
  virtualMs: number;
  events: number;
}

function run(seed: number): RunResult {
  const h = new ControlPlaneHarness({
    seed,
    behaviors: [kubeSchedulerBehavior],
    trace: { enabled: false },
  }).boot();
  h.request("POST", "/api/v1/namespaces/default/serviceaccounts", {
    body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } },
  });
  // Register the nodes as kubelets would (the simulated apiserver drops status on create, so
  // the kubelet's status update follows).
  const created = sendAll(
    h,
    Array.from({ length: NODES }, (_, i) => () => h.send("POST", "/api/v1/nodes", { body: node(i) })),
  );
  sendAll(
    h,
    created.map(
      (r, i) => () =>
        h.send("PUT", `/api/v1/nodes/node-${i}/status`, {
          body: { ...(r.body as Node), status: node(i).status },
        }),
    ),
  );
  const id = "kube-scheduler-cp-1";
  h.sim.addComponent(
    id,
    KUBE_SCHEDULER_KIND,
    createKubeScheduler({ hostname: "cp-1", apiServer: h.cp.loadBalancer }),
  );
  const st = () => h.sim.componentState<KubeSchedulerState>(id);
  if (!h.sim.runUntil(() => st().phase === "leading", h.sim.now + 60_000))
    throw new Error("scheduler did not lead");
  if (st().cache.nodeTree.numNodes !== NODES) throw new Error("scheduler cache is missing nodes");

  (globalThis as { gc?: () => void }).gc?.();
  const v0 = h.sim.now;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let events = 0;
  for (let i = 0; i < PODS; i++) h.send("POST", "/api/v1/namespaces/default/pods", { body: pod(i) });
  while (st().stats.scheduled < PODS) {
    const n = h.sim.advanceBy(10);
    events += n;
    if (n === 0 && h.sim.nextWakeAt() === null) throw new Error(`stalled at ${st().stats.scheduled} pods`);
    if (h.sim.now - v0 > 600_000)
      throw new Error(`only ${st().stats.scheduled} pods bound after 10 virtual minutes`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  h.sim.drainOutputs();
  return {
    podsPerSecond: PODS / seconds,
    podsPerCpuSecond: PODS / ((cpu.user + cpu.system) / 1e6),
    virtualMs: h.sim.now - v0,
    events,
  };
}

const wall: number[] = [];
const perCpu: number[] = [];
const virtual: number[] = [];
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
for (let i = 0; i < runs; i++) {
  const r = run(100 + i);
  wall.push(r.podsPerSecond);
  perCpu.push(r.podsPerCpuSecond);
  virtual.push(r.virtualMs);
  console.log(
    `run ${i + 1}: ${fmt(r.podsPerSecond)} pods/s wall clock, ${fmt(r.podsPerCpuSecond)} pods per CPU second, ${fmt(r.virtualMs)} ms virtual, ${fmt(r.events)} simulation events`,
  );
}
console.log(`load average ${os.loadavg()[0]?.toFixed(1)}`);
const figures: Figure[] = [
  {
    name: `${PODS.toLocaleString("en-US")} pods on ${NODES.toLocaleString("en-US")} nodes, API create → watch → schedule → bind (wall clock)`,
    unit: "pods/s",
    runs: wall,
    target: "≥ 5,000",
    meets: median(wall) >= 5000,
  },
  { name: "same, per CPU second (user + system)", unit: "pods/s", runs: perCpu },
  { name: "virtual time from first create to last binding", unit: "ms", runs: virtual },
];
report(
  "scheduler-component",
  "Scheduler component: pods through the API, informer, scheduling cycle and binding",
  "npm run bench -- scheduler-component",
  figures,
  "Control plane: 3 etcd members, 1 kube-apiserver, load balancer; one kube-scheduler (leader-elected) with the default profile; every pod gets its Binding and a `Scheduled` event (three etcd writes per pod, all of it inside the timed section). The virtual time is set by the scheduler's client-side rate limit (clientConnection qps 50, burst 100, as a real default kube-scheduler): 100 bindings at once, then 50 per second. Wall-clock figures depend on the machine's load (other processes share its two cores); the per-CPU-second figure is the cost of the path. The 5,000 target is the issue's figure for the scheduler alone (see the scheduler-throughput benchmark); the real kube-scheduler's CI floor for this workload is 680 pods/s.",
);
