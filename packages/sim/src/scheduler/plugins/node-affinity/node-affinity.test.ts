import { describe, expect, it } from "vitest";
import { defaultProfile } from "../../framework/profile";
import { PluginEnv } from "../../testing/plugin-env";
import { makeNode, makePod } from "../../testing/wrappers";

const nodes = [
  makeNode("n1", { labels: { zone: "a", gen: "3" } }),
  makeNode("n2", { labels: { zone: "b", gen: "5" } }),
  makeNode("n3", { labels: { zone: "c" } }),
];

describe("NodeAffinity", () => {
  const env = new PluginEnv(nodes);

  it("skips pods without node selector or required affinity", () => {
    expect(env.filter("NodeAffinity", makePod("p"), "n1")).toBe("Skip");
  });

  it("nodeSelector AND required terms; terms are ORed; an empty term matches nothing", () => {
    const pod = makePod("p", {
      nodeSelector: { zone: "b" },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: "gen", operator: "Lt", values: ["4"] }] },
              { matchExpressions: [{ key: "gen", operator: "Exists" }] },
            ],
          },
        },
      },
    });
    expect(env.filter("NodeAffinity", pod, "n2")).toBeNull();
    expect(env.filter("NodeAffinity", pod, "n1")).toMatchObject({
      reasons: ["node(s) didn't match Pod's node affinity/selector"],
    });
    const empty = makePod("e", {
      affinity: {
        nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}] } },
      },
    });
    expect(env.filter("NodeAffinity", empty, "n1")).not.toBeNull();
    const doesNotExist = makePod("d", {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "gen", operator: "DoesNotExist" }] }],
          },
        },
      },
    });
    expect(env.filter("NodeAffinity", doesNotExist, "n3")).toBeNull();
    expect(env.filter("NodeAffinity", doesNotExist, "n1")).not.toBeNull();
  });

  it("narrows to metadata.name nodes, and rejects conflicting name terms in PreFilter", () => {
    const named = (values: string[][]) =>
      makePod("x", {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: values.map((v) => ({
                matchFields: v.map((name) => ({ key: "metadata.name", operator: "In", values: [name] })),
              })),
            },
          },
        },
      });
    expect([...(env.preFilter("NodeAffinity", named([["n1"], ["n3"]])).nodeNames ?? [])].sort()).toEqual([
      "n1",
      "n3",
    ]);
    expect(env.preFilter("NodeAffinity", named([["n1", "n2"]])).status).toMatchObject({
      code: "UnschedulableAndUnresolvable",
      reasons: ["pod affinity terms conflict"],
    });
  });

  it("scores the summed weights of matching preferred terms, normalised to 100", () => {
    const pod = makePod("p", {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 20,
              preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }] },
            },
            { weight: 60, preference: { matchExpressions: [{ key: "gen", operator: "Gt", values: ["4"] }] } },
          ],
        },
      },
    });
    expect(env.score("NodeAffinity", pod, ["n1", "n2", "n3"])).toEqual([25, 100, 0]);
    expect(env.score("NodeAffinity", makePod("none"), ["n1"])).toBeNull();
  });

  it("enforces the profile's addedAffinity", () => {
    const profile = defaultProfile();
    profile.pluginConfig = {
      NodeAffinity: {
        addedAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }],
          },
        },
      },
    };
    const e = new PluginEnv(nodes, [], {}, profile);
    expect(e.filter("NodeAffinity", makePod("p"), "n1")).toBeNull();
    expect(e.filter("NodeAffinity", makePod("p"), "n2")).toMatchObject({
      reasons: ["node(s) didn't match scheduler-enforced node affinity"],
    });
  });
});
