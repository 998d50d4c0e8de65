/**
 * Putting nodes into a simulation: a node is its kubelet and its container runtime (components
 * `kubelet-<node>` and `containerd-<node>` / `crio-<node>`), plus the one image registry the
 * cluster pulls from. Also the host-level actions on a machine (power off/on, stopping the
 * kubelet, a CNI or registry fault) and what an administrator sees on it (`crictl ps`, the
 * container log files).
 */
import type { KubeObject } from "../api/types";
import { KUBERNETES_VERSION } from "../apiserver/apiserver";
import type { ComponentBehavior, Message } from "../core/component";
import type { Simulation } from "../core/simulation";
import { parseCidr, subnet } from "./cni/cidr";
import { type CniPlugin, DEFAULT_CLUSTER_CIDR } from "./cni/plugins";
import { isReferenceError, parseImageReference } from "./images/image-reference";
import {
  createRegistry,
  IMAGE_REGISTRY_ID,
  IMAGE_REGISTRY_KIND,
  imageRegistryBehavior,
  lookupImage,
  type RegistryOutage,
} from "./images/registry";
import {
  DEFAULT_KUBELET_SETTINGS,
  type KubeletConfig,
  NODE_SIZES,
  type NodeSize,
  nodeUser,
} from "./kubelet/config";
import { KUBELET_KIND, kubeletBehavior, type NetworkReadyMessage } from "./kubelet/kubelet";
import { latest } from "./kubelet/pod-status";
import { createKubeletState, type KubeletState } from "./kubelet/state";
import type { RuntimeKind } from "./runtime/cri";
import { crictlImages, crictlPs } from "./runtime/crictl";
import {
  CONTAINER_RUNTIME_KIND,
  type CrashContainer,
  containerRuntimeBehavior,
  type RuntimeFault,
  readContainerLogs,
} from "./runtime/runtime";
import { createRuntime, type RuntimeState } from "./runtime/state";

/** The behaviours node components need registered with the simulation. */
export const nodeBehaviors: readonly ComponentBehavior[] = [
  kubeletBehavior,
  containerRuntimeBehavior,
  imageRegistryBehavior,
];

/** Versions the simulated runtimes report (`containerd://1.7.24`, `cri-o://1.32.1`). */
export const RUNTIME_VERSIONS: Record<RuntimeKind, string> = { containerd: "1.7.24", "cri-o": "1.32.1" };

/** kubeadm 1.32's sandbox image. */
export const PAUSE_IMAGE = "registry.k8s.io/pause:3.10";

/** The images `kubeadm config images pull` fetches for v1.32 (control-plane nodes have them). */
export function kubeadmImages(version = KUBERNETES_VERSION): string[] {
  return [
    `registry.k8s.io/kube-apiserver:${version}`,
    `registry.k8s.io/kube-controller-manager:${version}`,
    `registry.k8s.io/kube-scheduler:${version}`,
    `registry.k8s.io/kube-proxy:${version}`,
    "registry.k8s.io/coredns/coredns:v1.11.3",
    PAUSE_IMAGE,
    "registry.k8s.io/etcd:3.5.16-0",
  ];
}

/** A node to add. */
export interface NodeSpec {
  name: string;
  /** The node's InternalIP. */
  ip: string;
  /** Hardware (`small`, `medium`, … or explicit). Default medium. */
  size?: NodeSize | keyof typeof NODE_SIZES;
  runtime?: RuntimeKind;
  cni?: CniPlugin;
  /** The cluster's pod CIDR (default: the CNI's) and this node's index in it, for the fallback /24. */
  clusterCidr?: string;
  index?: number;
  /** A control-plane node gets kubeadm's label and NoSchedule taint (unless `schedulable`). */
  controlPlane?: boolean;
  schedulable?: boolean;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  providerID?: string;
  staticPods?: KubeObject[];
  /** Images already on the node (kubeadm pre-pulls the control-plane images). */
  prePulledImages?: string[];
  /** Whether the CNI is installed (default true). */
  networkReady?: boolean;
  /** Download speed from the registry, bytes/s (default 40 MB/s). */
  pullBytesPerSec?: number;
}

/** Ids of a node's components. */
export interface NodeComponents {
  kubelet: string;
  runtime: string;
}

/** The component ids of a node. */
export function nodeComponentIds(name: string, runtime: RuntimeKind = "containerd"): NodeComponents {
  return {
    kubelet: `kubelet-${name}`,
    runtime: `${runtime === "containerd" ? "containerd" : "crio"}-${name}`,
  };
}

/** Add the cluster's image registry (once). */
export function addImageRegistry(sim: Simulation): string {
  if (!sim.state.components[IMAGE_REGISTRY_ID])
    sim.addComponent(IMAGE_REGISTRY_ID, IMAGE_REGISTRY_KIND, createRegistry());
  return IMAGE_REGISTRY_ID;
}

