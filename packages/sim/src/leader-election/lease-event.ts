/**
 * The `LeaderElection` Event (`LeaseLock.RecordEvent` in client-go `resourcelock/leaselock.go`):
 * a Normal core/v1 Event on the Lease, message `<identity> became leader` or
 * `<identity> stopped leading`, written through the legacy event recorder the component gives the
 * lock (kube-scheduler: source `default-scheduler`, the first profile's schedulerName;
 * kube-controller-manager: `kube-controller-manager`).
 */
import type { KubeObject } from "../api/types";
import type { Context } from "../core/component";
import type { Lease } from "./lease-lock";

/** `events.k8s.io` / core recorders name events `<object name>.<hex Unix nanoseconds>`. */
export function eventName(ctx: Pick<Context, "now" | "epochMs">, objectName: string, seq: number): string {
  // Virtual time is in ms; the sequence fills the sub-millisecond nanoseconds so that two events
  // about one object in the same millisecond get different names, as real clocks would give.
  const nanos = BigInt(ctx.epochMs + ctx.now) * 1_000_000n + BigInt(seq % 1_000_000);
  return `${objectName}.${nanos.toString(16)}`;
}

/** The Event `recorder.Eventf(lease, Normal, "LeaderElection", "<identity> <what>")` posts (legacy recorder `makeEvent`). */
export function leaderElectionEvent(
  ctx: Context,
  lease: Lease,
  identity: string,
  what: "became leader" | "stopped leading",
  sourceComponent: string,
  seq: number,
): KubeObject {
  const ns = lease.metadata.namespace ?? "";
  const name = lease.metadata.name ?? "";
  const now = ctx.timestamp();
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: eventName(ctx, name, seq), namespace: ns },
    involvedObject: {
      kind: "Lease",
      namespace: ns,
      name,
      uid: lease.metadata.uid,
      apiVersion: "coordination.k8s.io/v1",
      resourceVersion: lease.metadata.resourceVersion,
    },
    reason: "LeaderElection",
    message: `${identity} ${what}`,
    source: { component: sourceComponent },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type: "Normal",
    reportingComponent: sourceComponent,
    reportingInstance: "",
  };
}
