import type { Lease } from "kubernetes-types/coordination/v1";
import type { Node } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import { formatTimestamp, parseEpoch } from "../../core/time";
import { type NodeHealth, tryUpdateNodeHealth } from "./node-health";

const T0 = parseEpoch("2025-01-01T00:00:00Z");
const at = (s: number) => T0 + s * 1000;
const ts = (s: number) => formatTimestamp(at(s));

function node(heartbeatS: number | null, status = "True", createdS = 0): Node {
  const conditions =
    heartbeatS === null
      ? []
      : [
          {
            type: "MemoryPressure",
            status: "False",
            reason: "KubeletHasSufficientMemory",
            message: "kubelet has sufficient memory available",
            lastHeartbeatTime: ts(heartbeatS),
            lastTransitionTime: ts(0),
          },
          {
            type: "DiskPressure",
            status: "False",
            reason: "KubeletHasNoDiskPressure",
            message: "kubelet has no disk pressure",
            lastHeartbeatTime: ts(heartbeatS),
            lastTransitionTime: ts(0),
          },
          {
            type: "PIDPressure",
            status: "False",
            reason: "KubeletHasSufficientPID",
            message: "kubelet has sufficient PID available",
            lastHeartbeatTime: ts(heartbeatS),
            lastTransitionTime: ts(0),
          },
          {
            type: "Ready",
            status,
            reason: "KubeletReady",
            message: "kubelet is posting ready status",
            lastHeartbeatTime: ts(heartbeatS),
            lastTransitionTime: ts(0),
          },
          {
            type: "NetworkUnavailable",
            status: "False",
            reason: "RouteCreated",
            message: "route created",
            lastHeartbeatTime: ts(0),
            lastTransitionTime: ts(0),
          },
        ];
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: "worker-1", creationTimestamp: ts(createdS) },
    status: { conditions },
  };
}

function lease(renewS: number): Lease {
  return {
    metadata: { name: "worker-1", namespace: "kube-node-lease" },
    spec: {
      holderIdentity: "worker-1",
      leaseDurationSeconds: 40,
      renewTime: formatTimestamp(at(renewS), true),
    },
  };
}

/** Run monitor passes every 5 s from `fromS` to `toS`, with the node and lease given per time. */
function passes(
  fromS: number,
  toS: number,
  world: (s: number) => { node: Node; lease?: Lease },
  saved?: NodeHealth,
): { firstUnknownAt: number | null; health: NodeHealth | undefined; lastNode: Node } {
  let health = saved;
  let firstUnknownAt: number | null = null;
  let written: Node | null = null;
  let lastNode = world(fromS).node;
  for (let s = fromS; s <= toS; s += 5) {
    const w = world(s);
    const n: Node = written ?? w.node;
    const r = tryUpdateNodeHealth(n, w.lease, health, at(s), ts(s));
    health = r.health;
    if (r.statusUpdate) {
      written = { ...n, status: r.statusUpdate };
      if (firstUnknownAt === null) firstUnknownAt = s;
    }
    lastNode = written ?? n;
  }
  return { firstUnknownAt, health, lastNode };
}

describe("tryUpdateNodeHealth", () => {
  it("keeps a node whose lease is renewed every 10 s healthy, even with an old status heartbeat", () => {
    const r = passes(0, 600, (s) => ({ node: node(0), lease: lease(Math.floor(s / 10) * 10) }));
    expect(r.firstUnknownAt).toBeNull();
  });

  it("turns a silent node Unknown after the 50 s grace period measured from the last probe", () => {
    // Kubelet renews its lease every 10 s until t=100 s, then stops.
    const r = passes(0, 300, (s) => ({
      node: node(0),
      lease: lease(Math.min(100, Math.floor(s / 10) * 10)),
    }));
    // Last new renewal seen at the pass of t=100 → Unknown at the first pass after 150 s.
    expect(r.firstUnknownAt).toBe(155);
    const ready = r.lastNode.status!.conditions!.find((c) => c.type === "Ready")!;
    expect(ready).toMatchObject({
      status: "Unknown",
      reason: "NodeStatusUnknown",
      message: "Kubelet stopped posting node status.",
      lastHeartbeatTime: ts(0),
      lastTransitionTime: ts(155),
    });
    for (const t of ["MemoryPressure", "DiskPressure", "PIDPressure"])
      expect(r.lastNode.status!.conditions!.find((c) => c.type === t)!.status).toBe("Unknown");
    // NetworkUnavailable is left to the network plugin / route controller.
    expect(r.lastNode.status!.conditions!.find((c) => c.type === "NetworkUnavailable")!.status).toBe("False");
  });

  it("writes the Unknown status once, not on every pass", () => {
    let health: NodeHealth | undefined;
    let n = node(0);
    let writes = 0;
    for (let s = 0; s <= 300; s += 5) {
      const r = tryUpdateNodeHealth(n, lease(0), health, at(s), ts(s));
      health = r.health;
      if (r.statusUpdate) {
        writes++;
        n = { ...n, status: r.statusUpdate };
      }
    }
    expect(writes).toBe(1);
  });

  it("counts status heartbeats without a lease", () => {
    const r = passes(0, 200, (s) => ({ node: node(Math.min(60, Math.floor(s / 10) * 10)) }));
    expect(r.firstUnknownAt).toBe(115);
  });

  it("gives a node that never posted status the 60 s startup grace period from its creation", () => {
    const r = passes(0, 200, () => ({ node: node(null, "True", 0) }));
    expect(r.firstUnknownAt).toBe(65);
    const conds = r.lastNode.status!.conditions!;
    expect(conds.map((c) => c.type)).toEqual(["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]);
    expect(conds[0]).toMatchObject({
      status: "Unknown",
      reason: "NodeStatusNeverUpdated",
      message: "Kubelet never posted node status.",
      lastHeartbeatTime: ts(0),
    });
  });

  it("records a Ready transition seen from the kubelet", () => {
    const first = tryUpdateNodeHealth(node(0), undefined, undefined, at(0), ts(0));
    const changed = node(10, "False");
    changed.status!.conditions!.find((c) => c.type === "Ready")!.lastTransitionTime = ts(10);
    const second = tryUpdateNodeHealth(changed, undefined, first.health, at(12), ts(12));
    expect(second.health.readyTransitionTimestamp).toBe(at(12));
    expect(second.health.probeTimestamp).toBe(at(12));
    expect(second.observedReady.status).toBe("False");
    expect(second.statusUpdate).toBeNull();
  });
});
