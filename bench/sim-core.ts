/**
 * Benchmarks of the simulation core, etcd and the apiserver: `npm run bench -- sim-core`.
 * Prints medians of wall time (virtual time alongside) and writes its section of BENCHMARKS.md.
 */

import { controlPlaneBehaviors } from "../packages/sim/src/apiserver/control-plane";
import { ADMIN_USER, type ApiRequest } from "../packages/sim/src/apiserver/http";
import { ControlPlaneHarness } from "../packages/sim/src/apiserver/testing";
import { Simulation } from "../packages/sim/src/core/simulation";
import { type Figure, median, report } from "./lib/report";

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

const results: Record<string, string> = {};
const figures: Figure[] = [];

// 1. Control plane creation and boot (3 etcd members, 1 apiserver, load balancer) until the
//    apiserver's cache is ready and the bootstrap objects exist.
{
  const times: number[] = [];
  let virtual = 0;
  for (let i = 0; i < 15; i++) {
    const [h, ms] = time(() => new ControlPlaneHarness({ seed: i }).boot());
    times.push(ms);
    virtual = h.sim.now;
  }
  figures.push({
    name: "default control plane created and booted (3 etcd, 1 apiserver, LB)",
    unit: "ms",
    runs: times,
    target: "< 50 ms",
    meets: median(times) < 50,
  });
  results["control plane create+boot (3 etcd, 1 apiserver, LB)"] =
    `${median(times).toFixed(2)} ms wall (virtual ${virtual} ms)`;
}

// 2. Snapshot and restore of a booted control plane, and of one holding 1,000 ConfigMaps.
function snapshotBench(label: string, h: ControlPlaneHarness) {
  const ser: number[] = [];
  const res: number[] = [];
  let size = 0;
  for (let i = 0; i < 15; i++) {
    const [snap, a] = time(() => h.sim.serialize());
    size = snap.length;
    const [, b] = time(() => Simulation.restore(snap, controlPlaneBehaviors));
    ser.push(a);
    res.push(b);
  }
  figures.push({
    name: `${label}: serialize (${(size / 1024).toFixed(0)} KiB)`,
    unit: "ms",
    runs: ser,
    target: "< 10 ms",
    meets: median(ser) < 10,
  });
  figures.push({
    name: `${label}: restore`,
    unit: "ms",
    runs: res,
    target: "< 10 ms",
    meets: median(res) < 10,
  });
  results[`${label}: serialize`] = `${median(ser).toFixed(2)} ms, ${(size / 1024).toFixed(1)} KiB`;
  results[`${label}: restore`] = `${median(res).toFixed(2)} ms`;
  const cser: number[] = [];
  const cres: number[] = [];
  let csize = 0;
  for (let i = 0; i < 7; i++) {
    const [snap, a] = time(() => h.sim.serialize({ compact: true }));
    csize = snap.length;
    const [, b] = time(() => Simulation.restore(snap, controlPlaneBehaviors));
    cser.push(a);
    cres.push(b);
  }
  results[`${label}: serialize compact / restore`] =
    `${median(cser).toFixed(2)} ms / ${median(cres).toFixed(2)} ms, ${(csize / 1024).toFixed(1)} KiB`;
}
{
  const h = new ControlPlaneHarness({ seed: 1 }).boot();
  snapshotBench("booted control plane", h);
  for (let i = 0; i < 1000; i++) {
    h.send("POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${i}` }, data: { k: "v" } },
    });
  }
  h.sim.advanceBy(2000);
  snapshotBench("control plane + 1,000 ConfigMaps", h);
}

// 3. 100,000 writes (ConfigMap creates) through load balancer → apiserver → etcd (3 members),
//    500 in flight at a time, trace off.
{
  const runs: number[] = [];
  let detail = "";
  for (let r = 0; r < 3; r++) {
    const h = new ControlPlaneHarness({ seed: r }).boot();
    const sim = h.sim;
    const total = 100_000;
    const window = 500;
    let sent = 0;
    let done = 0;
    let failed = 0;
    const t0 = performance.now();
    const v0 = sim.now;
    let events = 0;
    const send = () => {
      const req: ApiRequest = {
        verb: "POST",
        requestId: sent,
        origin: "kubectl",
        path: "/api/v1/namespaces/default/configmaps",
        user: ADMIN_USER,
        body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `cm-${sent}` }, data: { k: "v" } },
      };
      sim.inject("kubectl", h.cp.loadBalancer, req);
      sent++;
    };
    while (sent < window) send();
    while (done < total) {
      events += sim.advanceBy(1);
      for (const o of sim.drainOutputs()) {
        if (o.msg.verb !== "RESPONSE") continue;
        done++;
        if ((o.msg as unknown as { code: number }).code !== 201) failed++;
        if (sent < total) send();
      }
    }
    const ms = performance.now() - t0;
    runs.push(ms);
    detail = `${events} events, virtual ${((sim.now - v0) / 1000).toFixed(1)} s, ${failed} failed, etcd revision ${
      sim.componentState<{ store: { revision: number } }>("etcd-0").store.revision
    }`;
  }
  const m = median(runs);
  figures.push({
    name: "writes through LB → apiserver → 3-member etcd (100k ConfigMaps)",
    unit: "writes/s",
    runs: runs.map((ms) => Math.round(100_000 / (ms / 1000))),
  });
  results["100k writes via LB+apiserver+etcd"] =
    `${m.toFixed(0)} ms wall, ${Math.round(100_000 / (m / 1000))} writes/s (${detail})`;
}

// 4. Idle cost: one virtual hour of an idle control plane (raft heartbeats, etc.).
{
  const h = new ControlPlaneHarness({ seed: 1 }).boot();
  const [events, ms] = time(() => h.sim.advanceBy(3_600_000));
  figures.push({ name: "idle control plane, one virtual hour", unit: "ms wall", runs: [ms] });
  results["idle control plane, 1 virtual hour"] = `${ms.toFixed(0)} ms wall, ${events} events`;
}

for (const [k, v] of Object.entries(results)) console.log(`${k}: ${v}`);
report(
  "sim-core",
  "Simulation core: control plane creation, snapshots, writes",
  "npm run bench -- sim-core",
  figures,
  "The snapshot figures are for the control plane alone (etcd, apiserver, load balancer); a default cluster with nodes and add-ons is measured by the cluster benchmark.",
);
