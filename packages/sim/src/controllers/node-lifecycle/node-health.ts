/**
 * Node health as the node lifecycle controller judges it (`tryUpdateNodeHealth` in
 * `pkg/controller/nodelifecycle/node_lifecycle_controller.go`, v1.32). The controller never
 * trusts the kubelet's clock: it remembers, on its own clock, when it last *saw* a new heartbeat
 * (a changed `lastHeartbeatTime` on the Ready condition, or a renewed Lease) and declares the node
 * Unknown once that probe is older than the grace period.
 */
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Node, NodeCondition, NodeStatus } from "kubernetes-types/core/v1";
import { parseEpoch } from "../../core/time";
import { NODE_MONITOR_GRACE_PERIOD_MS, NODE_STARTUP_GRACE_PERIOD_MS } from "./constants";

/** The Ready condition as last observed: only what the controller compares. */
export interface ObservedReadyCondition {
  status: string;
  lastHeartbeatTime: string;
  lastTransitionTime: string;
}

/** `nodeHealthData`: what the controller remembers per node (plain data, Unix ms). */
export interface NodeHealth {
  /** When (controller clock) a fresh heartbeat or lease renewal was last seen. */
  probeTimestamp: number;
  /** When (controller clock) the Ready condition was last seen to change. */
  readyTransitionTimestamp: number;
  /** The Ready condition of the status last observed; null when it had none. */
  ready: ObservedReadyCondition | null;
  /** `spec.renewTime` of the node's Lease last observed (Unix ms); null when none was seen. */
  leaseRenewTime: number | null;
}

/** Grace periods (flags). */
export interface NodeHealthConfig {
  nodeMonitorGracePeriodMs: number;
  nodeStartupGracePeriodMs: number;
}

/** The v1.32 defaults. */
export const DEFAULT_NODE_HEALTH_CONFIG: NodeHealthConfig = {
  nodeMonitorGracePeriodMs: NODE_MONITOR_GRACE_PERIOD_MS,
  nodeStartupGracePeriodMs: NODE_STARTUP_GRACE_PERIOD_MS,
};

/** The outcome of one health check of one node. */
export interface NodeHealthCheck {
  /** What to remember for the next pass. */
  health: NodeHealth;
  gracePeriodMs: number;
  /** The Ready condition before this check (a synthetic Unknown one when the node has none). */
  observedReady: NodeCondition;
  /** The Ready condition after this check (null when the node has none and it was not added). */
  currentReady: NodeCondition | null;
  /** The node status to write (`UpdateStatus`) because the check changed the Ready condition; null: no write. */
  statusUpdate: NodeStatus | null;
}

/**
 * The conditions the controller turns Unknown when the kubelet goes silent. `NetworkUnavailable`
 * is left alone: it is managed by the network plugin / route controller.
 */
export const CONDITIONS_SET_UNKNOWN = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"] as const;

/** `GetNodeCondition`. */
export function getNodeCondition(status: NodeStatus | undefined, type: string): NodeCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** Unix ms of a `metav1.Time`/`MicroTime` string, or null. */
export function parseTime(t: string | undefined | null): number | null {
  if (!t) return null;
  try {
    return parseEpoch(t);
  } catch {
    return null;
  }
}

function snapshot(c: NodeCondition | undefined): ObservedReadyCondition | null {
  if (!c) return null;
  return {
    status: c.status,
    lastHeartbeatTime: c.lastHeartbeatTime ?? "",
    lastTransitionTime: c.lastTransitionTime ?? "",
  };
}

function sameCondition(a: NodeCondition | null, b: NodeCondition): boolean {
  if (!a) return false;
  return (
    a.type === b.type &&
    a.status === b.status &&
    (a.reason ?? "") === (b.reason ?? "") &&
    (a.message ?? "") === (b.message ?? "") &&
    (a.lastHeartbeatTime ?? "") === (b.lastHeartbeatTime ?? "") &&
    (a.lastTransitionTime ?? "") === (b.lastTransitionTime ?? "")
  );
}

/**
 * `tryUpdateNodeHealth`: compare the node (and its Lease) with what was remembered, refresh the
 * probe timestamp when a new heartbeat shows, and when the last probe is older than the grace
 * period turn Ready / MemoryPressure / DiskPressure / PIDPressure Unknown
 * (`NodeStatusUnknown` / "Kubelet stopped posting node status.", or `NodeStatusNeverUpdated` /
 * "Kubelet never posted node status." for a condition the kubelet never set).
 *
 * `now` is the controller's clock in Unix ms and `nowTime` the same instant as a `metav1.Time`.
 * Pure: the node is not modified.
 */
