/** NodeName (`plugins/nodename/node_name.go`). */
import { ActionType, type ClusterEventRegistration } from "../../framework/events";
import type { FilterPlugin } from "../../framework/interface";
import { newStatus, type Status } from "../../framework/status";
import type { NodeInfo, PodInfo } from "../../framework/types";
import { Names } from "../names";

/** `ErrReason`. */
export const ERR_REASON = "node(s) didn't match the requested node name";

/** A pod with `spec.nodeName` set only fits that node. */
export class NodeName implements FilterPlugin {
  readonly name = Names.NodeName;

  filter(_state: unknown, pod: PodInfo, nodeInfo: NodeInfo): Status | null {
    const want = pod.pod.spec?.nodeName;
    if (!want || want === nodeInfo.name) return null;
    return newStatus("UnschedulableAndUnresolvable", ERR_REASON);
  }

  eventsToRegister(): ClusterEventRegistration[] {
    return [{ resource: "Node", actionType: ActionType.Add | ActionType.Update }];
  }
}
