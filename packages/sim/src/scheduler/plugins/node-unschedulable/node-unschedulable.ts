/** NodeUnschedulable (`plugins/nodeunschedulable/node_unschedulable.go`). */
import type { Taint } from "kubernetes-types/core/v1";
import { ActionType, type ClusterEventRegistration } from "../../framework/events";
import type { FilterPlugin } from "../../framework/interface";
import { newStatus, type Status } from "../../framework/status";
import type { NodeInfo, PodInfo } from "../../framework/types";
import { tolerationsTolerateTaint } from "../../internal/taints";
import { Names } from "../names";

/** `ErrReasonUnknownCondition`. */
export const ERR_REASON_UNKNOWN_CONDITION = "node(s) had unknown conditions";
/** `ErrReasonUnschedulable`. */
export const ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";

// `v1.TaintNodeUnschedulable` with NoSchedule: a pod tolerating it may go to cordoned nodes.
const UNSCHEDULABLE_TAINT: Taint = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };

/** Rejects cordoned nodes (`spec.unschedulable`) unless the pod tolerates the unschedulable taint. */
export class NodeUnschedulable implements FilterPlugin {
  readonly name = Names.NodeUnschedulable;

  filter(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): Status | null {
    if (nodeInfo.node === null)
      return newStatus("UnschedulableAndUnresolvable", ERR_REASON_UNKNOWN_CONDITION);
    if (!nodeInfo.unschedulable) return null;
    if (tolerationsTolerateTaint(pod.pod.spec?.tolerations, UNSCHEDULABLE_TAINT)) return null;
    return newStatus("UnschedulableAndUnresolvable", ERR_REASON_UNSCHEDULABLE);
  }

  eventsToRegister(): ClusterEventRegistration[] {
    return [
      { resource: "Node", actionType: ActionType.Add | ActionType.UpdateNodeTaint },
      { resource: "Pod", actionType: ActionType.UpdatePodToleration },
    ];
  }
}
