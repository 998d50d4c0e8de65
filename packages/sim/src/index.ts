/**
 * @kubelab/sim: a pure, deterministic discrete-event simulation of a Kubernetes cluster.
 * See packages/sim/README.md for the design and how to build components on it.
 *
 * API machinery (`api/`), the apiserver with its client and informer helpers (`apiserver/`) and
 * the simulation core (`core/`) are exported flat; etcd and the scheduler as namespaces, since
 * their names (WatchCancel, Range…) would otherwise collide.
 */
export * from "./api";
export * from "./apiserver";
export * from "./cluster";
export * from "./core";
export * as etcd from "./etcd";
export * as scheduler from "./scheduler";
