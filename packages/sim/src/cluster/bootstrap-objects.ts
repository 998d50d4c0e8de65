/**
 * The API objects the tool that builds a cluster writes once the apiserver answers — kubeadm's
 * `upload-config`, `bootstrap-token` and `addon` phases (cmd/kubeadm/app/phases/…, v1.32) — and,
 * per variant, the self-hosted control plane's workloads. The apiserver creates the namespaces,
 * the `kubernetes` Service and its own RBAC bootstrap policy itself; these are the rest.
 */
import type { KubeObject } from "../api/types";
import { KUBERNETES_VERSION } from "../apiserver/apiserver";
import { SIMULATED_ROOT_CA_PEM } from "../controller-manager/config";
import { nodeAuthorizationObjects } from "../node/node-host";
import type { ClusterSpec } from "./spec";
import { defaultVariant } from "./variant";

/** What the objects depend on besides the spec. */
export interface BootstrapContext {
  /** `controlPlaneEndpoint` (`host:port`) clients and kubelets use: the load balancer or the only apiserver. */
  controlPlaneEndpoint: string;
  /** Names of the control-plane nodes that run a kubelet (empty when managed). */
  controlPlaneNodes: string[];
  /** External etcd endpoints (`https://ip:2379`), or null when stacked. */
  externalEtcd: string[] | null;
}

/** The CoreDNS image of kubeadm 1.32 (`constants.CoreDNSVersion`). */
export const COREDNS_IMAGE = "registry.k8s.io/coredns/coredns:v1.11.3";
/** The kube-proxy image of the cluster's version. */
export const KUBE_PROXY_IMAGE = `registry.k8s.io/kube-proxy:${KUBERNETES_VERSION}`;
/** kubeadm's default bootstrap token id (`abcdef.0123456789abcdef` in every kubeadm guide). */
const BOOTSTRAP_TOKEN_ID = "abcdef";
const RBAC = "rbac.authorization.k8s.io";
/** kubeadm's default node bootstrap group (`constants.NodeBootstrapTokenAuthGroup`). */
const BOOTSTRAPPERS = "system:bootstrappers:kubeadm:default-node-token";

const b64 = (s: string) => btoa(s);

function role(namespace: string | null, name: string, rules: object[]): KubeObject {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: namespace ? "Role" : "ClusterRole",
    metadata: namespace ? { name, namespace } : { name },
    rules,
  } as KubeObject;
}

function binding(
  namespace: string | null,
  name: string,
  roleKind: "Role" | "ClusterRole",
  roleName: string,
  subjects: object[],
): KubeObject {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: namespace ? "RoleBinding" : "ClusterRoleBinding",
    metadata: namespace ? { name, namespace } : { name },
    roleRef: { apiGroup: RBAC, kind: roleKind, name: roleName },
    subjects,
  } as KubeObject;
}

const group = (name: string) => ({ apiGroup: RBAC, kind: "Group", name });

/** kubeadm's ClusterConfiguration as `kubeadm-config` stores it (v1beta4 YAML). */
export function clusterConfigurationYaml(spec: ClusterSpec, ctx: BootstrapContext): string {
  const v = spec.variant ?? defaultVariant();
  const etcd = ctx.externalEtcd
    ? `etcd:\n  external:\n    caFile: /etc/kubernetes/pki/etcd/ca.crt\n    certFile: /etc/kubernetes/pki/apiserver-etcd-client.crt\n    endpoints:\n${ctx.externalEtcd.map((e) => `    - ${e}`).join("\n")}\n    keyFile: /etc/kubernetes/pki/apiserver-etcd-client.key\n`
    : "etcd:\n  local:\n    dataDir: /var/lib/etcd\n";
  return (
    "apiServer: {}\n" +
    "apiVersion: kubeadm.k8s.io/v1beta4\n" +
    "caCertificateValidityPeriod: 87600h0m0s\n" +
    "certificateValidityPeriod: 8760h0m0s\n" +
    "certificatesDir: /etc/kubernetes/pki\n" +
    "clusterName: kubernetes\n" +
    (spec.controlPlane.replicas > 1 ? `controlPlaneEndpoint: ${ctx.controlPlaneEndpoint}\n` : "") +
    "controllerManager: {}\n" +
    "dns: {}\n" +
    "encryptionAlgorithm: RSA-2048\n" +
    etcd +
    "imageRepository: registry.k8s.io\n" +
    "kind: ClusterConfiguration\n" +
    `kubernetesVersion: ${KUBERNETES_VERSION}\n` +
    "networking:\n" +
    "  dnsDomain: cluster.local\n" +
    `  podSubnet: ${v.network.podSubnet}\n` +
    `  serviceSubnet: ${v.network.serviceSubnet}\n` +
    "proxy: {}\n" +
    "scheduler: {}\n"
  );
}

