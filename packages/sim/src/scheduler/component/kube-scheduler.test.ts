import type { Pod } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import { controlPlaneBehaviors } from "../../apiserver/control-plane";
import { Simulation } from "../../core/simulation";
import type { Lease } from "../../leader-election/lease-lock";
import { defaultProfile } from "../framework/profile";
import { waitingRequests } from "./client-rate-limiter";
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

  it("preempts a lower-priority pod for a higher-priority one and binds it to the nominated node", () => {
    const { c, ids } = kubeadmCluster({ workerCpu: "1" });
    const id = untilLeading(c, ids);
    c.create("/apis/scheduling.k8s.io/v1/priorityclasses", {
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: "high" },
      value: 1000,
    });
    for (const n of ["low-1", "low-2", "low-3"])
      c.create("/api/v1/namespaces/default/pods", simplePod(n, { cpu: "800m" }));
    expect(c.sim.runUntil(() => c.pods().every((p) => p.spec?.nodeName), c.sim.now + 5_000)).toBe(true);

    const high = c.create(
      "/api/v1/namespaces/default/pods",
      simplePod("high", { cpu: "500m", priorityClassName: "high" }),
    ).body as Pod;
    expect(high.spec?.priority).toBe(1000);
    c.sim.advanceBy(500);

    const victims = c.pods().filter((p) => p.metadata?.deletionTimestamp);
    expect(victims).toHaveLength(1);
    const victim = victims[0]!;
    expect(victim.status?.conditions?.find((x) => x.type === "DisruptionTarget")).toMatchObject({
      status: "True",
      reason: "PreemptionByScheduler",
      message: "default-scheduler: preempting to accommodate a higher priority pod",
    });
    const nominated = c.pod("high");
    expect(nominated.status?.nominatedNodeName).toBe(victim.spec?.nodeName);
    expect(nominated.spec?.nodeName).toBeUndefined();
    const events = c.events();
    expect(events.find((e) => e.reason === "Preempted")).toMatchObject({
      involvedObject: { name: victim.metadata!.name },
      related: { kind: "Pod", name: "high" },
      message: `Preempted by pod ${high.metadata!.uid} on node ${victim.spec!.nodeName}`,
    });
    // Preemption succeeded, so the FitError has no "preemption:" part.
    expect(
      events.find((e) => e.reason === "FailedScheduling" && e.involvedObject.name === "high")?.message,
    ).toBe(
      "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu.",
    );
    expect(schedulerState(c, id).diagnoses[high.metadata!.uid!]?.preemption).toMatchObject({
      nominatedNodeName: victim.spec!.nodeName,
      victims: [`default/${victim.metadata!.name}`],
    });

    // The victim's kubelet stops it; once it is gone, the preemptor lands where room was made.
    expect(c.kubeletFinishDeletions()).toBe(1);
    expect(c.sim.runUntil(() => c.pod("high").spec?.nodeName !== undefined, c.sim.now + 15_000)).toBe(true);
    expect(c.pod("high").spec?.nodeName).toBe(victim.spec!.nodeName);
    expect(c.pods().filter((p) => p.metadata?.name?.startsWith("low-"))).toHaveLength(2);
  });

  it("runs several profiles by schedulerName and leaves other schedulers' pods alone", () => {
    const c = new SchedulerTestCluster({ seed: 4 });
    for (const w of ["worker-1", "worker-2"]) c.addNode(kubeletNode(w));
    const id = c.addScheduler({
      hostname: "cp-1",
      profiles: [defaultProfile(), defaultProfile("batch-scheduler")],
    });
    untilLeading(c, [id]);
    c.create("/api/v1/namespaces/default/pods", simplePod("by-default", { cpu: "100m" }));
    c.create(
      "/api/v1/namespaces/default/pods",
      simplePod("by-batch", { cpu: "100m", schedulerName: "batch-scheduler" }),
    );
    c.create(
      "/api/v1/namespaces/default/pods",
      simplePod("by-other", { cpu: "100m", schedulerName: "other-scheduler" }),
    );
    c.sim.advanceBy(2_000);

    expect(c.pod("by-default").spec?.nodeName).toMatch(/^worker-/);
    expect(c.pod("by-batch").spec?.nodeName).toMatch(/^worker-/);
    const other = c.pod("by-other");
    expect(other.spec?.nodeName).toBeUndefined();
    expect(other.status?.conditions ?? []).toEqual([]);
    const events = c.events();
    expect(events.filter((e) => e.involvedObject.name === "by-other")).toEqual([]);
    expect(events.find((e) => e.involvedObject.name === "by-batch")).toMatchObject({
      reason: "Scheduled",
      reportingComponent: "batch-scheduler",
      reportingInstance: "batch-scheduler-cp-1",
    });
  });

  it("fails over: when the leader dies, the standby replica schedules after the lease expires", () => {
    const { c, ids } = kubeadmCluster({ seed: 9, schedulers: ["cp-1", "cp-2"] });
    const leader = untilLeading(c, ids);
    const standby = ids.find((x) => x !== leader)!;
    c.sim.advanceBy(3_000);
    // Only the leader schedules; the standby keeps its informers and queue warm.
    expect(isSchedulingLeader(schedulerState(c, standby))).toBe(false);
    expect(schedulerState(c, standby).phase).toBe("standby");
    const lastRenewal = schedulerState(c, leader).election!.observedTime;

    c.sim.stop(leader);
    const killedAt = c.sim.now;
    c.create("/api/v1/namespaces/default/pods", simplePod("after-failover", { cpu: "100m" }));
    c.sim.advanceBy(10_000);
    expect(c.pod("after-failover").spec?.nodeName).toBeUndefined();
    // The standby knows the pod (its queue is fed even on standby).
    expect(Object.keys(schedulerState(c, standby).queue.location)).toHaveLength(1);

    expect(
      c.sim.runUntil(() => c.pod("after-failover").spec?.nodeName !== undefined, killedAt + 40_000),
    ).toBe(true);
    const took = schedulerState(c, standby).election!.transitions.find((t) => t.what === "became leader")!;
    expect(took.at - lastRenewal).toBeGreaterThanOrEqual(15_000);
    expect(took.at - lastRenewal).toBeLessThanOrEqual(15_000 + 2 * 4_400 + 100);

    const lease = c.h.request(
      "GET",
      "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler",
    ).body as Lease;
    const holder = schedulerState(c, standby).election!.config.identity;
    expect(lease.spec?.holderIdentity).toBe(holder);
    expect(lease.spec?.leaseTransitions).toBe(1);
    c.sim.advanceBy(100);
    const systemEvents = c.events("kube-system").filter((e) => e.reason === "LeaderElection");
    expect(systemEvents.map((e) => e.message)).toContain(`${holder} became leader`);
    const hostOf = (x: string) => x.replace("kube-scheduler-", "");
    expect(c.events().find((e) => e.involvedObject.name === "after-failover")).toMatchObject({
      reason: "Scheduled",
      reportingInstance: `default-scheduler-${hostOf(standby)}`,
    });

    // The old leader comes back as a new process (new identity) and waits as the standby.
    c.sim.start(leader);
    c.sim.advanceBy(10_000);
    const back = schedulerState(c, leader);
    expect(back.phase).toBe("standby");
    expect(back.election!.config.identity).not.toBe(holder);
    expect(isSchedulingLeader(schedulerState(c, standby))).toBe(true);
  });

  it("a partitioned leader stops scheduling after renewDeadline and restarts as a new process", () => {
    const { c, ids } = kubeadmCluster({ seed: 12, schedulers: ["cp-1", "cp-2"] });
    const leader = untilLeading(c, ids);
    const other = ids.find((x) => x !== leader)!;
    c.sim.advanceBy(4_000);
    const lastRenewal = schedulerState(c, leader).election!.observedTime;
    c.sim.cutLink(leader, c.h.cp.loadBalancer);
    expect(c.sim.runUntil(() => !isSchedulingLeader(schedulerState(c, leader)), c.sim.now + 20_000)).toBe(
      true,
    );
    expect(c.sim.now - lastRenewal).toBe(12_000);
    expect(schedulerState(c, leader).stats.restarts).toBe(1);
    expect(schedulerState(c, leader).phase).toBe("syncing");
    expect(c.sim.runUntil(() => isSchedulingLeader(schedulerState(c, other)), c.sim.now + 20_000)).toBe(true);

    c.sim.healLink(leader, c.h.cp.loadBalancer);
    c.create("/api/v1/namespaces/default/pods", simplePod("after-partition", { cpu: "100m" }));
    expect(
      c.sim.runUntil(() => c.pod("after-partition").spec?.nodeName !== undefined, c.sim.now + 40_000),
    ).toBe(true);
    // Back on the network, the restarted process syncs its caches and waits as the standby.
    expect(c.sim.runUntil(() => schedulerState(c, leader).phase === "standby", c.sim.now + 60_000)).toBe(
      true,
    );
    c.sim.advanceBy(10_000);
    expect(schedulerState(c, leader).phase).toBe("standby");
    expect(schedulerState(c, leader).stats.scheduled).toBe(0);
    expect(schedulerState(c, other).stats.scheduled).toBe(1);
  });

  it("folds repeated identical FailedScheduling events into a series", () => {
    const { c, ids } = kubeadmCluster();
    untilLeading(c, ids);
    c.create("/api/v1/namespaces/default/pods", simplePod("huge", { cpu: "64" }));
    // Unschedulable pods are retried every 5 minutes (flushUnschedulablePodsLeftover).
    c.sim.advanceBy(16 * 60_000);
    const failed = c.events().filter((e) => e.reason === "FailedScheduling");
    // The first failure patches the condition (a new resourceVersion); later ones are identical.
    expect(failed).toHaveLength(2);
    expect(failed.map((e) => e.series?.count ?? 1).sort()).toEqual([1, 2]);
  });

  it("is plain data: a snapshot taken while pods are being scheduled has the same future", () => {
    const { c, ids } = kubeadmCluster({ seed: 21, schedulers: ["cp-1", "cp-2"] });
    untilLeading(c, ids);
    for (let i = 0; i < 12; i++)
      c.h.send("POST", "/api/v1/namespaces/default/pods", { body: simplePod(`p-${i}`, { cpu: "300m" }) });
    c.sim.advanceBy(7);
    const again = Simulation.restore(c.sim.serialize(), [...controlPlaneBehaviors, kubeSchedulerBehavior]);
    c.sim.advanceBy(30_000);
    again.advanceBy(30_000);
    expect(again.serialize()).toBe(c.sim.serialize());
    const bound = ids.map((id) => c.sim.componentState<KubeSchedulerState>(id).stats.scheduled);
    expect(bound.reduce((a, b) => a + b, 0)).toBe(12);
  });

  it("binds at most burst 100 at once, then 50 per second (client-side rate limit, clientConnection qps 50 / burst 100)", () => {
    const c = new SchedulerTestCluster({ seed: 6 });
    for (let i = 1; i <= 4; i++) c.addNode(kubeletNode(`worker-${i}`, { cpu: "64", pods: "110" }));
    const id = c.addScheduler({ hostname: "cp-1" });
    untilLeading(c, [id]);
    const st = () => schedulerState(c, id);
    for (let i = 0; i < 150; i++)
      c.h.send("POST", "/api/v1/namespaces/default/pods", { body: simplePod(`p-${i}`) });
    expect(c.sim.runUntil(() => st().stats.scheduled === 100, c.sim.now + 5_000)).toBe(true);
    const burstDone = c.sim.now;
    // Every pod was placed at once (the cycles are not limited); 50 bindings wait for tokens.
    expect(waitingRequests(st().limiter)).toBe(50);
    expect(c.sim.runUntil(() => st().stats.scheduled === 150, c.sim.now + 5_000)).toBe(true);
    expect(c.sim.now - burstDone).toBeGreaterThanOrEqual(950);
    expect(c.sim.now - burstDone).toBeLessThanOrEqual(1_100);
  });
});
