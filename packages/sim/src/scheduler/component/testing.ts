/**
 * Test and benchmark fixtures for the scheduler component: a booted control plane with the
 * kube-scheduler behaviour registered, and objects as the components that do not exist yet would
 * write them (a kubelet registering its Node, the ServiceAccount controller's `default` account,
 * a ReplicaSet controller's pods).
 */
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { ApiResponse } from "../../apiserver/http";
import { ControlPlaneHarness } from "../../apiserver/testing";
import type { ComponentBehavior } from "../../core/component";
import {
  createKubeScheduler,
  KUBE_SCHEDULER_KIND,
  type KubeSchedulerOptions,
  kubeSchedulerBehavior,
} from "./kube-scheduler";

/** The kubeadm control-plane taint. */
export const CONTROL_PLANE_TAINT = { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" };

/** A Node as a kubelet registers it: capacity/allocatable, Ready, the well-known labels. */
export function kubeletNode(
  name: string,
  o: {
    cpu?: string;
    memory?: string;
    pods?: string;
    labels?: Record<string, string>;
    taints?: object[];
  } = {},
): Node {
  const resources = {
    cpu: o.cpu ?? "2",
    memory: o.memory ?? "4Gi",
    pods: o.pods ?? "110",
    "ephemeral-storage": "20Gi",
  };
  const node: Node = {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        ...o.labels,
      },
    },
    spec: {},
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        {
          type: "Ready",
          status: "True",
          reason: "KubeletReady",
          message: "kubelet is posting ready status",
          lastHeartbeatTime: "2025-01-01T00:00:00Z",
          lastTransitionTime: "2025-01-01T00:00:00Z",
        },
      ],
    },
  };
  if (o.taints) (node.spec as { taints?: object[] }).taints = o.taints;
  return node;
}

/** A pod with one container requesting `cpu` / `memory`. */
export function simplePod(
  name: string,
  o: {
    cpu?: string;
    memory?: string;
    labels?: Record<string, string>;
    schedulerName?: string;
    priorityClassName?: string;
    ownerReferences?: object[];
    namespace?: string;
  } = {},
): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: o.namespace ?? "default", labels: o.labels ?? { app: name } },
    spec: { containers: [{ name: "app", image: "nginx:1.27", resources: { requests } }] },
  };
  if (o.schedulerName) pod.spec!.schedulerName = o.schedulerName;
  if (o.priorityClassName) pod.spec!.priorityClassName = o.priorityClassName;
  if (o.ownerReferences) (pod.metadata as { ownerReferences?: object[] }).ownerReferences = o.ownerReferences;
  return pod;
}

/** A control plane plus kube-scheduler replicas, driven from the harness's kubectl mailbox. */
export class SchedulerTestCluster {
  readonly h: ControlPlaneHarness;

  constructor(options: { seed?: number; behaviors?: readonly ComponentBehavior[] } = {}) {
    this.h = new ControlPlaneHarness({
      seed: options.seed ?? 1,
      behaviors: [kubeSchedulerBehavior, ...(options.behaviors ?? [])],
    }).boot();
    // The ServiceAccount controller would create this; pod admission needs it.
    this.ok(
      this.h.request("POST", "/api/v1/namespaces/default/serviceaccounts", {
        body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } },
      }),
    );
  }

  get sim() {
    return this.h.sim;
  }

  /** Add a scheduler replica `kube-scheduler-<hostname>`; returns its component id. */
  addScheduler(options: Omit<KubeSchedulerOptions, "apiServer">): string {
    const id = `kube-scheduler-${options.hostname}`;
    this.sim.addComponent(
      id,
      KUBE_SCHEDULER_KIND,
      createKubeScheduler({ apiServer: this.h.cp.loadBalancer, ...options }),
    );
    return id;
  }

  /** Throws unless the response is a success. */
  ok(r: ApiResponse): ApiResponse {
    if (r.code < 200 || r.code > 299) throw new Error(`HTTP ${r.code}: ${JSON.stringify(r.body)}`);
    return r;
  }

  /** Register a node as its kubelet would (POST, then the status through `nodes/status`). */
  addNode(node: Node): void {
    const created = this.ok(this.h.request("POST", "/api/v1/nodes", { body: node })).body as Node;
    if (JSON.stringify(created.status?.allocatable) !== JSON.stringify(node.status?.allocatable)) {
      // The simulated apiserver drops a Node's status on create; the kubelet's status update restores it.
      this.ok(
        this.h.request("PUT", `/api/v1/nodes/${node.metadata!.name}/status`, {
          body: { ...created, status: node.status },
        }),
      );
    }
  }

  /** Create an object. */
  create(path: string, body: unknown): ApiResponse {
    return this.ok(this.h.request("POST", path, { body }));
  }

  /** GET a pod. */
  pod(name: string, namespace = "default"): Pod {
    return this.ok(this.h.request("GET", `/api/v1/namespaces/${namespace}/pods/${name}`)).body as Pod;
  }

  /** All pods of a namespace. */
  pods(namespace = "default"): Pod[] {
    return (this.ok(this.h.request("GET", `/api/v1/namespaces/${namespace}/pods`)).body as { items: Pod[] })
      .items;
  }

  /** Events of a namespace, as `kubectl get events` reads them. */
  events(namespace = "default"): EventView[] {
    return (
      this.ok(this.h.request("GET", `/api/v1/namespaces/${namespace}/events`)).body as { items: EventView[] }
    ).items;
  }

  /**
   * Act as the kubelets: a bound pod marked for deletion is confirmed gone (DELETE with grace 0),
   * as the kubelet does once its containers stopped. Returns how many were deleted.
   */
  kubeletFinishDeletions(namespace = "default"): number {
    let n = 0;
    for (const p of this.pods(namespace)) {
      if (!p.metadata?.deletionTimestamp) continue;
      this.h.request("DELETE", `/api/v1/namespaces/${namespace}/pods/${p.metadata.name}`, {
        body: { apiVersion: "v1", kind: "DeleteOptions", gracePeriodSeconds: 0 },
      });
      n++;
    }
    return n;
  }
}

/** The fields of a core/v1 Event the tests read. */
export interface EventView {
  metadata: { name: string; namespace: string };
  involvedObject: { kind: string; name: string; namespace?: string; uid?: string };
  related?: { kind: string; name: string };
  reason: string;
  message: string;
  type: string;
  action?: string;
  reportingComponent?: string;
  reportingInstance?: string;
  eventTime?: string;
  series?: { count: number; lastObservedTime: string };
}
