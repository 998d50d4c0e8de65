/**
 * The architecture variant of a cluster: what `kubeadm init` (or the chosen way of deploying
 * Kubernetes) is told when the cluster is made. Everything has a default, and the defaults are
 * kubeadm's: control plane as static pods, stacked etcd, tainted control-plane nodes,
 * containerd, kube-proxy in iptables mode, Flannel, CoreDNS and metrics-server, on premises.
 */
import type { ClusterSpec, SpecError } from "./spec";

/**
 * How the control plane runs:
 * - `static-pods`: kubeadm; the kubelet of each control-plane node runs the manifests of
 *   /etc/kubernetes/manifests and mirror pods `kube-apiserver-<node>` etc. appear in kube-system;
 * - `systemd`: binaries as systemd units ("Kubernetes the hard way"); no control-plane pods;
 * - `self-hosted`: the control plane as DaemonSets/Deployments in kube-system (bootkube, Typhoon);
 * - `managed`: EKS/GKE/AKS; the provider runs it out of sight: no control-plane nodes, nothing of
 *   it in kube-system, only the API endpoint.
 */
export type ControlPlaneDeployment = "static-pods" | "systemd" | "self-hosted" | "managed";
/** etcd on the control-plane nodes (`stacked`) or on hosts of its own (`external`). */
export type EtcdTopology = "stacked" | "external";
/** The CRI implementation of a node. */
export type ContainerRuntimeName = "containerd" | "cri-o";
/** The CNI plugin of the cluster. */
export type CniName = "flannel" | "calico" | "cilium";
/** kube-proxy's `mode`, or `none` when Cilium replaces kube-proxy (`kubeProxyReplacement=true`). */
export type KubeProxyMode = "iptables" | "ipvs" | "none";
/** The simulated cloud the cluster runs in, or `none` (on premises: no cloud-controller-manager). */
export type CloudProvider = "none" | "aws" | "gcp" | "azure";

/** A machine's size as the kubelet reports it: capacity cpu, memory and `maxPods`. */
export interface NodeSizeSpec {
  cpu: number;
  memoryGiB: number;
  /** The kubelet's `maxPods` (default 110). */
  pods: number;
}

/** Named sizes a spec may use instead of numbers. */
export const NODE_SIZE_NAMES: Record<string, NodeSizeSpec> = {
  small: { cpu: 2, memoryGiB: 4, pods: 110 },
  medium: { cpu: 4, memoryGiB: 16, pods: 110 },
  large: { cpu: 8, memoryGiB: 32, pods: 110 },
  xlarge: { cpu: 16, memoryGiB: 64, pods: 110 },
};

/** A group of identical worker nodes, named `<name>-1`, `<name>-2`, … */
export interface WorkerPoolSpec {
  name: string;
  count: number;
  size: NodeSizeSpec;
  runtime: ContainerRuntimeName;
}

/** The variant part of a cluster spec. */
export interface ClusterVariant {
  /** The preset the spec started from (`presets.ts`), or null. */
  preset: string | null;
  controlPlane: {
    deployment: ControlPlaneDeployment;
    etcd: EtcdTopology;
    /** Control-plane nodes accept workloads (no `node-role.kubernetes.io/control-plane:NoSchedule` taint). */
    schedulable: boolean;
    size: NodeSizeSpec;
    runtime: ContainerRuntimeName;
  };
  /**
   * Worker pools. Their counts add up to the spec's `workerNodes`; when they do not (a spec made
   * in code that only set `workerNodes`), the workers are one pool `worker` of the first pool's
   * size (or medium) and runtime.
   */
  workerPools: WorkerPoolSpec[];
  network: {
    cni: CniName;
    kubeProxyMode: KubeProxyMode;
    /** kubeadm's `networking.podSubnet` (the CNI's default: Flannel 10.244.0.0/16, Calico 192.168.0.0/16). */
    podSubnet: string;
    /** kubeadm's `networking.serviceSubnet` (10.96.0.0/12). */
    serviceSubnet: string;
  };
  cloud: CloudProvider;
  addons: { coreDNS: boolean; metricsServer: boolean };
}

