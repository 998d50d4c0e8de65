/** CoreDNS: kubeadm's manifests, the kubernetes plugin's caches and the name resolution. */
export * from "./coredns-cache";
export * from "./manifests";
export * from "./records";
