import type { ReplicaSet } from "kubernetes-types/apps/v1";
import type { Pod } from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { describe, expect, it } from "vitest";
import {
  numFeasibleNodesToFind,
  type ScheduledResult,
  type ScheduleOneResult,
  type UnschedulableResult,
} from "./schedule-one";
import { Harness } from "./testing/harness";
import { CONTROL_PLANE_TAINT, makeNode, makePod } from "./testing/wrappers";

function scheduled(r: ScheduleOneResult): ScheduledResult {
  if (r.outcome !== "Scheduled")
    throw new Error(`expected Scheduled, got ${r.outcome}: ${"message" in r ? r.message : ""}`);
  return r;
}

function failed(r: ScheduleOneResult): UnschedulableResult {
  if (r.outcome !== "Unschedulable") throw new Error(`expected Unschedulable, got ${r.outcome}`);
  return r;
}

/** One tainted control-plane node and three workers (2 CPUs each). */
function kubeadmCluster(workerCpu = "2"): Harness {
  return new Harness({
    nodes: [
      makeNode("control-plane", {
        labels: { "node-role.kubernetes.io/control-plane": "" },
        taints: [CONTROL_PLANE_TAINT],
      }),
      makeNode("worker-1", { cpu: workerCpu }),
      makeNode("worker-2", { cpu: workerCpu }),
      makeNode("worker-3", { cpu: workerCpu }),
    ],
  });
}

