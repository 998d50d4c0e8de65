import { describe, expect, it } from "vitest";
import { controlPlaneBehaviors } from "../../apiserver/control-plane";
import { Simulation } from "../../core/simulation";
import { crashContainer, nodeBehaviors, readPodLogs } from "../node-host";
import { NodeHarness, podOn } from "../testing";

describe("kubelet: sidecars, snapshots, container crash", () => {
  it("starts a native sidecar before the app and stops it when the app completes", () => {
    const h = new NodeHarness();
    h.addNode({ name: "worker-1" });
    h.run(3_000);
    h.createPod(
      podOn(
        "worker-1",
        "job-pod",
        [{ name: "main", image: "busybox:1.36", command: ["sh", "-c", "echo working; sleep 5; echo done"] }],
        {
          restartPolicy: "Never",
          initContainers: [
            {
              name: "log-shipper",
              image: "busybox:1.36",
              restartPolicy: "Always",
              command: ["sh", "-c", "while true; do sleep 1; done"],
            },
          ],
        },
      ),
    );
    h.waitFor(() => h.pod("job-pod")?.status?.phase === "Running", 20_000);
    const pod = h.pod("job-pod")!;
    const sidecarStart = Date.parse(pod.status.initContainerStatuses[0].state.running.startedAt);
    const mainStart = Date.parse(pod.status.containerStatuses[0].state.running.startedAt);
    expect(mainStart).toBeGreaterThanOrEqual(sidecarStart);
    h.waitFor(() => h.pod("job-pod")?.status?.phase === "Succeeded", 60_000);
    const done = h.pod("job-pod")!;
    expect(done.status.containerStatuses[0].state.terminated).toMatchObject({
      exitCode: 0,
      reason: "Completed",
    });
    // The sidecar (a shell as PID 1) is stopped after the app; it ignores SIGTERM, so SIGKILL ends it.
    expect(done.status.initContainerStatuses[0].state.terminated).toBeDefined();
    expect(readPodLogs(h.sim, "worker-1", "default", "job-pod", "main")).toBe("working\ndone\n");
  });

  it("restores from a snapshot mid-run and continues exactly as the original", () => {
    const h = new NodeHarness({ seed: 5 });
    h.addNode({ name: "worker-1" });
    h.addNode({ name: "worker-2" });
    h.run(3_000);
    h.createPod(
      podOn("worker-1", "crash", [
        { name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 2; exit 3"] },
      ]),
    );
    h.createPod(
      podOn("worker-2", "web", [
        {
          name: "nginx",
          image: "nginx",
          readinessProbe: {
            httpGet: { path: "/", port: 80 },
            periodSeconds: 5,
            timeoutSeconds: 1,
            successThreshold: 1,
            failureThreshold: 3,
          },
        },
      ]),
    );
    h.run(20_000);
    const snapshot = h.sim.serialize();
    const copy = Simulation.restore(snapshot, [...controlPlaneBehaviors, ...nodeBehaviors]);
    h.sim.advanceBy(120_000);
    copy.advanceBy(120_000);
    for (const id of ["kubelet-worker-1", "containerd-worker-1", "kubelet-worker-2", "containerd-worker-2"]) {
      expect(JSON.stringify(copy.componentState(id))).toBe(JSON.stringify(h.sim.componentState(id)));
    }
    expect(copy.state.seq).toBe(h.sim.state.seq);
  });
});

describe("kubelet: container crash fault", () => {
  it("restarts a crashed container at once the first time (restartCount 1, exit 137 in lastState)", () => {
    const h = new NodeHarness();
    h.addNode({ name: "worker-1" });
    h.run(3_000);
    h.createPod(podOn("worker-1", "web", [{ name: "nginx", image: "nginx" }]));
    h.waitFor(() => h.pod("web")?.status?.phase === "Running", 20_000);
    crashContainer(h.sim, "worker-1", "default", "web", "nginx");
    h.waitFor(() => h.pod("web")?.status?.containerStatuses?.[0]?.restartCount === 1, 5_000);
    h.waitFor(() => h.pod("web")!.status.containerStatuses[0].state.running !== undefined, 5_000);
    expect(h.pod("web")!.status.containerStatuses[0].lastState.terminated).toMatchObject({
      exitCode: 137,
      reason: "Error",
    });
  });
});
