/**
 * The one place a hosted cluster is put together from its spec. New components (scheduler,
 * controller-manager, kubelets, kube-proxy, add-ons) join here: register their behaviour in
 * `clusterBehaviors` and add them in `assembleCluster`, so creation, restore and replay all
 * build the same cluster.
 */
import { addControlPlane, controlPlaneBehaviors } from "../apiserver/control-plane";
import type { ComponentBehavior } from "../core/component";
import type { Simulation } from "../core/simulation";
import type { ClusterSpec } from "./spec";

/** Every behaviour a hosted cluster may contain (restore needs them all, by kind). */
export const clusterBehaviors: readonly ComponentBehavior[] = [...controlPlaneBehaviors];

/** The ids of what `assembleCluster` added, by role. */
export interface ClusterAssembly {
  etcd: string[];
  apiServers: string[];
  /** Where clients send API requests (the load balancer in front of the apiservers). */
  apiEndpoint: string;
}

/**
 * Add the components of `spec` to an empty simulation. kubeadm's layout: stacked etcd, one
 * apiserver per control-plane node, a load balancer in front (kube-vip/HAProxy in the HA guide).
 */
export function assembleCluster(sim: Simulation, spec: ClusterSpec): ClusterAssembly {
  const cp = addControlPlane(sim, {
    etcdMembers: spec.controlPlane.etcdMembers,
    apiServers: spec.controlPlane.replicas,
  });
  return { etcd: cp.etcd, apiServers: cp.apiServers, apiEndpoint: cp.loadBalancer };
}
