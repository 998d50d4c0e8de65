import type { Node } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import { desiredNoScheduleTaints, managedNoScheduleTaints, swapTaints, taintSetDiff } from "./node-taints";

function node(conditions: Record<string, string>, taints: Node["spec"] = {}): Node {
  return {
    metadata: { name: "n" },
    spec: taints,
    status: { conditions: Object.entries(conditions).map(([type, status]) => ({ type, status })) },
  };
}

describe("node taints", () => {
  it("maps conditions to NoSchedule taints", () => {
    expect(desiredNoScheduleTaints(node({ Ready: "False", MemoryPressure: "True" }))).toEqual([
      { key: "node.kubernetes.io/not-ready", effect: "NoSchedule" },
      { key: "node.kubernetes.io/memory-pressure", effect: "NoSchedule" },
    ]);
    expect(desiredNoScheduleTaints(node({ Ready: "Unknown", DiskPressure: "False" }))).toEqual([
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
    ]);
    expect(desiredNoScheduleTaints(node({ Ready: "True" }, { unschedulable: true }))).toEqual([
      { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" },
    ]);
  });

  it("only manages its own NoSchedule taints", () => {
    const n = node(
      { Ready: "True" },
      {
        taints: [
          { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
          { key: "node.kubernetes.io/unreachable", effect: "NoSchedule" },
          { key: "node.kubernetes.io/unreachable", effect: "NoExecute" },
        ],
      },
    );
    const managed = managedNoScheduleTaints(n);
    expect(managed).toEqual([{ key: "node.kubernetes.io/unreachable", effect: "NoSchedule" }]);
    expect(taintSetDiff(desiredNoScheduleTaints(n), managed)).toEqual({ add: [], remove: managed });
  });

  it("swaps taints with timeAdded and reports no-ops", () => {
    const current = [
      { key: "a", effect: "NoSchedule" as const },
      {
        key: "node.kubernetes.io/not-ready",
        effect: "NoExecute" as const,
        timeAdded: "2025-01-01T00:00:00Z",
      },
    ];
    const swapped = swapTaints(
      current,
      [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }],
      [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }],
      "2025-01-01T00:01:00Z",
    );
    expect(swapped).toEqual([
      { key: "a", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: "2025-01-01T00:01:00Z" },
    ]);
    expect(swapTaints(current, [], [{ key: "zzz", effect: "NoExecute" }], "x")).toBeNull();
  });
});
