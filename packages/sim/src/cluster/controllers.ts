/**
 * Controllers that exist under `controllers/` but that `controller-manager/registry.ts` does not
 * list yet: registered here (through the registry's own `registerController`) so that an
 * assembled cluster's kube-controller-manager runs what a v1.32 one runs by default. Once the
 * registry lists one, its entry here is a no-op (`hasController`); the list can then shrink.
 */
import { hasController, registerController } from "../controller-manager/registry";
import { daemonSetController } from "../controllers/daemonset/daemonset-controller";
import { endpointsController } from "../controllers/endpointslice/endpoints-controller";
import { endpointSliceController } from "../controllers/endpointslice/endpointslice-controller";
import type { ControllerDefinition } from "../controllers/framework/controller";
import { horizontalPodAutoscalerController } from "../controllers/horizontal-pod-autoscaler/horizontal-pod-autoscaler-controller";
import { namespaceController } from "../controllers/namespace/namespace-controller";
import { nodeIpamController } from "../controllers/node-ipam/node-ipam-controller";
import { nodeLifecycleController } from "../controllers/node-lifecycle/node-lifecycle-controller";
import { resourceQuotaController } from "../controllers/resourcequota/resourcequota-controller";
import { statefulSetController } from "../controllers/statefulset/statefulset-controller";
import { taintEvictionController } from "../controllers/taint-eviction/taint-eviction-controller";

/** The controllers this file makes sure are registered. */
export const ASSEMBLY_CONTROLLERS: readonly ControllerDefinition[] = [
  namespaceController,
  daemonSetController,
  statefulSetController,
  endpointsController,
  endpointSliceController,
  nodeIpamController,
  nodeLifecycleController,
  taintEvictionController,
  resourceQuotaController,
  horizontalPodAutoscalerController,
];

for (const def of ASSEMBLY_CONTROLLERS) if (!hasController(def.name)) registerController(def);