/** The KubeletConfiguration kubeadm uploads as `kubelet-config` (the fields kubeadm sets). */
export function kubeletConfigurationYaml(): string {
  return (
    "apiVersion: kubelet.config.k8s.io/v1beta1\n" +
    "authentication:\n  anonymous:\n    enabled: false\n  webhook:\n    cacheTTL: 0s\n    enabled: true\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n" +
    "authorization:\n  mode: Webhook\n  webhook:\n    cacheAuthorizedTTL: 0s\n    cacheUnauthorizedTTL: 0s\n" +
    "cgroupDriver: systemd\n" +
    "clusterDNS:\n- 10.96.0.10\n" +
    "clusterDomain: cluster.local\n" +
    'containerRuntimeEndpoint: ""\n' +
    "cpuManagerReconcilePeriod: 0s\n" +
    "evictionPressureTransitionPeriod: 0s\n" +
    "fileCheckFrequency: 0s\n" +
    "healthzBindAddress: 127.0.0.1\n" +
    "healthzPort: 10248\n" +
    "httpCheckFrequency: 0s\n" +
    "imageMaximumGCAge: 0s\n" +
    "imageMinimumGCAge: 0s\n" +
    "kind: KubeletConfiguration\n" +
    'logging:\n  flushFrequency: 0\n  options:\n    json:\n      infoBufferSize: "0"\n    text:\n      infoBufferSize: "0"\n  verbosity: 0\n' +
    "memorySwap: {}\n" +
    "nodeStatusReportFrequency: 0s\n" +
    "nodeStatusUpdateFrequency: 0s\n" +
    "rotateCertificates: true\n" +
    "runtimeRequestTimeout: 0s\n" +
    "shutdownGracePeriod: 0s\n" +
    "shutdownGracePeriodCriticalPods: 0s\n" +
    "staticPodPath: /etc/kubernetes/manifests\n" +
    "streamingConnectionIdleTimeout: 0s\n" +
    "syncFrequency: 0s\n" +
    "volumeStatsAggPeriod: 0s\n"
  );
}

/** `cluster-info` in kube-public: the kubeconfig `kubeadm join` discovers the cluster from. */
function clusterInfo(ctx: BootstrapContext): KubeObject {
  const kubeconfig =
    "apiVersion: v1\n" +
    "clusters:\n" +
    "- cluster:\n" +
    `    certificate-authority-data: ${b64(SIMULATED_ROOT_CA_PEM)}\n` +
    `    server: https://${ctx.controlPlaneEndpoint}\n` +
    '  name: ""\n' +
    "contexts: null\n" +
    'current-context: ""\n' +
    "kind: Config\n" +
    "preferences: {}\n" +
    "users: null\n";
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "cluster-info", namespace: "kube-public" },
    data: { kubeconfig },
  } as KubeObject;
}

