/**
 * The taints the node lifecycle controller manages (`node_lifecycle_controller.go`
 * `nodeConditionToTaintKeyStatusMap`, `doNoScheduleTaintingPass`; `pkg/util/taints`).
 */
import type { Node, Taint } from "kubernetes-types/core/v1";
import {
  TAINT_NODE_DISK_PRESSURE,
  TAINT_NODE_MEMORY_PRESSURE,
  TAINT_NODE_NETWORK_UNAVAILABLE,
  TAINT_NODE_NOT_READY,
  TAINT_NODE_PID_PRESSURE,
  TAINT_NODE_UNREACHABLE,
  TAINT_NODE_UNSCHEDULABLE,
} from "./constants";

/** Which condition status maps to which taint key (`nodeConditionToTaintKeyStatusMap`). */
const CONDITION_TO_TAINT: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NODE_NOT_READY, Unknown: TAINT_NODE_UNREACHABLE },
  MemoryPressure: { True: TAINT_NODE_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_NODE_DISK_PRESSURE },
  NetworkUnavailable: { True: TAINT_NODE_NETWORK_UNAVAILABLE },
  PIDPressure: { True: TAINT_NODE_PID_PRESSURE },
};

/** Taint keys that stand for a node condition (`taintKeyToNodeConditionMap`). */
const CONDITION_TAINT_KEYS = new Set([
  TAINT_NODE_NOT_READY,
  TAINT_NODE_UNREACHABLE,
  TAINT_NODE_NETWORK_UNAVAILABLE,
  TAINT_NODE_MEMORY_PRESSURE,
  TAINT_NODE_DISK_PRESSURE,
  TAINT_NODE_PID_PRESSURE,
]);

/** `UnreachableTaintTemplate`. */
export const UNREACHABLE_NO_EXECUTE: Taint = { key: TAINT_NODE_UNREACHABLE, effect: "NoExecute" };
/** `NotReadyTaintTemplate`. */
export const NOT_READY_NO_EXECUTE: Taint = { key: TAINT_NODE_NOT_READY, effect: "NoExecute" };

/** `Taint.MatchTaint`: same key and effect. */
export function matchTaint(a: Taint, b: Taint): boolean {
  return a.key === b.key && a.effect === b.effect;
}

/** `taintutils.TaintExists`. */
export function taintExists(taints: readonly Taint[] | undefined, taint: Taint): boolean {
  return (taints ?? []).some((t) => matchTaint(t, taint));
}

/**
 * The NoSchedule taints a node should carry for its conditions and `spec.unschedulable`
 * (what `doNoScheduleTaintingPass` computes).
 */
export function desiredNoScheduleTaints(node: Node): Taint[] {
  const taints: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TO_TAINT[c.type]?.[c.status];
    if (key) taints.push({ key, effect: "NoSchedule" });
  }
  if (node.spec?.unschedulable) taints.push({ key: TAINT_NODE_UNSCHEDULABLE, effect: "NoSchedule" });
  return taints;
}

/** The node's current NoSchedule taints that the controller owns (condition and unschedulable taints). */
export function managedNoScheduleTaints(node: Node): Taint[] {
  return (node.spec?.taints ?? []).filter(
    (t) =>
      t.effect === "NoSchedule" && (t.key === TAINT_NODE_UNSCHEDULABLE || CONDITION_TAINT_KEYS.has(t.key)),
  );
}

/** `taintutils.TaintSetDiff`: what to add to `current` and what to remove from it to reach `desired`. */
export function taintSetDiff(
  desired: readonly Taint[],
  current: readonly Taint[],
): { add: Taint[]; remove: Taint[] } {
  const add = desired.filter((t) => !current.some((c) => matchTaint(c, t)));
  const remove = current.filter((c) => !desired.some((t) => matchTaint(c, t)));
  return { add, remove };
}

/**
 * The taint list after `SwapNodeControllerTaint`: each added taint gets `timeAdded` = now and
 * replaces one with the same key and effect (`AddOrUpdateTaintOnNode`); the removed ones go
 * (`RemoveTaintOffNode`). Returns null when nothing would change.
 */
export function swapTaints(
  current: readonly Taint[] | undefined,
  add: readonly Taint[],
  remove: readonly Taint[],
  nowTime: string,
): Taint[] | null {
  let changed = false;
  let taints = [...(current ?? [])];
  for (const t of add) {
    const i = taints.findIndex((x) => matchTaint(x, t));
    const withTime: Taint = { ...t, timeAdded: nowTime };
    if (i < 0) {
      taints.push(withTime);
      changed = true;
    } else if ((taints[i]!.value ?? "") !== (t.value ?? "") || taints[i]!.timeAdded !== nowTime) {
      // AddOrUpdateTaint replaces a matching taint unless it is deep-equal (timeAdded included).
      taints[i] = withTime;
      changed = true;
    }
  }
  for (const t of remove) {
    const before = taints.length;
    taints = taints.filter((x) => !matchTaint(x, t));
    if (taints.length !== before) changed = true;
  }
  return changed ? taints : null;
}
