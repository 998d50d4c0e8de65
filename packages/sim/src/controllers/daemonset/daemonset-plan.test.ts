import type { Node } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { nodeShouldRunDaemonPod } from "./daemon-pods";
import { daemonSetCounts, planManage, planRollingUpdate } from "./daemonset-plan";

const NOW = 1_000_000;

function ds(strategy: Record<string, unknown> = {}, template: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "agent", namespace: "kube-system", uid: "ds-uid", generation: 2 },
    spec: {
      selector: { matchLabels: { app: "agent" } },
      updateStrategy: {
        type: "RollingUpdate",
        rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
        ...strategy,
      },
      template: {
        metadata: { labels: { app: "agent" } },
        spec: { containers: [{ name: "a", image: "a" }], ...template },
      },
    },
  };
}

function node(name: string, extra: Partial<Node["spec"]> = {}, labels: Record<string, string> = {}): Node {
  return { metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } }, spec: { ...extra } };
}

function pod(
  name: string,
  nodeName: string,
  hash: string,
  opts: { ready?: boolean; phase?: string; created?: string } = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "kube-system",
      labels: { app: "agent", "controller-revision-hash": hash },
      creationTimestamp: opts.created ?? "2025-01-01T00:00:00Z",
    },
    spec: { nodeName },
    status: {
      phase: opts.phase ?? "Running",
      conditions: [
        {
          type: "Ready",
          status: opts.ready === false ? "False" : "True",
          lastTransitionTime: "2025-01-01T00:00:00Z",
        },
      ],
    },
  };
}

describe("daemon pod placement", () => {
  it("follows node selectors, taints and the daemon tolerations", () => {
    const d = ds({}, { nodeSelector: { disk: "ssd" } });
    expect(nodeShouldRunDaemonPod(node("a", {}, { disk: "ssd" }), d)).toEqual({
      shouldRun: true,
      shouldContinueRunning: true,
    });
    expect(nodeShouldRunDaemonPod(node("b"), d)).toEqual({ shouldRun: false, shouldContinueRunning: false });
    // Condition taints are tolerated by every daemon pod.
    const sick = node(
      "c",
      {
        taints: [
          { key: "node.kubernetes.io/unreachable", effect: "NoExecute" },
          { key: "node.kubernetes.io/disk-pressure", effect: "NoSchedule" },
        ],
      },
      { disk: "ssd" },
    );
    expect(nodeShouldRunDaemonPod(sick, d).shouldRun).toBe(true);
    // network-unavailable only for host-network pods.
    const net = node("d", {
      taints: [{ key: "node.kubernetes.io/network-unavailable", effect: "NoSchedule" }],
    });
    expect(nodeShouldRunDaemonPod(net, ds()).shouldRun).toBe(false);
    expect(nodeShouldRunDaemonPod(net, ds({}, { hostNetwork: true })).shouldRun).toBe(true);
  });
});

describe("manage", () => {
  it("creates where missing, replaces failed pods with back-off, prunes extras", () => {
    const backoff = {};
    const nodes = [node("a"), node("b"), node("c")];
    const plan = planManage(
      ds(),
      nodes,
      {
        a: [pod("p1", "a", "h", { phase: "Failed" })],
        b: [
          pod("p2", "b", "h", { created: "2025-01-01T00:00:00Z" }),
          pod("p3", "b", "h", { created: "2025-01-01T00:01:00Z" }),
        ],
      },
      "h",
      NOW,
      backoff,
    );
    expect(plan.nodesNeedingDaemonPods).toEqual(["c"]);
    expect(plan.podsToDelete).toEqual(["p1", "p3"]);
    expect(plan.failedPodMessages).toEqual([
      "Found failed daemon pod kube-system/p1 on node a, will try to kill it",
    ]);
    // A second failure within the back-off is not deleted again right away.
    const again = planManage(
      ds(),
      nodes,
      { a: [pod("p4", "a", "h", { phase: "Failed" })] },
      "h",
      NOW + 500,
      backoff,
    );
    expect(again.podsToDelete).toEqual([]);
    expect(again.requeueAfterMs).toBe(1000);
  });
});

describe("rolling update", () => {
  const nodes = [node("a"), node("b"), node("c"), node("d")];
  const old = {
    a: [pod("a1", "a", "old")],
    b: [pod("b1", "b", "old")],
    c: [pod("c1", "c", "old")],
    d: [pod("d1", "d", "old")],
  };

  it("deletes up to maxUnavailable old pods without surge, unavailable ones first", () => {
    expect(planRollingUpdate(ds(), nodes, old, "new", NOW)).toEqual({
      podsToDelete: ["a1"],
      nodesToCreate: [],
    });
    const withBroken = { ...old, c: [pod("c1", "c", "old", { ready: false })] };
    expect(planRollingUpdate(ds(), nodes, withBroken, "new", NOW).podsToDelete).toEqual(["c1", "a1"]);
    // An updated pod that is not available yet counts against maxUnavailable.
    const inProgress = { ...old, a: [pod("a2", "a", "new", { ready: false })] };
    expect(planRollingUpdate(ds(), nodes, inProgress, "new", NOW).podsToDelete).toEqual([]);
    expect(
      planRollingUpdate(ds({ rollingUpdate: { maxUnavailable: "50%" } }), nodes, old, "new", NOW)
        .podsToDelete,
    ).toEqual(["a1", "b1"]);
  });

  it("surges new pods next to old ones and deletes the old once the new is available", () => {
    const surge = ds({ rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(planRollingUpdate(surge, nodes, old, "new", NOW)).toEqual({
      podsToDelete: [],
      nodesToCreate: ["a"],
    });
    const surged = { ...old, a: [pod("a1", "a", "old"), pod("a2", "a", "new")] };
    expect(planRollingUpdate(surge, nodes, surged, "new", NOW)).toEqual({
      podsToDelete: ["a1"],
      nodesToCreate: ["b"],
    });
    const waiting = { ...old, a: [pod("a1", "a", "old"), pod("a2", "a", "new", { ready: false })] };
    expect(planRollingUpdate(surge, nodes, waiting, "new", NOW)).toEqual({
      podsToDelete: [],
      nodesToCreate: [],
    });
  });
});

describe("status counts", () => {
  it("counts desired, current, ready, updated, available and misscheduled", () => {
    const nodes = [node("a"), node("b"), node("c", { taints: [{ key: "x", effect: "NoSchedule" }] })];
    const counts = daemonSetCounts(
      ds(),
      nodes,
      { a: [pod("a1", "a", "new")], c: [pod("c1", "c", "old")] },
      "new",
      NOW,
    );
    expect(counts).toEqual({
      desiredNumberScheduled: 2,
      currentNumberScheduled: 1,
      numberMisscheduled: 1,
      numberReady: 1,
      updatedNumberScheduled: 1,
      numberAvailable: 1,
      numberUnavailable: 1,
    });
  });
});