/** `kubeadm init phase upload-config`, `bootstrap-token` and the node authorization the simulation needs. */
function kubeadmObjects(spec: ClusterSpec, ctx: BootstrapContext): KubeObject[] {
  const configMapReader = (ns: string, name: string, cm: string) =>
    role(ns, name, [{ apiGroups: [""], resources: ["configmaps"], resourceNames: [cm], verbs: ["get"] }]);
  return [
    // The kubelets need these to do anything (see nodeAuthorizationObjects): first.
    ...nodeAuthorizationObjects(),
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "kubeadm-config", namespace: "kube-system" },
      data: { ClusterConfiguration: clusterConfigurationYaml(spec, ctx) },
    } as KubeObject,
    configMapReader("kube-system", "kubeadm:nodes-kubeadm-config", "kubeadm-config"),
    binding("kube-system", "kubeadm:nodes-kubeadm-config", "Role", "kubeadm:nodes-kubeadm-config", [
      group(BOOTSTRAPPERS),
      group("system:nodes"),
    ]),
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "kubelet-config", namespace: "kube-system" },
      data: { kubelet: kubeletConfigurationYaml() },
    } as KubeObject,
    configMapReader("kube-system", "kubeadm:kubelet-config", "kubelet-config"),
    binding("kube-system", "kubeadm:kubelet-config", "Role", "kubeadm:kubelet-config", [
      group(BOOTSTRAPPERS),
      group("system:nodes"),
    ]),
    // phases/bootstraptoken/node: the token, and what its holders may do.
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: `bootstrap-token-${BOOTSTRAP_TOKEN_ID}`, namespace: "kube-system" },
      type: "bootstrap.kubernetes.io/token",
      data: {
        "auth-extra-groups": b64(BOOTSTRAPPERS),
        description: b64("The default bootstrap token generated by 'kubeadm init'."),
        expiration: b64("2025-01-02T00:00:00Z"),
        "token-id": b64(BOOTSTRAP_TOKEN_ID),
        "token-secret": b64("0123456789abcdef"),
        "usage-bootstrap-authentication": b64("true"),
        "usage-bootstrap-signing": b64("true"),
      },
    } as KubeObject,
    role(null, "kubeadm:get-nodes", [{ apiGroups: [""], resources: ["nodes"], verbs: ["get"] }]),
    binding(null, "kubeadm:get-nodes", "ClusterRole", "kubeadm:get-nodes", [group(BOOTSTRAPPERS)]),
    binding(null, "kubeadm:kubelet-bootstrap", "ClusterRole", "system:node-bootstrapper", [
      group(BOOTSTRAPPERS),
    ]),
    binding(
      null,
      "kubeadm:node-autoapprove-bootstrap",
      "ClusterRole",
      "system:certificates.k8s.io:certificatesigningrequests:nodeclient",
      [group(BOOTSTRAPPERS)],
    ),
    binding(
      null,
      "kubeadm:node-autoapprove-certificate-rotation",
      "ClusterRole",
      "system:certificates.k8s.io:certificatesigningrequests:selfnodeclient",
      [group("system:nodes")],
    ),
    clusterInfo(ctx),
    configMapReader("kube-public", "kubeadm:bootstrap-signer-clusterinfo", "cluster-info"),
    binding(
      "kube-public",
      "kubeadm:bootstrap-signer-clusterinfo",
      "Role",
      "kubeadm:bootstrap-signer-clusterinfo",
      [{ apiGroup: RBAC, kind: "User", name: "system:anonymous" }],
    ),
  ];
}

