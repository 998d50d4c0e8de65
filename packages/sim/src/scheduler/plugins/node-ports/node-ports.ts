/** NodePorts (`plugins/nodeports/node_ports.go`). */
import type { CycleState, StateData } from "../../framework/cycle-state";
import { ActionType, type ClusterEventRegistration } from "../../framework/events";
import type { FilterPlugin, PreFilterOutcome, PreFilterPlugin } from "../../framework/interface";
import { hostPortConflicts } from "../../framework/node-info";
import { newStatus, type Status } from "../../framework/status";
import type { HostPort, NodeInfo, PodInfo } from "../../framework/types";
import { Names } from "../names";

/** `ErrReason`. */
export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

const PRE_FILTER_STATE_KEY = `PreFilter${Names.NodePorts}`;

class PreFilterState implements StateData {
  constructor(readonly ports: HostPort[]) {}
  clone(): StateData {
    return this;
  }
}

/** Rejects nodes where a host port the pod asks for is taken (0.0.0.0 clashes with every IP). */
export class NodePorts implements PreFilterPlugin, FilterPlugin {
  readonly name = Names.NodePorts;

  preFilter(state: CycleState, pod: PodInfo): PreFilterOutcome {
    if (pod.hostPorts.length === 0) return { status: newStatus("Skip") };
    state.write(PRE_FILTER_STATE_KEY, new PreFilterState(pod.hostPorts));
    return { status: null };
  }

  filter(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status | null {
    const s = state.read<PreFilterState>(PRE_FILTER_STATE_KEY);
    const ports = s !== undefined ? s.ports : pod.hostPorts;
    for (const p of ports) {
      if (hostPortConflicts(nodeInfo, p)) return newStatus("Unschedulable", ERR_REASON);
    }
    return null;
  }

  eventsToRegister(): ClusterEventRegistration[] {
    return [
      { resource: "AssignedPod", actionType: ActionType.Delete },
      { resource: "Node", actionType: ActionType.Add | ActionType.Update },
    ];
  }
}
