import type { Service } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import { PluginEnv } from "../../testing/plugin-env";
import { CONTROL_PLANE_TAINT, makeNode, makePod } from "../../testing/wrappers";

const zone = (z: string) => ({ "topology.kubernetes.io/zone": z });
const spread = (extra: object = {}) => ({
  maxSkew: 1,
  topologyKey: "topology.kubernetes.io/zone",
  whenUnsatisfiable: "DoNotSchedule",
  labelSelector: { matchLabels: { app: "s" } },
  ...extra,
});

describe("PodTopologySpread", () => {
  const nodes = [
    makeNode("a1", { labels: zone("a") }),
    makeNode("b1", { labels: zone("b") }),
    makeNode("c1", { labels: zone("c"), taints: [CONTROL_PLANE_TAINT] }),
  ];
  const pods = [
    makePod("x1", { nodeName: "a1", labels: { app: "s" } }),
    makePod("x2", { nodeName: "b1", labels: { app: "s" } }),
  ];

  it("counts tainted nodes' domains by default (nodeTaintsPolicy Ignore), not with Honor", () => {
    const env = new PluginEnv(nodes, pods);
    // Domains a=1, b=1, c=0: the minimum is 0, so a1 and b1 would reach skew 2.
    expect(
      env.filter(
        "PodTopologySpread",
        makePod("p", { labels: { app: "s" }, topologySpreadConstraints: [spread()] }),
        "a1",
      ),
    ).toMatchObject({
      code: "Unschedulable",
      reasons: ["node(s) didn't match pod topology spread constraints"],
    });
    const honor = makePod("p", {
      labels: { app: "s" },
      topologySpreadConstraints: [spread({ nodeTaintsPolicy: "Honor" })],
    });
    expect(env.filter("PodTopologySpread", honor, "a1")).toBeNull();
  });

  it("treats the global minimum as 0 while there are fewer domains than minDomains", () => {
    const env = new PluginEnv(nodes.slice(0, 2), pods);
    const pod = (minDomains?: number) =>
      makePod("p", {
        labels: { app: "s" },
        topologySpreadConstraints: [spread(minDomains ? { minDomains } : {})],
      });
    expect(env.filter("PodTopologySpread", pod(), "a1")).toBeNull();
    expect(env.filter("PodTopologySpread", pod(3), "a1")).not.toBeNull();
  });

  it("merges matchLabelKeys into the selector", () => {
    const env = new PluginEnv(nodes.slice(0, 2), [
      makePod("old", { nodeName: "a1", labels: { app: "s", "pod-template-hash": "v1" } }),
      makePod("old2", { nodeName: "a1", labels: { app: "s", "pod-template-hash": "v1" } }),
    ]);
    const v2 = makePod("new", {
      labels: { app: "s", "pod-template-hash": "v2" },
      topologySpreadConstraints: [spread({ matchLabelKeys: ["pod-template-hash"] })],
    });
    expect(env.filter("PodTopologySpread", v2, "a1")).toBeNull(); // v1 pods do not count
  });

  it("scores with the system defaults when the pod is selected by a Service", () => {
    const svc: Service = { metadata: { name: "s", namespace: "default" }, spec: { selector: { app: "s" } } };
    const env = new PluginEnv(
      nodes.slice(0, 2),
      [...pods, makePod("x3", { nodeName: "a1", labels: { app: "s" } })],
      { services: () => [svc] },
    );
    const scores = env.score("PodTopologySpread", makePod("p", { labels: { app: "s" } }), ["a1", "b1"]);
    expect(scores).not.toBeNull();
    const [a, b] = scores as number[];
    expect(b).toBe(100);
    expect(a).toBeLessThan(b as number);
    // Not selected by anything: nothing to spread, PreScore skips.
    expect(
      env.score("PodTopologySpread", makePod("q", { labels: { app: "lonely" } }), ["a1", "b1"]),
    ).toBeNull();
  });
});