const CONTROL_PLANE_TOLERATION = { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" };

/** kubeadm's kube-proxy addon (phases/addons/proxy/manifests.go). */
function kubeProxyObjects(spec: ClusterSpec, ctx: BootstrapContext): KubeObject[] {
  const v = spec.variant ?? defaultVariant();
  const config =
    "apiVersion: kubeproxy.config.k8s.io/v1alpha1\n" +
    "bindAddress: 0.0.0.0\n" +
    "clientConnection:\n  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf\n" +
    `clusterCIDR: ${v.network.podSubnet}\n` +
    "kind: KubeProxyConfiguration\n" +
    `mode: ${v.network.kubeProxyMode === "ipvs" ? "ipvs" : "iptables"}\n`;
  const kubeconfig =
    "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n" +
    `    server: https://${ctx.controlPlaneEndpoint}\n  name: default\n` +
    "contexts:\n- context:\n    cluster: default\n    namespace: default\n    user: default\n  name: default\ncurrent-context: default\n" +
    "users:\n- name: default\n  user:\n    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token\n";
  return [
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "kube-proxy", namespace: "kube-system" },
    } as KubeObject,
    binding(null, "kubeadm:node-proxier", "ClusterRole", "system:node-proxier", [
      { kind: "ServiceAccount", name: "kube-proxy", namespace: "kube-system" },
    ]),
    role("kube-system", "kube-proxy", [
      { apiGroups: [""], resources: ["configmaps"], resourceNames: ["kube-proxy"], verbs: ["get"] },
    ]),
    binding("kube-system", "kube-proxy", "Role", "kube-proxy", [group(BOOTSTRAPPERS)]),
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "kube-proxy", namespace: "kube-system", labels: { app: "kube-proxy" } },
      data: { "config.conf": config, "kubeconfig.conf": kubeconfig },
    } as KubeObject,
    {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "kube-proxy", namespace: "kube-system", labels: { "k8s-app": "kube-proxy" } },
      spec: {
        selector: { matchLabels: { "k8s-app": "kube-proxy" } },
        updateStrategy: { type: "RollingUpdate" },
        template: {
          metadata: { labels: { "k8s-app": "kube-proxy" } },
          spec: {
            priorityClassName: "system-node-critical",
            serviceAccountName: "kube-proxy",
            hostNetwork: true,
            nodeSelector: { "kubernetes.io/os": "linux" },
            tolerations: [{ operator: "Exists" }],
            containers: [
              {
                name: "kube-proxy",
                image: KUBE_PROXY_IMAGE,
                imagePullPolicy: "IfNotPresent",
                command: [
                  "/usr/local/bin/kube-proxy",
                  "--config=/var/lib/kube-proxy/config.conf",
                  "--hostname-override=$(NODE_NAME)",
                ],
                env: [
                  {
                    name: "NODE_NAME",
                    valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "spec.nodeName" } },
                  },
                ],
                securityContext: { privileged: true },
              },
            ],
          },
        },
      },
    } as KubeObject,
  ];
}

/** kubeadm's CoreDNS addon (phases/addons/dns/manifests.go; K8S-FACTS §7). */
function coreDnsObjects(): KubeObject[] {
  const corefile =
    ".:53 {\n    errors\n    health {\n       lameduck 5s\n    }\n    ready\n" +
    "    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n       fallthrough in-addr.arpa ip6.arpa\n       ttl 30\n    }\n" +
    "    prometheus :9153\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30 {\n       disable success cluster.local\n       disable denial cluster.local\n    }\n    loop\n    reload\n    loadbalance\n}\n";
  return [
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "coredns", namespace: "kube-system" },
    } as KubeObject,
    role(null, "system:coredns", [
      {
        apiGroups: [""],
        resources: ["endpoints", "services", "pods", "namespaces"],
        verbs: ["list", "watch"],
      },
      { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
    ]),
    binding(null, "system:coredns", "ClusterRole", "system:coredns", [
      { kind: "ServiceAccount", name: "coredns", namespace: "kube-system" },
    ]),
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "coredns", namespace: "kube-system" },
      data: { Corefile: corefile },
    } as KubeObject,
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
      spec: {
        replicas: 2,
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
        selector: { matchLabels: { "k8s-app": "kube-dns" } },
        template: {
          metadata: { labels: { "k8s-app": "kube-dns" } },
          spec: {
            priorityClassName: "system-cluster-critical",
            serviceAccountName: "coredns",
            dnsPolicy: "Default",
            nodeSelector: { "kubernetes.io/os": "linux" },
            tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }, CONTROL_PLANE_TOLERATION],
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  {
                    weight: 100,
                    podAffinityTerm: {
                      labelSelector: {
                        matchExpressions: [{ key: "k8s-app", operator: "In", values: ["kube-dns"] }],
                      },
                      topologyKey: "kubernetes.io/hostname",
                    },
                  },
                ],
              },
            },
            containers: [
              {
                name: "coredns",
                image: COREDNS_IMAGE,
                imagePullPolicy: "IfNotPresent",
                args: ["-conf", "/etc/coredns/Corefile"],
                resources: { limits: { memory: "170Mi" }, requests: { cpu: "100m", memory: "70Mi" } },
                ports: [
                  { containerPort: 53, name: "dns", protocol: "UDP" },
                  { containerPort: 53, name: "dns-tcp", protocol: "TCP" },
                  { containerPort: 9153, name: "metrics", protocol: "TCP" },
                ],
                livenessProbe: {
                  httpGet: { path: "/health", port: 8080, scheme: "HTTP" },
                  initialDelaySeconds: 60,
                  timeoutSeconds: 5,
                  successThreshold: 1,
                  failureThreshold: 5,
                },
                readinessProbe: { httpGet: { path: "/ready", port: 8181, scheme: "HTTP" } },
              },
            ],
          },
        },
      },
    } as KubeObject,
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: "kube-dns",
        namespace: "kube-system",
        labels: {
          "k8s-app": "kube-dns",
          "kubernetes.io/cluster-service": "true",
          "kubernetes.io/name": "CoreDNS",
        },
        annotations: { "prometheus.io/port": "9153", "prometheus.io/scrape": "true" },
      },
      spec: {
        selector: { "k8s-app": "kube-dns" },
        clusterIP: "10.96.0.10",
        ports: [
          { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
          { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
        ],
      },
    } as KubeObject,
  ];
}

