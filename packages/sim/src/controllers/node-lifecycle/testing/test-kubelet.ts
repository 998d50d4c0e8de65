/**
 * Test scaffolding that acts as the kubelets of a few nodes, until the node side (`node/`)
 * exists: it registers Node objects with the conditions a healthy kubelet posts, renews their
 * Leases in `kube-node-lease` every 10 s (`nodeLeaseDurationSeconds` 40 × 0.25), and reports
 * pods bound to its nodes Running and Ready with a pod IP. A test "kills" a kubelet by no longer
 * renewing for that node. Not a model of the kubelet: just the API traffic one would make.
 */
import type { KubeObject } from "../../../api/types";
import type { ControllerTestCluster } from "../../../controller-manager/testing/cluster";
import { formatTimestamp } from "../../../core/time";

/** The kubelet's lease renew interval (`nodeLeaseDurationSeconds` 40 × `nodeLeaseRenewIntervalFraction` 0.25). */
export const LEASE_RENEW_INTERVAL_MS = 10_000;

/** The current time of the cluster as `metav1.Time` / `MicroTime`. */
export function clusterTime(c: ControllerTestCluster, micro = false): string {
  return formatTimestamp(c.sim.state.epochMs + c.sim.now, micro);
}

/** The conditions a healthy v1.32 kubelet posts (`pkg/kubelet/nodestatus/setters.go`), Ready last. */
export function healthyConditions(now: string): KubeObject["status"] {
  const c = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  return [
    c("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    c("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    c("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    c("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
  ];
}

/** Stand-in kubelets for some nodes. */
export class TestKubelets {
  /** Nodes whose kubelet is alive (renews its Lease). */
  readonly alive = new Set<string>();
  private nextRenewAt = 0;
  private podIndex = 10;

  constructor(private readonly c: ControllerTestCluster) {}

  /** Register a node (as `kubelet --register-node` does) and its Lease. */
  register(name: string, labels: Record<string, string> = {}): KubeObject {
    const now = clusterTime(this.c);
    const node = this.c.create("nodes", {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name,
        labels: {
          "kubernetes.io/hostname": name,
          "kubernetes.io/os": "linux",
          "kubernetes.io/arch": "amd64",
          ...labels,
        },
      },
      spec: {},
      status: {
        capacity: { cpu: "4", memory: "8Gi", pods: "110" },
        allocatable: { cpu: "4", memory: "8Gi", pods: "110" },
        conditions: healthyConditions(now),
      },
    });
    // The node registers without status on some apiservers; post it through the subresource too.
    this.c.request("PATCH", `/api/v1/nodes/${name}/status`, {
      body: { status: { conditions: healthyConditions(now) } },
      contentType: "application/strategic-merge-patch+json",
    });
    this.c.create("leases.coordination.k8s.io", {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: {
        name,
        namespace: "kube-node-lease",
        ownerReferences: [{ apiVersion: "v1", kind: "Node", name, uid: node.metadata.uid ?? "" }],
      },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: clusterTime(this.c, true) },
    });
    this.alive.add(name);
    return node;
  }

  /** Renew the Leases of live nodes. */
  renew(): void {
    for (const name of [...this.alive].sort()) {
      this.c.patch(
        "leases.coordination.k8s.io",
        "kube-node-lease",
        name,
        { spec: { renewTime: clusterTime(this.c, true) } },
        "merge",
      );
    }
  }

  /** Advance virtual time by `ms`, renewing live nodes' Leases every 10 s. */
  run(ms: number): void {
    const until = this.c.sim.now + ms;
    while (this.c.sim.now < until) {
      if (this.c.sim.now >= this.nextRenewAt) {
        this.renew();
        this.nextRenewAt = this.c.sim.now + LEASE_RENEW_INTERVAL_MS;
      }
      this.c.sim.advanceTo(Math.min(until, this.nextRenewAt));
    }
  }

  /** Advance until `done()` or `timeoutMs`, renewing Leases; returns whether `done()` held. */
  runUntil(done: () => boolean, timeoutMs: number, stepMs = 500): boolean {
    const until = this.c.sim.now + timeoutMs;
    while (!done()) {
      if (this.c.sim.now >= until) return false;
      this.run(Math.min(stepMs, until - this.c.sim.now));
    }
    return true;
  }

  /** Stop a node's kubelet (power-off): no more Lease renewals or status posts. */
  stop(name: string): void {
    this.alive.delete(name);
  }

  /** Report a pod Running and Ready on its node with a pod IP (what the kubelet and CNI do). */
  startPod(namespace: string, name: string): void {
    const pod = this.c.get("pods", namespace, name);
    if (!pod) throw new Error(`no pod ${namespace}/${name}`);
    const now = clusterTime(this.c);
    const ip = `10.244.${this.podIndex >> 8}.${this.podIndex & 255}`;
    this.podIndex++;
    const r = this.c.patch(
      "pods",
      namespace,
      name,
      {
        status: {
          phase: "Running",
          startTime: now,
          hostIP: "192.168.0.10",
          podIP: ip,
          podIPs: [{ ip }],
          conditions: [
            { type: "PodReadyToStartContainers", status: "True", lastTransitionTime: now },
            { type: "Initialized", status: "True", lastTransitionTime: now },
            { type: "Ready", status: "True", lastTransitionTime: now },
            { type: "ContainersReady", status: "True", lastTransitionTime: now },
            { type: "PodScheduled", status: "True", lastTransitionTime: now },
          ],
        },
      },
      "merge",
      "status",
    );
    if (r.code !== 200) throw new Error(`pod status: ${r.code} ${JSON.stringify(r.body)}`);
  }
}

/**
 * Create the `default` ServiceAccount of a namespace, as the serviceaccount controller would
 * (the ServiceAccount admission plugin refuses pods without it), for tests that do not run it.
 */
export function ensureDefaultServiceAccount(c: ControllerTestCluster, namespace = "default"): void {
  if (c.get("serviceaccounts", namespace, "default")) return;
  c.create("serviceaccounts", {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "default", namespace },
  });
}