export function tryUpdateNodeHealth(
  node: Node,
  lease: Lease | undefined,
  saved: NodeHealth | undefined,
  now: number,
  nowTime: string,
  config: NodeHealthConfig = DEFAULT_NODE_HEALTH_CONFIG,
): NodeHealthCheck {
  const creationTime = node.metadata?.creationTimestamp ?? nowTime;
  const creationMs = parseTime(creationTime) ?? now;
  const currentReadyCondition = getNodeCondition(node.status, "Ready");
  let observedReady: NodeCondition;
  let gracePeriodMs: number;
  let health: NodeHealth | undefined = saved ? { ...saved } : undefined;

  if (!currentReadyCondition) {
    // The kubelet (or this controller) never posted a Ready condition: pretend an Unknown one
    // dated at the node's creation, and give the longer startup grace period.
    observedReady = {
      type: "Ready",
      status: "Unknown",
      lastHeartbeatTime: creationTime,
      lastTransitionTime: creationTime,
    };
    gracePeriodMs = config.nodeStartupGracePeriodMs;
    if (health) health.ready = null;
    else
      health = {
        probeTimestamp: creationMs,
        readyTransitionTimestamp: creationMs,
        ready: null,
        leaseRenewTime: null,
      };
  } else {
    observedReady = { ...currentReadyCondition };
    gracePeriodMs = config.nodeMonitorGracePeriodMs;
  }

  const savedCondition = health?.ready ?? null;
  // Captured before the branches below, which replace the record (and so forget the lease:
  // the next pass then counts the same lease as new, a quirk of the real code kept here).
  const savedLeaseRenew = health?.leaseRenewTime ?? null;
  const current = snapshot(currentReadyCondition);
  if (!health) {
    // First sight of a node that already has a Ready condition: assume "now" as its heartbeat.
    health = { probeTimestamp: now, readyTransitionTimestamp: now, ready: current, leaseRenewTime: null };
  } else if (!savedCondition && current) {
    health = { probeTimestamp: now, readyTransitionTimestamp: now, ready: current, leaseRenewTime: null };
  } else if (savedCondition && !current) {
    // The Ready condition disappeared (an error upstream): treat as freshly observed.
    health = { probeTimestamp: now, readyTransitionTimestamp: now, ready: null, leaseRenewTime: null };
  } else if (savedCondition && current && savedCondition.lastHeartbeatTime !== current.lastHeartbeatTime) {
    const transition =
      savedCondition.lastTransitionTime !== current.lastTransitionTime
        ? now
        : health.readyTransitionTimestamp;
    health = {
      probeTimestamp: now,
      readyTransitionTimestamp: transition,
      ready: current,
      leaseRenewTime: null,
    };
  }

  // Always refresh the probe when the Lease was renewed: a kubelet that renews its Lease but
  // never posts status is considered healthy. (`MicroTime.Before` is false when either is nil.)
  const observedRenew = parseTime(lease?.spec?.renewTime);
  if (lease && (savedLeaseRenew === null || (observedRenew !== null && savedLeaseRenew < observedRenew))) {
    health.leaseRenewTime = observedRenew;
    health.probeTimestamp = now;
  }

  if (now > health.probeTimestamp + gracePeriodMs) {
    const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
    for (const type of CONDITIONS_SET_UNKNOWN) {
      const c = conditions.find((x) => x.type === type);
      if (!c) {
        conditions.push({
          type,
          status: "Unknown",
          reason: "NodeStatusNeverUpdated",
          message: "Kubelet never posted node status.",
          lastHeartbeatTime: creationTime,
          lastTransitionTime: nowTime,
        });
      } else if (c.status !== "Unknown") {
        c.status = "Unknown";
        c.reason = "NodeStatusUnknown";
        c.message = "Kubelet stopped posting node status.";
        c.lastTransitionTime = nowTime;
      }
    }
    const newReady = conditions.find((c) => c.type === "Ready") ?? null;
    if (newReady && !sameCondition(newReady, observedReady)) {
      const status: NodeStatus = { ...(node.status ?? {}), conditions };
      return {
        health: {
          probeTimestamp: health.probeTimestamp,
          readyTransitionTimestamp: now,
          ready: snapshot(newReady),
          leaseRenewTime: health.leaseRenewTime,
        },
        gracePeriodMs,
        observedReady,
        currentReady: newReady,
        statusUpdate: status,
      };
    }
  }
  return {
    health,
    gracePeriodMs,
    observedReady,
    currentReady: currentReadyCondition ? { ...currentReadyCondition } : null,
    statusUpdate: null,
  };
}
