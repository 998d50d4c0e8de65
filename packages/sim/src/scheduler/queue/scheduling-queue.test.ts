import { describe, expect, it } from "vitest";
import { newSchedulerCacheState, SchedulerCache } from "../cache/cache";
import { ActionType, clusterEvent, EVENT_ASSIGNED_POD_DELETE, EVENT_NODE_ADD } from "../framework/events";
import type { QueuedPodInfo } from "../framework/interface";
import { buildFrameworks, queueHooksFor } from "../profiles";
import { makePod } from "../testing/wrappers";
import { newSchedulingQueueState, SchedulingQueue } from "./scheduling-queue";

const cache = new SchedulerCache(newSchedulerCacheState());
const hooks = queueHooksFor(buildFrameworks({ snapshot: () => cache.snapshot() }));

function newQueue(): SchedulingQueue {
  return new SchedulingQueue(newSchedulingQueueState(), hooks);
}

function fail(q: SchedulingQueue, p: QueuedPodInfo, plugins: string[], now: number): void {
  p.unschedulablePlugins = plugins;
  q.addUnschedulableIfNotPresent(p, now);
}

describe("scheduling queue", () => {
  it("pops by priority, then by queue time", () => {
    const q = newQueue();
    q.add(makePod("low"), 0);
    q.add(makePod("high", { priority: 100 }), 5);
    q.add(makePod("low2"), 1);
    expect([q.pop(10), q.pop(10), q.pop(10)].map((p) => p?.podInfo.name)).toEqual(["high", "low", "low2"]);
    expect(q.pop(10)).toBeNull();
  });

  it("backs off 1 s, 2 s, 4 s, 8 s, then 10 s", () => {
    const q = newQueue();
    q.add(makePod("p"), 0);
    const durations: number[] = [];
    for (let i = 0; i < 6; i++) {
      const p = q.pop(0) as QueuedPodInfo;
      durations.push(q.backoffDuration(p));
      fail(q, p, [], 0); // an error: no rejecting plugin → back-off queue
      expect(q.state.location[p.podInfo.key]).toBe("backoffQ");
      q.flushBackoffQCompleted(durations[i] as number);
    }
    expect(durations).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it("moves an unschedulable pod back only on an event one of its rejecting plugins registered", () => {
    const q = newQueue();
    q.add(makePod("p"), 0);
    const p = q.pop(0) as QueuedPodInfo;
    fail(q, p, ["TaintToleration"], 100);
    expect(q.state.location[p.podInfo.key]).toBe("unschedulablePods");
    // A deleted pod frees resources, but cannot remove a taint.
    expect(q.moveAllToActiveOrBackoffQueue(EVENT_ASSIGNED_POD_DELETE, 200)).toBe(0);
    expect(q.moveAllToActiveOrBackoffQueue(clusterEvent("Node", ActionType.UpdateNodeLabel), 200)).toBe(0);
    // A taint change may: back-off (1 s from 100) is still running at 500 → backoffQ, then activeQ.
    expect(q.moveAllToActiveOrBackoffQueue(clusterEvent("Node", ActionType.UpdateNodeTaint), 500)).toBe(1);
    expect(q.state.location[p.podInfo.key]).toBe("backoffQ");
    expect(q.flushBackoffQCompleted(1099)).toBe(0);
    expect(q.flushBackoffQCompleted(1100)).toBe(1);
    expect(q.pop(1100)?.podInfo.name).toBe("p");
  });

  it("sends a pod straight to activeQ when its back-off is over", () => {
    const q = newQueue();
    q.add(makePod("p"), 0);
    fail(q, q.pop(0) as QueuedPodInfo, ["NodeResourcesFit"], 0);
    q.moveAllToActiveOrBackoffQueue(EVENT_NODE_ADD, 5_000);
    expect(q.pop(5_000)?.podInfo.name).toBe("p");
  });

  it("flushes pods left unschedulable for more than 5 minutes", () => {
    const q = newQueue();
    q.add(makePod("p"), 0);
    fail(q, q.pop(0) as QueuedPodInfo, ["NodeAffinity"], 0);
    expect(q.flushUnschedulablePodsLeftover(300_000)).toBe(0);
    expect(q.flushUnschedulablePodsLeftover(300_001)).toBe(1);
    expect(q.pop(300_001)?.podInfo.name).toBe("p");
  });

  it("requeues a pod that failed while a relevant event happened during its attempt", () => {
    const q = newQueue();
    q.add(makePod("p"), 0);
    const p = q.pop(0) as QueuedPodInfo;
    q.moveAllToActiveOrBackoffQueue(EVENT_NODE_ADD, 10); // arrives while p is in flight
    fail(q, p, ["NodeResourcesFit"], 20);
    expect(q.state.location[p.podInfo.key]).toBe("backoffQ");
  });

  it("keeps gated pods out until the gates are removed", () => {
    const q = newQueue();
    const gated = makePod("g", { schedulingGates: [{ name: "wait" }] });
    q.add(gated, 0);
    expect(q.pop(0)).toBeNull();
    expect(q.state.unschedulablePods[gated.metadata?.uid as string]?.gatingPlugin).toBe("SchedulingGates");
    expect(q.moveAllToActiveOrBackoffQueue(EVENT_NODE_ADD, 10)).toBe(0);
    q.update(gated, makePod("g"), 20);
    expect(q.pop(20)?.podInfo.name).toBe("g");
  });

  it("moves pods whose tolerations changed (the rejecting plugin registered UpdatePodToleration)", () => {
    const q = newQueue();
    const pod = makePod("p");
    q.add(pod, 0);
    fail(q, q.pop(0) as QueuedPodInfo, ["TaintToleration"], 0);
    q.update(pod, { ...pod, metadata: { ...pod.metadata, annotations: { a: "b" } } }, 5_000);
    expect(q.pop(5_000)).toBeNull();
    q.update(pod, makePod("p", { tolerations: [{ operator: "Exists" }] }), 5_000);
    expect(q.pop(5_000)?.podInfo.name).toBe("p");
  });

  it("records nominations and forgets deleted pods", () => {
    const q = newQueue();
    const pod = makePod("p", { priority: 5 });
    q.add(pod, 0);
    const p = q.pop(0) as QueuedPodInfo;
    q.addNominatedPod(p.podInfo, { mode: "Override", nominatedNodeName: "n1" });
    expect(
      q
        .nominator()
        .nominatedPodsForNode("n1")
        .map((x) => x.name),
    ).toEqual(["p"]);
    q.delete(pod);
    expect(q.nominator().isEmpty()).toBe(true);
  });

  it("state is plain data: a JSON round trip keeps order and back-offs", () => {
    const q = newQueue();
    q.add(makePod("a"), 0);
    q.add(makePod("b", { priority: 9 }), 1);
    const copy = new SchedulingQueue(JSON.parse(JSON.stringify(q.state)), hooks);
    expect(copy.pop(2)?.podInfo.name).toBe("b");
    expect(copy.pop(2)?.podInfo.name).toBe("a");
  });
});
