import type { Namespace } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import { PluginEnv } from "../../testing/plugin-env";
import { makeNode, makePod } from "../../testing/wrappers";

const zone = (z: string) => ({ "topology.kubernetes.io/zone": z });

describe("InterPodAffinity", () => {
  it("skips when neither the pod nor existing pods have required (anti-)affinity", () => {
    const env = new PluginEnv([makeNode("n1")], [makePod("a", { nodeName: "n1", labels: { app: "a" } })]);
    expect(env.filter("InterPodAffinity", makePod("p"), "n1")).toBe("Skip");
  });

  it("lets the first pod of a self-affine group in (it matches its own terms)", () => {
    const env = new PluginEnv([makeNode("n1", { labels: zone("a") })]);
    const pod = makePod("first", {
      labels: { app: "cluster" },
      affinity: {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: { matchLabels: { app: "cluster" } },
              topologyKey: "topology.kubernetes.io/zone",
            },
          ],
        },
      },
    });
    expect(env.filter("InterPodAffinity", pod, "n1")).toBeNull();
  });

  it("requires the topology label on the node for affinity terms", () => {
    const env = new PluginEnv(
      [makeNode("labelled", { labels: zone("a") }), makeNode("bare")],
      [makePod("db", { nodeName: "labelled", labels: { app: "db" } })],
    );
    const pod = makePod("api", {
      affinity: {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: "db" } }, topologyKey: "topology.kubernetes.io/zone" },
          ],
        },
      },
    });
    expect(env.filter("InterPodAffinity", pod, "labelled")).toBeNull();
    expect(env.filter("InterPodAffinity", pod, "bare")).toMatchObject({
      code: "UnschedulableAndUnresolvable",
      reasons: ["node(s) didn't match pod affinity rules"],
    });
  });

  it("applies terms to the pod's namespace unless namespaces or a namespace selector say otherwise", () => {
    const namespaces: Namespace[] = [
      { metadata: { name: "team-a", labels: { team: "a" } } },
      { metadata: { name: "team-b", labels: { team: "b" } } },
    ];
    const env = new PluginEnv(
      [makeNode("n1"), makeNode("n2")],
      [makePod("x", { nodeName: "n1", namespace: "team-b", labels: { app: "x" } })],
      {
        namespaces: () => namespaces,
      },
    );
    const anti = (term: object) =>
      makePod("p", {
        namespace: "team-a",
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              {
                labelSelector: { matchLabels: { app: "x" } },
                topologyKey: "kubernetes.io/hostname",
                ...term,
              },
            ],
          },
        },
      });
    expect(env.filter("InterPodAffinity", anti({}), "n1")).toBeNull(); // own namespace only
    expect(env.filter("InterPodAffinity", anti({ namespaces: ["team-b"] }), "n1")).toMatchObject({
      reasons: ["node(s) didn't match pod anti-affinity rules"],
    });
    expect(
      env.filter("InterPodAffinity", anti({ namespaceSelector: { matchLabels: { team: "b" } } }), "n1"),
    ).not.toBeNull();
    expect(env.filter("InterPodAffinity", anti({ namespaceSelector: {} }), "n1")).not.toBeNull(); // {} = all namespaces
    expect(env.filter("InterPodAffinity", anti({ namespaces: ["team-b"] }), "n2")).toBeNull();
  });

  it("scores existing pods' required affinity with hardPodAffinityWeight and normalises min..max", () => {
    const env = new PluginEnv(
      [makeNode("a1", { labels: zone("a") }), makeNode("b1", { labels: zone("b") })],
      [
        makePod("needs-web", {
          nodeName: "a1",
          affinity: {
            podAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                {
                  labelSelector: { matchLabels: { app: "web" } },
                  topologyKey: "topology.kubernetes.io/zone",
                },
              ],
            },
          },
        }),
      ],
    );
    expect(env.score("InterPodAffinity", makePod("web", { labels: { app: "web" } }), ["a1", "b1"])).toEqual([
      100, 0,
    ]);
    expect(
      env.score("InterPodAffinity", makePod("other", { labels: { app: "other" } }), ["a1", "b1"]),
    ).toBeNull();
  });
});
