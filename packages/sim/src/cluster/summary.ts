/**
 * The status summary of a cluster: what a dashboard row and the live map header show, read
 * from the components' states without sending any message (so reading it changes nothing).
 */
import type { ApiServerState } from "../apiserver/state";
import type { Simulation } from "../core/simulation";
import type { EtcdMemberState } from "../etcd/member";

/** One control-plane component as the summary shows it. */
export interface ComponentHealth {
  id: string;
  up: boolean;
  /** etcd: raft role; apiserver: "ready" or "starting". */
  state: string;
}

/** A cluster at a glance. */
export interface ClusterSummary {
  /** Virtual time, ms since the cluster epoch. */
  now: number;
  etcd: ComponentHealth[];
  apiServers: ComponentHealth[];
  /** The etcd member that leads, when one does. */
  etcdLeader: string | null;
  /** Writes can commit (a leader exists, so a majority is up and connected). */
  healthy: boolean;
  /** Object counts by resource, from the first ready apiserver's cache. */
  counts: {
    namespaces: number;
    nodes: number;
    pods: number;
    /** Pods outside kube-system: what users ran (quotas count these). */
    workloadPods: number;
    deployments: number;
    services: number;
  };
}

const COUNTED = {
  namespaces: "/registry/namespaces",
  nodes: "/registry/minions",
  pods: "/registry/pods",
  deployments: "/registry/deployments",
  services: "/registry/services/specs",
} as const;

/** Summarise a simulation whose etcd members and apiservers have the given ids. */
export function summarize(sim: Simulation, etcd: string[], apiServers: string[]): ClusterSummary {
  let leader: string | null = null;
  const etcdHealth = etcd.map((id) => {
    const up = sim.isUp(id);
    const st = sim.componentState<EtcdMemberState>(id);
    if (up && st.role === "leader") leader = id;
    return { id, up, state: up ? st.role : "down" };
  });
  let source: ApiServerState | undefined;
  const apiHealth = apiServers.map((id) => {
    const up = sim.isUp(id);
    const st = sim.componentState<ApiServerState>(id);
    if (up && st.ready && !source) source = st;
    return { id, up, state: !up ? "down" : st.ready ? "ready" : "starting" };
  });
  const count = (prefix: string) => source?.cache.resources[prefix]?.count ?? 0;
  return {
    now: sim.now,
    etcd: etcdHealth,
    apiServers: apiHealth,
    etcdLeader: leader,
    healthy: leader !== null && source !== undefined,
    counts: {
      namespaces: count(COUNTED.namespaces),
      nodes: count(COUNTED.nodes),
      pods: count(COUNTED.pods),
      workloadPods:
        count(COUNTED.pods) -
        Object.keys(source?.cache.resources[COUNTED.pods]?.byNamespace["kube-system"] ?? {}).length,
      deployments: count(COUNTED.deployments),
      services: count(COUNTED.services),
    },
  };
}
