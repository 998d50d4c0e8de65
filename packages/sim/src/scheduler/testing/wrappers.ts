/**
 * Builders of Pod and Node objects for tests and benchmarks (as `pkg/scheduler/testing/wrappers.go`
 * does for the Go tests). They produce plain Kubernetes JSON as an apiserver would return it.
 */
import type { Container, Node, Pod, Taint, Toleration } from "kubernetes-types/core/v1";

/** Options of `makeNode`. */
export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
  extra?: Record<string, string>;
}

/** A Ready node with allocatable resources and the hostname label. */
export function makeNode(name: string, o: NodeOptions = {}): Node {
  const allocatable: Record<string, string> = {
    cpu: o.cpu ?? "4",
    memory: o.memory ?? "16Gi",
    pods: o.pods ?? "110",
    "ephemeral-storage": "100Gi",
    ...(o.extra ?? {}),
  };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      uid: `uid-node-${name}`,
      labels: { "kubernetes.io/hostname": name, ...(o.labels ?? {}) },
    },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: {
      capacity: allocatable,
      allocatable,
      conditions: [{ type: "Ready", status: "True" }],
      ...(o.images ? { images: o.images } : {}),
    },
  };
}

/** Options of `makePod`. */
export interface PodOptions {
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  cpu?: string;
  memory?: string;
  containers?: Container[];
  initContainers?: Container[];
  nodeName?: string;
  priority?: number;
  tolerations?: Toleration[];
  nodeSelector?: Record<string, string>;
  affinity?: NonNullable<Pod["spec"]>["affinity"];
  topologySpreadConstraints?: NonNullable<Pod["spec"]>["topologySpreadConstraints"];
  hostPorts?: number[];
  schedulerName?: string;
  image?: string;
  ownerReferences?: NonNullable<Pod["metadata"]>["ownerReferences"];
  nominatedNodeName?: string;
  startTime?: string;
  preemptionPolicy?: string;
  volumes?: NonNullable<Pod["spec"]>["volumes"];
  schedulingGates?: { name: string }[];
}

/** A pod with one container (requests from `cpu`/`memory`) unless `containers` is given. */
export function makePod(name: string, o: PodOptions = {}): Pod {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  const containers: Container[] = o.containers ?? [
    {
      name: "app",
      image: o.image ?? "registry.k8s.io/pause:3.10",
      resources: Object.keys(requests).length > 0 ? { requests } : {},
      ...(o.hostPorts
        ? { ports: o.hostPorts.map((p) => ({ containerPort: p, hostPort: p, protocol: "TCP" })) }
        : {}),
    },
  ];
  const ns = o.namespace ?? "default";
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: ns,
      uid: o.uid ?? `uid-${ns}-${name}`,
      ...(o.labels ? { labels: o.labels } : {}),
      ...(o.ownerReferences ? { ownerReferences: o.ownerReferences } : {}),
    },
    spec: {
      containers,
      ...(o.initContainers ? { initContainers: o.initContainers } : {}),
      schedulerName: o.schedulerName ?? "default-scheduler",
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
      ...(o.tolerations ? { tolerations: o.tolerations } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      ...(o.affinity ? { affinity: o.affinity } : {}),
      ...(o.topologySpreadConstraints ? { topologySpreadConstraints: o.topologySpreadConstraints } : {}),
      ...(o.preemptionPolicy ? { preemptionPolicy: o.preemptionPolicy } : {}),
      ...(o.volumes ? { volumes: o.volumes } : {}),
      ...(o.schedulingGates ? { schedulingGates: o.schedulingGates } : {}),
    },
    status: {
      phase: o.nodeName ? "Running" : "Pending",
      ...(o.nominatedNodeName ? { nominatedNodeName: o.nominatedNodeName } : {}),
      ...(o.startTime ? { startTime: o.startTime } : {}),
    },
  };
}

/** The control-plane taint kubeadm puts on control-plane nodes. */
export const CONTROL_PLANE_TAINT: Taint = {
  key: "node-role.kubernetes.io/control-plane",
  effect: "NoSchedule",
};

/** A deterministic `randomInt` for tests (a small LCG; the simulation passes its own generator). */
export function testRandomInt(seed = 1): (n: number) => number {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s / 4294967296) * n);
  };
}
