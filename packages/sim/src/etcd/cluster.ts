import type { Simulation } from "../core/simulation";
import { createEtcdMember, defaultEtcdMemberConfig, ETCD_MEMBER_KIND, type EtcdMemberConfig } from "./member";

/** Member names of an etcd cluster of `size` members: `etcd-0`, `etcd-1`, … */
export function etcdMemberNames(size: number, prefix = "etcd"): string[] {
  return Array.from({ length: size }, (_, i) => `${prefix}-${i}`);
}

/**
 * Add an etcd cluster to a simulation (register `etcdMemberBehavior` with it first). Returns the
 * member names. Members start as followers; one is elected leader after an election timeout.
 */
export function addEtcdCluster(
  sim: Simulation,
  names: string[],
  cfg: Partial<EtcdMemberConfig> = {},
): string[] {
  const full = { ...defaultEtcdMemberConfig(), ...cfg };
  for (const name of names) sim.addComponent(name, ETCD_MEMBER_KIND, createEtcdMember(name, names, full));
  return names;
}
