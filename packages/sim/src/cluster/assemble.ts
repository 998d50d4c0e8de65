/**
 * The one place a hosted cluster is put together from its spec, as kubeadm (or the chosen way of
 * deploying Kubernetes) builds one:
 *
 * - machines: control-plane nodes `control-plane-1…N` (172.18.0.2, .3, …), external etcd hosts
 *   `etcd-host-1…M`, workers `<pool>-1…` (the next addresses); a managed control plane runs on
 *   the provider's hosts `managed-control-plane-1…N`, which are not Kubernetes nodes;
 * - etcd stacked on the control-plane nodes (member i on node i) or on its own hosts;
 * - one kube-apiserver per control-plane node behind a load balancer (kubeadm's
 *   `controlPlaneEndpoint`; with one apiserver it only forwards, as a client would connect directly);
 * - one kube-scheduler and one kube-controller-manager per control-plane node, leader-elected;
 * - a kubelet and a container runtime (containerd or CRI-O) on every node; on control-plane
 *   nodes the kubelet runs kubeadm's static pod manifests (`static-pods`), so their mirror pods
 *   appear in kube-system; control-plane nodes carry the `node-role.kubernetes.io/control-plane`
 *   label and, unless they accept workloads, the `NoSchedule` taint;
 * - kube-proxy on every node (iptables or IPVS; none when Cilium replaces it), metrics-server,
 *   and with a cloud the cloud's API and a cloud-controller-manager per control-plane machine
 *   (nodes then register with the `node.cloudprovider.kubernetes.io/uninitialized` taint);
 * - the bootstrap objects (`bootstrap-objects.ts`): kubeadm's ConfigMaps, token and RBAC, the
 *   kube-proxy, CoreDNS and metrics-server add-ons, a self-hosted control plane's workloads.
 *
 * Components that do not exist in the simulation yet are listed in `ClusterAssembly.missing`
 * rather than faked. New components join here: register their behaviour in `clusterBehaviors`
 * and add them in `assembleCluster`, so creation, restore and replay all build the same cluster.
 */
import {
  createMetricsServer,
  METRICS_SERVER_KIND,
  metricsServerBehavior,
} from "../addons/metrics-server/metrics-server";
import { KUBERNETES_VERSION } from "../apiserver/apiserver";
import { addControlPlane, controlPlaneBehaviors } from "../apiserver/control-plane";
import {
  CLOUD_KIND,
  type CloudProvider as CloudApi,
  cloudBehavior,
  createCloud,
} from "../cloud-controller-manager/cloud";
import {
  CLOUD_CONTROLLER_MANAGER_KIND,
  cloudControllerManagerBehavior,
  createCloudControllerManager,
  UNINITIALIZED_TAINT,
} from "../cloud-controller-manager/cloud-controller-manager";
import {
  createControllerManager,
  KUBE_CONTROLLER_MANAGER_KIND,
  kubeControllerManagerBehavior,
} from "../controller-manager/controller-manager";
import type { ComponentBehavior } from "../core/component";
import type { Simulation } from "../core/simulation";
import { createKubeProxy, KUBE_PROXY_KIND, kubeProxyBehavior } from "../kube-proxy/kube-proxy";
import { DEFAULT_KUBELET_SETTINGS } from "../node/kubelet/config";
import { kubeadmControlPlaneManifests } from "../node/kubelet/static-pods";
import { addImageRegistry, addNode, kubeadmImages, nodeBehaviors } from "../node/node-host";
import { createKubeScheduler, KUBE_SCHEDULER_KIND, kubeSchedulerBehavior } from "../scheduler/component";
import { bootstrapObjects } from "./bootstrap-objects";
import "./controllers";
import {
  CLUSTER_BOOTSTRAP_KIND,
  clusterBootstrapBehavior,
  createClusterBootstrap,
} from "./cluster-bootstrap";
import type { ClusterSpec } from "./spec";
import { type ClusterVariant, defaultVariant, effectiveWorkerPools, type NodeSizeSpec } from "./variant";

/** Every behaviour a hosted cluster may contain (restore needs them all, by kind). */
export const clusterBehaviors: readonly ComponentBehavior[] = [
  ...controlPlaneBehaviors,
  kubeSchedulerBehavior,
  kubeControllerManagerBehavior,
  ...nodeBehaviors,
  kubeProxyBehavior,
  metricsServerBehavior,
  cloudBehavior,
  cloudControllerManagerBehavior,
  clusterBootstrapBehavior,
];

