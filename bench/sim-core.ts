/**
 * Benchmarks of the simulation core, etcd and the apiserver (run with `node bench/sim-core.mjs`).
 * Prints medians of wall time; virtual time is reported alongside. No assertions: numbers only.
 */

import { controlPlaneBehaviors } from "../packages/sim/src/apiserver/control-plane";
import { ADMIN_USER, type ApiRequest } from "../packages/sim/src/apiserver/http";
import { ControlPlaneHarness } from "../packages/sim/src/apiserver/testing";
import { Simulation } from "../packages/sim/src/core/simulation";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
}

const results: Record<string, string> = {};

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
        if ((o.msg as { code: number }).code !== 201) failed++;
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
  results["100k writes via LB+apiserver+etcd"] =
    `${m.toFixed(0)} ms wall, ${Math.round(100_000 / (m / 1000))} writes/s (${detail})`;
}

// 4. Idle cost: one virtual hour of an idle control plane (raft heartbeats, etc.).
{
  const h = new ControlPlaneHarness({ seed: 1 }).boot();
  const [events, ms] = time(() => h.sim.advanceBy(3_600_000));
  results["idle control plane, 1 virtual hour"] = `${ms.toFixed(0)} ms wall, ${events} events`;
}

for (const [k, v] of Object.entries(results)) console.log(`${k}: ${v}`);
