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
  /** The same, as written (so an unchanged Lease is recognised without parsing). */
  leaseRenewRaw: string | null;
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

/** Day numbers of dates already seen (`YYYY-MM-DD` → Unix ms at midnight): leases renew all day long. */
const dayCache = new Map<string, number>();

function digits(t: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Unix ms of a `metav1.Time`/`MicroTime` string, or null. The node monitor reads one per node
 * per pass, so the usual `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` shape is decoded by hand.
 */
export function parseTime(t: string | undefined | null): number | null {
  if (!t) return null;
  if (t.length >= 20 && t.charCodeAt(10) === 84 /* T */ && t.charCodeAt(t.length - 1) === 90 /* Z */) {
    const date = t.slice(0, 10);
    let day = dayCache.get(date);
    if (day === undefined) {
      try {
        day = parseEpoch(`${date}T00:00:00Z`);
      } catch {
        return null;
      }
      if (dayCache.size > 1000) dayCache.clear();
      dayCache.set(date, day);
    }
    const h = digits(t, 11, 2);
    const m = digits(t, 14, 2);
    const sec = digits(t, 17, 2);
    if (h < 0 || m < 0 || sec < 0) return null;
    let ms = 0;
    if (t.charCodeAt(19) === 46 /* . */) {
      const frac = t.slice(20, t.length - 1);
      ms = digits(`${frac}000`, 0, 3);
      if (ms < 0) return null;
    }
    return day + h * 3_600_000 + m * 60_000 + sec * 1000 + ms;
  }
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

function freshHealth(now: number, ready: ObservedReadyCondition | null, transition: number): NodeHealth {
  return {
    probeTimestamp: now,
    readyTransitionTimestamp: transition,
    ready,
    leaseRenewTime: null,
    leaseRenewRaw: null,
  };
}

/**
 * `tryUpdateNodeHealth`: compare the node (and its Lease) with what was remembered, refresh the
 * probe timestamp when a new heartbeat shows, and when the last probe is older than the grace
 * period turn Ready / MemoryPressure / DiskPressure / PIDPressure Unknown
 * (`NodeStatusUnknown` / "Kubelet stopped posting node status.", or `NodeStatusNeverUpdated` /
 * "Kubelet never posted node status." for a condition the kubelet never set).
 *
 * `now` is the controller's clock in Unix ms and `nowTime` the same instant as a `metav1.Time`.
 * The node is not modified; `saved` is the controller's own record and is updated in place when
 * only the Lease moved (the common case, every node every 5 s: no copy); the conditions returned
 * are the node's own, read-only.
 */
export function tryUpdateNodeHealth(
  node: Node,
  lease: Lease | undefined,
  saved: NodeHealth | undefined,
  now: number,
  nowTime: string,
  config: NodeHealthConfig = DEFAULT_NODE_HEALTH_CONFIG,
): NodeHealthCheck {
  // Hot path (every node, every 5 s): no parsing or copying unless something changed.
  const creationTime = node.metadata?.creationTimestamp ?? nowTime;
  const currentReadyCondition = getNodeCondition(node.status, "Ready");
  let observedReady: NodeCondition;
  let gracePeriodMs: number;
  let health: NodeHealth | undefined = saved;

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
    if (health) health = { ...health, ready: null };
    else {
      const creationMs = parseTime(creationTime) ?? now;
      health = {
        probeTimestamp: creationMs,
        readyTransitionTimestamp: creationMs,
        ready: null,
        leaseRenewTime: null,
        leaseRenewRaw: null,
      };
    }
  } else {
    // Read-only: the caller never changes it.
    observedReady = currentReadyCondition;
    gracePeriodMs = config.nodeMonitorGracePeriodMs;
  }

  const savedCondition = health?.ready ?? null;
  // Captured before the branches below, which replace the record (and so forget the lease:
  // the next pass then counts the same lease as new, a quirk of the real code kept here).
  const savedLeaseRenew = health?.leaseRenewTime ?? null;
  const savedLeaseRaw = health?.leaseRenewRaw ?? null;
  if (!health) {
    // First sight of a node that already has a Ready condition: assume "now" as its heartbeat.
    health = freshHealth(now, snapshot(currentReadyCondition), now);
  } else if (!savedCondition && currentReadyCondition) {
    health = freshHealth(now, snapshot(currentReadyCondition), now);
  } else if (savedCondition && !currentReadyCondition) {
    // The Ready condition disappeared (an error upstream): treat as freshly observed.
    health = freshHealth(now, null, now);
  } else if (
    savedCondition &&
    currentReadyCondition &&
    savedCondition.lastHeartbeatTime !== (currentReadyCondition.lastHeartbeatTime ?? "")
  ) {
    const transition =
      savedCondition.lastTransitionTime !== (currentReadyCondition.lastTransitionTime ?? "")
        ? now
        : health.readyTransitionTimestamp;
    health = freshHealth(now, snapshot(currentReadyCondition), transition);
  }

  // Always refresh the probe when the Lease was renewed: a kubelet that renews its Lease but
  // never posts status is considered healthy. (`MicroTime.Before` is false when either is nil.)
  const raw = lease?.spec?.renewTime ?? null;
  if (lease && (savedLeaseRenew === null || raw !== savedLeaseRaw)) {
    const observedRenew = parseTime(raw);
    if (savedLeaseRenew === null || (observedRenew !== null && savedLeaseRenew < observedRenew)) {
      health.leaseRenewTime = observedRenew;
      health.leaseRenewRaw = raw;
      health.probeTimestamp = now;
    }
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
          leaseRenewRaw: health.leaseRenewRaw,
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
    currentReady: currentReadyCondition ?? null,
    statusUpdate: null,
  };
}