/** Add a node (its runtime and kubelet); the kubelet registers it with the API server `apiServer`. */
export function addNode(sim: Simulation, spec: NodeSpec, apiServer: string): NodeComponents {
  const runtimeKind = spec.runtime ?? "containerd";
  const ids = nodeComponentIds(spec.name, runtimeKind);
  const registry = addImageRegistry(sim);
  const size = typeof spec.size === "string" ? NODE_SIZES[spec.size]! : (spec.size ?? NODE_SIZES.medium!);
  const cni = spec.cni ?? "flannel";
  const cluster = parseCidr(spec.clusterCidr ?? DEFAULT_CLUSTER_CIDR[cni])!;
  const fallbackPodCidr = subnet(cluster, 24, spec.index ?? 0);
  const rt = createRuntime(
    {
      node: spec.name,
      runtime: runtimeKind,
      version: RUNTIME_VERSIONS[runtimeKind],
      kubelet: ids.kubelet,
      registry,
      cpus: size.cpus,
      nodeIP: spec.ip,
      cni,
      pullBytesPerSec: spec.pullBytesPerSec ?? 40_000_000,
      unpackBytesPerSec: 120_000_000,
      sandboxImage: PAUSE_IMAGE,
      logLinesKept: 2000,
    },
    fallbackPodCidr,
  );
  for (const image of spec.prePulledImages ?? []) {
    const ref = parseImageReference(image);
    if (isReferenceError(ref)) continue;
    const found = lookupImage(ref);
    if (found.status === 200)
      rt.images[`${found.image.repository}:${found.image.tag}`] = { ...found.image, pulledAt: 0 };
  }
  const labels: Record<string, string> = { ...(spec.labels ?? {}) };
  const taints = [...(spec.taints ?? [])];
  if (spec.controlPlane) {
    // kubeadm init phase mark-control-plane.
    labels["node-role.kubernetes.io/control-plane"] = "";
    labels["node.kubernetes.io/exclude-from-external-load-balancers"] = "";
    if (!spec.schedulable)
      taints.push({ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" });
  }
  const cfg: KubeletConfig = {
    nodeName: spec.name,
    apiServer,
    runtime: ids.runtime,
    runtimeKind,
    runtimeVersion: RUNTIME_VERSIONS[runtimeKind],
    kubeletVersion: KUBERNETES_VERSION,
    nodeIP: spec.ip,
    size,
    labels,
    annotations: {
      // kubeadm records the CRI socket on the Node.
      "kubeadm.alpha.kubernetes.io/cri-socket":
        runtimeKind === "containerd"
          ? "unix:///var/run/containerd/containerd.sock"
          : "unix:///var/run/crio/crio.sock",
      ...(spec.annotations ?? {}),
    },
    taints,
    ...(spec.providerID ? { providerID: spec.providerID } : {}),
    fallbackPodCidr,
    staticPods: spec.staticPods ?? [],
    networkReady: spec.networkReady ?? true,
    settings: { ...DEFAULT_KUBELET_SETTINGS },
    user: nodeUser(spec.name),
    osImage: "Ubuntu 24.04.1 LTS",
    kernelVersion: "6.8.0-51-generic",
  };
  sim.addComponent(ids.runtime, CONTAINER_RUNTIME_KIND, rt);
  sim.addComponent(ids.kubelet, KUBELET_KIND, createKubeletState(cfg));
  return ids;
}

function idsOf(sim: Simulation, node: string): NodeComponents {
  const kubelet = `kubelet-${node}`;
  const st = sim.componentState<KubeletState>(kubelet);
  return { kubelet, runtime: st.cfg.runtime };
}

/** Power a node off: its kubelet and runtime stop at once, its containers die; nobody is told. */
export function powerOffNode(sim: Simulation, node: string): void {
  const ids = idsOf(sim, node);
  sim.stop(ids.kubelet, { silent: true });
  sim.stop(ids.runtime, { silent: true });
}

/** Power a node on: the runtime starts (no containers survive), then the kubelet. */
export function powerOnNode(sim: Simulation, node: string): void {
  const ids = idsOf(sim, node);
  sim.start(ids.runtime);
  sim.start(ids.kubelet);
}

/** Stop the kubelet only (`systemctl stop kubelet`): containers keep running, heartbeats stop. */
export function stopKubelet(sim: Simulation, node: string): void {
  sim.stop(idsOf(sim, node).kubelet);
}

/** Start a stopped kubelet. */
export function startKubelet(sim: Simulation, node: string): void {
  sim.start(idsOf(sim, node).kubelet);
}

/** Make the registry unreachable (`refused`: it is down; `timeout`: packets vanish) or repair it (null). */
export function setRegistryOutage(sim: Simulation, mode: "refused" | "timeout" | null): void {
  addImageRegistry(sim);
  if (mode === "refused") {
    sim.stop(IMAGE_REGISTRY_ID);
    return;
  }
  sim.start(IMAGE_REGISTRY_ID);
  sim.inject("host", IMAGE_REGISTRY_ID, { verb: "REGISTRY-OUTAGE", mode } as RegistryOutage, {
    latencyMs: 0,
  });
}

/** Break (or repair) the CNI on a node: new sandboxes fail with the plugin's error. */
export function setCniFailure(sim: Simulation, node: string, failure: "agent-down" | null): void {
  sim.inject("host", idsOf(sim, node).runtime, { verb: "CNI-FAULT", failure } as RuntimeFault, {
    latencyMs: 0,
  });
}

/** Crash a container (its process dies with `exitCode`, 137 = SIGKILL by default); the kubelet restarts it per its policy. */
export function crashContainer(
  sim: Simulation,
  node: string,
  namespace: string,
  pod: string,
  container: string,
  exitCode = 137,
): void {
  sim.inject(
    "host",
    idsOf(sim, node).runtime,
    { verb: "CRASH-CONTAINER", namespace, pod, container, exitCode } as CrashContainer,
    {
      latencyMs: 0,
    },
  );
}

/** Install or remove the node's CNI configuration (a node without one is NotReady). */
export function setNetworkReady(sim: Simulation, node: string, ready: boolean): void {
  sim.inject("host", idsOf(sim, node).kubelet, { verb: "NETWORK-READY", ready } as NetworkReadyMessage, {
    latencyMs: 0,
  });
}

/** `crictl ps` (or `crictl ps -a`) on a node. */
export function crictl(sim: Simulation, node: string, command: "ps" | "ps -a" | "images" = "ps"): string {
  const rt = sim.componentState<RuntimeState>(idsOf(sim, node).runtime);
  if (command === "images") return crictlImages(rt);
  return crictlPs(rt, sim.now, command === "ps -a");
}

/**
 * A container's log as the node's log files hold it (what `kubectl logs` shows): the current
 * container, or the previous one (`previous`). Returns null when there is no such container.
 */
export function readPodLogs(
  sim: Simulation,
  node: string,
  namespace: string,
  pod: string,
  container: string,
  opts: { previous?: boolean; tailLines?: number; timestamps?: boolean } = {},
): string | null {
  const ids = idsOf(sim, node);
  const k = sim.componentState<KubeletState>(ids.kubelet);
  const uid = k.byName[`${namespace}/${pod}`];
  const w = uid ? k.workers[uid] : undefined;
  if (!w) return null;
  const list = w.containers[container] ?? [];
  const rec = opts.previous ? list[list.length - 2] : latest(w, container);
  if (!rec) return null;
  const rt = sim.componentState<RuntimeState>(ids.runtime);
  const c = rt.containers[rec.id];
  if (!c) return null;
  return readContainerLogs(rt, c, sim.now, opts);
}

/**
 * RBAC objects that let kubelets (group `system:nodes`) do their work. Real clusters authorise
 * kubelets with the Node authorizer (`--authorization-mode=Node,RBAC`); the simulated API server
 * does not model it yet, so clusters grant the `system:node` role's rules through this role and binding.
 */
export function nodeAuthorizationObjects(): KubeObject[] {
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      // Named without the colon of the real `system:node`: the simulated API server's validation
      // rejects ':' in RBAC names (real RBAC names only need to be valid path segments).
      metadata: { name: "kubelab-system-node" },
      rules: [
        {
          apiGroups: [""],
          resources: ["nodes"],
          verbs: ["create", "get", "list", "watch", "patch", "update", "delete"],
        },
        { apiGroups: [""], resources: ["nodes/status"], verbs: ["patch", "update"] },
        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "create", "delete"] },
        { apiGroups: [""], resources: ["pods/status"], verbs: ["patch", "update"] },
        { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
        { apiGroups: ["", "events.k8s.io"], resources: ["events"], verbs: ["create", "patch", "update"] },
        {
          apiGroups: ["coordination.k8s.io"],
          resources: ["leases"],
          verbs: ["get", "create", "update", "patch", "delete"],
        },
        {
          apiGroups: [""],
          resources: [
            "services",
            "endpoints",
            "configmaps",
            "secrets",
            "persistentvolumeclaims",
            "persistentvolumes",
          ],
          verbs: ["get", "list", "watch"],
        },
        { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "kubelab-node-authorizer" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "kubelab-system-node" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "system:nodes" }],
    },
  ];
}

/** Send a message to a node's kubelet from the host (e.g. a logs request on behalf of the API server). */
export function sendToKubelet(sim: Simulation, from: string, node: string, msg: Message): void {
  sim.inject(from, idsOf(sim, node).kubelet, msg);
}
