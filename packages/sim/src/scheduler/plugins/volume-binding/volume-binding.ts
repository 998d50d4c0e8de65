/**
 * VolumeBinding (`plugins/volumebinding/{volume_binding,binder}.go`), the part that decides
 * placement:
 *
 * - PreFilter: a pod without PersistentVolumeClaims skips the plugin; a missing or deleting claim
 *   rejects the pod (UnschedulableAndUnresolvable, the claim error as reason); an unbound claim of
 *   an Immediate storage class rejects it with "pod has unbound immediate PersistentVolumeClaims"
 *   (the PV controller must bind it first).
 * - Filter: a bound claim's PersistentVolume must exist and its node affinity must match the node;
 *   an unbound WaitForFirstConsumer claim needs an Available PV that fits (class, access modes,
 *   size, node affinity) or a storage class that can provision on the node (allowedTopologies).
 *
 * Not done here: the Reserve/PreBind half (writing the PV/PVC binding and the
 * `volume.kubernetes.io/selected-node` annotation through the API and waiting for it). The
 * simulation's PV controller does not exist yet; when it does, PreBind belongs to the scheduler
 * component, which can call `findPodVolumes` to know what to bind.
 */
import type {
  NodeSelectorTerm,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
} from "kubernetes-types/core/v1";
import type { CycleState, StateData } from "../../framework/cycle-state";
import { ActionType, type ClusterEventRegistration } from "../../framework/events";
import type { FilterPlugin, Handle, PreFilterOutcome, PreFilterPlugin } from "../../framework/interface";
import { newStatus, type Status } from "../../framework/status";
import type { NodeInfo, PodInfo } from "../../framework/types";
import { compileNodeSelector, nodeSelectorTermMatches } from "../../internal/node-affinity";
import { quantityValue } from "../../internal/quantity";
import { Names } from "../names";

/** `ErrReasonBindConflict`. */
export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
/** `ErrReasonNodeConflict`. */
export const ERR_REASON_NODE_CONFLICT = "node(s) had volume node affinity conflict";
/** `ErrReasonPVNotExist`. */
export const ERR_REASON_PV_NOT_EXIST =
  "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
/** The PreFilter reason for unbound Immediate claims. */
export const ERR_REASON_UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims";
/** `NotSupportedProvisioner`: a class that cannot provision (local volumes). */
export const NOT_SUPPORTED_PROVISIONER = "kubernetes.io/no-provisioner";

const STATE_KEY = Names.VolumeBinding;

/** The claims of a pod, split as `GetPodVolumeClaims` does. */
export interface PodVolumeClaims {
  boundClaims: PersistentVolumeClaim[];
  unboundClaimsDelayBinding: PersistentVolumeClaim[];
  unboundClaimsImmediate: PersistentVolumeClaim[];
}

class StateDataImpl implements StateData {
  constructor(readonly claims: PodVolumeClaims) {}
  clone(): StateData {
    return this;
  }
}

/** `GetPersistentVolumeClaimClass`: spec.storageClassName, else the beta annotation. */
function claimClass(pvc: PersistentVolumeClaim): string {
  return (
    pvc.spec?.storageClassName ?? pvc.metadata?.annotations?.["volume.beta.kubernetes.io/storage-class"] ?? ""
  );
}

function pvClass(pv: PersistentVolume): string {
  return (
    pv.spec?.storageClassName ?? pv.metadata?.annotations?.["volume.beta.kubernetes.io/storage-class"] ?? ""
  );
}

function matchTerms(terms: NodeSelectorTerm[] | undefined, nodeInfo: NodeInfo): boolean {
  const compiled = compileNodeSelector({ nodeSelectorTerms: terms ?? [] });
  return compiled.some((t) => nodeSelectorTermMatches(t, nodeInfo.labels, nodeInfo.name));
}

