/**
 * The informers kube-scheduler runs (`pkg/scheduler/scheduler.go` `NewInformerFactory` and the
 * plugins' listers) and the `SchedulerListers` the plugins read through them.
 *
 * Pods are watched with the scheduler's field selector `status.phase!=Succeeded,status.phase!=Failed`
 * (terminal pods hold no resources); the event handlers split them into unassigned pods (the
 * scheduling queue) and assigned pods (the cache). Nodes feed the cache. The rest are the listers
 * of PodTopologySpread's default selector (Services, ReplicaSets, StatefulSets,
 * ReplicationControllers), InterPodAffinity's namespace selector (Namespaces), VolumeBinding
 * (PVCs, PVs, StorageClasses) and DefaultPreemption (PodDisruptionBudgets).
 */
import type { ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import type {
  Namespace,
  PersistentVolume,
  PersistentVolumeClaim,
  ReplicationController,
  Service,
} from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import type { StorageClass } from "kubernetes-types/storage/v1";
import {
  createInformer,
  type InformerState,
  informerGet,
  informerList,
} from "../../apiserver/client/informer";
import type { SchedulerListers } from "../framework/interface";

/** The scheduler's pod field selector (`scheduler.go` `newPodInformer`). */
export const SCHEDULER_POD_FIELD_SELECTOR = "status.phase!=Succeeded,status.phase!=Failed";

/** The informers, by name (plain data). */
export interface SchedulerInformers {
  pods: InformerState;
  nodes: InformerState;
  services: InformerState;
  replicaSets: InformerState;
  statefulSets: InformerState;
  replicationControllers: InformerState;
  namespaces: InformerState;
  persistentVolumeClaims: InformerState;
  persistentVolumes: InformerState;
  storageClasses: InformerState;
  podDisruptionBudgets: InformerState;
}

/** New, not yet started informers. */
export function createSchedulerInformers(): SchedulerInformers {
  return {
    pods: createInformer("pods", "/api/v1/pods", {
      fieldSelector: SCHEDULER_POD_FIELD_SELECTOR,
      indexers: [],
    }),
    nodes: createInformer("nodes", "/api/v1/nodes", { indexers: [] }),
    services: createInformer("services", "/api/v1/services"),
    replicaSets: createInformer("replicasets", "/apis/apps/v1/replicasets"),
    statefulSets: createInformer("statefulsets", "/apis/apps/v1/statefulsets"),
    replicationControllers: createInformer("replicationcontrollers", "/api/v1/replicationcontrollers"),
    namespaces: createInformer("namespaces", "/api/v1/namespaces", { indexers: [] }),
    persistentVolumeClaims: createInformer("persistentvolumeclaims", "/api/v1/persistentvolumeclaims"),
    persistentVolumes: createInformer("persistentvolumes", "/api/v1/persistentvolumes", { indexers: [] }),
    storageClasses: createInformer("storageclasses", "/apis/storage.k8s.io/v1/storageclasses", {
      indexers: [],
    }),
    podDisruptionBudgets: createInformer("poddisruptionbudgets", "/apis/policy/v1/poddisruptionbudgets"),
  };
}

/** The informers as a list (to start them, feed them and check they synced). */
export function allInformers(inf: SchedulerInformers): InformerState[] {
  return Object.values(inf);
}

/** True when every informer has delivered its first list (`WaitForCacheSync`). */
export function allSynced(inf: SchedulerInformers): boolean {
  for (const i of Object.values(inf)) if (!(i as InformerState).synced) return false;
  return true;
}

/** The plugins' listers, reading the informers' caches. */
export function schedulerListers(inf: SchedulerInformers): SchedulerListers {
  return {
    services: (ns) => informerList(inf.services, ns) as Service[],
    replicaSet: (ns, name) => informerGet(inf.replicaSets, ns, name) as ReplicaSet | undefined,
    statefulSet: (ns, name) => informerGet(inf.statefulSets, ns, name) as StatefulSet | undefined,
    replicationController: (ns, name) =>
      informerGet(inf.replicationControllers, ns, name) as ReplicationController | undefined,
    namespaces: () => informerList(inf.namespaces) as Namespace[],
    persistentVolumeClaim: (ns, name) =>
      informerGet(inf.persistentVolumeClaims, ns, name) as PersistentVolumeClaim | undefined,
    persistentVolume: (name) => informerGet(inf.persistentVolumes, "", name) as PersistentVolume | undefined,
    persistentVolumes: () => informerList(inf.persistentVolumes) as PersistentVolume[],
    storageClass: (name) => informerGet(inf.storageClasses, "", name) as StorageClass | undefined,
    podDisruptionBudgets: () => informerList(inf.podDisruptionBudgets) as PodDisruptionBudget[],
  };
}
