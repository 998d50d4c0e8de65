import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { describe, expect, it } from "vitest";
import { newPodInfo } from "../../framework/pod-info";
import { makePod } from "../../testing/wrappers";
import { filterPodsWithPDBViolation, moreImportantPod } from "./default-preemption";

describe("DefaultPreemption helpers", () => {
  it("orders victims by priority, then by start time (earlier started is more important)", () => {
    const a = newPodInfo(makePod("a", { priority: 10, startTime: "2025-01-01T00:00:00Z" }));
    const b = newPodInfo(makePod("b", { priority: 10, startTime: "2025-01-02T00:00:00Z" }));
    const c = newPodInfo(makePod("c", { priority: 20 }));
    expect(moreImportantPod(c, a)).toBe(true);
    expect(moreImportantPod(a, b)).toBe(true);
    expect(moreImportantPod(b, a)).toBe(false);
  });

  it("splits victims by PDB violation, decrementing the budget as it goes", () => {
    const pdb: PodDisruptionBudget = {
      metadata: { name: "web", namespace: "default" },
      spec: { selector: { matchLabels: { app: "web" } } },
      status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 },
    };
    const pods = ["w1", "w2", "w3"].map((n) => newPodInfo(makePod(n, { labels: { app: "web" } })));
    const other = newPodInfo(makePod("o", { labels: { app: "other" } }));
    const { violating, nonViolating } = filterPodsWithPDBViolation([...pods, other], [pdb]);
    expect(nonViolating.map((p) => p.name)).toEqual(["w1", "o"]);
    expect(violating.map((p) => p.name)).toEqual(["w2", "w3"]);
  });
});