describe("scheduleOne", () => {
  it("places three replicas on the workers, never on the tainted control-plane node", () => {
    const h = kubeadmCluster();
    const hosts = ["a", "b", "c"].map(
      (n) => scheduled(h.schedule(makePod(`web-${n}`, { cpu: "100m", memory: "128Mi" }))).suggestedHost,
    );
    expect(hosts.every((n) => n.startsWith("worker-"))).toBe(true);
    // LeastAllocated + BalancedAllocation spread identical pods over identical empty workers.
    expect(new Set(hosts).size).toBe(3);
  });

  it("gives the real FailedScheduling text when the pod fits nowhere (taint + insufficient cpu + preemption)", () => {
    const h = kubeadmCluster("1");
    for (const w of ["worker-1", "worker-2", "worker-3"]) {
      scheduled(
        h.schedule(makePod(`filler-${w}`, { cpu: "800m", nodeSelector: { "kubernetes.io/hostname": w } })),
      );
    }
    const r = failed(h.schedule(makePod("big", { cpu: "500m" })));
    expect(r.message).toBe(
      "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.",
    );
    expect(r.eventMessage).toBe(r.message);
    expect(r.reason).toBe("Unschedulable");
    // Every node's decision is recorded, with the plugin that made it.
    expect(r.diagnosis.nodeToStatus.nodes["control-plane"]).toMatchObject({
      plugin: "TaintToleration",
      code: "UnschedulableAndUnresolvable",
    });
    expect(r.diagnosis.nodeToStatus.nodes["worker-2"]).toMatchObject({
      plugin: "NodeResourcesFit",
      code: "Unschedulable",
      reasons: ["Insufficient cpu"],
    });
    expect(r.diagnosis.unschedulablePlugins).toEqual(["NodeResourcesFit", "TaintToleration"]);
    expect(r.victims).toEqual([]);
  });

  it("lists every insufficient resource of a node and sorts the histogram as strings", () => {
    const nodes = Array.from({ length: 12 }, (_, i) => makeNode(`n${i}`, { cpu: "1", memory: "1Gi" }));
    const h = new Harness({ nodes });
    const r = failed(h.schedule(makePod("huge", { cpu: "2", memory: "2Gi", preemptionPolicy: "Never" })));
    // "12 …" sorts before "2 …" because Go sorts the "<count> <reason>" strings.
    expect(r.message).toBe(
      "0/12 nodes are available: 12 Insufficient cpu, 12 Insufficient memory. preemption: not eligible due to preemptionPolicy=Never.",
    );
  });

  it("a PreFilter rejection replaces the node histogram (unbound immediate PVC)", () => {
    const h = new Harness({
      nodes: [makeNode("n1"), makeNode("n2"), makeNode("n3")],
      listers: {
        persistentVolumeClaim: (ns, name) =>
          ns === "default" && name === "data"
            ? { metadata: { name: "data", namespace: "default" }, spec: { storageClassName: "" } }
            : undefined,
      },
    });
    const r = failed(
      h.schedule(makePod("db", { volumes: [{ name: "d", persistentVolumeClaim: { claimName: "data" } }] })),
    );
    expect(r.message).toBe(
      "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    expect(r.diagnosis.unschedulablePlugins).toEqual(["VolumeBinding"]);
  });

  it("reports the no-node case", () => {
    const h = new Harness();
    const r = failed(h.schedule(makePod("p")));
    expect(r.message).toBe("no nodes available to schedule pods");
  });

  it("records per-plugin scores for the scored nodes", () => {
    const h = new Harness({
      nodes: [
        makeNode("small", { cpu: "2", memory: "4Gi" }),
        makeNode("large", { cpu: "8", memory: "32Gi" }),
      ],
    });
    const r = scheduled(h.schedule(makePod("p", { cpu: "1", memory: "1Gi" })));
    expect(r.suggestedHost).toBe("large");
    expect([...(r.scores?.nodes ?? [])].sort()).toEqual(["large", "small"]);
    const names = r.scores?.plugins.map((p) => p.name);
    expect(names).toEqual([
      "TaintToleration",
      "NodeResourcesFit",
      "NodeResourcesBalancedAllocation",
      "ImageLocality",
    ]);
    const fit = r.scores?.plugins.find((p) => p.name === "NodeResourcesFit");
    const li = r.scores?.nodes.indexOf("large") ?? -1;
    // LeastAllocated: cpu (8000-1000)*100/8000 = 87, memory (32Gi-1Gi)*100/32Gi = 96 → (87+96)/2 = 91.
    expect(fit?.scores[li]).toBe(91);
    // TaintToleration weight 3 × 100 (no intolerable PreferNoSchedule taints).
    expect(r.scores?.plugins[0]?.scores[li]).toBe(300);
    expect(r.topNodes[0]?.name).toBe("large");
  });

  it("skips pods that are being deleted", () => {
    const h = kubeadmCluster();
    const pod = makePod("gone");
    pod.metadata = { ...pod.metadata, deletionTimestamp: "2025-01-01T00:00:00Z" };
    const r = h.schedule(pod);
    expect(r).toMatchObject({ outcome: "Skipped", eventMessage: "skip schedule deleting pod: default/gone" });
  });
});

describe("taints and tolerations", () => {
  it("a toleration lets a pod onto the control-plane node; NoExecute taints also repel", () => {
    const h = new Harness({
      nodes: [
        makeNode("cp", { taints: [CONTROL_PLANE_TAINT] }),
        makeNode("drained", { taints: [{ key: "maintenance", value: "true", effect: "NoExecute" }] }),
      ],
    });
    const r = failed(h.schedule(makePod("p1")));
    expect(r.message).toBe(
      "0/2 nodes are available: 1 node(s) had untolerated taint {maintenance: true}, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
    );
    const ok = scheduled(
      h.schedule(
        makePod("p2", {
          tolerations: [
            { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
          ],
        }),
      ),
    );
    expect(ok.suggestedHost).toBe("cp");
    const ok2 = scheduled(
      h.schedule(makePod("p3", { tolerations: [{ key: "maintenance", operator: "Equal", value: "true" }] })),
    );
    expect(ok2.suggestedHost).toBe("drained");
  });

  it("PreferNoSchedule taints push pods elsewhere without forbidding the node", () => {
    const h = new Harness({
      nodes: [
        makeNode("soft", { taints: [{ key: "spot", value: "yes", effect: "PreferNoSchedule" }] }),
        makeNode("plain"),
      ],
    });
    for (let i = 0; i < 3; i++)
      expect(scheduled(h.schedule(makePod(`p${i}`, { cpu: "100m" }))).suggestedHost).toBe("plain");
    const alone = new Harness({
      nodes: [makeNode("soft", { taints: [{ key: "spot", value: "yes", effect: "PreferNoSchedule" }] })],
    });
    expect(scheduled(alone.schedule(makePod("p"))).suggestedHost).toBe("soft");
  });

  it("cordoned nodes are rejected unless the pod tolerates node.kubernetes.io/unschedulable", () => {
    const h = new Harness({ nodes: [makeNode("cordoned", { unschedulable: true })] });
    expect(failed(h.schedule(makePod("p"))).message).toBe(
      "0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    );
    const ds = makePod("ds", {
      tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }],
    });
    expect(scheduled(h.schedule(ds)).suggestedHost).toBe("cordoned");
  });
});

describe("node affinity", () => {
  const zoned = () =>
    new Harness({
      nodes: [
        makeNode("a1", { labels: { "topology.kubernetes.io/zone": "a", disk: "ssd", cores: "8" } }),
        makeNode("b1", { labels: { "topology.kubernetes.io/zone": "b", disk: "hdd", cores: "4" } }),
        makeNode("c1", { labels: { "topology.kubernetes.io/zone": "c", cores: "16" } }),
      ],
    });

  it("nodeSelector and required terms (In, NotIn, Gt) restrict placement", () => {
    const h = zoned();
    expect(scheduled(h.schedule(makePod("sel", { nodeSelector: { disk: "ssd" } }))).suggestedHost).toBe("a1");
    const gt = makePod("gt", {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: "cores", operator: "Gt", values: ["8"] }] }],
          },
        },
      },
    });
    expect(scheduled(h.schedule(gt)).suggestedHost).toBe("c1");
    const notIn = makePod("notin", {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  { key: "topology.kubernetes.io/zone", operator: "NotIn", values: ["a", "c"] },
                ],
              },
            ],
          },
        },
      },
    });
    expect(scheduled(h.schedule(notIn)).suggestedHost).toBe("b1");
    const none = failed(h.schedule(makePod("none", { nodeSelector: { disk: "nvme" } })));
    expect(none.message).toBe(
      "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
  });

  it("preferred terms pick the node with the highest summed weight", () => {
    const h = zoned();
    const pod = makePod("pref", {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 10,
              preference: { matchExpressions: [{ key: "disk", operator: "In", values: ["hdd"] }] },
            },
            {
              weight: 50,
              preference: { matchExpressions: [{ key: "cores", operator: "Gt", values: ["10"] }] },
            },
          ],
        },
      },
    });
    const r = scheduled(h.schedule(pod));
    expect(r.suggestedHost).toBe("c1");
    const na = r.scores?.plugins.find((p) => p.name === "NodeAffinity");
    // Normalised to 100 for the best node, then × weight 2.
    expect(na?.scores[r.scores?.nodes.indexOf("c1") ?? -1]).toBe(200);
    expect(na?.scores[r.scores?.nodes.indexOf("b1") ?? -1]).toBe(2 * Math.trunc((100 * 10) / 50));
  });

  it("metadata.name field terms narrow the nodes in PreFilter", () => {
    const h = zoned();
    const pod = makePod("pinned", {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["b1"] }] }],
          },
        },
      },
    });
    const r = scheduled(h.schedule(pod));
    expect(r.suggestedHost).toBe("b1");
    expect(r.evaluatedNodes).toBe(1);
  });
});

