import { describe, expect, it } from "vitest";
import { PluginEnv } from "../../testing/plugin-env";
import { makeNode, makePod } from "../../testing/wrappers";
import { balancedResourceScore } from "./node-resources-balanced-allocation";

describe("NodeResourcesBalancedAllocation", () => {
  it("is (1 − std of the usage fractions) × 100", () => {
    expect(balancedResourceScore([2000, 4 * 2 ** 30], [4000, 8 * 2 ** 30])).toBe(100);
    expect(balancedResourceScore([3000, 2 ** 30], [4000, 8 * 2 ** 30])).toBe(68); // |0.75 − 0.125| / 2 = 0.3125
    expect(balancedResourceScore([8000, 0], [4000, 8 * 2 ** 30])).toBe(50); // fractions capped at 1
    expect(balancedResourceScore([1, 1, 1], [2, 4, 8])).toBe(84); // std of 0.5, 0.25, 0.125
  });

  it("prefers the node whose cpu and memory usage would be closest", () => {
    const env = new PluginEnv(
      [makeNode("cpu-heavy", { cpu: "4", memory: "8Gi" }), makeNode("even", { cpu: "4", memory: "8Gi" })],
      [
        makePod("a", { nodeName: "cpu-heavy", cpu: "3", memory: "1Gi" }),
        makePod("b", { nodeName: "even", cpu: "2", memory: "4Gi" }),
      ],
    );
    const [heavy, even] =
      env.score("NodeResourcesBalancedAllocation", makePod("p", { cpu: "500m", memory: "1Gi" }), [
        "cpu-heavy",
        "even",
      ]) ?? [];
    expect(even).toBeGreaterThan(heavy as number);
  });
});
