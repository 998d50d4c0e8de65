/** kube-apiserver replicas, the load balancer, and the in-simulation API client and informer. */
export type { AdmissionAttributes } from "./admission";
export { admit } from "./admission";
export { KUBE_APISERVER_KIND, KUBERNETES_VERSION, kubeApiServerBehavior } from "./apiserver";
export * from "./client/api-client";
export * from "./client/informer";
export type { ControlPlane, ControlPlaneSpec } from "./control-plane";
export { addControlPlane, controlPlaneBehaviors } from "./control-plane";
export * from "./http";
export type { LoadBalancerState } from "./load-balancer";
export { createLoadBalancer, LOAD_BALANCER_KIND, loadBalancerBehavior } from "./load-balancer";
export type { RequestInfo } from "./request-info";
export { parseRequestInfo } from "./request-info";
export type { ApiServerConfig, ApiServerState } from "./state";
export { createApiServer, defaultApiServerConfig } from "./state";
export { storageKey, storagePrefix } from "./storage-keys";
