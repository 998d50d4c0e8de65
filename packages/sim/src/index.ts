/**
 * @kubelab/sim: a pure, deterministic discrete-event simulation of a Kubernetes cluster.
 * See packages/sim/README.md for the design and how to build components on it.
 *
 * What a host uses, flat:
 * - the cluster facade (`cluster/`): `Cluster.create(spec, seed)` / `Cluster.restore(snapshot)`,
 *   `submit(input)`, `advanceTo`, `nextWakeAt`, `serialize`; `ClusterSpec`, `parseClusterSpec`,
 *   presets and variants, `ClusterInput` / `ClusterOutput`, summaries and faults;
 * - API machinery (`api/`), for kubectl and the web UI: the resource registry and discovery
 *   documents (`createResourceRegistry`, `apiResourceListDocument`…), `Status` constructors and
 *   `isStatus`, field errors, label and field selectors, quantities, patches, server-side
 *   apply, defaulting and validation, the write pipeline;
 * - the apiserver's wire types (`ApiRequest`, `ApiResponse`, `WatchEvent`, `ADMIN_USER`,
 *   `defaultUserAgent`), the in-simulation API client and informer, `ControlPlaneHarness`-free
 *   control-plane assembly (`addControlPlane`);
 * - the simulation core (`Simulation`, `defineBehavior`, trace types, `deepClone`…).
 *
 * Each other component is a namespace, since their names would collide (etcd's `Range`, the
 * scheduler's `Framework`, …): `etcd`, `scheduler`, `controllerManager`, `node`, `kubeProxy`,
 * `network`, `cloudControllerManager`, `leaderElection`, `coredns`, `metricsServer`; `scheduler` is
 * the scheduling framework and plugins, `kubeScheduler` the component that runs them.
 * `COMPONENT_KINDS` names every component kind a cluster runs (the `kind` of trace endpoints
 * and of `Simulation.addComponent`).
 */

import { METRICS_SERVER_KIND } from "./addons/metrics-server/metrics-server";
import { KUBE_APISERVER_KIND } from "./apiserver/apiserver";
import { LOAD_BALANCER_KIND } from "./apiserver/load-balancer";
import { CLOUD_KIND } from "./cloud-controller-manager/cloud";
import { CLOUD_CONTROLLER_MANAGER_KIND } from "./cloud-controller-manager/cloud-controller-manager";
import { CLUSTER_BOOTSTRAP_KIND } from "./cluster/cluster-bootstrap";
import { KUBE_CONTROLLER_MANAGER_KIND } from "./controller-manager/controller-manager";
import { MAILBOX_KIND } from "./core/simulation";
import { ETCD_MEMBER_KIND } from "./etcd/member";
import { CILIUM_SERVICES_KIND, KUBE_PROXY_KIND } from "./kube-proxy/kube-proxy";
import { IMAGE_REGISTRY_KIND } from "./node/images/registry";
import { KUBELET_KIND } from "./node/kubelet/kubelet";
import { CONTAINER_RUNTIME_KIND } from "./node/runtime/runtime";
import { KUBE_SCHEDULER_KIND } from "./scheduler/component/kube-scheduler";

export * as coredns from "./addons/coredns";
export * as metricsServer from "./addons/metrics-server";
export * from "./api";
export * from "./apiserver";
export * as cloudControllerManager from "./cloud-controller-manager";
export * from "./cluster";
export * as controllerManager from "./controller-manager";
export * from "./core";
export * as etcd from "./etcd";
export * as kubeProxy from "./kube-proxy";
export * as leaderElection from "./leader-election";
export * as network from "./network";
export * as node from "./node";
export * as scheduler from "./scheduler";
export * as kubeScheduler from "./scheduler/component";

/** Every component kind of a simulated cluster, by role. */
export const COMPONENT_KINDS = {
  etcdMember: ETCD_MEMBER_KIND,
  kubeApiServer: KUBE_APISERVER_KIND,
  apiServerLoadBalancer: LOAD_BALANCER_KIND,
  kubeScheduler: KUBE_SCHEDULER_KIND,
  kubeControllerManager: KUBE_CONTROLLER_MANAGER_KIND,
  cloudControllerManager: CLOUD_CONTROLLER_MANAGER_KIND,
  cloud: CLOUD_KIND,
  kubelet: KUBELET_KIND,
  containerRuntime: CONTAINER_RUNTIME_KIND,
  imageRegistry: IMAGE_REGISTRY_KIND,
  kubeProxy: KUBE_PROXY_KIND,
  ciliumServices: CILIUM_SERVICES_KIND,
  metricsServer: METRICS_SERVER_KIND,
  clusterBootstrap: CLUSTER_BOOTSTRAP_KIND,
  mailbox: MAILBOX_KIND,
} as const;

/** A component kind (`COMPONENT_KINDS`' values). */
export type ComponentKind = (typeof COMPONENT_KINDS)[keyof typeof COMPONENT_KINDS];