describe("inter-pod affinity", () => {
  const antiAffinity = (app: string): NonNullable<Pod["spec"]>["affinity"] => ({
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { app } }, topologyKey: "kubernetes.io/hostname" },
      ],
    },
  });

  it("required anti-affinity spreads replicas one per node, and the fourth replica stays Pending", () => {
    const h = new Harness({ nodes: [makeNode("n1"), makeNode("n2"), makeNode("n3")] });
    const hosts = [1, 2, 3].map(
      (i) =>
        scheduled(h.schedule(makePod(`web-${i}`, { labels: { app: "web" }, affinity: antiAffinity("web") })))
          .suggestedHost,
    );
    expect(new Set(hosts)).toEqual(new Set(["n1", "n2", "n3"]));
    const r = failed(h.schedule(makePod("web-4", { labels: { app: "web" }, affinity: antiAffinity("web") })));
    expect(r.message).toBe(
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
  });

  it("an existing pod's anti-affinity keeps matching pods off its node", () => {
    const h = new Harness({
      nodes: [makeNode("n1"), makeNode("n2")],
      pods: [makePod("loner", { nodeName: "n1", labels: { app: "loner" }, affinity: antiAffinity("noisy") })],
    });
    expect(scheduled(h.schedule(makePod("noisy", { labels: { app: "noisy" } }))).suggestedHost).toBe("n2");
    const h1 = new Harness({
      nodes: [makeNode("n1")],
      pods: [makePod("loner", { nodeName: "n1", labels: { app: "loner" }, affinity: antiAffinity("noisy") })],
    });
    expect(failed(h1.schedule(makePod("noisy", { labels: { app: "noisy" } }))).message).toBe(
      "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
  });

  it("required pod affinity co-locates with matching pods in the same zone", () => {
    const h = new Harness({
      nodes: [
        makeNode("a1", { labels: { "topology.kubernetes.io/zone": "a" } }),
        makeNode("a2", { labels: { "topology.kubernetes.io/zone": "a" } }),
        makeNode("b1", { labels: { "topology.kubernetes.io/zone": "b" } }),
      ],
      pods: [makePod("db", { nodeName: "a1", labels: { app: "db" } })],
    });
    const affinity: NonNullable<Pod["spec"]>["affinity"] = {
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { app: "db" } }, topologyKey: "topology.kubernetes.io/zone" },
        ],
      },
    };
    for (let i = 0; i < 4; i++) {
      const host = scheduled(h.schedule(makePod(`api-${i}`, { affinity }))).suggestedHost;
      expect(["a1", "a2"]).toContain(host);
    }
    const alone = new Harness({
      nodes: [makeNode("b1", { labels: { "topology.kubernetes.io/zone": "b" } })],
    });
    expect(failed(alone.schedule(makePod("api", { affinity }))).message).toBe(
      "0/1 nodes are available: 1 node(s) didn't match pod affinity rules. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
    );
  });

  it("preferred anti-affinity scores nodes already hosting a replica lower", () => {
    const h = new Harness({
      nodes: [makeNode("n1"), makeNode("n2")],
      pods: [makePod("cache-0", { nodeName: "n1", labels: { app: "cache" } })],
    });
    const r = scheduled(
      h.schedule(
        makePod("cache-1", {
          labels: { app: "cache" },
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    labelSelector: { matchLabels: { app: "cache" } },
                    topologyKey: "kubernetes.io/hostname",
                  },
                },
              ],
            },
          },
        }),
      ),
    );
    expect(r.suggestedHost).toBe("n2");
    const ipa = r.scores?.plugins.find((p) => p.name === "InterPodAffinity");
    expect(ipa?.scores[r.scores?.nodes.indexOf("n2") ?? -1]).toBe(200);
    expect(ipa?.scores[r.scores?.nodes.indexOf("n1") ?? -1]).toBe(0);
  });
});

