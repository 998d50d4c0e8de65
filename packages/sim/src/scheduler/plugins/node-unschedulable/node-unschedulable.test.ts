import { describe, expect, it } from "vitest";
import { PluginEnv } from "../../testing/plugin-env";
import { makeNode, makePod } from "../../testing/wrappers";

describe("NodeUnschedulable", () => {
  const env = new PluginEnv([makeNode("ok"), makeNode("cordoned", { unschedulable: true })]);
  it("rejects cordoned nodes", () => {
    expect(env.filter("NodeUnschedulable", makePod("p"), "ok")).toBeNull();
    expect(env.filter("NodeUnschedulable", makePod("p"), "cordoned")).toMatchObject({
      code: "UnschedulableAndUnresolvable",
      reasons: ["node(s) were unschedulable"],
    });
  });
  it("lets pods tolerating node.kubernetes.io/unschedulable:NoSchedule through (and only those)", () => {
    const tolerates = makePod("ds", {
      tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }],
    });
    expect(env.filter("NodeUnschedulable", tolerates, "cordoned")).toBeNull();
    const wrongEffect = makePod("x", {
      tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoExecute" }],
    });
    expect(env.filter("NodeUnschedulable", wrongEffect, "cordoned")).not.toBeNull();
    const all = makePod("all", { tolerations: [{ operator: "Exists" }] });
    expect(env.filter("NodeUnschedulable", all, "cordoned")).toBeNull();
  });
});
