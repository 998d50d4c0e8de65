/**
 * Which printer serves which resource (`<resource>` for the core group, `<resource>.<group>`
 * otherwise), as kubernetes registers `AddHandlers` with each resource's REST storage.
 */

import {
  clusterRoleBindingPrinter,
  configMapPrinter,
  eventPrinter,
  horizontalPodAutoscalerPrinter,
  leasePrinter,
  namespacePrinter,
  nodePrinter,
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  podDisruptionBudgetPrinter,
  priorityClassPrinter,
  roleBindingPrinter,
  secretPrinter,
  serviceAccountPrinter,
  storageClassPrinter,
} from "./columns/cluster";
import { defaultPrinter } from "./columns/default";
import {
  endpointSlicePrinter,
  endpointsPrinter,
  ingressClassPrinter,
  ingressPrinter,
  networkPolicyPrinter,
  servicePrinter,
} from "./columns/network";
import { podPrinter } from "./columns/pods";
import {
  controllerRevisionPrinter,
  cronJobPrinter,
  daemonSetPrinter,
  deploymentPrinter,
  jobPrinter,
  replicaSetPrinter,
  replicationControllerPrinter,
  statefulSetPrinter,
} from "./columns/workloads";
import type { ResourcePrinter } from "./types";

const PRINTERS: Record<string, ResourcePrinter> = {
  pods: podPrinter,
  deployments: deploymentPrinter,
  "deployments.apps": deploymentPrinter,
  "replicasets.apps": replicaSetPrinter,
  replicationcontrollers: replicationControllerPrinter,
  "daemonsets.apps": daemonSetPrinter,
  "statefulsets.apps": statefulSetPrinter,
  "controllerrevisions.apps": controllerRevisionPrinter,
  "jobs.batch": jobPrinter,
  "cronjobs.batch": cronJobPrinter,
  services: servicePrinter,
  endpoints: endpointsPrinter,
  "endpointslices.discovery.k8s.io": endpointSlicePrinter,
  "ingresses.networking.k8s.io": ingressPrinter,
  "ingressclasses.networking.k8s.io": ingressClassPrinter,
  "networkpolicies.networking.k8s.io": networkPolicyPrinter,
  nodes: nodePrinter,
  namespaces: namespacePrinter,
  events: eventPrinter,
  configmaps: configMapPrinter,
  secrets: secretPrinter,
  serviceaccounts: serviceAccountPrinter,
  "leases.coordination.k8s.io": leasePrinter,
  persistentvolumes: persistentVolumePrinter,
  persistentvolumeclaims: persistentVolumeClaimPrinter,
  "storageclasses.storage.k8s.io": storageClassPrinter,
  "rolebindings.rbac.authorization.k8s.io": roleBindingPrinter,
  "clusterrolebindings.rbac.authorization.k8s.io": clusterRoleBindingPrinter,
  "horizontalpodautoscalers.autoscaling": horizontalPodAutoscalerPrinter,
  "poddisruptionbudgets.policy": podDisruptionBudgetPrinter,
  "priorityclasses.scheduling.k8s.io": priorityClassPrinter,
};

/**
 * The printer for a built-in resource (`pods`, `deployments.apps`); the default
 * NAME / CREATED AT printer for resources without one (roles, CRDs, ...).
 */
export function printerFor(resource: string, group: string): ResourcePrinter {
  return PRINTERS[group ? `${resource}.${group}` : resource] ?? defaultPrinter;
}

/** Whether a built-in resource has a dedicated printer. */
export function hasPrinter(resource: string, group: string): boolean {
  return (group ? `${resource}.${group}` : resource) in PRINTERS;
}
