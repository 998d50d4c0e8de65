import { describe, expect, it } from "vitest";
import { crictl, nodeComponentIds } from "../node-host";
import { NodeHarness, podOn } from "../testing";
import { podUsage } from "./metrics";
import type { RuntimeState } from "./state";

describe("container runtime", () => {
  it("reports usage from the image profile and the process: CPU capped at the limit, memory from stress", () => {
    const h = new NodeHarness();
    h.addNode({ name: "worker-1" });
    h.run(3_000);
    const cpu = h.createPod(
      podOn("worker-1", "cpu-demo", [
        {
          name: "cpu-demo-ctr",
          image: "vish/stress",
          resources: { limits: { cpu: "1" }, requests: { cpu: "500m" } },
          args: ["-cpus", "2"],
        },
      ]),
    );
    const mem = h.createPod(
      podOn("worker-1", "memory-demo", [
        {
          name: "memory-demo-ctr",
          image: "polinux/stress",
          resources: { limits: { memory: "200Mi" }, requests: { memory: "100Mi" } },
          command: ["stress"],
          args: ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"],
        },
      ]),
    );
    const idle = h.createPod(podOn("worker-1", "web", [{ name: "nginx", image: "nginx" }]));
    h.waitFor(
      () => ["cpu-demo", "memory-demo", "web"].every((n) => h.pod(n)?.status?.phase === "Running"),
      30_000,
    );
    h.run(2_000);
    const rt = h.sim.componentState<RuntimeState>(nodeComponentIds("worker-1").runtime);
    expect(podUsage(rt, cpu.metadata.uid!, h.sim.now)[0]!.cpuMilli).toBe(1000);
    const m = podUsage(rt, mem.metadata.uid!, h.sim.now)[0]!;
    expect(m.memoryBytes).toBeGreaterThan(150 * 1024 * 1024);
    expect(m.memoryBytes).toBeLessThan(160 * 1024 * 1024);
    const n = podUsage(rt, idle.metadata.uid!, h.sim.now)[0]!;
    expect(n.cpuMilli).toBeLessThanOrEqual(2);
    expect(n.memoryBytes).toBeLessThan(10 * 1024 * 1024);
    expect(h.pod("memory-demo")!.status.containerStatuses[0].restartCount).toBe(0);
  });

  it("lists images like crictl images", () => {
    const h = new NodeHarness();
    h.addNode({ name: "worker-1" });
    h.run(3_000);
    h.createPod(podOn("worker-1", "web", [{ name: "nginx", image: "nginx:1.27.3" }]));
    h.waitFor(() => h.pod("web")?.status?.phase === "Running", 30_000);
    const lines = crictl(h.sim, "worker-1", "images").split("\n");
    expect(lines[0]).toMatch(/^IMAGE\s+TAG\s+IMAGE ID\s+SIZE$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2).join(":"))).toEqual([
      "docker.io/library/nginx:1.27.3",
      "registry.k8s.io/pause:3.10",
    ]);
    expect(lines[1]).toMatch(/\s[0-9a-f]{13}\s+7\d\.\d+MB$/);
  });
});