describe("preemption", () => {
  it("a higher-priority pod preempts a lower-priority one, is nominated, and lands there once the victim is gone", () => {
    const h = new Harness({
      nodes: [makeNode("n1", { cpu: "1" }), makeNode("n2", { cpu: "1" })],
    });
    const low = scheduled(
      h.schedule(
        makePod("low", { cpu: "800m", priority: 10, nodeSelector: { "kubernetes.io/hostname": "n1" } }),
      ),
    );
    scheduled(
      h.schedule(
        makePod("mid", { cpu: "800m", priority: 500, nodeSelector: { "kubernetes.io/hostname": "n2" } }),
      ),
    );
    expect(low.suggestedHost).toBe("n1");

    h.enqueue(makePod("high", { cpu: "500m", priority: 1000 }));
    const [first] = h.drain();
    const r = failed(first as ScheduleOneResult);
    // Preemption succeeded: the message lists the filter reasons only, and the pod is nominated.
    expect(r.message).toBe("0/2 nodes are available: 2 Insufficient cpu.");
    expect(r.nominatingInfo).toEqual({ mode: "Override", nominatedNodeName: "n1" });
    expect(r.victims.map((v) => v.metadata?.name)).toEqual(["low"]);
    expect(
      h.queue
        .nominator()
        .nominatedPodsForNode("n1")
        .map((p) => p.name),
    ).toEqual(["high"]);

    // A pod of lower priority cannot take the room kept for the nominated pod.
    h.deletePod(h.pods.get("low") as Pod);
    const sneaky = failed(h.schedule(makePod("sneaky", { cpu: "600m", priority: 5 })));
    expect(sneaky.diagnosis.nodeToStatus.nodes.n1?.reasons).toEqual(["Insufficient cpu"]);

    // The victim is gone: the preemptor is retried and lands on its nominated node.
    h.now += 2_000;
    h.queue.moveAllToActiveOrBackoffQueue(
      { resource: "AssignedPod", actionType: 2, label: "AssignedPodDelete" },
      h.now,
    );
    h.queue.flushBackoffQCompleted(h.now);
    const [second] = h.drain();
    expect(scheduled(second as ScheduleOneResult).suggestedHost).toBe("n1");
    expect(h.queue.nominator().nominatedPodsForNode("n1")).toEqual([]);
  });

  it("respects PodDisruptionBudgets when choosing the node", () => {
    const pdb: PodDisruptionBudget = {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "guard", namespace: "default" },
      spec: { selector: { matchLabels: { app: "guarded" } } },
      status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 },
    };
    const h = new Harness({
      nodes: [makeNode("n1", { cpu: "1" }), makeNode("n2", { cpu: "1" })],
      listers: { podDisruptionBudgets: () => [pdb] },
    });
    scheduled(
      h.schedule(
        makePod("guarded", {
          cpu: "800m",
          priority: 1,
          labels: { app: "guarded" },
          nodeSelector: { "kubernetes.io/hostname": "n1" },
        }),
      ),
    );
    scheduled(
      h.schedule(
        makePod("free", {
          cpu: "800m",
          priority: 1,
          labels: { app: "free" },
          nodeSelector: { "kubernetes.io/hostname": "n2" },
        }),
      ),
    );
    const r = failed(h.schedule(makePod("vip", { cpu: "500m", priority: 100 })));
    expect(r.nominatingInfo?.nominatedNodeName).toBe("n2");
    expect(r.victims.map((v) => v.metadata?.name)).toEqual(["free"]);
  });

  it("keeps the victims minimal and prefers lower-priority victims", () => {
    const h = new Harness({ nodes: [makeNode("n1", { cpu: "2" }), makeNode("n2", { cpu: "2" })] });
    scheduled(
      h.schedule(
        makePod("a", { cpu: "900m", priority: 100, nodeSelector: { "kubernetes.io/hostname": "n1" } }),
      ),
    );
    scheduled(
      h.schedule(
        makePod("b", { cpu: "900m", priority: 100, nodeSelector: { "kubernetes.io/hostname": "n1" } }),
      ),
    );
    scheduled(
      h.schedule(
        makePod("c", { cpu: "900m", priority: 50, nodeSelector: { "kubernetes.io/hostname": "n2" } }),
      ),
    );
    scheduled(
      h.schedule(
        makePod("d", { cpu: "900m", priority: 50, nodeSelector: { "kubernetes.io/hostname": "n2" } }),
      ),
    );
    const r = failed(h.schedule(makePod("new", { cpu: "1", priority: 1000 })));
    expect(r.nominatingInfo?.nominatedNodeName).toBe("n2");
    expect(r.victims).toHaveLength(1);
  });
});

