/** DefaultBinder (`plugins/defaultbinder/default_binder.go`). */
import type { CycleState } from "../../framework/cycle-state";
import type { Binding, BindPlugin } from "../../framework/interface";
import type { Status } from "../../framework/status";
import type { PodInfo } from "../../framework/types";
import { Names } from "../names";

/**
 * Builds the `v1.Binding` the scheduler POSTs to `pods/<name>/binding`; the scheduler component
 * sends it through the apiserver (the plugin itself does no I/O).
 */
export class DefaultBinder implements BindPlugin {
  readonly name = Names.DefaultBinder;

  bind(_state: CycleState, pod: PodInfo, nodeName: string): { status: Status | null; binding: Binding } {
    const binding: Binding = {
      apiVersion: "v1",
      kind: "Binding",
      metadata: { namespace: pod.namespace, name: pod.name, uid: pod.pod.metadata?.uid },
      target: { kind: "Node", name: nodeName },
    };
    return { status: null, binding };
  }
}