/** The id of the simulated cloud's API (present only with a cloud). */
export const CLOUD_ID = "cloud";
/** The id of the metrics-server (it runs as a Deployment's pod; the component stands for it). */
export const METRICS_SERVER_ID = "metrics-server";

/** The simulated cloud API each provider is (`gcp` is GCE's API). */
const CLOUD_API: Record<Exclude<ClusterVariant["cloud"], "none">, CloudApi> = {
  aws: "aws",
  gcp: "gce",
  azure: "azure",
};

/** The kubeadm etcd image tag of v1.32 (`constants.DefaultEtcdVersion`). */
const ETCD_VERSION = "3.5.16-0";
/** The id of the bootstrap component (kubeadm init's API phases). */
export const CLUSTER_BOOTSTRAP_ID = "kubeadm";

/** A machine of the cluster and what runs on it. */
export interface HostPlacement {
  name: string;
  role: "control-plane" | "worker" | "etcd" | "managed-control-plane";
  /** Its address (InternalIP for a node, `--advertise-address` for an apiserver). */
  ip: string;
  /** Whether it is a Kubernetes node (has a kubelet and appears in `kubectl get nodes`). */
  node: boolean;
  /** Component ids by role: `etcd`, `kube-apiserver`, `kube-scheduler`, `kube-controller-manager`, `kubelet`, `runtime`. */
  components: Record<string, string>;
}

/** The ids of what `assembleCluster` added, by role. */
export interface ClusterAssembly {
  etcd: string[];
  apiServers: string[];
  /** Where clients send API requests (the load balancer in front of the apiservers). */
  apiEndpoint: string;
  schedulers?: string[];
  controllerManagers?: string[];
  /** The machines by name (kubectl's node names for nodes), in creation order. */
  hosts?: Record<string, HostPlacement>;
  /** The image registry component (node image pulls), if any. */
  registry?: string;
  /** cloud-controller-manager replicas (with a cloud). */
  cloudControllerManagers?: string[];
  /** The simulated cloud's API component (with a cloud). */
  cloud?: string;
  /** The metrics-server component (with the add-on). */
  metricsServer?: string;
  /** The bootstrap component (kubeadm's API phases), if any. */
  bootstrap?: string;
  /** What the variant implies that the simulation cannot run yet (kube-proxy, CoreDNS server, …). */
  missing?: string[];
}

/** The n-th address of the cluster's machine network 172.18.0.0/16 (n ≥ 0 → 172.18.0.2, …). */
export function machineIp(n: number): string {
  const x = n + 2;
  return `172.18.${Math.floor(x / 256)}.${x % 256}`;
}

/** Node names of the control plane (`control-plane-1`, …). */
export function controlPlaneNodeNames(replicas: number): string[] {
  return Array.from({ length: replicas }, (_, i) => `control-plane-${i + 1}`);
}

/**
 * Add a node with a given `maxPods`: `addNode` takes the kubelet's settings from
 * `DEFAULT_KUBELET_SETTINGS` (a `NodeSpec.maxPods` would be cleaner: asked of the node helper).
 */
function addSizedNode(
  sim: Simulation,
  size: NodeSizeSpec,
  spec: Omit<Parameters<typeof addNode>[1], "size">,
  apiServer: string,
) {
  const saved = DEFAULT_KUBELET_SETTINGS.maxPods;
  (DEFAULT_KUBELET_SETTINGS as { maxPods: number }).maxPods = size.pods;
  try {
    return addNode(
      sim,
      { ...spec, size: { cpus: size.cpu, memoryGiB: size.memoryGiB, diskGiB: 100 } },
      apiServer,
    );
  } finally {
    (DEFAULT_KUBELET_SETTINGS as { maxPods: number }).maxPods = saved;
  }
}