describe("pod topology spread", () => {
  const zones = () =>
    new Harness({
      nodes: [
        makeNode("a1", { labels: { "topology.kubernetes.io/zone": "a" } }),
        makeNode("a2", { labels: { "topology.kubernetes.io/zone": "a" } }),
        makeNode("b1", { labels: { "topology.kubernetes.io/zone": "b" } }),
        makeNode("nozone"),
      ],
    });
  const constraint = {
    maxSkew: 1,
    topologyKey: "topology.kubernetes.io/zone",
    whenUnsatisfiable: "DoNotSchedule",
    labelSelector: { matchLabels: { app: "spread" } },
  };

  it("DoNotSchedule keeps the zone skew within maxSkew", () => {
    const h = zones();
    const hosts: string[] = [];
    for (let i = 0; i < 4; i++) {
      hosts.push(
        scheduled(
          h.schedule(
            makePod(`s${i}`, { labels: { app: "spread" }, topologySpreadConstraints: [constraint] }),
          ),
        ).suggestedHost,
      );
    }
    const perZone = {
      a: hosts.filter((x) => x.startsWith("a")).length,
      b: hosts.filter((x) => x === "b1").length,
    };
    expect(perZone).toEqual({ a: 2, b: 2 });
    expect(hosts).not.toContain("nozone");
  });

  it("explains violated constraints and missing topology labels", () => {
    const h = new Harness({
      nodes: [
        makeNode("a1", { labels: { "topology.kubernetes.io/zone": "a" } }),
        makeNode("b1", { labels: { "topology.kubernetes.io/zone": "b" } }),
        makeNode("nozone"),
      ],
      pods: [makePod("x", { nodeName: "a1", labels: { app: "spread" } })],
    });
    const pod = makePod("y", {
      labels: { app: "spread" },
      topologySpreadConstraints: [constraint],
      nodeSelector: { "topology.kubernetes.io/zone": "a" },
    });
    // The node selector narrows the domains to zone a (NodeAffinityPolicy Honor): skew is 2−1 … only a1 counts.
    const r = h.schedule(pod);
    expect(r.outcome).toBe("Scheduled");
    const strict = makePod("z", { labels: { app: "spread" }, topologySpreadConstraints: [constraint] });
    h.schedule(makePod("x2", { nodeName: "a1", labels: { app: "other" } }));
    const res = h.schedule(strict);
    // a has 2 matching pods, b has 0: only b1 is allowed; nozone lacks the label.
    expect(scheduled(res).suggestedHost).toBe("b1");
    expect(scheduled(res).filteredNodes.nodes.nozone?.reasons).toEqual([
      "node(s) didn't match pod topology spread constraints (missing required label)",
    ]);
    expect(scheduled(res).filteredNodes.nodes.a1?.reasons).toEqual([
      "node(s) didn't match pod topology spread constraints",
    ]);
  });

  it("system default constraints spread a ReplicaSet's pods over hosts and zones", () => {
    const rs: ReplicaSet = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "web-7d9", namespace: "default" },
      spec: { selector: { matchLabels: { app: "web" } }, template: {} },
    };
    const h = new Harness({
      nodes: [
        makeNode("a1", { labels: { "topology.kubernetes.io/zone": "a" } }),
        makeNode("a2", { labels: { "topology.kubernetes.io/zone": "a" } }),
        makeNode("b1", { labels: { "topology.kubernetes.io/zone": "b" } }),
      ],
      listers: { replicaSet: (ns, name) => (ns === "default" && name === "web-7d9" ? rs : undefined) },
    });
    const owner = [
      { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-7d9", uid: "rs-uid", controller: true },
    ];
    const r0 = scheduled(h.schedule(makePod("web-0", { labels: { app: "web" }, ownerReferences: owner })));
    expect(r0.scores?.plugins.map((p) => p.name)).toContain("PodTopologySpread");
    const hosts = [r0.suggestedHost];
    for (let i = 1; i < 3; i++)
      hosts.push(
        scheduled(h.schedule(makePod(`web-${i}`, { labels: { app: "web" }, ownerReferences: owner })))
          .suggestedHost,
      );
    expect(new Set(hosts).size).toBe(3);
    // Without an owner (or a Service) the defaults do not apply: PodTopologySpread does not score.
    const lone = scheduled(h.schedule(makePod("lone", { labels: { app: "web" } })));
    expect(lone.scores?.plugins.map((p) => p.name)).not.toContain("PodTopologySpread");
  });
});

