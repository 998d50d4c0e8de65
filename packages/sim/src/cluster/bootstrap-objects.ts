/**
 * The API objects the tool that builds a cluster writes once the apiserver answers — kubeadm's
 * `upload-config`, `bootstrap-token` and `addon` phases (cmd/kubeadm/app/phases/…, v1.32) — and,
 * per variant, the self-hosted control plane's workloads. The apiserver creates the namespaces,
 * the `kubernetes` Service and its own RBAC bootstrap policy itself; these are the rest.
 */
import { coreDnsManifests } from "../addons/coredns/manifests";
import { kubeProxyManifests } from "../addons/kube-proxy/manifests";
import { metricsServerManifests } from "../addons/metrics-server/manifests";
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

/** The DNS Service's address: the 10th address of the service subnet (kubeadm `GetDNSIP`). */
export function dnsServiceIp(serviceSubnet: string): string {
  const [ip] = serviceSubnet.split("/");
  const o = (ip ?? "10.96.0.0").split(".").map(Number);
  const n = (((o[0] ?? 0) << 24) | ((o[1] ?? 0) << 16) | ((o[2] ?? 0) << 8) | (o[3] ?? 0)) + 10;
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
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
  if (v.network.kubeProxyMode !== "none")
    objects.push(
      ...kubeProxyManifests({
        mode: v.network.kubeProxyMode,
        clusterCIDR: v.network.podSubnet,
        server: `https://${ctx.controlPlaneEndpoint}`,
        version: KUBERNETES_VERSION,
      }),
    );
  if (v.addons.coreDNS) objects.push(...coreDnsManifests({ dnsIP: dnsServiceIp(v.network.serviceSubnet) }));
  if (v.addons.metricsServer) objects.push(...metricsServerManifests({ storage: "crd" }));
  if (v.controlPlane.deployment === "self-hosted") objects.push(...selfHostedObjects(ctx));
  return objects;
}
