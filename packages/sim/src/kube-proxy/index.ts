/**
 * kube-proxy: the per-node Service proxy (iptables or IPVS mode), its rule derivation and the
 * `iptables-save` / `ipvsadm -Ln` renderings.
 */
export * from "./chain-names";
export * from "./cilium-services";
export * from "./config";
export { type ParsedRule, parseRule } from "./iptables/parse-rule";
export * from "./iptables/ruleset";
export { ctime, type IptablesSaveOptions, iptablesSave, savedProbability, saveRule } from "./iptables/save";
export {
  cidrContains,
  computeProbability,
  type IptablesSyncResult,
  ipv4ToInt,
  type ServicePortWithEndpoints,
  syncIptablesProxyRules,
} from "./iptables/sync-proxy-rules";
export {
  type IpvsRealServer,
  type IpvsState,
  type IpvsVirtualServer,
  ipAddrShowKubeIpvs0,
  ipvsadmList,
  isIpvsLocalAddress,
  syncIpvsProxyRules,
} from "./ipvs/sync-proxy-rules";
export {
  CILIUM_AGENT_USER,
  CILIUM_SERVICES_KIND,
  ciliumServicesBehavior,
  createKubeProxy,
  KUBE_PROXY_KIND,
  KUBE_PROXY_LABEL_SELECTOR,
  KUBE_PROXY_USER,
  type KubeProxyState,
  kubeProxyBehavior,
  proxyServicePorts,
} from "./kube-proxy";
export type { ProxyRules } from "./proxy-rules";
export * from "./service-ports";
