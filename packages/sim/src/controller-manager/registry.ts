/**
 * Every controller kube-controller-manager can run, by its `--controllers` name. Each lives in
 * its own folder under `controllers/`; to add one, import its definition and list it here.
 */
import { cronJobController } from "../controllers/cronjob/cronjob-controller";
import { daemonSetController } from "../controllers/daemonset/daemonset-controller";
import { deploymentController } from "../controllers/deployment/deployment-controller";
import { endpointsController } from "../controllers/endpointslice/endpoints-controller";
import { endpointSliceController } from "../controllers/endpointslice/endpointslice-controller";
import type { ControllerDefinition } from "../controllers/framework/controller";
import { garbageCollector } from "../controllers/garbage-collector/garbage-collector";
import { horizontalPodAutoscalerController } from "../controllers/horizontal-pod-autoscaler/horizontal-pod-autoscaler-controller";
import { jobController } from "../controllers/job/job-controller";
import { namespaceController } from "../controllers/namespace/namespace-controller";
import { nodeIpamController } from "../controllers/node-ipam/node-ipam-controller";
import { nodeLifecycleController } from "../controllers/node-lifecycle/node-lifecycle-controller";
import { replicaSetController } from "../controllers/replicaset/replicaset-controller";
import { resourceQuotaController } from "../controllers/resourcequota/resourcequota-controller";
import { rootCaCertPublisher } from "../controllers/serviceaccount/root-ca-cert-publisher";
import { serviceAccountController } from "../controllers/serviceaccount/serviceaccount-controller";
import { statefulSetController } from "../controllers/statefulset/statefulset-controller";
import { taintEvictionController } from "../controllers/taint-eviction/taint-eviction-controller";

/** The controllers, in the order KCM starts them (NewControllerDescriptors). */
export const CONTROLLERS: readonly ControllerDefinition[] = [
  namespaceController,
  serviceAccountController,
  deploymentController,
  replicaSetController,
  jobController,
  cronJobController,
  garbageCollector,
  rootCaCertPublisher,
  // controllers-infra: node IPAM, endpoints, quota, DaemonSet, HPA, StatefulSet, node lifecycle,
  // taint eviction (in NewControllerDescriptors' relative order).
  nodeIpamController,
  endpointsController,
  endpointSliceController,
  resourceQuotaController,
  daemonSetController,
  horizontalPodAutoscalerController,
  statefulSetController,
  nodeLifecycleController,
  taintEvictionController,
];

const BY_NAME: Record<string, ControllerDefinition> = {};
for (const c of CONTROLLERS) BY_NAME[c.name] = c;

/**
 * Register an extra controller (tests, experiments) at module load. Code only: the manager's
 * state names controllers, so a restored snapshot finds the same code again.
 */
export function registerController(def: ControllerDefinition): void {
  BY_NAME[def.name] = def;
}

/** Every registered controller (built-in first). */
export function allControllers(): ControllerDefinition[] {
  return Object.values(BY_NAME);
}

/** The definition registered under a name; throws for an unknown one (a programming error). */
export function controllerDefinition(name: string): ControllerDefinition {
  const def = BY_NAME[name];
  if (!def) throw new Error(`unknown controller ${name}`);
  return def;
}

/** Whether a controller of that name exists. */
export function hasController(name: string): boolean {
  return BY_NAME[name] !== undefined;
}
