/**
 * Assemble a control plane in a simulation: an etcd cluster, kube-apiserver replicas and the
 * load balancer in front of them, with kubeadm's stacked-etcd wiring by default (each apiserver
 * prefers its own etcd member, and fails over to the others).
 */
import type { ComponentBehavior } from "../core/component";
import type { Simulation } from "../core/simulation";
import { addEtcdCluster, etcdMemberNames } from "../etcd/cluster";
import { type EtcdMemberConfig, etcdMemberBehavior } from "../etcd/member";
import { KUBE_APISERVER_KIND, kubeApiServerBehavior } from "./apiserver";
import { createLoadBalancer, LOAD_BALANCER_KIND, loadBalancerBehavior } from "./load-balancer";
import { type ApiServerConfig, createApiServer, defaultApiServerConfig } from "./state";

/** The behaviours a control plane needs registered with the simulation. */
export const controlPlaneBehaviors: readonly ComponentBehavior[] = [
  etcdMemberBehavior,
  kubeApiServerBehavior,
  loadBalancerBehavior,
];

/** What `addControlPlane` builds. */
export interface ControlPlaneSpec {
  /** Number of etcd members (default 3). */
  etcdMembers?: number;
  /** Number of apiserver replicas (default 1). */
  apiServers?: number;
  etcd?: Partial<EtcdMemberConfig>;
  apiServer?: Partial<ApiServerConfig>;
  /** Each replica's `--advertise-address` (the control-plane node's IP); default 172.18.0.2, .3, … */
  apiServerAddresses?: string[];
}

/** The ids of the components created. */
export interface ControlPlane {
  etcd: string[];
  apiServers: string[];
  /** The id clients send requests to. */
  loadBalancer: string;
}

/** Add etcd, apiservers and the load balancer (ids `etcd-N`, `kube-apiserver-N`, `kube-apiserver-lb`). */
export function addControlPlane(sim: Simulation, spec: ControlPlaneSpec = {}): ControlPlane {
  const etcd = addEtcdCluster(sim, etcdMemberNames(spec.etcdMembers ?? 3), spec.etcd);
  const apiServers: string[] = [];
  const n = spec.apiServers ?? 1;
  for (let i = 0; i < n; i++) {
    const name = `kube-apiserver-${i}`;
    // Stacked etcd: start with the member on the same node, then the others.
    const order = etcd.map((_, j) => etcd[(i + j) % etcd.length]!);
    const cfg = {
      ...defaultApiServerConfig(order),
      ...spec.apiServer,
      etcdServers: spec.apiServer?.etcdServers ?? order,
      advertiseAddress: spec.apiServerAddresses?.[i] ?? `172.18.0.${2 + i}`,
    };
    sim.addComponent(name, KUBE_APISERVER_KIND, createApiServer(name, cfg));
    apiServers.push(name);
  }
  const loadBalancer = "kube-apiserver-lb";
  sim.addComponent(loadBalancer, LOAD_BALANCER_KIND, createLoadBalancer(apiServers));
  return { etcd, apiServers, loadBalancer };
}
