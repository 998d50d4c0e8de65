/**
 * Zones and their disruption states (`node_lifecycle_controller.go` `ComputeZoneState`,
 * `ReducedQPSFunc`, `HealthyQPSFunc`; `k8s.io/component-helpers/node/topology` `GetZoneKey`).
 */
import type { Node, NodeCondition } from "kubernetes-types/core/v1";
import {
  LABEL_FAILURE_DOMAIN_BETA_REGION,
  LABEL_FAILURE_DOMAIN_BETA_ZONE,
  LABEL_NODE_EXCLUDE_DISRUPTION,
  LABEL_TOPOLOGY_REGION,
  LABEL_TOPOLOGY_ZONE,
  LARGE_CLUSTER_SIZE_THRESHOLD,
  NODE_EVICTION_RATE,
  SECONDARY_NODE_EVICTION_RATE,
  UNHEALTHY_ZONE_THRESHOLD,
} from "./constants";

/** `ZoneState`. */
export type ZoneState = "Initial" | "Normal" | "FullDisruption" | "PartialDisruption";

/**
 * `GetZoneKey`: `region + ":\0:" + zone` from the (beta, then GA) topology labels; "" when the
 * node has neither.
 */
export function getZoneKey(node: Node): string {
  const labels = node.metadata?.labels;
  if (!labels) return "";
  const zone = labels[LABEL_FAILURE_DOMAIN_BETA_ZONE] ?? labels[LABEL_TOPOLOGY_ZONE] ?? "";
  const region = labels[LABEL_FAILURE_DOMAIN_BETA_REGION] ?? labels[LABEL_TOPOLOGY_REGION] ?? "";
  if (region === "" && zone === "") return "";
  return `${region}:\u0000:${zone}`;
}

/** `isNodeExcludedFromDisruptionChecks`. */
export function isNodeExcludedFromDisruptionChecks(node: Node): boolean {
  return node.metadata?.labels?.[LABEL_NODE_EXCLUDE_DISRUPTION] !== undefined;
}

/** Eviction-rate settings (KCM flags). */
export interface EvictionRates {
  evictionLimiterQps: number;
  secondaryEvictionLimiterQps: number;
  largeClusterThreshold: number;
  unhealthyZoneThreshold: number;
}

/** The v1.32 defaults. */
export const DEFAULT_EVICTION_RATES: EvictionRates = {
  evictionLimiterQps: NODE_EVICTION_RATE,
  secondaryEvictionLimiterQps: SECONDARY_NODE_EVICTION_RATE,
  largeClusterThreshold: LARGE_CLUSTER_SIZE_THRESHOLD,
  unhealthyZoneThreshold: UNHEALTHY_ZONE_THRESHOLD,
};

/**
 * `ComputeZoneState`: FullDisruption when no node of the zone is Ready; PartialDisruption when
 * more than 2 are not Ready and they are at least the unhealthy threshold; Normal otherwise.
 * Returns the number of not-Ready nodes too.
 */
export function computeZoneState(
  readyConditions: readonly (NodeCondition | null)[],
  rates: EvictionRates = DEFAULT_EVICTION_RATES,
): { notReady: number; state: ZoneState } {
  let ready = 0;
  let notReady = 0;
  for (const c of readyConditions) {
    if (c && c.status === "True") ready++;
    else notReady++;
  }
  return computeZoneStateFromCounts(ready, notReady, rates);
}

/** `ComputeZoneState` from counts of Ready and not-Ready nodes. */
export function computeZoneStateFromCounts(
  ready: number,
  notReady: number,
  rates: EvictionRates = DEFAULT_EVICTION_RATES,
): { notReady: number; state: ZoneState } {
  if (ready === 0 && notReady > 0) return { notReady, state: "FullDisruption" };
  if (notReady > 2 && notReady / (notReady + ready) >= rates.unhealthyZoneThreshold)
    return { notReady, state: "PartialDisruption" };
  return { notReady, state: "Normal" };
}

/** `setLimiterInZone`: the tainting rate (per second) of a zone in a state. */
export function zoneEvictionQps(
  state: ZoneState,
  zoneSize: number,
  rates: EvictionRates = DEFAULT_EVICTION_RATES,
): number {
  switch (state) {
    case "PartialDisruption":
      // ReducedQPSFunc: slower in large zones, stopped in small ones.
      return zoneSize > rates.largeClusterThreshold ? rates.secondaryEvictionLimiterQps : 0;
    case "FullDisruption":
      // HealthyQPSFunc: normal rate (unless every zone is down: handled by the caller).
      return rates.evictionLimiterQps;
    default:
      return rates.evictionLimiterQps;
  }
}
