import { describe, expect, it } from "vitest";
import { makeNode, makePod } from "../testing/wrappers";
import { newSchedulerCacheState, SchedulerCache } from "./cache";
import { addNodeToTree, listNodeTree, newNodeTree, removeNodeFromTree } from "./node-tree";

const zoned = (name: string, zone: string) =>
  makeNode(name, { labels: { "topology.kubernetes.io/zone": zone } });

describe("node tree", () => {
  it("lists nodes zone by zone in round robin", () => {
    const t = newNodeTree();
    for (const [n, z] of [
      ["a1", "a"],
      ["a2", "a"],
      ["a3", "a"],
      ["b1", "b"],
      ["c1", "c"],
      ["c2", "c"],
    ] as const)
      addNodeToTree(t, zoned(n, z));
    expect(listNodeTree(t)).toEqual(["a1", "b1", "c1", "a2", "c2", "a3"]);
    removeNodeFromTree(t, zoned("b1", "b"));
    expect(t.zones).toHaveLength(2);
    expect(listNodeTree(t)).toEqual(["a1", "c1", "a2", "c2", "a3"]);
  });
});

describe("scheduler cache", () => {
  it("sums requests (and non-zero requests) of assumed and added pods", () => {
    const c = new SchedulerCache(newSchedulerCacheState());
    c.addNode(makeNode("n1", { cpu: "4", memory: "8Gi" }));
    const p = makePod("p", { cpu: "500m", memory: "1Gi", nodeName: "n1" });
    expect(c.assumePod(p)).toBeNull();
    const n = c.snapshot().get("n1");
    expect(n?.requested.milliCPU).toBe(500);
    expect(n?.requested.memory).toBe(2 ** 30);
    c.addPod(makePod("besteffort", { nodeName: "n1" }));
    expect(n?.requested.milliCPU).toBe(500);
    expect(n?.nonZeroRequested.milliCPU).toBe(600); // 100m assumed for the container without requests
    expect(n?.nonZeroRequested.memory).toBe(2 ** 30 + 200 * 2 ** 20);
    expect(c.isAssumedPod(p)).toBe(true);
    expect(c.assumePod(p)).toMatch(/is in the cache, so can't be assumed/);
  });

  it("confirms an assumed pod when the informer adds it, even on another node", () => {
    const c = new SchedulerCache(newSchedulerCacheState());
    c.addNode(makeNode("n1"));
    c.addNode(makeNode("n2"));
    const p = makePod("p", { cpu: "1", nodeName: "n1" });
    c.assumePod(p);
    c.finishBinding(p, 10);
    expect(
      c.addPod({ ...p, spec: { ...p.spec, containers: p.spec?.containers ?? [], nodeName: "n2" } }),
    ).toBeNull();
    expect(c.isAssumedPod(p)).toBe(false);
    expect(c.snapshot().get("n1")?.requested.milliCPU).toBe(0);
    expect(c.snapshot().get("n2")?.requested.milliCPU).toBe(1000);
    expect(c.addPod(p)).toMatch(/already in added state/);
  });

  it("forgets an assumed pod whose binding failed, and only assumed pods", () => {
    const c = new SchedulerCache(newSchedulerCacheState());
    c.addNode(makeNode("n1"));
    const p = makePod("p", { cpu: "1", nodeName: "n1" });
    c.assumePod(p);
    expect(c.forgetPod(p)).toBeNull();
    expect(c.snapshot().get("n1")?.pods).toHaveLength(0);
    c.addPod(p);
    expect(c.forgetPod(p)).toMatch(/wasn't assumed so cannot be forgotten/);
  });

  it("expires assumed pods only when a TTL is configured (v1.32: never)", () => {
    const never = new SchedulerCache(newSchedulerCacheState());
    never.addNode(makeNode("n1"));
    const p = makePod("p", { nodeName: "n1" });
    never.assumePod(p);
    never.finishBinding(p, 0);
    expect(never.cleanupAssumedPods(10 ** 9)).toEqual([]);
    const ttl = new SchedulerCache(newSchedulerCacheState(30_000));
    ttl.addNode(makeNode("n1"));
    ttl.assumePod(p);
    ttl.finishBinding(p, 0);
    expect(ttl.cleanupAssumedPods(29_999)).toEqual([]);
    expect(ttl.cleanupAssumedPods(30_000).map((x) => x.metadata?.name)).toEqual(["p"]);
    expect(ttl.podCount()).toBe(0);
  });

  it("keeps a removed node's pods until they are deleted, and tracks image spread", () => {
    const c = new SchedulerCache(newSchedulerCacheState());
    const img = { names: ["nginx:1.27"], sizeBytes: 70_000_000 };
    c.addNode(makeNode("n1", { images: [img] }));
    c.addNode(makeNode("n2", { images: [img] }));
    expect(c.snapshot().imageNumNodes("nginx:1.27")).toBe(2);
    c.addPod(makePod("p", { nodeName: "n1" }));
    c.removeNode(makeNode("n1"));
    expect(c.snapshot().get("n1")).toBeUndefined();
    expect(c.state.nodes.n1?.pods).toHaveLength(1);
    expect(c.snapshot().numNodes()).toBe(1);
    expect(c.snapshot().imageNumNodes("nginx:1.27")).toBe(1);
    c.removePod(makePod("p", { nodeName: "n1" }));
    expect(c.state.nodes.n1).toBeUndefined();
  });

  it("lists nodes hosting pods with (required anti-)affinity", () => {
    const c = new SchedulerCache(newSchedulerCacheState());
    c.addNode(makeNode("n1"));
    c.addNode(makeNode("n2"));
    expect(c.snapshot().havePodsWithAffinityList()).toEqual([]);
    const anti = makePod("a", {
      nodeName: "n2",
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { topologyKey: "kubernetes.io/hostname", labelSelector: {} },
          ],
        },
      },
    });
    c.addPod(anti);
    expect(
      c
        .snapshot()
        .havePodsWithAffinityList()
        .map((n) => n.name),
    ).toEqual(["n2"]);
    expect(
      c
        .snapshot()
        .havePodsWithRequiredAntiAffinityList()
        .map((n) => n.name),
    ).toEqual(["n2"]);
    c.removePod(anti);
    expect(c.snapshot().havePodsWithRequiredAntiAffinityList()).toEqual([]);
  });

  it("survives a JSON round trip of its state (plain data)", () => {
    const c = new SchedulerCache(newSchedulerCacheState());
    c.addNode(zoned("a1", "a"));
    c.addNode(zoned("b1", "b"));
    c.assumePod(makePod("p", { cpu: "1", nodeName: "b1" }));
    const restored = new SchedulerCache(JSON.parse(JSON.stringify(c.state)));
    expect(
      restored
        .snapshot()
        .nodeInfoList()
        .map((n) => n.name),
    ).toEqual(["a1", "b1"]);
    expect(restored.snapshot().get("b1")?.requested.milliCPU).toBe(1000);
    expect(restored.forgetPod(makePod("p", { cpu: "1", nodeName: "b1" }))).toBeNull();
    expect(restored.snapshot().get("b1")?.requested.milliCPU).toBe(0);
  });
});
