import { describe, expect, it } from "vitest";
import { crictl, PAUSE_IMAGE, readPodLogs, setCniFailure, setRegistryOutage } from "../node-host";
import { piDigits } from "../process/pi";
import { containerState, NodeHarness, podOn } from "../testing";

const ms = (t: string, h: NodeHarness) => Date.parse(t) - h.sim.state.epochMs;

function harness(nodes = ["worker-1"]): NodeHarness {
  const h = new NodeHarness();
  for (const n of nodes) h.addNode({ name: n });
  h.run(3_000);
  return h;
}

describe("kubelet: running pods", () => {
  it("runs nginx: ContainerCreating during the pull, then Running with the real events and status", () => {
    const h = harness();
    const created = h.sim.now;
    h.createPod(podOn("worker-1", "web", [{ name: "nginx", image: "nginx" }]));
    h.run(1_000);
    expect(h.pod("web")!.status.phase).toBe("Pending");
    expect(containerState(h.pod("web"))).toBe("ContainerCreating");
    const took = h.waitFor(() => h.pod("web")?.status?.phase === "Running", 30_000);
    // Sandbox (with the pause image's pull) + ~73 MB at 40 MB/s + unpacking: a few seconds.
    expect(took + 1_000).toBeGreaterThan(2_000);
    expect(took + 1_000).toBeLessThan(6_000);
    const pod = h.pod("web")!;
    const st = pod.status.containerStatuses[0];
    expect(st).toMatchObject({
      name: "nginx",
      ready: true,
      started: true,
      restartCount: 0,
      image: "docker.io/library/nginx:latest",
    });
    expect(st.imageID).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(st.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(pod.status.podIP).toBe("10.244.0.2");
    expect(pod.status.hostIP).toBe("10.0.0.10");
    expect(pod.status.qosClass).toBe("BestEffort");
    expect(
      pod.status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`),
    ).toEqual([
      "PodReadyToStartContainers=True",
      "Initialized=True",
      "Ready=True",
      "ContainersReady=True",
      "PodScheduled=True",
    ]);
    expect(ms(pod.status.startTime, h)).toBeGreaterThanOrEqual(Math.floor(created / 1000) * 1000);
    const events = h.eventLines("web");
    expect(events[0]).toBe('Normal Pulling: Pulling image "nginx"');
    expect(events[1]).toMatch(
      /^Normal Pulled: Successfully pulled image "nginx" in \d\.\d+s \(\d\.\d+s including waiting\)\. Image size: \d+ bytes\.$/,
    );
    expect(events.slice(2)).toEqual([
      "Normal Created: Created container nginx",
      "Normal Started: Started container nginx",
    ]);
    expect(h.podEvents("web")[0]!.involvedObject.fieldPath).toBe("spec.containers{nginx}");
    expect(h.podEvents("web")[0]!.source).toEqual({ component: "kubelet", host: "worker-1" });
    const logs = readPodLogs(h.sim, "worker-1", "default", "web", "nginx")!;
    expect(logs).toContain("/docker-entrypoint.sh: Configuration complete; ready for start up\n");
    expect(logs).toMatch(/\[notice\] 1#1: start worker processes/);
    // A second pod with a tagged image finds it on the node: no pull.
    h.createPod(
      podOn("worker-1", "web2", [{ name: "nginx", image: "nginx:latest", imagePullPolicy: "IfNotPresent" }]),
    );
    h.waitFor(() => h.pod("web2")?.status?.phase === "Running", 10_000);
    expect(h.eventLines("web2")[0]).toBe(
      'Normal Pulled: Container image "nginx:latest" already present on machine',
    );
    expect(h.pod("web2")!.status.podIP).toBe("10.244.0.3");
    const ps = crictl(h.sim, "worker-1").split("\n");
    expect(ps[0]).toMatch(/^CONTAINER\s+IMAGE\s+CREATED\s+STATE\s+NAME\s+ATTEMPT\s+POD ID\s+POD$/);
    expect(ps).toHaveLength(3);
    expect(ps[1]).toMatch(
      /^[0-9a-f]{13}\s+[0-9a-f]{13}\s+(\d+ seconds|1 second|Less than a second) ago\s+Running\s+nginx\s+0\s+[0-9a-f]{13}\s+web2$/,
    );
  });

  it("puts `exit 1` into CrashLoopBackOff with restarts after 10, 20, 40, 80, 160 s", () => {
    const h = harness();
    const pod = h.createPod(
      podOn("worker-1", "crash", [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "exit 1"] }]),
    );
    // The first crash is restarted at once (no back-off yet).
    h.waitFor(() => h.pod("crash")?.status?.containerStatuses?.[0]?.restartCount === 1, 10_000, 50);
    const starts: number[] = [];
    const finishes: number[] = [];
    let seenBackOff = false;
    for (let t = 0; t < 400_000; t += 250) {
      h.run(250);
      const st = h.pod("crash")!.status.containerStatuses?.[0];
      if (!st) continue;
      const term = st.lastState?.terminated ?? st.state?.terminated;
      if (term && !finishes.includes(ms(term.finishedAt, h))) {
        finishes.push(ms(term.finishedAt, h));
        starts.push(ms(term.startedAt, h));
      }
      if (st.state?.waiting?.reason === "CrashLoopBackOff") seenBackOff = true;
    }
    expect(seenBackOff).toBe(true);
    // Delay from each exit to the next start: 10 s doubling.
    const delays = starts.slice(1).map((s, i) => Math.round((s - finishes[i]!) / 1000));
    expect(delays.slice(0, 5)).toEqual([10, 20, 40, 80, 160]);
    const st = h.pod("crash")!.status.containerStatuses[0];
    expect(st.lastState.terminated).toMatchObject({ exitCode: 1, reason: "Error" });
    expect(st.restartCount).toBeGreaterThanOrEqual(6);
    // During the 160 s back-off the waiting message names the delay.
    h.run(30_000);
    const waiting = h.pod("crash")!.status.containerStatuses[0].state.waiting;
    expect(waiting?.reason).toBe("CrashLoopBackOff");
    expect(waiting?.message).toMatch(
      new RegExp(
        `^back-off (2m40s|5m0s) restarting failed container=c pod=crash_default\\(${pod.metadata.uid}\\)$`,
      ),
    );
    const backoff = h.podEvents("crash").find((e) => e.reason === "BackOff")!;
    expect(backoff.type).toBe("Warning");
    expect(backoff.message).toBe(
      `Back-off restarting failed container c in pod crash_default(${pod.metadata.uid})`,
    );
    expect(backoff.count).toBeGreaterThan(5);
    expect(h.pod("crash")!.status.phase).toBe("Running");
  });

  it("kills a container over its memory limit: OOMKilled, exit code 137", () => {
    const h = harness();
    h.createPod(
      podOn("worker-1", "memory-demo-2", [
        {
          name: "memory-demo-2-ctr",
          image: "polinux/stress",
          resources: { requests: { memory: "50Mi" }, limits: { memory: "100Mi" } },
          command: ["stress"],
          args: ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"],
        },
      ]),
    );
    h.waitFor(() => h.pod("memory-demo-2")?.status?.containerStatuses?.[0]?.restartCount >= 1, 60_000);
    const st = h.pod("memory-demo-2")!.status.containerStatuses[0];
    expect(st.lastState.terminated).toMatchObject({ reason: "OOMKilled", exitCode: 137 });
    expect(h.pod("memory-demo-2")!.status.qosClass).toBe("Burstable");
  });

  it("fails to pull a typo with ErrImagePull, then ImagePullBackOff with the real texts", () => {
    const h = harness();
    h.createPod(podOn("worker-1", "typo", [{ name: "web", image: "ngnix" }]));
    h.waitFor(() => containerState(h.pod("typo")) === "ErrImagePull", 10_000);
    const waiting = h.pod("typo")!.status.containerStatuses[0].state.waiting;
    expect(waiting.message).toBe(
      'rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/ngnix:latest": failed to resolve reference "docker.io/library/ngnix:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    );
    h.waitFor(() => containerState(h.pod("typo")) === "ImagePullBackOff", 20_000);
    expect(h.pod("typo")!.status.containerStatuses[0].state.waiting.message).toBe(
      'Back-off pulling image "ngnix"',
    );
    expect(h.pod("typo")!.status.phase).toBe("Pending");
    h.run(60_000);
    const lines = h.eventLines("typo");
    expect(lines).toContain('Normal Pulling: Pulling image "ngnix"');
    expect(lines).toContain(`Warning Failed: Failed to pull image "ngnix": ${waiting.message}`);
    expect(lines).toContain("Warning Failed: Error: ErrImagePull");
    expect(lines).toContain('Normal BackOff: Back-off pulling image "ngnix"');
    expect(lines).toContain("Warning Failed: Error: ImagePullBackOff");
    // Pulls were retried with the back-off: 10 s, 20 s, 40 s… so a few attempts in 90 s.
    const pulling = h.podEvents("typo").find((e) => e.reason === "Pulling")!;
    expect(pulling.count).toBeGreaterThanOrEqual(3);
    expect(pulling.count).toBeLessThanOrEqual(5);
    // An unknown tag of a real image: NotFound.
    h.createPod(podOn("worker-1", "tag", [{ name: "web", image: "nginx:1.99" }]));
    h.waitFor(() => containerState(h.pod("tag")) === "ErrImagePull", 10_000);
    expect(h.pod("tag")!.status.containerStatuses[0].state.waiting.message).toBe(
      'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.99": failed to resolve reference "docker.io/library/nginx:1.99": docker.io/library/nginx:1.99: not found',
    );
  });

  it("recovers from a registry outage once it is repaired", () => {
    const h = new NodeHarness();
    h.addNode({ name: "worker-1", prePulledImages: [PAUSE_IMAGE] });
    h.addNode({ name: "worker-2" });
    h.run(3_000);
    setRegistryOutage(h.sim, "refused");
    // Without the pause image even the sandbox cannot be created.
    h.createPod(podOn("worker-2", "early", [{ name: "nginx", image: "nginx:1.27.3" }]));
    h.run(2_000);
    expect(h.podEvents("early").find((e) => e.reason === "FailedCreatePodSandBox")?.message).toMatch(
      /^Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image "registry\.k8s\.io\/pause:3\.10": failed to pull image "registry\.k8s\.io\/pause:3\.10": failed to pull and unpack image "registry\.k8s\.io\/pause:3\.10": failed to resolve reference "registry\.k8s\.io\/pause:3\.10": failed to do request: Head "https:\/\/registry\.k8s\.io\/v2\/pause\/manifests\/3\.10": dial tcp 34\.96\.108\.209:443: connect: connection refused$/,
    );
    h.createPod(podOn("worker-1", "web", [{ name: "nginx", image: "nginx:1.27.3" }]));
    h.waitFor(() => containerState(h.pod("web")) === "ErrImagePull", 10_000);
    expect(h.pod("web")!.status.containerStatuses[0].state.waiting.message).toMatch(
      /failed to do request: Head "https:\/\/registry-1\.docker\.io\/v2\/library\/nginx\/manifests\/1\.27\.3": dial tcp [\d.]+:443: connect: connection refused$/,
    );
    h.run(40_000);
    // It alternates between a failed retry and waiting out the back-off.
    expect(["ErrImagePull", "ImagePullBackOff"]).toContain(containerState(h.pod("web")));
    expect(h.eventLines("web")).toContain('Normal BackOff: Back-off pulling image "nginx:1.27.3"');
    setRegistryOutage(h.sim, null);
    const took = h.waitFor(() => h.pod("web")?.status?.phase === "Running", 400_000, 500);
    // The next attempt comes when the current back-off (≤ 5 min) runs out.
    expect(took).toBeLessThanOrEqual(300_000 + 20_000);
  });

  it("runs the documentation's pi Job pod: computes 2000 digits, prints them, completes", () => {
    const h = harness();
    h.createPod(
      podOn(
        "worker-1",
        "pi-abcde",
        [{ name: "pi", image: "perl:5.34.0", command: ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"] }],
        {
          restartPolicy: "Never",
        },
      ),
    );
    const took = h.waitFor(() => h.pod("pi-abcde")?.status?.phase === "Succeeded", 120_000);
    // ~336 MB image to pull, then a few seconds of computing.
    expect(took).toBeGreaterThan(10_000);
    const st = h.pod("pi-abcde")!.status.containerStatuses[0];
    expect(st.state.terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    expect(
      ms(st.state.terminated.finishedAt, h) - ms(st.state.terminated.startedAt, h),
    ).toBeGreaterThanOrEqual(4_000);
    expect(readPodLogs(h.sim, "worker-1", "default", "pi-abcde", "pi")).toBe(`${piDigits(2000)}\n`);
    const ready = h.pod("pi-abcde")!.status.conditions.find((c: { type: string }) => c.type === "Ready");
    expect(ready).toMatchObject({ status: "False", reason: "PodCompleted" });
    // The sandbox is stopped: the pod IP is released, the IP stays in the status.
    expect(h.pod("pi-abcde")!.status.podIP).toBe("10.244.0.2");
  });

  it("fails a sandbox on a CNI fault with the plugin's error, and recovers when repaired", () => {
    const h = harness();
    setCniFailure(h.sim, "worker-1", "agent-down");
    h.createPod(podOn("worker-1", "web", [{ name: "nginx", image: "nginx" }]));
    h.run(3_000);
    const ev = h.podEvents("web").find((e) => e.reason === "FailedCreatePodSandBox")!;
    expect(ev.type).toBe("Warning");
    expect(ev.message).toMatch(
      /^Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "[0-9a-f]{64}": plugin type="flannel" failed \(add\): loadFlannelSubnetEnv failed: open \/run\/flannel\/subnet\.env: no such file or directory$/,
    );
    expect(containerState(h.pod("web"))).toBe("ContainerCreating");
    setCniFailure(h.sim, "worker-1", null);
    h.waitFor(() => h.pod("web")?.status?.phase === "Running", 30_000);
  });

  it("runs init containers in order before the app container", () => {
    const h = harness();
    h.createPod(
      podOn(
        "worker-1",
        "myapp",
        [
          {
            name: "app",
            image: "busybox:1.36",
            command: ["sh", "-c", "echo The app is running! && sleep 3600"],
          },
        ],
        {
          initContainers: [
            { name: "init-a", image: "busybox:1.36", command: ["sh", "-c", "sleep 5"] },
            { name: "init-b", image: "busybox:1.36", command: ["sh", "-c", "sleep 3"] },
          ],
        },
      ),
    );
    h.run(4_000);
    let pod = h.pod("myapp")!;
    expect(pod.status.phase).toBe("Pending");
    expect(pod.status.initContainerStatuses[0].state.running).toBeDefined();
    expect(pod.status.initContainerStatuses[1].state.waiting.reason).toBe("PodInitializing");
    expect(pod.status.containerStatuses[0].state.waiting.reason).toBe("PodInitializing");
    expect(pod.status.conditions.find((c: { type: string }) => c.type === "Initialized")).toMatchObject({
      status: "False",
      reason: "ContainersNotInitialized",
      message: "containers with incomplete status: [init-a init-b]",
    });
    h.waitFor(() => h.pod("myapp")?.status?.phase === "Running", 30_000);
    pod = h.pod("myapp")!;
    const a = pod.status.initContainerStatuses[0].state.terminated;
    const b = pod.status.initContainerStatuses[1].state.terminated;
    expect(a.reason).toBe("Completed");
    expect(ms(b.startedAt, h)).toBeGreaterThanOrEqual(ms(a.finishedAt, h));
    expect(ms(pod.status.containerStatuses[0].state.running.startedAt, h)).toBeGreaterThanOrEqual(
      ms(b.finishedAt, h),
    );
    expect(readPodLogs(h.sim, "worker-1", "default", "myapp", "app")).toBe("The app is running!\n");
  });

  it("deletes a pod gracefully: SIGQUIT to nginx ends it at once; `sleep` ignores SIGTERM until the grace period", () => {
    const h = harness();
    h.createPod(podOn("worker-1", "web", [{ name: "nginx", image: "nginx" }]));
    h.createPod(
      podOn("worker-1", "sleeper", [{ name: "s", image: "busybox:1.36", command: ["sleep", "3600"] }], {
        terminationGracePeriodSeconds: 10,
      }),
    );
    h.waitFor(
      () => h.pod("web")?.status?.phase === "Running" && h.pod("sleeper")?.status?.phase === "Running",
      30_000,
    );
    expect(h.request("DELETE", "/api/v1/namespaces/default/pods/web").code).toBe(200);
    expect(h.request("DELETE", "/api/v1/namespaces/default/pods/sleeper").code).toBe(200);
    h.run(500);
    expect(h.pod("web")).toBeNull();
    expect(h.pod("sleeper")!.metadata.deletionTimestamp).toBeDefined();
    const gone = h.waitFor(() => h.pod("sleeper") === null, 20_000);
    expect(gone).toBeGreaterThan(8_500);
    expect(gone).toBeLessThan(11_000);
    expect(h.eventLines("sleeper")).toContain("Normal Killing: Stopping container s");
    h.run(11_000);
    // The sandboxes are gone from the node once its housekeeping ran.
    expect(crictl(h.sim, "worker-1", "ps -a").split("\n")).toHaveLength(1);
  });
});

describe("kubelet: probes", () => {
  it("restarts the liveness-exec example after /tmp/healthy disappears", () => {
    const h = harness();
    h.createPod(
      podOn("worker-1", "liveness-exec", [
        {
          name: "liveness",
          image: "registry.k8s.io/busybox",
          args: ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
          livenessProbe: {
            exec: { command: ["cat", "/tmp/healthy"] },
            initialDelaySeconds: 5,
            periodSeconds: 5,
            timeoutSeconds: 1,
            failureThreshold: 3,
            successThreshold: 1,
          },
        },
      ]),
    );
    h.waitFor(() => h.pod("liveness-exec")?.status?.phase === "Running", 20_000);
    h.run(25_000);
    expect(h.eventLines("liveness-exec").some((l) => l.startsWith("Warning Unhealthy"))).toBe(false);
    h.waitFor(
      () =>
        h
          .eventLines("liveness-exec")
          .includes("Normal Killing: Container liveness failed liveness probe, will be restarted"),
      30_000,
    );
    const unhealthy = h.podEvents("liveness-exec").find((e) => e.reason === "Unhealthy")!;
    expect(unhealthy.message).toBe(
      "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n",
    );
    expect(unhealthy.count).toBe(3);
    // The shell is PID 1 and ignores SIGTERM: SIGKILL after the 30 s grace period, then a restart.
    h.waitFor(() => h.pod("liveness-exec")!.status.containerStatuses[0].restartCount === 1, 40_000);
    const st = h.pod("liveness-exec")!.status.containerStatuses[0];
    expect(st.lastState.terminated).toMatchObject({ exitCode: 137, reason: "Error" });
  });

  it("restarts on an HTTP liveness failure (agnhost liveness: 500 after 10 s)", () => {
    const h = harness();
    h.createPod(
      podOn("worker-1", "liveness-http", [
        {
          name: "liveness",
          image: "registry.k8s.io/e2e-test-images/agnhost:2.40",
          args: ["liveness"],
          livenessProbe: {
            httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" },
            initialDelaySeconds: 3,
            periodSeconds: 3,
            timeoutSeconds: 1,
            failureThreshold: 3,
            successThreshold: 1,
          },
        },
      ]),
    );
    h.waitFor(() => h.pod("liveness-http")?.status?.containerStatuses?.[0]?.restartCount === 1, 60_000);
    expect(h.eventLines("liveness-http")).toContain(
      "Warning Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500",
    );
  });

  it("gates Ready on the readiness probe", () => {
    const h = harness();
    const probe = (path: string) => ({
      httpGet: { path, port: 80, scheme: "HTTP" },
      initialDelaySeconds: 5,
      periodSeconds: 5,
      timeoutSeconds: 1,
      failureThreshold: 3,
      successThreshold: 1,
    });
    h.createPod(podOn("worker-1", "good", [{ name: "nginx", image: "nginx", readinessProbe: probe("/") }]));
    h.createPod(
      podOn("worker-1", "bad", [{ name: "nginx", image: "nginx", readinessProbe: probe("/healthz") }]),
    );
    h.waitFor(() => h.pod("good")?.status?.phase === "Running", 20_000);
    expect(h.pod("good")!.status.containerStatuses[0].ready).toBe(false);
    const readyAfter = h.waitFor(() => h.pod("good")!.status.containerStatuses[0].ready === true, 20_000);
    expect(readyAfter).toBeGreaterThan(3_000);
    h.run(20_000);
    const bad = h.pod("bad")!;
    expect(bad.status.phase).toBe("Running");
    expect(bad.status.conditions.find((c: { type: string }) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "ContainersNotReady",
      message: "containers with unready status: [nginx]",
    });
    expect(h.eventLines("bad")).toContain(
      "Warning Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 404",
    );
    // Probes appear in nginx's access log as kube-probe requests from the node's bridge address.
    expect(readPodLogs(h.sim, "worker-1", "default", "good", "nginx")).toMatch(
      /^10\.244\.0\.1 - - \[01\/Jan\/2025:00:00:\d\d \+0000\] "GET \/ HTTP\/1\.1" 200 615 "-" "kube-probe\/1\.32" "-"$/m,
    );
  });
});
