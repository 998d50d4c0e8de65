/**
 * The CNI plugins a cluster can use and how their failures read. The runtime calls the plugin
 * (CNI ADD) while creating a pod sandbox; a failure surfaces in the kubelet's
 * `FailedCreatePodSandBox` event as `Failed to create pod sandbox: rpc error: code = Unknown desc =
 * failed to setup network for sandbox "<id>": plugin type="flannel" failed (add): …`.
 */

/** The CNI plugins of the cluster variants. */
export type CniPlugin = "flannel" | "calico" | "cilium";

/** Why a plugin fails (a fault): its agent is not running, or the node's pod CIDR is exhausted. */
export type CniFailure = "agent-down" | null;

/** The cluster CIDR each plugin's default manifest uses (kube-flannel.yml, Calico's operator). */
export const DEFAULT_CLUSTER_CIDR: Record<CniPlugin, string> = {
  flannel: "10.244.0.0/16",
  calico: "192.168.0.0/16",
  cilium: "10.0.0.0/8",
};

/** The network name in the plugin's conflist (CRI-O prints it). */
export const CNI_NETWORK_NAME: Record<CniPlugin, string> = {
  flannel: "cbr0",
  calico: "k8s-pod-network",
  cilium: "cilium",
};

/** The `plugin type=… failed (add): …` part of a CNI ADD failure. */
export function cniAddError(plugin: CniPlugin, cause: "agent-down" | { ipam: string }): string {
  if (typeof cause === "object") {
    return plugin === "cilium"
      ? `plugin type="cilium-cni" name="cilium" failed (add): unable to allocate IP via local cilium agent: [POST /ipam][502] postIpamFailure  ${cause.ipam}`
      : `plugin type="${plugin}" failed (add): failed to delegate add: ${cause.ipam}`;
  }
  switch (plugin) {
    case "flannel":
      // flannel-cni-plugin v1.5+: the flannel DaemonSet pod writes /run/flannel/subnet.env.
      return 'plugin type="flannel" failed (add): loadFlannelSubnetEnv failed: open /run/flannel/subnet.env: no such file or directory';
    case "calico":
      return 'plugin type="calico" failed (add): stat /var/lib/calico/nodename: no such file or directory: check that the calico/node container is running and has mounted /var/lib/calico/';
    case "cilium":
      return 'plugin type="cilium-cni" name="cilium" failed (add): unable to connect to Cilium daemon: failed to create cilium agent client after 30.000000 seconds timeout: Get "http://localhost/v1/config": dial unix /var/run/cilium/cilium.sock: connect: no such file or directory\nIs the agent running?';
  }
}
