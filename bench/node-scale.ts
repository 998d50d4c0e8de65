/**
 * Nodes at scale: N nodes (kubelet + containerd each) with P pods per node running, then ten
 * minutes of virtual time (node status every 10 s, Lease renewals every 10 s, 5-minute status
 * reports, readiness probes of the pods that have them). Target (issue 4, done-when 7): 1,000
 * nodes with 30,000 running pods advance ten minutes in at most 10 s of wall time.
 *
 * Workload: pods bound directly to nodes (`spec.nodeName`, no scheduler), round-robin over
 * nginx, redis, `busybox sleep 3600…` and a generic application image; one pod in ten has an HTTP
 * readiness probe (periodSeconds 10). Control plane: 3 etcd members, 1 apiserver, LB. Trace off.
 * Prints the figures; it does not write BENCHMARKS.md.
 *
 *   npm run bench -- node-scale [nodes] [podsPerNode]
 */
import type { KubeObject } from "../packages/sim/src/api/types";
import { ControlPlaneHarness } from "../packages/sim/src/apiserver/testing";
import type { KubeletState } from "../packages/sim/src/node/kubelet/state";
import {
  addNode,
  nodeAuthorizationObjects,
  nodeBehaviors,
  PAUSE_IMAGE,
} from "../packages/sim/src/node/node-host";

const NODES = Number(process.argv[2] ?? 1_000);
const PER_NODE = Number(process.argv[3] ?? 30);
const PODS = NODES * PER_NODE;

const t0 = performance.now();
const h = new ControlPlaneHarness({ seed: 7, behaviors: nodeBehaviors }).boot();
for (const obj of nodeAuthorizationObjects()) {
  const path =
    obj.kind === "ClusterRole"
      ? "/apis/rbac.authorization.k8s.io/v1/clusterroles"
      : "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings";
  h.request("POST", path, { body: obj });
}
h.request("POST", "/api/v1/namespaces/default/serviceaccounts", {
  body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } },
});
const images = ["nginx:1.27.3", "redis:7.4.1", "busybox:1.36", "registry.example.com/shop/cart:2.3.1"];
for (let i = 0; i < NODES; i++) {
  addNode(
    h.sim,
    {
      name: `node-${String(i).padStart(4, "0")}`,
      ip: `10.${Math.floor(i / 250)}.${i % 250}.${10}`,
      index: i,
      // The workload's images are already on the nodes (a warm cluster).
      prePulledImages: [PAUSE_IMAGE, ...images],
    },
    h.cp.loadBalancer,
  );
}
h.sim.advanceBy(15_000);
const tNodes = performance.now();

function pod(i: number): KubeObject {
  const node = `node-${String(i % NODES).padStart(4, "0")}`;
  const image = images[i % images.length]!;
  const c: Record<string, unknown> = { name: "app", image };
  if (image.startsWith("busybox")) c.command = ["sh", "-c", "echo started; sleep 360000"];
  if (i % 10 === 0 && image.startsWith("nginx"))
    c.readinessProbe = {
      httpGet: { path: "/", port: 80 },
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `pod-${i}`, namespace: "default" },
    spec: { nodeName: node, containers: [c] },
  };
}

// Create the pods in waves (the API server's throughput is the limit here, not the nodes).
const WAVE = 2_000;
for (let i = 0; i < PODS; i += WAVE) {
  for (let j = i; j < Math.min(PODS, i + WAVE); j++)
    h.send("POST", "/api/v1/namespaces/default/pods", { body: pod(j) });
  h.sim.advanceBy(2_000);
  h.sim.drainOutputs();
}
const kubelets = Object.keys(h.sim.state.components).filter((id) => id.startsWith("kubelet-"));
function running(): number {
  let n = 0;
  for (const id of kubelets) {
    const k = h.sim.componentState<KubeletState>(id);
    for (const w of Object.values(k.workers))
      if (w.containers.app?.[w.containers.app.length - 1]?.state === "CONTAINER_RUNNING") n++;
  }
  return n;
}
for (let i = 0; i < 60 && running() < PODS; i++) {
  h.sim.advanceBy(5_000);
  h.sim.drainOutputs();
}
const tPods = performance.now();
const runningPods = running();
h.sim.drainOutputs();

// The measured part: ten minutes of a steady cluster.
const v0 = h.sim.now;
const tA = performance.now();
const cpuA = process.cpuUsage();
const events = h.sim.advanceBy(600_000);
const cpu = process.cpuUsage(cpuA);
const tB = performance.now();
h.sim.drainOutputs();

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(
  `nodes: ${NODES}, pods: ${PODS} (running: ${runningPods}), virtual time at start of measure: ${(v0 / 1000).toFixed(0)} s`,
);
console.log(
  `setup: control plane + nodes registered ${fmt(tNodes - t0)}; pods created and running ${fmt(tPods - tNodes)}`,
);
console.log(
  `ten virtual minutes: ${fmt(tB - tA)} wall (${events.toLocaleString("en-US")} events, ${Math.round(events / ((tB - tA) / 1000)).toLocaleString("en-US")} events/s) — target ≤ 10 s: ${tB - tA <= 10_000 ? "met" : "NOT met"}`,
);
// On a shared machine wall time includes waiting for a core: the process's CPU time is printed too.
console.log(`  CPU time of the process for those ten minutes: ${fmt((cpu.user + cpu.system) / 1000)}`);
console.log(`memory: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB heap`);
