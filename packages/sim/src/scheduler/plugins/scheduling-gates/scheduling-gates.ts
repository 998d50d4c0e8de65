/** SchedulingGates (`plugins/schedulinggates/scheduling_gates.go`): a PreEnqueue plugin. */
import type { Pod } from "kubernetes-types/core/v1";
import { ActionType, type ClusterEventRegistration } from "../../framework/events";
import type { PreEnqueuePlugin } from "../../framework/interface";
import { newStatus, type Status } from "../../framework/status";
import { Names } from "../names";

/** Keeps pods with `spec.schedulingGates` out of the active queue until the gates are removed. */
export class SchedulingGates implements PreEnqueuePlugin {
  readonly name = Names.SchedulingGates;

  preEnqueue(pod: Pod): Status | null {
    const gates = pod.spec?.schedulingGates ?? [];
    if (gates.length === 0) return null;
    // fmt.Sprintf("waiting for scheduling gates: %v", gates) prints a Go slice: [a b].
    return newStatus(
      "UnschedulableAndUnresolvable",
      `waiting for scheduling gates: [${gates.map((g) => g.name).join(" ")}]`,
    );
  }

  eventsToRegister(): ClusterEventRegistration[] {
    return [{ resource: "Pod", actionType: ActionType.UpdatePodSchedulingGatesEliminated }];
  }
}
