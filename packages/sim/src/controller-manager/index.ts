/**
 * kube-controller-manager: the component, its configuration and the controller registry.
 *
 * ```ts
 * import { createControllerManager, KUBE_CONTROLLER_MANAGER_KIND, kubeControllerManagerBehavior } from "./controller-manager";
 * // register kubeControllerManagerBehavior with the Simulation, then per control-plane node:
 * sim.addComponent("kube-controller-manager-cp-0", KUBE_CONTROLLER_MANAGER_KIND,
 *   createControllerManager({ hostname: "cp-0", server: "kube-apiserver-lb" }));
 * ```
 */
export type { ControllerManagerConfig } from "./config";
export { defaultControllerManagerConfig, isControllerEnabled, SIMULATED_ROOT_CA_PEM } from "./config";
export type { ControllerManagerState } from "./controller-manager";
export {
  createControllerManager,
  enabledControllers,
  KUBE_CONTROLLER_MANAGER_KIND,
  kubeControllerManagerBehavior,
} from "./controller-manager";
export {
  allControllers,
  CONTROLLERS,
  controllerDefinition,
  hasController,
  registerController,
} from "./registry";
