/**
 * `helper.DefaultSelector` (`plugins/helper/spread.go`): the selector of the pods "like" this one,
 * built from the Services selecting it and from its controlling ReplicaSet, StatefulSet or
 * ReplicationController. PodTopologySpread's system default constraints spread those pods.
 */
import type { Pod } from "kubernetes-types/core/v1";
import type { SchedulerListers } from "../../framework/interface";
import {
  addRequirements,
  compileLabelSelector,
  type Labels,
  type Selector,
  selectorFromSet,
  selectorMatches,
} from "../../internal/label-selector";

/** `GetPodServices`: Services in the pod's namespace whose (non-nil) selector matches it. */
function podServiceSelectors(listers: SchedulerListers, pod: Pod): Labels[] {
  const out: Labels[] = [];
  for (const svc of listers.services?.(pod.metadata?.namespace ?? "") ?? []) {
    const sel = svc.spec?.selector;
    if (sel == null) continue;
    if (selectorMatches(selectorFromSet(sel), pod.metadata?.labels)) out.push(sel);
  }
  return out;
}

/** `DefaultSelector`. */
export function defaultSelector(pod: Pod, listers: SchedulerListers): Selector {
  const labelSet: Labels = {};
  for (const sel of podServiceSelectors(listers, pod)) Object.assign(labelSet, sel);
  let selector = selectorFromSet(labelSet);
  const owner = (pod.metadata?.ownerReferences ?? []).find((o) => o.controller === true);
  if (owner === undefined) return selector;
  const ns = pod.metadata?.namespace ?? "";
  const [group, version] = owner.apiVersion.includes("/")
    ? owner.apiVersion.split("/")
    : ["", owner.apiVersion];
  if (group === "" && version === "v1" && owner.kind === "ReplicationController") {
    const rc = listers.replicationController?.(ns, owner.name);
    if (rc?.spec?.selector) {
      Object.assign(labelSet, rc.spec.selector);
      selector = selectorFromSet(labelSet);
    }
  } else if (
    group === "apps" &&
    version === "v1" &&
    (owner.kind === "ReplicaSet" || owner.kind === "StatefulSet")
  ) {
    const obj =
      owner.kind === "ReplicaSet"
        ? listers.replicaSet?.(ns, owner.name)
        : listers.statefulSet?.(ns, owner.name);
    const other = obj ? compileLabelSelector(obj.spec?.selector) : null;
    if (other !== null && !other.nothing) selector = addRequirements(selector, other.requirements);
  }
  return selector;
}