/** Add the components of `spec` to an empty simulation (see the file comment). */
export function assembleCluster(sim: Simulation, spec: ClusterSpec): ClusterAssembly {
  const v = spec.variant ?? defaultVariant();
  const managed = v.controlPlane.deployment === "managed";
  const replicas = spec.controlPlane.replicas;
  const members = spec.controlPlane.etcdMembers;
  const hosts: Record<string, HostPlacement> = {};
  let ipIndex = 0;

  // Machines of the control plane.
  const cpNames = managed
    ? Array.from({ length: replicas }, (_, i) => `managed-control-plane-${i + 1}`)
    : controlPlaneNodeNames(replicas);
  for (const name of cpNames)
    hosts[name] = {
      name,
      role: managed ? "managed-control-plane" : "control-plane",
      ip: machineIp(ipIndex++),
      node: !managed,
      components: {},
    };
  // Stacked: member i on control-plane node i; members beyond the nodes (or external etcd) on hosts of their own.
  const etcdHostNames: string[] = [];
  for (let i = 0; i < members; i++) {
    const stackedOn = v.controlPlane.etcd === "stacked" ? cpNames[i] : undefined;
    if (stackedOn) etcdHostNames.push(stackedOn);
    else {
      const name = `etcd-host-${etcdHostNames.filter((h) => h.startsWith("etcd-host-")).length + 1}`;
      hosts[name] = { name, role: "etcd", ip: machineIp(ipIndex++), node: false, components: {} };
      etcdHostNames.push(name);
    }
  }

  const cp = addControlPlane(sim, {
    etcdMembers: members,
    apiServers: replicas,
    apiServerAddresses: cpNames.map((n) => hosts[n]!.ip),
    apiServer: { serviceClusterIPRange: v.network.serviceSubnet },
  });
  cp.etcd.forEach((id, i) => {
    hosts[etcdHostNames[i]!]!.components.etcd = id;
  });
  cp.apiServers.forEach((id, i) => {
    hosts[cpNames[i]!]!.components["kube-apiserver"] = id;
  });
  const apiEndpoint = cp.loadBalancer;
  const controlPlaneEndpoint =
    replicas > 1 ? "control-plane.kubelab.internal:6443" : `${hosts[cpNames[0]!]!.ip}:6443`;
  const externalEtcd =
    v.controlPlane.etcd === "external" ? etcdHostNames.map((h) => `https://${hosts[h]!.ip}:2379`) : null;

  // Scheduler and controller-manager: one per control-plane machine, leader-elected.
  const schedulers: string[] = [];
  const controllerManagers: string[] = [];
  cpNames.forEach((host, i) => {
    const sched = `kube-scheduler-${i}`;
    sim.addComponent(
      sched,
      KUBE_SCHEDULER_KIND,
      createKubeScheduler({ hostname: host, apiServer: apiEndpoint }),
    );
    schedulers.push(sched);
    hosts[host]!.components["kube-scheduler"] = sched;
    const kcm = `kube-controller-manager-${i}`;
    sim.addComponent(
      kcm,
      KUBE_CONTROLLER_MANAGER_KIND,
      createControllerManager({ hostname: host, server: apiEndpoint, leaderElect: true }),
    );
    controllerManagers.push(kcm);
    hosts[host]!.components["kube-controller-manager"] = kcm;
  });

  // Nodes: kubelet + container runtime each. With a cloud the kubelet runs with
  // `--cloud-provider=external`: the node registers with the uninitialized taint and the
  // cloud-controller-manager fills in its providerID, zone and addresses, then removes the taint.
  const cloudTaint =
    v.cloud !== "none" ? { taints: [{ key: UNINITIALIZED_TAINT, value: "true", effect: "NoSchedule" }] } : {};
  const registry = addImageRegistry(sim);
  let nodeIndex = 0;
  if (!managed) {
    for (const name of cpNames) {
      const host = hosts[name]!;
      const stackedMember = v.controlPlane.etcd === "stacked" && host.components.etcd !== undefined;
      const manifests =
        v.controlPlane.deployment === "static-pods" || v.controlPlane.deployment === "self-hosted"
          ? kubeadmControlPlaneManifests({
              nodeName: name,
              nodeIP: host.ip,
              kubernetesVersion: KUBERNETES_VERSION,
              etcdVersion: ETCD_VERSION,
              podSubnet: v.network.podSubnet,
              serviceSubnet: v.network.serviceSubnet,
              ...(externalEtcd ? { externalEtcd } : {}),
              etcdInitialCluster: etcdHostNames
                .filter((h) => hosts[h]!.role === "control-plane")
                .map((h) => `${h}=https://${hosts[h]!.ip}:2380`),
            }).filter((m) => {
              const component = m.metadata.labels?.component ?? m.metadata.name;
              if (component === "etcd") return stackedMember;
              // Self-hosted: only etcd stays a static pod; the rest are DaemonSets/Deployments.
              return v.controlPlane.deployment === "static-pods";
            })
          : [];
      const ids = addSizedNode(
        sim,
        v.controlPlane.size,
        {
          name,
          ip: host.ip,
          runtime: v.controlPlane.runtime,
          cni: v.network.cni,
          clusterCidr: v.network.podSubnet,
          index: nodeIndex,
          controlPlane: true,
          schedulable: v.controlPlane.schedulable,
          staticPods: manifests,
          prePulledImages: kubeadmImages(),
          ...cloudTaint,
        },
        apiEndpoint,
      );
      nodeIndex++;
      host.components.kubelet = ids.kubelet;
      host.components.runtime = ids.runtime;
    }
  }
  for (const pool of effectiveWorkerPools(spec)) {
    for (let i = 1; i <= pool.count; i++) {
      const name = `${pool.name}-${i}`;
      const host: HostPlacement = {
        name,
        role: "worker",
        ip: machineIp(ipIndex++),
        node: true,
        components: {},
      };
      hosts[name] = host;
      const ids = addSizedNode(
        sim,
        pool.size,
        {
          name,
          ip: host.ip,
          runtime: pool.runtime,
          cni: v.network.cni,
          clusterCidr: v.network.podSubnet,
          index: nodeIndex,
          ...cloudTaint,
        },
        apiEndpoint,
      );
      nodeIndex++;
      host.components.kubelet = ids.kubelet;
      host.components.runtime = ids.runtime;
    }
  }

  const nodeHosts = Object.values(hosts).filter((h) => h.node);
  // kube-proxy on every node (its DaemonSet pod is the bootstrap's; the component is what it does).
  if (v.network.kubeProxyMode !== "none")
    for (const h of nodeHosts) {
      const id = `kube-proxy-${h.name}`;
      sim.addComponent(
        id,
        KUBE_PROXY_KIND,
        createKubeProxy(apiEndpoint, h.name, h.ip, { mode: v.network.kubeProxyMode }),
      );
      h.components["kube-proxy"] = id;
    }
  // The cloud and its controller manager, one per control-plane machine (leader-elected).
  const cloudControllerManagers: string[] = [];
  if (v.cloud !== "none") {
    sim.addComponent(
      CLOUD_ID,
      CLOUD_KIND,
      createCloud(
        CLOUD_API[v.cloud],
        nodeHosts.map((h) => ({ name: h.name, ip: h.ip })),
      ),
    );
    cpNames.forEach((host, i) => {
      const id = `cloud-controller-manager-${i}`;
      sim.addComponent(
        id,
        CLOUD_CONTROLLER_MANAGER_KIND,
        createCloudControllerManager(apiEndpoint, host, { cloud: CLOUD_ID }),
      );
      hosts[host]!.components["cloud-controller-manager"] = id;
      cloudControllerManagers.push(id);
    });
  }
  if (v.addons.metricsServer)
    sim.addComponent(
      METRICS_SERVER_ID,
      METRICS_SERVER_KIND,
      createMetricsServer(apiEndpoint, { storage: "crd" }),
    );

  // kubeadm init's API phases (or the provider's): configuration, RBAC, addons.
  const objects = bootstrapObjects(spec, {
    controlPlaneEndpoint,
    controlPlaneNodes: managed ? [] : cpNames,
    externalEtcd,
  });
  sim.addComponent(
    CLUSTER_BOOTSTRAP_ID,
    CLUSTER_BOOTSTRAP_KIND,
    createClusterBootstrap(apiEndpoint, objects),
  );

  const missing: string[] = [];
  if (v.network.kubeProxyMode === "none") missing.push("cilium kube-proxy replacement (eBPF service rules)");
  missing.push(`${v.network.cni} agent pods (pod networking is modelled by the runtime's IPAM)`);

  return {
    etcd: cp.etcd,
    apiServers: cp.apiServers,
    apiEndpoint,
    schedulers,
    controllerManagers,
    hosts,
    registry,
    cloudControllerManagers,
    ...(v.cloud !== "none" ? { cloud: CLOUD_ID } : {}),
    ...(v.addons.metricsServer ? { metricsServer: METRICS_SERVER_ID } : {}),
    bootstrap: CLUSTER_BOOTSTRAP_ID,
    missing,
  };
}
