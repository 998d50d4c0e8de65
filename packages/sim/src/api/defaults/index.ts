/**
 * Server-side defaulting of built-in kinds, applied on create, update and patch before
 * validation. `applyDefaults` dispatches on apiVersion/kind and mutates the object in place.
 */
import {
  defaultEndpoints,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultPod,
  defaultPodTemplateSpec,
  defaultReplicationController,
  defaultSecret,
  defaultService,
} from "./core";
import {
  defaultCSIDriver,
  defaultCustomResourceDefinition,
  defaultEndpointSlice,
  defaultHorizontalPodAutoscalerV1,
  defaultHorizontalPodAutoscalerV2,
  defaultNetworkPolicy,
  defaultPriorityClass,
  defaultRbacBinding,
  defaultStorageClass,
} from "./other-groups";
import { child, type Obj } from "./util";
import {
  defaultCronJob,
  defaultDaemonSet,
  defaultDeployment,
  defaultJob,
  defaultReplicaSet,
  defaultStatefulSet,
} from "./workloads";

export * from "./core";
export * from "./other-groups";
export * from "./workloads";

const DEFAULTERS: Record<string, (o: Obj) => void> = {
  "v1/Pod": defaultPod,
  "v1/PodTemplate": (o) => defaultPodTemplateSpec(child(o, "template")),
  "v1/Service": defaultService,
  "v1/Namespace": defaultNamespace,
  "v1/Secret": defaultSecret,
  "v1/PersistentVolume": defaultPersistentVolume,
  "v1/PersistentVolumeClaim": defaultPersistentVolumeClaim,
  "v1/ReplicationController": defaultReplicationController,
  "v1/Node": defaultNode,
  "v1/LimitRange": defaultLimitRange,
  "v1/Endpoints": defaultEndpoints,
  "apps/v1/Deployment": defaultDeployment,
  "apps/v1/ReplicaSet": defaultReplicaSet,
  "apps/v1/DaemonSet": defaultDaemonSet,
  "apps/v1/StatefulSet": defaultStatefulSet,
  "batch/v1/Job": defaultJob,
  "batch/v1/CronJob": defaultCronJob,
  "autoscaling/v2/HorizontalPodAutoscaler": defaultHorizontalPodAutoscalerV2,
  "autoscaling/v1/HorizontalPodAutoscaler": defaultHorizontalPodAutoscalerV1,
  "rbac.authorization.k8s.io/v1/RoleBinding": defaultRbacBinding,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": defaultRbacBinding,
  "scheduling.k8s.io/v1/PriorityClass": defaultPriorityClass,
  "storage.k8s.io/v1/StorageClass": defaultStorageClass,
  "storage.k8s.io/v1/CSIDriver": defaultCSIDriver,
  "discovery.k8s.io/v1/EndpointSlice": defaultEndpointSlice,
  "networking.k8s.io/v1/NetworkPolicy": defaultNetworkPolicy,
  "apiextensions.k8s.io/v1/CustomResourceDefinition": defaultCustomResourceDefinition,
};

/** Applies the real server's defaults for the object's apiVersion/kind, in place. Returns the object. */
export function applyDefaults(obj: object): Obj {
  const o = obj as Obj;
  if (typeof o.apiVersion !== "string" || typeof o.kind !== "string") return o;
  const fn = DEFAULTERS[`${o.apiVersion}/${o.kind}`];
  if (fn) fn(o);
  return o;
}
