import { describe, expect, it } from "vitest";
import { PluginEnv } from "../../testing/plugin-env";
import { makeNode, makePod } from "../../testing/wrappers";

describe("TaintToleration", () => {
  const env = new PluginEnv([
    makeNode("gpu", { taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NoSchedule" }] }),
    makeNode("soft1", { taints: [{ key: "a", value: "1", effect: "PreferNoSchedule" }] }),
    makeNode("soft2", {
      taints: [
        { key: "a", value: "1", effect: "PreferNoSchedule" },
        { key: "b", value: "2", effect: "PreferNoSchedule" },
      ],
    }),
    makeNode("clean"),
  ]);

  it("reports the first untolerated NoSchedule/NoExecute taint with its key and value", () => {
    expect(env.filter("TaintToleration", makePod("p"), "gpu")).toMatchObject({
      code: "UnschedulableAndUnresolvable",
      reasons: ["node(s) had untolerated taint {nvidia.com/gpu: present}"],
    });
    // PreferNoSchedule never rejects.
    expect(env.filter("TaintToleration", makePod("p"), "soft2")).toBeNull();
  });

  it("matches tolerations by key, operator, value and effect", () => {
    const t = (tol: object) => env.filter("TaintToleration", makePod("p", { tolerations: [tol] }), "gpu");
    expect(t({ key: "nvidia.com/gpu", operator: "Exists" })).toBeNull();
    expect(t({ key: "nvidia.com/gpu", value: "present" })).toBeNull(); // operator "" is Equal
    expect(t({ key: "nvidia.com/gpu", operator: "Equal", value: "absent" })).not.toBeNull();
    expect(t({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoExecute" })).not.toBeNull();
    expect(t({ operator: "Exists" })).toBeNull(); // empty key + Exists tolerates everything
  });

  it("scores fewer intolerable PreferNoSchedule taints higher (reverse normalisation)", () => {
    expect(env.score("TaintToleration", makePod("p"), ["clean", "soft1", "soft2"])).toEqual([100, 50, 0]);
    const tolA = makePod("p", { tolerations: [{ key: "a", operator: "Exists" }] });
    expect(env.score("TaintToleration", tolA, ["clean", "soft1", "soft2"])).toEqual([100, 100, 0]);
  });
});
