/**
 * The DaemonSet controller in a running control plane, with the fake kubelet reporting pods
 * Running and Ready. Nodes are registered by the test (acting as their kubelets); there is no
 * scheduler here, so daemon pods stay pinned to their node by node affinity (`metadata.name`).
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { registerController } from "../../controller-manager/registry";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";
import { ensureDefaultServiceAccount, TestKubelets } from "../node-lifecycle/testing/test-kubelet";
import { DAEMONSET_CONTROLLER, daemonSetController } from "./daemonset-controller";

registerController(daemonSetController);

const DS = "daemonsets.apps";

function setup() {
  const c = new ControllerTestCluster({
    controllers: [DAEMONSET_CONTROLLER],
    kubelet: { startDelayMs: 2_000 },
  });
  ensureDefaultServiceAccount(c, "kube-system");
  const k = new TestKubelets(c);
  k.register("control-plane");
  c.patch("nodes", "", "control-plane", {
    spec: { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] },
  });
  for (const n of ["worker-1", "worker-2", "worker-3"]) k.register(n);
  c.create(DS, {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "fluentd", namespace: "kube-system", labels: { app: "fluentd" } },
    spec: {
      selector: { matchLabels: { app: "fluentd" } },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: "fluentd" } },
        spec: { containers: [{ name: "fluentd", image: "fluentd:v1.16" }] },
      },
    },
  });
  k.run(10_000);
  return { c, k };
}

function daemonPods(c: ControllerTestCluster): KubeObject[] {
  return c
    .list("pods", "kube-system")
    .filter((p) => p.metadata.labels?.app === "fluentd" && !p.metadata.deletionTimestamp);
}

function nodeOf(p: KubeObject): string {
  return p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
    .matchFields[0].values[0];
}

describe("daemonset controller", () => {
  it("runs one pod per eligible node, pinned by node affinity, with the daemon tolerations", () => {
    const { c } = setup();
    const pods = daemonPods(c);
    expect(pods.map(nodeOf).sort()).toEqual(["worker-1", "worker-2", "worker-3"]);
    const pod = pods[0]!;
    expect(pod.metadata.generateName).toBe("fluentd-");
    expect(pod.metadata.ownerReferences).toMatchObject([
      { kind: "DaemonSet", name: "fluentd", controller: true },
    ]);
    expect(
      pod.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms,
    ).toEqual([{ matchFields: [{ key: "metadata.name", operator: "In", values: [nodeOf(pod)] }] }]);
    const tolerations = pod.spec.tolerations.map((t: Record<string, string>) => `${t.key}:${t.effect}`);
    expect(tolerations).toEqual(
      expect.arrayContaining([
        "node.kubernetes.io/not-ready:NoExecute",
        "node.kubernetes.io/unreachable:NoExecute",
        "node.kubernetes.io/disk-pressure:NoSchedule",
        "node.kubernetes.io/memory-pressure:NoSchedule",
        "node.kubernetes.io/pid-pressure:NoSchedule",
        "node.kubernetes.io/unschedulable:NoSchedule",
      ]),
    );
    // The DaemonSet-added not-ready/unreachable tolerations have no tolerationSeconds: forever.
    expect(
      pod.spec.tolerations.find((t: Record<string, string>) => t.key === "node.kubernetes.io/unreachable"),
    ).toEqual({
      key: "node.kubernetes.io/unreachable",
      operator: "Exists",
      effect: "NoExecute",
    });

    const revisions = c.list("controllerrevisions.apps", "kube-system");
    expect(revisions).toHaveLength(1);
    const hash = revisions[0]!.metadata.labels?.["controller-revision-hash"];
    expect(revisions[0]!.metadata.name).toBe(`fluentd-${hash}`);
    expect(revisions[0]!.revision).toBe(1);
    for (const p of pods) expect(p.metadata.labels?.["controller-revision-hash"]).toBe(hash);

    const ds = c.get(DS, "kube-system", "fluentd")!;
    expect(ds.status).toMatchObject({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberReady: 3,
      updatedNumberScheduled: 3,
      numberAvailable: 3,
      numberMisscheduled: 0,
      observedGeneration: 1,
    });
    expect(c.events("kube-system", "fluentd").filter((e) => e.reason === "SuccessfulCreate")).toHaveLength(3);
  });

  it("follows nodes: a new node gets a pod, a NoExecute taint evicts it, NoSchedule only stops new ones", () => {
    const { c, k } = setup();
    k.register("worker-4");
    k.run(5_000);
    expect(daemonPods(c).map(nodeOf).sort()).toEqual(["worker-1", "worker-2", "worker-3", "worker-4"]);
    // A NoSchedule taint the pods do not tolerate: the running pod may stay (misscheduled).
    c.patch("nodes", "", "worker-4", {
      spec: { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] },
    });
    k.run(5_000);
    expect(daemonPods(c).map(nodeOf)).toContain("worker-4");
    expect(c.get(DS, "kube-system", "fluentd")!.status).toMatchObject({
      desiredNumberScheduled: 3,
      numberMisscheduled: 1,
    });
    c.patch("nodes", "", "worker-4", {
      spec: { taints: [{ key: "dedicated", value: "db", effect: "NoExecute" }] },
    });
    k.run(5_000);
    expect(daemonPods(c).map(nodeOf)).not.toContain("worker-4");
    expect(c.events("kube-system", "fluentd").map((e) => e.reason)).toContain("SuccessfulDelete");
  });

  it("rolls a template change out one node at a time (maxUnavailable 1) and records revision 2", () => {
    const { c, k } = setup();
    const oldHash = daemonPods(c)[0]!.metadata.labels?.["controller-revision-hash"];
    const r = c.patch(DS, "kube-system", "fluentd", {
      spec: {
        template: {
          spec: {
            containers: [{ name: "fluentd", image: "fluentd:v1.17" }],
            tolerations: [
              { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
            ],
          },
        },
      },
    });
    expect(r.code).toBe(200);
    let worst = 0;
    const done = () => {
      const pods = daemonPods(c);
      // Nodes without a ready pod right now.
      const readyNodes = new Set(
        pods
          .filter((p) =>
            p.status?.conditions?.some(
              (x: Record<string, string>) => x.type === "Ready" && x.status === "True",
            ),
          )
          .map(nodeOf),
      );
      worst = Math.max(worst, ["worker-1", "worker-2", "worker-3"].filter((n) => !readyNodes.has(n)).length);
      return (
        pods.length === 4 &&
        pods.every((p) => p.metadata.labels?.["controller-revision-hash"] !== oldHash) &&
        c.get(DS, "kube-system", "fluentd")!.status.numberAvailable === 4
      );
    };
    expect(k.runUntil(done, 120_000, 100)).toBe(true);
    // The control plane now runs one too (its taint is tolerated).
    expect(daemonPods(c).map(nodeOf).sort()).toEqual(["control-plane", "worker-1", "worker-2", "worker-3"]);
    expect(worst).toBe(1);
    const revisions = c
      .list("controllerrevisions.apps", "kube-system")
      .map((x) => x.revision)
      .sort();
    expect(revisions).toEqual([1, 2]);
    expect(c.get(DS, "kube-system", "fluentd")!.status).toMatchObject({
      desiredNumberScheduled: 4,
      updatedNumberScheduled: 4,
      observedGeneration: 2,
    });
  });
});