/** `volume.CheckNodeAffinity`: a PV without required node affinity fits every node. */
export function pvFitsNode(pv: PersistentVolume, nodeInfo: NodeInfo): boolean {
  const required = pv.spec?.nodeAffinity?.required;
  if (!required) return true;
  return matchTerms(required.nodeSelectorTerms, nodeInfo);
}

/** The plugin. */
export class VolumeBinding implements PreFilterPlugin, FilterPlugin {
  readonly name = Names.VolumeBinding;

  constructor(private readonly handle: Handle) {}

  /** `podHasPVCs` + `GetPodVolumeClaims`: an error message, or the pod's claims (null: none). */
  podVolumeClaims(pod: Pod): { error: string | null; claims: PodVolumeClaims | null } {
    const ns = pod.metadata?.namespace ?? "";
    const claims: PodVolumeClaims = {
      boundClaims: [],
      unboundClaimsDelayBinding: [],
      unboundClaimsImmediate: [],
    };
    let hasPVC = false;
    for (const vol of pod.spec?.volumes ?? []) {
      let pvcName: string;
      let ephemeral = false;
      if (vol.persistentVolumeClaim) pvcName = vol.persistentVolumeClaim.claimName;
      else if (vol.ephemeral) {
        pvcName = `${pod.metadata?.name ?? ""}-${vol.name}`; // ephemeral.VolumeClaimName
        ephemeral = true;
      } else continue;
      hasPVC = true;
      const pvc = this.handle.listers.persistentVolumeClaim?.(ns, pvcName);
      if (pvc === undefined) {
        return {
          error: ephemeral
            ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${pvcName}"`
            : `persistentvolumeclaim "${pvcName}" not found`,
          claims: null,
        };
      }
      if (pvc.status?.phase === "Lost") {
        return {
          error: `persistentvolumeclaim "${pvcName}" bound to non-existent persistentvolume "${pvc.spec?.volumeName ?? ""}"`,
          claims: null,
        };
      }
      if (pvc.metadata?.deletionTimestamp)
        return { error: `persistentvolumeclaim "${pvcName}" is being deleted`, claims: null };
      if (pvc.spec?.volumeName) {
        claims.boundClaims.push(pvc);
        continue;
      }
      const className = claimClass(pvc);
      const cls = className === "" ? undefined : this.handle.listers.storageClass?.(className);
      if (className !== "" && cls === undefined)
        return { error: `storageclass.storage.k8s.io "${className}" not found`, claims: null };
      if (cls?.volumeBindingMode === "WaitForFirstConsumer") claims.unboundClaimsDelayBinding.push(pvc);
      else claims.unboundClaimsImmediate.push(pvc);
    }
    return { error: null, claims: hasPVC ? claims : null };
  }

  preFilter(state: CycleState, pod: PodInfo): PreFilterOutcome {
    const { error, claims } = this.podVolumeClaims(pod.pod);
    if (error !== null) return { status: newStatus("UnschedulableAndUnresolvable", error) };
    if (claims === null) return { status: newStatus("Skip") };
    if (claims.unboundClaimsImmediate.length > 0)
      return { status: newStatus("UnschedulableAndUnresolvable", ERR_REASON_UNBOUND_IMMEDIATE) };
    state.write(STATE_KEY, new StateDataImpl(claims));
    return { status: null };
  }