/**
 * A self-hosted control plane (bootkube / Typhoon layout): kube-apiserver as a DaemonSet on the
 * control-plane nodes, scheduler and controller-manager as Deployments there.
 */
function selfHostedObjects(ctx: BootstrapContext): KubeObject[] {
  const replicas = Math.max(1, ctx.controlPlaneNodes.length);
  const podSpec = (component: string, command: string[]) => ({
    metadata: { labels: { "k8s-app": component, tier: "control-plane" } },
    spec: {
      priorityClassName: "system-cluster-critical",
      nodeSelector: { "node-role.kubernetes.io/control-plane": "" },
      tolerations: [
        CONTROL_PLANE_TOLERATION,
        { key: "node-role.kubernetes.io/master", effect: "NoSchedule" },
      ],
      hostNetwork: component === "kube-apiserver",
      containers: [
        {
          name: component,
          image: `registry.k8s.io/${component}:${KUBERNETES_VERSION}`,
          imagePullPolicy: "IfNotPresent",
          command,
        },
      ],
    },
  });
  const deployment = (component: string, command: string[]): KubeObject =>
    ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: component,
        namespace: "kube-system",
        labels: { "k8s-app": component, tier: "control-plane" },
      },
      spec: {
        replicas,
        selector: { matchLabels: { "k8s-app": component, tier: "control-plane" } },
        template: podSpec(component, command),
      },
    }) as KubeObject;
  return [
    {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: {
        name: "kube-apiserver",
        namespace: "kube-system",
        labels: { "k8s-app": "kube-apiserver", tier: "control-plane" },
      },
      spec: {
        selector: { matchLabels: { "k8s-app": "kube-apiserver", tier: "control-plane" } },
        updateStrategy: { type: "RollingUpdate" },
        template: podSpec("kube-apiserver", [
          "kube-apiserver",
          "--secure-port=6443",
          `--etcd-servers=${ctx.externalEtcd ? ctx.externalEtcd.join(",") : "https://127.0.0.1:2379"}`,
        ]),
      },
    } as KubeObject,
    deployment("kube-scheduler", ["kube-scheduler", "--leader-elect=true"]),
    deployment("kube-controller-manager", ["kube-controller-manager", "--leader-elect=true"]),
  ];
}

/** Every object the cluster's bootstrap writes, in order. */
export function bootstrapObjects(spec: ClusterSpec, ctx: BootstrapContext): KubeObject[] {
  const v = spec.variant ?? defaultVariant();
  const objects: KubeObject[] = [];
  // A managed provider writes its own configuration elsewhere; the node authorization is the
  // simulation's stand-in for the Node authorizer and is needed by every variant.
  if (v.controlPlane.deployment === "managed") objects.push(...nodeAuthorizationObjects());
  else objects.push(...kubeadmObjects(spec, ctx));
  if (v.network.kubeProxyMode !== "none") objects.push(...kubeProxyObjects(spec, ctx));
  if (v.addons.coreDNS) objects.push(...coreDnsObjects());
  if (v.controlPlane.deployment === "self-hosted") objects.push(...selfHostedObjects(ctx));
  return objects;
}
