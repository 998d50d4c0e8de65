/**
 * `KubeProxyConfiguration` (kubeproxy.config.k8s.io/v1alpha1) as far as the simulation uses it,
 * with the v1.32 defaults (`pkg/proxy/apis/config/v1alpha1/defaults.go`) and what kubeadm sets
 * (`cmd/kubeadm/app/componentconfigs/kubeproxy.go`: `clusterCIDR` from the pod subnet,
 * `bindAddress` 0.0.0.0).
 */

/** The proxy modes a node can run ("cilium": Cilium's kube-proxy replacement does the job). */
export type ProxyMode = "iptables" | "ipvs" | "cilium";

/** The configuration of one kube-proxy. */
export interface KubeProxyConfig {
  /** `mode`: "" means iptables on Linux. */
  mode: ProxyMode;
  /** `hostnameOverride`: the Node this proxy runs on. */
  nodeName: string;
  /** The node's primary IP (`--bind-address` / the Node's InternalIP). */
  nodeIP: string;
  /** `clusterCIDR` (kubeadm: the pod subnet); "" disables the local-traffic detector. */
  clusterCIDR: string;
  /** `iptables.masqueradeBit` 14 → mark 0x4000. */
  masqueradeBit: number;
  /** `iptables.masqueradeAll` false. */
  masqueradeAll: boolean;
  /** `iptables.localhostNodePorts` true. */
  localhostNodePorts: boolean;
  /** `iptables.syncPeriod` / `ipvs.syncPeriod` 30 s (ms). */
  syncPeriodMs: number;
  /** `iptables.minSyncPeriod` 1 s; `ipvs.minSyncPeriod` 0 (ms). */
  minSyncPeriodMs: number;
  /** `ipvs.scheduler`: "" means rr. */
  ipvsScheduler: string;
  /** The service CIDR (for the IPVS KUBE-IPVS-FILTER and display). */
  serviceCIDR: string;
}

/** The defaults for a node (kubeadm's ConfigMap `kube-proxy`, mode "" → iptables). */
export function defaultKubeProxyConfig(
  nodeName: string,
  nodeIP: string,
  overrides: Partial<KubeProxyConfig> = {},
): KubeProxyConfig {
  const mode = overrides.mode ?? "iptables";
  return {
    mode,
    nodeName,
    nodeIP,
    clusterCIDR: "10.244.0.0/16",
    masqueradeBit: 14,
    masqueradeAll: false,
    localhostNodePorts: true,
    syncPeriodMs: 30_000,
    // iptables.minSyncPeriod defaults to 1 s; ipvs.minSyncPeriod has no default (0).
    minSyncPeriodMs: mode === "iptables" ? 1_000 : 0,
    ipvsScheduler: "",
    serviceCIDR: "10.96.0.0/12",
    ...overrides,
  };
}

/**
 * The masquerade mark as kube-proxy writes it (`fmt.Sprintf("%#08x", 1<<masqueradeBit)`: bit 14 →
 * "0x004000"); `iptables-save` prints it back as 0x4000.
 */
export function masqueradeMark(bit: number): string {
  return `0x${(1 << bit).toString(16).padStart(6, "0")}`;
}
