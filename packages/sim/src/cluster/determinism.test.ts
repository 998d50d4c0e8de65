/**
 * Determinism of a whole assembled cluster (issue 3, Done-when 8): the same seed and inputs give
 * a byte-identical trace however the host slices time, and a snapshot restored at any point and
 * fed the rest of the inputs gives exactly the future the uninterrupted run had.
 */
import { describe, expect, it } from "vitest";
import { Cluster } from "./cluster";
import type { ClusterInput } from "./io";
import { parseClusterSpec } from "./spec";
import { deployment } from "./testing";

interface Recorded {
  at: number;
  input: ClusterInput;
}

/** A script a learner might play: workloads, faults and repairs over four virtual minutes. */
const SCRIPT: Recorded[] = [
  {
    at: 10_000,
    input: {
      type: "api",
      method: "POST",
      path: "/apis/apps/v1/namespaces/default/deployments",
      body: deployment("web", "nginx:1.27", 3),
    },
  },
  { at: 22_500, input: { type: "fault", action: "inject", fault: "node-down", target: "worker-2" } },
  {
    at: 25_000,
    input: { type: "fault", action: "inject", fault: "scheduler-stop", target: "control-plane-1" },
  },
  {
    at: 30_500,
    input: {
      type: "api",
      method: "PATCH",
      path: "/apis/apps/v1/namespaces/default/deployments/web/scale",
      body: { spec: { replicas: 5 } },
      contentType: "application/merge-patch+json",
    },
  },
  { at: 45_000, input: { type: "fault", action: "repair", target: "control-plane-1" } },
  { at: 60_000, input: { type: "fault", action: "inject", fault: "coredns-down" } },
  { at: 75_000, input: { type: "fault", action: "inject", fault: "kubelet-stop", target: "worker-3" } },
  { at: 100_000, input: { type: "time", action: "advance", ms: 30_000 } },
  { at: 130_000, input: { type: "fault", action: "repair", target: "worker-3" } },
  { at: 150_000, input: { type: "fault", action: "repair", target: "kube-system/coredns" } },
  { at: 210_000, input: { type: "fault", action: "repair", target: "worker-2" } },
];
const END = 240_000;

function spec() {
  const r = parseClusterSpec({ preset: "kubeadm", trace: true });
  if (!r.ok) throw new Error("spec");
  return r.spec;
}

/** Run the script; `wakeEveryMs` null: only at input times. Returns the trace as JSON lines. */
function drive(c: Cluster, inputs: Recorded[], wakeEveryMs: number | null, end: number): string[] {
  const trace: string[] = [];
  const take = (outs: ReturnType<Cluster["advanceTo"]>) => {
    for (const o of outs) if (o.type === "trace") for (const e of o.events) trace.push(JSON.stringify(e));
  };
  for (const { at, input } of inputs) {
    if (wakeEveryMs !== null) while (c.now() + wakeEveryMs < at) take(c.advanceTo(c.now() + wakeEveryMs));
    take(c.advanceTo(at));
    take(c.submit(input).outputs);
  }
  if (wakeEveryMs !== null) while (c.now() + wakeEveryMs < end) take(c.advanceTo(c.now() + wakeEveryMs));
  take(c.advanceTo(end));
  return trace;
}

describe("a whole cluster is deterministic", () => {
  it("same seed and inputs: byte-identical trace and state, however the host wakes it", {
    timeout: 120_000,
  }, () => {
    const a = Cluster.create(spec(), 7);
    const traceA = drive(a, SCRIPT, 1_000, END);
    const b = Cluster.create(spec(), 7);
    const traceB = drive(b, SCRIPT, 333, END);
    expect(traceA.length).toBeGreaterThan(10_000);
    expect(traceB.join("\n")).toBe(traceA.join("\n"));
    expect(b.serialize()).toBe(a.serialize());
    // The faults are in the trace.
    expect(traceA.filter((l) => l.includes('"verb":"FAULT"'))).toHaveLength(4);
    expect(traceA.filter((l) => l.includes('"verb":"REPAIR"'))).toHaveLength(4);
    // A different seed is a different cluster (the comparison can fail).
    const other = Cluster.create(spec(), 8);
    expect(drive(other, SCRIPT, null, END).join("\n")).not.toBe(traceA.join("\n"));
  });

  it("a snapshot restored at random points has the same future", { timeout: 120_000 }, () => {
    const live = Cluster.create(spec(), 11);
    // Cut points chosen by a fixed generator (tests may not use Math.random either).
    let x = 12345;
    const next = () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x / 2 ** 31;
    };
    const cuts = [0, 1].map(() => Math.floor(next() * END));
    cuts.sort((p, q) => p - q);
    const snapshots: { at: number; snapshot: string }[] = [];
    const pending = [...SCRIPT];
    for (const cut of cuts) {
      while (pending[0] && pending[0].at <= cut) {
        const { at, input } = pending.shift()!;
        live.advanceTo(at);
        live.submit(input);
      }
      live.advanceTo(cut);
      snapshots.push({ at: cut, snapshot: live.serialize() });
    }
    for (const r of pending) {
      live.advanceTo(r.at);
      live.submit(r.input);
    }
    live.advanceTo(END);
    const final = live.serialize();
    for (const { at, snapshot } of snapshots) {
      const restored = Cluster.restore(snapshot);
      expect(restored.now()).toBe(at);
      for (const r of SCRIPT.filter((s) => s.at > at)) {
        restored.advanceTo(r.at);
        restored.submit(r.input);
      }
      restored.advanceTo(END);
      expect(restored.serialize() === final, `restored at ${at}`).toBe(true);
    }
  });
});
