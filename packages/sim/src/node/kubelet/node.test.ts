import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import {
  crictl,
  kubeadmImages,
  powerOffNode,
  powerOnNode,
  sendToKubelet,
  startKubelet,
  stopKubelet,
} from "../node-host";
import { NodeHarness, podOn } from "../testing";
import type { ContainerLogsRequest, ContainerLogsResponse } from "./kubelet";
import { kubeadmControlPlaneManifests } from "./static-pods";

const ms = (t: string, h: NodeHarness) => Date.parse(t) - h.sim.state.epochMs;

function leaseRenewTimes(h: NodeHarness, node: string, durationMs: number): number[] {
  const times: number[] = [];
  for (let t = 0; t < durationMs; t += 500) {
    h.run(500);
    const r = h.request("GET", `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${node}`);
    if (r.code !== 200) continue;
    const renew = ms((r.body as KubeObject).spec.renewTime, h);
    if (times[times.length - 1] !== renew) times.push(renew);
  }
  return times;
}

describe("kubelet: node registration, status and heartbeats", () => {
  it("registers the Node with its labels, capacity, allocatable, nodeInfo and conditions", () => {
    const h = new NodeHarness();
    h.addNode({ name: "worker-1", size: "medium" });
    h.run(1_000);
    const fresh = h.node("worker-1")!;
    expect(fresh.metadata.labels).toEqual({
      "beta.kubernetes.io/arch": "amd64",
      "beta.kubernetes.io/os": "linux",
      "kubernetes.io/arch": "amd64",
      "kubernetes.io/hostname": "worker-1",
      "kubernetes.io/os": "linux",
    });
    // The first status goes out before the runtime check completes: NotReady for one period.
    expect(fresh.status.conditions.find((c: { type: string }) => c.type === "Ready")).toMatchObject({
      status: "False",
      reason: "KubeletNotReady",
      message: "container runtime status check may not have completed yet",
    });
    h.run(11_000);
    const node = h.node("worker-1")!;
    expect(
      node.status.conditions.map((c: { type: string; status: string; reason: string; message: string }) => [
        c.type,
        c.status,
        c.reason,
        c.message,
      ]),
    ).toEqual([
      ["MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"],
      ["DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"],
      ["PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"],
      ["Ready", "True", "KubeletReady", "kubelet is posting ready status"],
    ]);
    expect(node.status.capacity).toMatchObject({ cpu: "4", pods: "110", "hugepages-2Mi": "0" });
    expect(node.status.capacity.memory).toMatch(/^\d+Ki$/);
    // allocatable memory = capacity − evictionHard memory.available (100Mi)
    expect(
      Number.parseInt(node.status.capacity.memory, 10) - Number.parseInt(node.status.allocatable.memory, 10),
    ).toBe(102_400);
    expect(node.status.nodeInfo).toMatchObject({
      containerRuntimeVersion: "containerd://1.7.24",
      kubeletVersion: "v1.32.0",
      operatingSystem: "linux",
      architecture: "amd64",
      osImage: "Ubuntu 24.04.1 LTS",
    });
    expect(node.status.addresses).toEqual([
      { type: "InternalIP", address: "10.0.0.10" },
      { type: "Hostname", address: "worker-1" },
    ]);
    expect(node.status.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
    const events = h.eventLines("worker-1", "default", "Node");
    expect(events).toEqual([
      "Normal Starting: Starting kubelet.",
      "Warning InvalidDiskCapacity: invalid capacity 0 on image filesystem",
      "Normal NodeHasSufficientMemory: Node worker-1 status is now: NodeHasSufficientMemory",
      "Normal NodeHasNoDiskPressure: Node worker-1 status is now: NodeHasNoDiskPressure",
      "Normal NodeHasSufficientPID: Node worker-1 status is now: NodeHasSufficientPID",
      "Normal NodeAllocatableEnforced: Updated Node Allocatable limit across pods",
      "Normal NodeReady: Node worker-1 status is now: NodeReady",
    ]);
  });

  it("renews its Lease every 10 s and posts an unchanged status every 5 min", () => {
    const h = new NodeHarness();
    h.addNode({ name: "worker-1" });
    h.run(30_000);
    const lease = h.request("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/worker-1")
      .body as KubeObject;
    expect(lease.spec).toMatchObject({ holderIdentity: "worker-1", leaseDurationSeconds: 40 });
    expect(lease.metadata.ownerReferences).toEqual([
      { apiVersion: "v1", kind: "Node", name: "worker-1", uid: h.node("worker-1")!.metadata.uid },
    ]);
    expect(lease.spec.renewTime).toMatch(/^2025-01-01T00:00:\d\d\.\d{6}Z$/);
    const times = leaseRenewTimes(h, "worker-1", 60_000);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    // 10 s with the controller's jitter (up to 4 %).
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(10_000);
      expect(g).toBeLessThanOrEqual(10_400 + 5);
    }
    // The status heartbeat: nothing changes, so lastHeartbeatTime moves only every 5 minutes.
    const beat = () => ms(h.node("worker-1")!.status.conditions[3].lastHeartbeatTime, h);
    const first = beat();
    h.run(120_000);
    expect(beat()).toBe(first);
    h.run(200_000);
    expect(beat() - first).toBeGreaterThanOrEqual(300_000);
    expect(beat() - first).toBeLessThanOrEqual(311_000);
  });

  it("a stopped kubelet stops heartbeats while containers keep running; restarted, it adopts them", () => {
    const h = new NodeHarness();
    h.addNode({ name: "worker-1" });
    h.run(3_000);
    h.createPod(podOn("worker-1", "web", [{ name: "nginx", image: "nginx" }]));
    h.waitFor(() => h.pod("web")?.status?.phase === "Running", 20_000);
    const containerID = h.pod("web")!.status.containerStatuses[0].containerID;
    stopKubelet(h.sim, "worker-1");
    const renew = () =>
      h.request("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/worker-1")
        .body as KubeObject;
    const before = renew().spec.renewTime;
    h.run(60_000);
    expect(renew().spec.renewTime).toBe(before);
    expect(crictl(h.sim, "worker-1")).toMatch(/Running\s+nginx\s+0/);
    startKubelet(h.sim, "worker-1");
    h.run(15_000);
    expect(renew().spec.renewTime).not.toBe(before);
    const st = h.pod("web")!.status.containerStatuses[0];
    expect(st.containerID).toBe(containerID);
    expect(st.restartCount).toBe(0);
    expect(st.state.running).toBeDefined();
  });

  it("a powered-off node loses its containers; powered on, pods restart in a new sandbox", () => {
    const h = new NodeHarness();
    h.addNode({ name: "worker-1" });
    h.run(3_000);
    h.createPod(podOn("worker-1", "web", [{ name: "nginx", image: "nginx" }]));
    h.waitFor(() => h.pod("web")?.status?.phase === "Running", 20_000);
    powerOffNode(h.sim, "worker-1");
    h.run(120_000);
    // Nothing reports for the node any more: the API still shows the last status.
    expect(h.pod("web")!.status.containerStatuses[0].state.running).toBeDefined();
    powerOnNode(h.sim, "worker-1");
    h.waitFor(
      () =>
        h.pod("web")?.status?.containerStatuses?.[0]?.restartCount === 1 &&
        h.pod("web")!.status.containerStatuses[0].state.running !== undefined,
      30_000,
    );
    const st = h.pod("web")!.status.containerStatuses[0];
    expect(st.lastState.terminated).toMatchObject({ exitCode: 255, reason: "Unknown" });
    expect(h.eventLines("web")).toContain(
      "Normal SandboxChanged: Pod sandbox changed, it will be killed and re-created.",
    );
  });

  it("takes pod IPs from the node's spec.podCIDR once node IPAM sets it, and releases them", () => {
    const h = new NodeHarness();
    h.addNode({ name: "worker-1" });
    h.run(3_000);
    // What the controller-manager's node IPAM does (tests stand in for it).
    expect(
      h.request("PATCH", "/api/v1/nodes/worker-1", {
        body: { spec: { podCIDR: "10.244.7.0/24", podCIDRs: ["10.244.7.0/24"] } },
        contentType: "application/merge-patch+json",
      }).code,
    ).toBe(200);
    h.run(12_000);
    for (const n of ["a", "b"])
      h.createPod(
        podOn("worker-1", n, [{ name: "c", image: "busybox:1.36", command: ["sleep", "3600"] }], {
          terminationGracePeriodSeconds: 2,
        }),
      );
    h.waitFor(
      () => h.pod("a")?.status?.phase === "Running" && h.pod("b")?.status?.phase === "Running",
      20_000,
    );
    expect([h.pod("a")!.status.podIP, h.pod("b")!.status.podIP].sort()).toEqual(["10.244.7.2", "10.244.7.3"]);
    h.request("DELETE", "/api/v1/namespaces/default/pods/a");
    h.waitFor(() => h.pod("a") === null, 10_000);
    h.createPod(podOn("worker-1", "c", [{ name: "c", image: "busybox:1.36", command: ["sleep", "3600"] }]));
    h.waitFor(() => h.pod("c")?.status?.phase === "Running", 20_000);
    // host-local hands out addresses round-robin after the last one reserved.
    expect(h.pod("c")!.status.podIP).toBe("10.244.7.4");
  });
});