describe("percentageOfNodesToScore", () => {
  it("is adaptive as numFeasibleNodesToFind", () => {
    expect(numFeasibleNodesToFind(0, 50)).toBe(50);
    expect(numFeasibleNodesToFind(0, 100)).toBe(100);
    expect(numFeasibleNodesToFind(0, 1000)).toBe(420); // 50 − 8 = 42 %
    expect(numFeasibleNodesToFind(0, 5000)).toBe(500); // 50 − 40 = 10 %
    expect(numFeasibleNodesToFind(0, 6000)).toBe(300); // 50 − 48 → 5 % minimum
    expect(numFeasibleNodesToFind(0, 1500)).toBe(570); // 38 %
    expect(numFeasibleNodesToFind(30, 1000)).toBe(300);
    expect(numFeasibleNodesToFind(5, 1000)).toBe(100); // at least 100
  });

  it("stops filtering after enough feasible nodes and moves the start index round robin", () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => makeNode(`n${String(i).padStart(4, "0")}`));
    const h = new Harness({ nodes });
    const r = scheduled(h.schedule(makePod("p1", { cpu: "10m" })));
    expect(r.evaluatedNodes).toBe(420);
    expect(r.feasibleNodes).toBe(420);
    expect(h.algorithm.nextStartNodeIndex).toBe(420);
    scheduled(h.schedule(makePod("p2", { cpu: "10m" })));
    expect(h.algorithm.nextStartNodeIndex).toBe(840);
    scheduled(h.schedule(makePod("p3", { cpu: "10m" })));
    expect(h.algorithm.nextStartNodeIndex).toBe(260);
  });
});

describe("profiles", () => {
  it("several schedulers by schedulerName; unknown names are not handled", () => {
    const h = new Harness({
      nodes: [makeNode("n1")],
      profiles: [
        {
          schedulerName: "default-scheduler",
          plugins: [
            { name: "PrioritySort" },
            { name: "NodeResourcesFit", weight: 1 },
            { name: "DefaultBinder" },
          ],
        },
        {
          schedulerName: "bin-packer",
          plugins: [
            { name: "PrioritySort" },
            { name: "NodeResourcesFit", weight: 1 },
            { name: "DefaultBinder" },
          ],
          pluginConfig: { NodeResourcesFit: { scoringStrategy: { type: "MostAllocated" } } },
        },
      ],
    });
    expect(scheduled(h.schedule(makePod("a", { schedulerName: "bin-packer" }))).suggestedHost).toBe("n1");
    expect(() => h.schedule(makePod("b", { schedulerName: "other" }))).toThrow(/no profile/);
    h.enqueue(makePod("c", { schedulerName: "other" }));
    expect(h.drain()).toEqual([]);
  });
});
