/**
 * What a node's proxy has programmed into its kernel, published in the kube-proxy component's
 * state for the data path (`network/`) and for display (`iptables-save`, `ipvsadm -Ln`).
 */

import type { CiliumServiceMap } from "./cilium-services";
import type { IptablesRuleset } from "./iptables/ruleset";
import type { IpvsState } from "./ipvs/sync-proxy-rules";

/** The rules of one node. */
export type ProxyRules =
  | { mode: "iptables"; iptables: IptablesRuleset }
  | { mode: "ipvs"; ipvs: IpvsState; iptables: IptablesRuleset }
  | { mode: "cilium"; services: CiliumServiceMap; iptables: IptablesRuleset };
