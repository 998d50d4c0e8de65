/**
 * The kube-proxy add-on as `kubeadm init` installs it (`cmd/kubeadm/app/phases/addons/proxy/
 * manifests.go`, `proxy.go`, v1.32): ServiceAccount `kube-proxy`, ClusterRoleBinding
 * `kubeadm:node-proxier` (to `system:node-proxier`), the Role and RoleBinding that let joining
 * nodes read the ConfigMap, ConfigMap `kube-proxy` (`config.conf`, `kubeconfig.conf`) and the
 * DaemonSet `kube-proxy`. Not installed when the CNI replaces kube-proxy (Cilium with
 * kubeProxyReplacement; kubeadm `--skip-phases=addon/kube-proxy`).
 */
import type { KubeObject } from "../../api/types";
import type { ProxyMode } from "../../kube-proxy/config";

/** Options of the manifests. */
export interface KubeProxyManifestOptions {
  mode?: ProxyMode;
  /** kubeadm's `networking.podSubnet` (kube-proxy's clusterCIDR). */
  clusterCIDR?: string;
  /** The control-plane endpoint in kubeconfig.conf. */
  server?: string;
  /** The image tag (`v1.32.x`). */
  version?: string;
}

/** `config.conf`: the KubeProxyConfiguration kubeadm writes (defaults printed as kubeadm prints them). */
export function kubeProxyConfigConf(opts: KubeProxyManifestOptions = {}): string {
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: ${opts.clusterCIDR ?? "10.244.0.0/16"}
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: ""
  interfaceNamePrefix: ""
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
metricsBindAddress: ""
mode: "${opts.mode === "ipvs" ? "ipvs" : ""}"
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses: null
oomScoreAdj: null
portRange: ""
showHiddenMetricsForVersion: ""
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: ""
  rootHnsEndpointName: ""
  sourceVip: ""
`;
}

/** The objects of the add-on, in creation order. */
export function kubeProxyManifests(opts: KubeProxyManifestOptions = {}): KubeObject[] {
  const ns = "kube-system";
  const labels = { "k8s-app": "kube-proxy" };
  const server = opts.server ?? "https://192.168.0.10:6443";
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "kube-proxy", namespace: ns } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "kubeadm:node-proxier" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:node-proxier" },
      subjects: [{ kind: "ServiceAccount", name: "kube-proxy", namespace: ns }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "kube-proxy", namespace: ns },
      rules: [{ apiGroups: [""], resources: ["configmaps"], resourceNames: ["kube-proxy"], verbs: ["get"] }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "kube-proxy", namespace: ns },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "kube-proxy" },
      subjects: [{ kind: "Group", name: "system:bootstrappers:kubeadm:default-node-token" }],
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "kube-proxy", namespace: ns, labels: { app: "kube-proxy" } },
      data: {
        "config.conf": kubeProxyConfigConf(opts),
        "kubeconfig.conf": `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: ${server}
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
`,
      },
    },
    {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "kube-proxy", namespace: ns, labels },
      spec: {
        selector: { matchLabels: labels },
        updateStrategy: { type: "RollingUpdate" },
        template: {
          metadata: { labels },
          spec: {
            priorityClassName: "system-node-critical",
            containers: [
              {
                name: "kube-proxy",
                image: `registry.k8s.io/kube-proxy:${opts.version ?? "v1.32.4"}`,
                imagePullPolicy: "IfNotPresent",
                command: [
                  "/usr/local/bin/kube-proxy",
                  "--config=/var/lib/kube-proxy/config.conf",
                  "--hostname-override=$(NODE_NAME)",
                ],
                securityContext: { privileged: true },
                volumeMounts: [
                  { mountPath: "/var/lib/kube-proxy", name: "kube-proxy" },
                  { mountPath: "/run/xtables.lock", name: "xtables-lock", readOnly: false },
                  { mountPath: "/lib/modules", name: "lib-modules", readOnly: true },
                ],
                env: [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }],
              },
            ],
            hostNetwork: true,
            serviceAccountName: "kube-proxy",
            volumes: [
              { name: "kube-proxy", configMap: { name: "kube-proxy" } },
              { name: "xtables-lock", hostPath: { path: "/run/xtables.lock", type: "FileOrCreate" } },
              { name: "lib-modules", hostPath: { path: "/lib/modules" } },
            ],
            tolerations: [{ operator: "Exists" }],
            nodeSelector: { "kubernetes.io/os": "linux" },
          },
        },
      },
    },
  ];
}