/** The pod CIDR each CNI's default manifest uses (kube-flannel.yml, Calico's operator, Cilium's cluster-pool). */
export const CNI_POD_SUBNET: Record<CniName, string> = {
  flannel: "10.244.0.0/16",
  calico: "192.168.0.0/16",
  // Cilium's `cluster-pool-ipv4-cidr` default.
  cilium: "10.0.0.0/8",
};

/** kubeadm v1beta4's default `networking.serviceSubnet`. */
export const DEFAULT_SERVICE_SUBNET = "10.96.0.0/12";

/** kubeadm's defaults (see the file comment). */
export function defaultVariant(): ClusterVariant {
  return {
    preset: null,
    controlPlane: {
      deployment: "static-pods",
      etcd: "stacked",
      schedulable: false,
      size: { ...NODE_SIZE_NAMES.small! },
      runtime: "containerd",
    },
    workerPools: [],
    network: {
      cni: "flannel",
      kubeProxyMode: "iptables",
      podSubnet: CNI_POD_SUBNET.flannel,
      serviceSubnet: DEFAULT_SERVICE_SUBNET,
    },
    cloud: "none",
    addons: { coreDNS: true, metricsServer: true },
  };
}

/** The worker pools to build: the spec's, or one pool when they do not add up to `workerNodes`. */
export function effectiveWorkerPools(spec: ClusterSpec): WorkerPoolSpec[] {
  const v = spec.variant ?? defaultVariant();
  const sum = v.workerPools.reduce((n, p) => n + p.count, 0);
  if (sum === spec.workerNodes) return v.workerPools.filter((p) => p.count > 0);
  if (spec.workerNodes === 0) return [];
  const first = v.workerPools[0];
  return [
    {
      name: "worker",
      count: spec.workerNodes,
      size: first ? { ...first.size } : { ...NODE_SIZE_NAMES.medium! },
      runtime: first?.runtime ?? v.controlPlane.runtime,
    },
  ];
}

const ENUMS = {
  deployment: ["static-pods", "systemd", "self-hosted", "managed"],
  etcd: ["stacked", "external"],
  runtime: ["containerd", "cri-o"],
  cni: ["flannel", "calico", "cilium"],
  kubeProxyMode: ["iptables", "ipvs", "none"],
  cloud: ["none", "aws", "gcp", "azure"],
} as const;

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const POOL_NAME = /^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * Parse the `variant` field of a raw spec onto `spec` (whose `controlPlane` and `workerNodes` are
 * already parsed: pools may set `workerNodes`). Returns the variant, or null when it had errors
 * (pushed to `errors`). `workerNodesGiven`: the raw spec set `workerNodes` itself.
 */
