import { describe, expect, it } from "vitest";
import { PluginEnv } from "../../testing/plugin-env";
import { makeNode, makePod } from "../../testing/wrappers";
import { leastRequestedScore } from "./node-resources-fit";

describe("NodeResourcesFit", () => {
  it("reports every insufficient resource, and Too many pods", () => {
    const env = new PluginEnv(
      [makeNode("n", { cpu: "1", memory: "1Gi", pods: "2", extra: { "example.com/gpu": "1" } })],
      [makePod("a", { nodeName: "n", cpu: "600m", memory: "512Mi" }), makePod("b", { nodeName: "n" })],
    );
    const pod = makePod("p", {
      containers: [
        {
          name: "c",
          resources: {
            requests: { cpu: "500m", memory: "600Mi", "ephemeral-storage": "200Gi", "example.com/gpu": "2" },
          },
        },
      ],
    });
    expect(env.filter("NodeResourcesFit", pod, "n")).toEqual({
      code: "Unschedulable",
      reasons: [
        "Too many pods",
        "Insufficient cpu",
        "Insufficient memory",
        "Insufficient ephemeral-storage",
        "Insufficient example.com/gpu",
      ],
      plugin: "",
    });
  });

  it("counts init containers as a max, sidecars and overhead as additions", () => {
    const env = new PluginEnv([makeNode("n", { cpu: "2" })]);
    const pod = makePod("p", {
      containers: [{ name: "main", resources: { requests: { cpu: "500m" } } }],
      initContainers: [
        { name: "init", resources: { requests: { cpu: "1800m" } } },
        { name: "sidecar", restartPolicy: "Always", resources: { requests: { cpu: "300m" } } },
      ],
    });
    // max(500 + 300, 1800) = 1800m fits 2 CPUs; with 300m overhead it is 2100m.
    expect(env.filter("NodeResourcesFit", pod, "n")).toBeNull();
    const withOverhead = {
      ...pod,
      spec: { ...pod.spec, containers: pod.spec?.containers ?? [], overhead: { cpu: "300m" } },
    };
    expect(env.filter("NodeResourcesFit", withOverhead, "n")).toMatchObject({
      reasons: ["Insufficient cpu"],
    });
    // A sidecar started before an init container runs beside it: 300 + 1800 = 2100m > 2 CPUs.
    const sidecarFirst = makePod("s", {
      containers: [{ name: "main", resources: { requests: { cpu: "500m" } } }],
      initContainers: [
        { name: "sidecar", restartPolicy: "Always", resources: { requests: { cpu: "300m" } } },
        { name: "init", resources: { requests: { cpu: "1800m" } } },
      ],
    });
    expect(env.filter("NodeResourcesFit", sidecarFirst, "n")).toMatchObject({
      reasons: ["Insufficient cpu"],
    });
  });

  it("does not check resources the pod does not request, even on an over-committed node", () => {
    const env = new PluginEnv([makeNode("n", { cpu: "1" })], [makePod("hog", { nodeName: "n", cpu: "2" })]);
    expect(env.filter("NodeResourcesFit", makePod("p", { memory: "10Mi" }), "n")).toBeNull();
  });

  it("scores least allocated nodes higher, using 100m/200Mi for containers without requests", () => {
    expect(leastRequestedScore(1000, 4000)).toBe(75);
    expect(leastRequestedScore(5000, 4000)).toBe(0);
    const env = new PluginEnv(
      [makeNode("empty", { cpu: "4", memory: "8Gi" }), makeNode("busy", { cpu: "4", memory: "8Gi" })],
      [makePod("x", { nodeName: "busy", cpu: "2", memory: "4Gi" })],
    );
    // Pod without requests counts 100m and 200Mi. empty: cpu (4000-100)/4000 → 97, mem (8192-200)/8192 → 97.
    // busy: cpu (4000-2100)/4000 → 47, mem (8192-4296)/8192 → 47.
    expect(env.score("NodeResourcesFit", makePod("p"), ["empty", "busy"])).toEqual([97, 47]);
  });
});
