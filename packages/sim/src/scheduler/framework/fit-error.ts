/**
 * `framework.Diagnosis` and `FitError.Error()` (`pkg/scheduler/framework/types.go`): why a pod
 * fits no node, and the exact text of the FailedScheduling event, e.g.
 * `0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.`
 */
import type { NodeToStatus } from "./interface";
import { isRejected, type Status } from "./status";

/** `framework.Diagnosis`. */
export interface Diagnosis {
  nodeToStatus: NodeToStatus;
  /** Plugins that returned Unschedulable or UnschedulableAndUnresolvable (sorted). */
  unschedulablePlugins: string[];
  /** Plugins that returned Pending (sorted). */
  pendingPlugins: string[];
  /** The message of a PreFilter rejection; "" when PreFilter passed. */
  preFilterMsg: string;
  /** The message of the PostFilter (preemption) outcome; "" when none. */
  postFilterMsg: string;
}

/** An empty diagnosis (`NewDefaultNodeToStatus`). */
export function newDiagnosis(): Diagnosis {
  return {
    nodeToStatus: { nodes: {}, absentNodesStatus: null },
    unschedulablePlugins: [],
    pendingPlugins: [],
    preFilterMsg: "",
    postFilterMsg: "",
  };
}

function insertSorted(list: string[], value: string): void {
  if (list.includes(value)) return;
  list.push(value);
  list.sort();
}

/** `Diagnosis.AddPluginStatus`: remembers which plugin rejected the pod (for requeueing). */
export function addPluginStatus(d: Diagnosis, s: Status): void {
  if (s.plugin === "") return;
  if (isRejected(s)) insertSorted(d.unschedulablePlugins, s.plugin);
  if (s.code === "Pending") insertSorted(d.pendingPlugins, s.plugin);
}

/** The number of nodes with an explicit status (`NodeToStatus.Len()`). */
export function nodeToStatusLen(m: NodeToStatus): number {
  return Object.keys(m.nodes).length;
}

/** `NoNodeAvailableMsg`. */
export const NO_NODE_AVAILABLE_MSG = "0/%v nodes are available";

/**
 * `FitError.Error()`: "0/N nodes are available:", then the PreFilter message, or else the
 * histogram of node reasons ("<count> <reason>") sorted as strings and joined by ", ", then "."
 * and finally the PostFilter message.
 */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let reasonMsg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg !== "") {
    reasonMsg += ` ${d.preFilterMsg}.`;
  } else {
    const reasons = new Map<string, number>();
    const statuses = d.nodeToStatus.nodes;
    let explicit = 0;
    for (const name in statuses) {
      explicit++;
      for (const r of (statuses[name] as Status).reasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    }
    const absent = d.nodeToStatus.absentNodesStatus;
    if (explicit < numAllNodes && absent !== null) {
      for (const r of absent.reasons) reasons.set(r, (reasons.get(r) ?? 0) + numAllNodes - explicit);
    }
    const histogram: string[] = [];
    for (const [reason, count] of reasons) histogram.push(`${count} ${reason}`);
    // Go's sort.Strings: byte-wise lexicographic order (plain < on UTF-16 agrees for these texts).
    histogram.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (histogram.length > 0) reasonMsg += ` ${histogram.join(", ")}.`;
  }
  if (d.postFilterMsg !== "") reasonMsg += ` ${d.postFilterMsg}`;
  return reasonMsg;
}
