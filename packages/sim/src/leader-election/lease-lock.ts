/**
 * client-go's `resourcelock.LeaseLock` as plain data: the leader election record kept in the
 * spec of a `coordination.k8s.io/v1` Lease, and the Get / Create / Update requests on it. The
 * lock remembers the Lease it last read or wrote (`ll.lease`), so an Update carries that
 * object's `resourceVersion`: two candidates racing for the same expired lease cannot both win,
 * the second gets `409 Conflict` (optimistic concurrency, the apiserver's only arbiter here).
 */
import type { KubeObject } from "../api/types";

/** `resourcelock.LeaderElectionRecord`: what a Lease's spec says about its holder. */
export interface LeaderElectionRecord {
  /** Who holds the lease; "" when nobody does (released). */
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** `metav1.MicroTime` strings. */
  acquireTime: string;
  renewTime: string;
  leaderTransitions: number;
}

/** The Lease object (`coordination.k8s.io/v1`), as the apiserver returns it. */
export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** The collection path of Leases in a namespace. */
export function leasesPath(namespace: string): string {
  return `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`;
}

/** `LeaderElectionRecordToLeaseSpec`. */
export function recordToLeaseSpec(r: LeaderElectionRecord): NonNullable<Lease["spec"]> {
  return {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    acquireTime: r.acquireTime,
    renewTime: r.renewTime,
    leaseTransitions: r.leaderTransitions,
  };
}

/** `LeaseSpecToLeaderElectionRecord`: absent fields read as zero values. */
export function leaseSpecToRecord(spec: Lease["spec"]): LeaderElectionRecord {
  return {
    holderIdentity: spec?.holderIdentity ?? "",
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: spec?.acquireTime ?? "",
    renewTime: spec?.renewTime ?? "",
    leaderTransitions: spec?.leaseTransitions ?? 0,
  };
}

/**
 * The raw form of a record that the elector compares to notice a change (Go marshals the record,
 * whose times are `metav1.Time`, so they compare at second precision).
 */
export function rawRecord(r: LeaderElectionRecord): string {
  const seconds = (t: string) => t.replace(/\.\d+Z$/, "Z");
  return JSON.stringify([
    r.holderIdentity,
    r.leaseDurationSeconds,
    seconds(r.acquireTime),
    seconds(r.renewTime),
    r.leaderTransitions,
  ]);
}

/** The body of `LeaseLock.Create`: a new Lease holding the record. */
export function newLeaseObject(namespace: string, name: string, r: LeaderElectionRecord): Lease {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name, namespace },
    spec: recordToLeaseSpec(r),
  };
}

/** The body of `LeaseLock.Update`: the Lease last seen (same resourceVersion) with the new record. */
export function updatedLeaseObject(lease: Lease, r: LeaderElectionRecord): Lease {
  return { ...lease, spec: { ...lease.spec, ...recordToLeaseSpec(r) } };
}