describe("kubelet: static pods", () => {
  it("runs kubeadm's control plane as static pods and mirrors them into kube-system", () => {
    const h = new NodeHarness();
    h.addNode({
      name: "cp-1",
      controlPlane: true,
      prePulledImages: kubeadmImages(),
      staticPods: kubeadmControlPlaneManifests({
        nodeName: "cp-1",
        nodeIP: "10.0.0.10",
        kubernetesVersion: "v1.32.0",
        etcdVersion: "3.5.16-0",
        podSubnet: "10.244.0.0/16",
        serviceSubnet: "10.96.0.0/12",
      }),
    });
    h.run(40_000);
    const list = h.request("GET", "/api/v1/namespaces/kube-system/pods").body as { items: KubeObject[] };
    const names = list.items.map((p) => p.metadata.name).sort();
    expect(names).toEqual([
      "etcd-cp-1",
      "kube-apiserver-cp-1",
      "kube-controller-manager-cp-1",
      "kube-scheduler-cp-1",
    ]);
    const api = h.pod("kube-apiserver-cp-1", "kube-system")!;
    expect(api.metadata.annotations?.["kubernetes.io/config.mirror"]).toMatch(/^[0-9a-f]{32}$/);
    expect(api.metadata.annotations?.["kubernetes.io/config.source"]).toBe("file");
    expect(api.metadata.ownerReferences).toEqual([
      { apiVersion: "v1", kind: "Node", name: "cp-1", uid: h.node("cp-1")!.metadata.uid, controller: true },
    ]);
    expect(api.metadata.labels).toEqual({ component: "kube-apiserver", tier: "control-plane" });
    expect(api.status.phase).toBe("Running");
    expect(api.status.podIP).toBe("10.0.0.10");
    // Startup probe after 10 s, then readiness every second: Ready.
    expect(api.status.containerStatuses[0]).toMatchObject({ ready: true, started: true, restartCount: 0 });
    expect(h.node("cp-1")!.spec.taints).toEqual([
      { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" },
    ]);
    // A deleted mirror pod comes back; the static pod was never stopped.
    const uid = api.metadata.uid;
    h.request("DELETE", "/api/v1/namespaces/kube-system/pods/kube-apiserver-cp-1");
    h.waitFor(() => {
      const p = h.pod("kube-apiserver-cp-1", "kube-system");
      return !!p && p.metadata.uid !== uid && p.status?.phase === "Running";
    }, 30_000);
    expect(h.pod("kube-apiserver-cp-1", "kube-system")!.status.containerStatuses[0].restartCount).toBe(0);
  });
});

describe("kubelet: runtimes and failures to start", () => {
  it("CRI-O reports itself and fails a missing executable at create (CreateContainerError)", () => {
    const h = new NodeHarness();
    h.addNode({ name: "worker-1", runtime: "cri-o" });
    h.run(15_000);
    expect(h.node("worker-1")!.status.nodeInfo.containerRuntimeVersion).toBe("cri-o://1.32.1");
    h.createPod(
      podOn("worker-1", "bad", [{ name: "c", image: "alpine:3.20", command: ["bash", "-c", "echo hi"] }]),
    );
    h.waitFor(
      () => h.pod("bad")?.status?.containerStatuses?.[0]?.state?.waiting?.reason === "CreateContainerError",
      20_000,
    );
    expect(h.pod("bad")!.status.containerStatuses[0].state.waiting.message).toBe(
      'container create failed: runc create failed: unable to start container process: exec: "bash": executable file not found in $PATH',
    );
  });

  it("containerd fails a missing executable at start: StartError (exit 128), then CrashLoopBackOff", () => {
    const h = new NodeHarness();
    h.addNode({ name: "worker-1" });
    h.run(3_000);
    h.createPod(
      podOn("worker-1", "bad", [{ name: "c", image: "alpine:3.20", command: ["bash", "-c", "echo hi"] }]),
    );
    h.waitFor(
      () => h.pod("bad")?.status?.containerStatuses?.[0]?.state?.waiting?.reason === "RunContainerError",
      20_000,
    );
    const st = h.pod("bad")!.status.containerStatuses[0];
    expect(st.lastState.terminated).toMatchObject({ exitCode: 128, reason: "StartError" });
    expect(st.state.waiting.message).toBe(
      'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "bash": executable file not found in $PATH: unknown',
    );
    h.waitFor(
      () => h.pod("bad")?.status?.containerStatuses?.[0]?.state?.waiting?.reason === "CrashLoopBackOff",
      60_000,
    );
  });

  it("imagePullPolicy Never with a missing image: ErrImageNeverPull", () => {
    const h = new NodeHarness();
    h.addNode({ name: "worker-1" });
    h.run(3_000);
    h.createPod(podOn("worker-1", "never", [{ name: "c", image: "redis:7.4", imagePullPolicy: "Never" }]));
    h.waitFor(
      () => h.pod("never")?.status?.containerStatuses?.[0]?.state?.waiting?.reason === "ErrImageNeverPull",
      20_000,
    );
    expect(h.eventLines("never")).toContain(
      'Warning ErrImageNeverPull: Container image "redis:7.4" is not present with pull policy of Never',
    );
  });

  it("serves container logs (current and previous) like the kubelet's /containerLogs", () => {
    const h = new NodeHarness();
    h.addNode({ name: "worker-1" });
    h.run(3_000);
    h.createPod(
      podOn("worker-1", "counter", [
        {
          name: "count",
          image: "busybox:1.36",
          args: ["/bin/sh", "-c", 'i=0; while true; do echo "$i: $(date)"; i=$((i+1)); sleep 1; done'],
        },
      ]),
    );
    h.waitFor(() => h.pod("counter")?.status?.phase === "Running", 20_000);
    h.run(5_500);
    h.sim.addMailbox("apiserver-proxy");
    const ask = (req: Partial<ContainerLogsRequest>): ContainerLogsResponse => {
      const requestId = Math.floor(h.sim.random() * 1e9);
      sendToKubelet(h.sim, "apiserver-proxy", "worker-1", {
        verb: "CONTAINER-LOGS",
        requestId,
        namespace: "default",
        pod: "counter",
        ...req,
      } as ContainerLogsRequest);
      let res: ContainerLogsResponse | undefined;
      h.sim.runUntil(() => {
        res = h.sim.state.outputs
          .map((o) => o.msg as ContainerLogsResponse)
          .find((m) => m.requestId === requestId);
        return res !== undefined;
      }, h.sim.now + 1000);
      return res!;
    };
    const res = ask({ tailLines: 2 });
    expect(res.code).toBe(200);
    const lines = res.body.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^\d+: Wed Jan {2}1 00:00:\d\d UTC 2025$/);
    expect(ask({ previous: true })).toMatchObject({
      code: 400,
      body: 'previous terminated container "count" in pod "counter" not found',
    });
  });
});