export function parseVariant(
  raw: unknown,
  spec: ClusterSpec,
  errors: SpecError[],
  workerNodesGiven: boolean,
): ClusterVariant | null {
  const v = defaultVariant();
  if (raw === undefined) return v;
  if (!isObject(raw)) {
    errors.push({ field: "variant", message: "must be an object" });
    return null;
  }
  const before = errors.length;
  const unknown = (obj: Record<string, unknown>, prefix: string, known: readonly string[]) => {
    for (const k of Object.keys(obj))
      if (!known.includes(k)) errors.push({ field: `${prefix}.${k}`, message: "unknown field" });
  };
  const oneOf = <T extends string>(field: string, value: unknown, allowed: readonly T[]): T | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
      errors.push({ field, message: `must be one of ${allowed.join(", ")}` });
      return undefined;
    }
    return value as T;
  };
  const bool = (field: string, value: unknown): boolean | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== "boolean") {
      errors.push({ field, message: "must be true or false" });
      return undefined;
    }
    return value;
  };
  const size = (field: string, value: unknown): NodeSizeSpec | undefined => {
    if (value === undefined) return undefined;
    if (typeof value === "string") {
      const named = NODE_SIZE_NAMES[value];
      if (named) return { ...named };
      errors.push({
        field,
        message: `must be ${Object.keys(NODE_SIZE_NAMES).join(", ")} or { cpu, memoryGiB, pods }`,
      });
      return undefined;
    }
    if (!isObject(value)) {
      errors.push({ field, message: "must be a size name or { cpu, memoryGiB, pods }" });
      return undefined;
    }
    unknown(value, field, ["cpu", "memoryGiB", "pods"]);
    const out = { ...NODE_SIZE_NAMES.medium! };
    const num = (k: "cpu" | "memoryGiB" | "pods", min: number, max: number) => {
      const x = value[k];
      if (x === undefined) return;
      if (typeof x !== "number" || !Number.isInteger(x) || x < min || x > max)
        errors.push({ field: `${field}.${k}`, message: `must be an integer from ${min} to ${max}` });
      else out[k] = x;
    };
    // kubeadm's preflight wants 2 CPUs on a control-plane node; a worker may have 1.
    num("cpu", 1, 256);
    num("memoryGiB", 1, 4096);
    // The kubelet refuses maxPods above what its pod CIDR holds; 250 is the documented maximum for /24.
    num("pods", 1, 250);
    return out;
  };
  unknown(raw, "variant", ["controlPlane", "workerPools", "network", "cloud", "addons", "preset"]);

  if (raw.controlPlane !== undefined) {
    const cp = raw.controlPlane;
    if (!isObject(cp)) errors.push({ field: "variant.controlPlane", message: "must be an object" });
    else {
      unknown(cp, "variant.controlPlane", ["deployment", "etcd", "schedulable", "size", "runtime"]);
      v.controlPlane.deployment =
        oneOf("variant.controlPlane.deployment", cp.deployment, ENUMS.deployment) ??
        v.controlPlane.deployment;
      v.controlPlane.etcd = oneOf("variant.controlPlane.etcd", cp.etcd, ENUMS.etcd) ?? v.controlPlane.etcd;
      v.controlPlane.schedulable =
        bool("variant.controlPlane.schedulable", cp.schedulable) ?? v.controlPlane.schedulable;
      v.controlPlane.size = size("variant.controlPlane.size", cp.size) ?? v.controlPlane.size;
      v.controlPlane.runtime =
        oneOf("variant.controlPlane.runtime", cp.runtime, ENUMS.runtime) ?? v.controlPlane.runtime;
    }
  }

  if (raw.workerPools !== undefined) {
    if (!Array.isArray(raw.workerPools) || raw.workerPools.length > 8) {
      errors.push({ field: "variant.workerPools", message: "must be a list of at most 8 pools" });
    } else {
      const names = new Set<string>();
      raw.workerPools.forEach((p, i) => {
        const f = `variant.workerPools[${i}]`;
        if (!isObject(p)) {
          errors.push({ field: f, message: "must be { name, count, size, runtime }" });
          return;
        }
        unknown(p, f, ["name", "count", "size", "runtime"]);
        const name = p.name ?? "worker";
        if (typeof name !== "string" || !POOL_NAME.test(name) || names.has(name)) {
          errors.push({ field: `${f}.name`, message: "must be a unique DNS label of at most 32 characters" });
          return;
        }
        names.add(name);
        const count = p.count;
        if (typeof count !== "number" || !Number.isInteger(count) || count < 0) {
          errors.push({ field: `${f}.count`, message: "must be an integer from 0" });
          return;
        }
        v.workerPools.push({
          name,
          count,
          size: size(`${f}.size`, p.size) ?? { ...NODE_SIZE_NAMES.medium! },
          runtime: oneOf(`${f}.runtime`, p.runtime, ENUMS.runtime) ?? v.controlPlane.runtime,
        });
      });
      const sum = v.workerPools.reduce((n, p) => n + p.count, 0);
      if (workerNodesGiven && sum !== spec.workerNodes) {
        // `--workers N` over a preset with a single pool resizes that pool.
        if (v.workerPools.length === 1) v.workerPools[0]!.count = spec.workerNodes;
        else
          errors.push({
            field: "workerNodes",
            message: `must equal the sum of the worker pools' counts (${sum})`,
          });
      } else spec.workerNodes = sum;
    }
  }

  if (raw.network !== undefined) {
    const n = raw.network;
    if (!isObject(n)) errors.push({ field: "variant.network", message: "must be an object" });
    else {
      unknown(n, "variant.network", ["cni", "kubeProxyMode", "podSubnet", "serviceSubnet"]);
      v.network.cni = oneOf("variant.network.cni", n.cni, ENUMS.cni) ?? v.network.cni;
      v.network.podSubnet = CNI_POD_SUBNET[v.network.cni];
      v.network.kubeProxyMode =
        oneOf("variant.network.kubeProxyMode", n.kubeProxyMode, ENUMS.kubeProxyMode) ??
        v.network.kubeProxyMode;
      for (const k of ["podSubnet", "serviceSubnet"] as const) {
        const x = n[k];
        if (x === undefined) continue;
        const m = typeof x === "string" ? CIDR.exec(x) : null;
        const bits = m ? Number(m[5]) : 0;
        const ok =
          m?.slice(1, 5).every((o) => Number(o) <= 255) === true &&
          bits >= 8 &&
          bits <= (k === "podSubnet" ? 22 : 24);
        if (!ok)
          errors.push({ field: `variant.network.${k}`, message: "must be an IPv4 CIDR (10.244.0.0/16)" });
        else v.network[k] = x as string;
      }
      if (v.network.kubeProxyMode === "none" && v.network.cni !== "cilium")
        errors.push({
          field: "variant.network.kubeProxyMode",
          message: "none needs a CNI that replaces kube-proxy (cilium)",
        });
    }
  }

  v.cloud = oneOf("variant.cloud", raw.cloud, ENUMS.cloud) ?? v.cloud;
  // A normalised spec parsed again keeps the preset it was made from.
  if (raw.preset !== undefined && raw.preset !== null) {
    if (typeof raw.preset !== "string" || !/^[a-z][-a-z0-9]{0,31}$/.test(raw.preset))
      errors.push({ field: "variant.preset", message: "must be a preset name or null" });
    else v.preset = raw.preset;
  }

  if (raw.addons !== undefined) {
    const a = raw.addons;
    if (!isObject(a)) errors.push({ field: "variant.addons", message: "must be an object" });
    else {
      unknown(a, "variant.addons", ["coreDNS", "metricsServer"]);
      v.addons.coreDNS = bool("variant.addons.coreDNS", a.coreDNS) ?? v.addons.coreDNS;
      v.addons.metricsServer =
        bool("variant.addons.metricsServer", a.metricsServer) ?? v.addons.metricsServer;
    }
  }

  // Cross-field rules.
  if (v.controlPlane.deployment === "managed") {
    if (v.controlPlane.schedulable)
      errors.push({
        field: "variant.controlPlane.schedulable",
        message: "a managed control plane has no nodes to schedule on",
      });
    if (spec.workerNodes === 0)
      errors.push({ field: "workerNodes", message: "a managed cluster needs at least one worker node" });
  }
  // No workers and a tainted control plane is allowed: it is what `kubeadm init` alone leaves,
  // and its pods stay Pending with the scheduler's "untolerated taint" message.
  if (v.controlPlane.etcd === "stacked" && spec.controlPlane.etcdMembers > spec.controlPlane.replicas)
    errors.push({
      field: "controlPlane.etcdMembers",
      message: `stacked etcd runs one member per control-plane node (at most ${spec.controlPlane.replicas}); use external etcd for more`,
    });
  return errors.length > before ? null : v;
}