  /** `FindPodVolumes`: the reasons the node cannot host the pod's volumes (empty: it can). */
  findPodVolumes(claims: PodVolumeClaims, nodeInfo: NodeInfo): string[] {
    let boundSatisfied = true;
    let boundPVsFound = true;
    for (const pvc of claims.boundClaims) {
      const pv = this.handle.listers.persistentVolume?.(pvc.spec?.volumeName ?? "");
      if (pv === undefined) {
        boundPVsFound = false;
        break;
      }
      if (!pvFitsNode(pv, nodeInfo)) {
        boundSatisfied = false;
        break;
      }
    }
    let unboundSatisfied = true;
    const used = new Set<string>();
    for (const pvc of claims.unboundClaimsDelayBinding) {
      const pv = this.findMatchingVolume(pvc, nodeInfo, used);
      if (pv !== null) {
        used.add(pv.metadata?.name ?? "");
        continue;
      }
      // No static PV: dynamic provisioning must be possible on this node.
      const cls = this.handle.listers.storageClass?.(claimClass(pvc));
      if (!cls || cls.provisioner === NOT_SUPPORTED_PROVISIONER) {
        unboundSatisfied = false;
        break;
      }
      if ((cls.allowedTopologies?.length ?? 0) > 0) {
        const terms: NodeSelectorTerm[] = (cls.allowedTopologies ?? []).map((t) => ({
          matchExpressions: (t.matchLabelExpressions ?? []).map((e) => ({
            key: e.key,
            operator: "In",
            values: e.values,
          })),
        }));
        if (!matchTerms(terms, nodeInfo)) {
          unboundSatisfied = false;
          break;
        }
      }
    }
    const reasons: string[] = [];
    if (!boundSatisfied) reasons.push(ERR_REASON_NODE_CONFLICT);
    if (!unboundSatisfied) reasons.push(ERR_REASON_BIND_CONFLICT);
    if (!boundPVsFound) reasons.push(ERR_REASON_PV_NOT_EXIST);
    return reasons;
  }

  /** `FindMatchingVolume`: the smallest Available PV of the claim's class that fits claim and node. */
  private findMatchingVolume(
    pvc: PersistentVolumeClaim,
    nodeInfo: NodeInfo,
    exclude: Set<string>,
  ): PersistentVolume | null {
    const request = quantityValue(pvc.spec?.resources?.requests?.storage ?? "0");
    const modes = pvc.spec?.accessModes ?? [];
    let best: PersistentVolume | null = null;
    let bestSize = Number.POSITIVE_INFINITY;
    for (const pv of this.handle.listers.persistentVolumes?.() ?? []) {
      const name = pv.metadata?.name ?? "";
      if (exclude.has(name)) continue;
      const ref = pv.spec?.claimRef;
      const preBound = ref && ref.name === pvc.metadata?.name && ref.namespace === pvc.metadata?.namespace;
      if (ref && !preBound) continue;
      if (!preBound && pv.status?.phase !== "Available") continue;
      if (pvClass(pv) !== claimClass(pvc)) continue;
      const size = quantityValue(pv.spec?.capacity?.storage ?? "0");
      if (size < request) continue;
      if (!modes.every((m) => (pv.spec?.accessModes ?? []).includes(m))) continue;
      if ((pv.spec?.volumeMode ?? "Filesystem") !== (pvc.spec?.volumeMode ?? "Filesystem")) continue;
      if (!pvFitsNode(pv, nodeInfo)) continue;
      if (preBound) return pv;
      if (size < bestSize) {
        best = pv;
        bestSize = size;
      }
    }
    return best;
  }

  filter(state: CycleState, _pod: PodInfo, nodeInfo: NodeInfo): Status | null {
    const s = state.read<StateDataImpl>(STATE_KEY);
    if (s === undefined) return newStatus("Error", `reading "${STATE_KEY}" from cycleState: not found`);
    const reasons = this.findPodVolumes(s.claims, nodeInfo);
    if (reasons.length === 0) return null;
    return newStatus("UnschedulableAndUnresolvable", ...reasons);
  }

  eventsToRegister(): ClusterEventRegistration[] {
    return [
      { resource: "StorageClass", actionType: ActionType.Add | ActionType.Update },
      { resource: "PersistentVolumeClaim", actionType: ActionType.Add | ActionType.Update },
      { resource: "PersistentVolume", actionType: ActionType.Add | ActionType.Update },
      {
        resource: "Node",
        actionType: ActionType.Add | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint,
      },
      { resource: "CSINode", actionType: ActionType.Add | ActionType.Update },
    ];
  }
}
