import { describe, expect, it } from "vitest";
import { PluginEnv } from "../../testing/plugin-env";
import { makeNode, makePod } from "../../testing/wrappers";

describe("NodeName", () => {
  const env = new PluginEnv([makeNode("n1"), makeNode("n2")]);
  it("passes pods without spec.nodeName and the named node", () => {
    expect(env.filter("NodeName", makePod("a"), "n1")).toBeNull();
    expect(env.filter("NodeName", makePod("b", { containers: [{ name: "c" }] }), "n2")).toBeNull();
  });
  it("rejects other nodes, unresolvably", () => {
    const pod = makePod("p");
    pod.spec = { ...pod.spec, containers: pod.spec?.containers ?? [], nodeName: "n2" };
    expect(env.filter("NodeName", pod, "n2")).toBeNull();
    expect(env.filter("NodeName", pod, "n1")).toMatchObject({
      code: "UnschedulableAndUnresolvable",
      reasons: ["node(s) didn't match the requested node name"],
    });
  });
});
