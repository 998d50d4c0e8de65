import type { Pod } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import { controlPlaneBehaviors } from "../../apiserver/control-plane";
import { Simulation } from "../../core/simulation";
import type { Lease } from "../../leader-election/lease-lock";
import {
  explainPendingPod,
  isSchedulingLeader,
  type KubeSchedulerState,
  kubeSchedulerBehavior,
} from "./kube-scheduler";
import { CONTROL_PLANE_TAINT, kubeletNode, SchedulerTestCluster, simplePod } from "./testing";

/** kubeadm's shape: one tainted control-plane node and three workers with 2 CPUs each. */
function kubeadmCluster(o: { seed?: number; workerCpu?: string; schedulers?: string[] } = {}) {
  const c = new SchedulerTestCluster({ seed: o.seed ?? 1 });
  c.addNode(
    kubeletNode("control-plane", {
      labels: { "node-role.kubernetes.io/control-plane": "" },
      taints: [CONTROL_PLANE_TAINT],
    }),
  );
  for (const w of ["worker-1", "worker-2", "worker-3"])
    c.addNode(kubeletNode(w, { cpu: o.workerCpu ?? "2" }));
  const ids = (o.schedulers ?? ["control-plane"]).map((hostname) => c.addScheduler({ hostname }));
  return { c, ids };
}

function schedulerState(c: SchedulerTestCluster, id: string): KubeSchedulerState {
  return c.sim.componentState<KubeSchedulerState>(id);
}

/** Run until some replica leads (informers synced, lease acquired). */
function untilLeading(c: SchedulerTestCluster, ids: string[]): string {
  const ok = c.sim.runUntil(
    () => ids.some((id) => c.sim.isUp(id) && isSchedulingLeader(schedulerState(c, id))),
    c.sim.now + 30_000,
  );
  if (!ok) throw new Error("no scheduler became leader");
  return ids.find((id) => c.sim.isUp(id) && isSchedulingLeader(schedulerState(c, id)))!;
}

function scheduledCondition(p: Pod) {
  return p.status?.conditions?.find((x) => x.type === "PodScheduled");
}

describe("kube-scheduler component", () => {
  it("places a 3-replica ReplicaSet on the three workers, never on the tainted control-plane node", () => {
    const { c, ids } = kubeadmCluster();
    untilLeading(c, ids);
    // Acting as the ReplicaSet controller: the ReplicaSet and its three pods (PodTopologySpread's
    // default constraints find their siblings through the ReplicaSet's selector).
    const rs = c.create("/apis/apps/v1/namespaces/default/replicasets", {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "web-7d4b9c8f6" },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "app", image: "nginx:1.27" }] },
        },
      },
    }).body as { metadata: { uid: string; name: string } };
    const owner = [
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        name: rs.metadata.name,
        uid: rs.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
    const createdAt = c.sim.now;
    for (const suffix of ["x7k2p", "m9q4z", "b5t8w"]) {
      c.create(
        "/api/v1/namespaces/default/pods",
        simplePod(`web-7d4b9c8f6-${suffix}`, {
          cpu: "100m",
          memory: "128Mi",
          labels: { app: "web" },
          ownerReferences: owner,
        }),
      );
    }
    expect(c.sim.runUntil(() => c.pods().every((p) => p.spec?.nodeName), c.sim.now + 5_000)).toBe(true);
    // A real scheduler binds such pods within milliseconds; so does this one (virtual time).
    expect(c.sim.now - createdAt).toBeLessThan(200);

    const pods = c.pods();
    const nodes = pods.map((p) => p.spec!.nodeName!);
    expect(nodes.every((n) => n.startsWith("worker-"))).toBe(true);
    expect(new Set(nodes).size).toBe(3);
    for (const p of pods) expect(scheduledCondition(p)).toMatchObject({ status: "True" });

    c.sim.advanceBy(100);
    const scheduled = c.events().filter((e) => e.reason === "Scheduled");
    expect(scheduled.map((e) => e.message).sort()).toEqual(
      pods.map((p) => `Successfully assigned default/${p.metadata!.name} to ${p.spec!.nodeName}`).sort(),
    );
    expect(scheduled[0]).toMatchObject({
      type: "Normal",
      action: "Binding",
      reportingComponent: "default-scheduler",
      reportingInstance: "default-scheduler-control-plane",
      involvedObject: { kind: "Pod", namespace: "default" },
    });
  });

  it("keeps a pod that fits nowhere Pending with the real FailedScheduling text, and places it when a node fits", () => {
    const { c, ids } = kubeadmCluster();
    const id = untilLeading(c, ids);
    c.create("/api/v1/namespaces/default/pods", simplePod("big", { cpu: "3" }));
    c.sim.advanceBy(2_000);

    const text =
      "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.";
    const pod = c.pod("big");
    expect(pod.spec?.nodeName).toBeUndefined();
    expect(pod.status?.phase).toBe("Pending");
    expect(scheduledCondition(pod)).toMatchObject({
      status: "False",
      reason: "Unschedulable",
      message: text,
    });
    const failed = c.events().filter((e) => e.reason === "FailedScheduling");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      type: "Warning",
      message: text,
      action: "Scheduling",
      involvedObject: { name: "big" },
    });

    // The per-node, per-plugin diagnosis the UI reads.
    const d = schedulerState(c, id).diagnoses[pod.metadata!.uid!]!;
    expect(d.message).toBe(text);
    expect(d.unschedulablePlugins).toEqual(["NodeResourcesFit", "TaintToleration"]);
    const byPlugin = Object.fromEntries(d.rejections.map((r) => [r.plugin, r]));
    expect(byPlugin.TaintToleration).toMatchObject({
      code: "UnschedulableAndUnresolvable",
      nodes: ["control-plane"],
    });
    expect(byPlugin.NodeResourcesFit).toMatchObject({ code: "Unschedulable", reasons: ["Insufficient cpu"] });
    expect(byPlugin.NodeResourcesFit!.nodes.sort()).toEqual(["worker-1", "worker-2", "worker-3"]);
    const explained = explainPendingPod(schedulerState(c, id), "default", "big", "worker-1")!;
    expect(explained.find((x) => x.plugin === "NodeResourcesFit")).toMatchObject({ code: "Unschedulable" });
    expect(explained.find((x) => x.plugin === "TaintToleration")).toMatchObject({ code: "Success" });

    // Nothing changes while nothing changes: no retry storm, one event.
    c.sim.advanceBy(60_000);
    expect(c.events().filter((e) => e.reason === "FailedScheduling")).toHaveLength(1);

    // A node that fits arrives (NodeAdd requeues the pod, which waits out its 1 s back-off).
    c.addNode(kubeletNode("worker-4", { cpu: "4" }));
    expect(c.sim.runUntil(() => c.pod("big").spec?.nodeName === "worker-4", c.sim.now + 5_000)).toBe(true);
    expect(schedulerState(c, id).diagnoses[pod.metadata!.uid!]).toBeUndefined();
  });
});

// Keep imports used by later tests.
void controlPlaneBehaviors;
void Simulation;
void kubeSchedulerBehavior;

export type { Lease };
