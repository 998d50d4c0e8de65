/**
 * metrics-server as its release manifest installs it (`components.yaml` of v0.7.2): the
 * ServiceAccount, RBAC (aggregated reader, `system:metrics-server`, auth delegation), the
 * `metrics-server` Service and Deployment (`--metric-resolution=15s`) and the APIService
 * `v1beta1.metrics.k8s.io` that makes the apiserver proxy `/apis/metrics.k8s.io` to it.
 *
 * The simulated apiserver does not proxy aggregated APIs yet, so `storage: "crd"` adds what the
 * workaround needs: CustomResourceDefinitions serving `pods`/`nodes` in `metrics.k8s.io/v1beta1`
 * at the same paths, and a ClusterRole letting metrics-server write them. Without it (once the
 * apiserver aggregates) the APIService is all that is needed.
 */
import type { KubeObject } from "../../api/types";

/** The image of the release. */
export const METRICS_SERVER_IMAGE = "registry.k8s.io/metrics-server/metrics-server:v0.7.2";

function crd(plural: string, kind: string, namespaced: boolean): KubeObject {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.metrics.k8s.io`, labels: { "k8s-app": "metrics-server" } },
    spec: {
      group: "metrics.k8s.io",
      scope: namespaced ? "Namespaced" : "Cluster",
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: [
        {
          name: "v1beta1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
        },
      ],
    },
  };
}

/** The objects, in creation order. */
export function metricsServerManifests(opts: { storage?: "crd" | "aggregated" } = {}): KubeObject[] {
  const ns = "kube-system";
  const labels = { "k8s-app": "metrics-server" };
  const rbac = "rbac.authorization.k8s.io/v1";
  const objs: KubeObject[] = [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "metrics-server", namespace: ns, labels } },
    {
      apiVersion: rbac,
      kind: "ClusterRole",
      metadata: {
        name: "system:aggregated-metrics-reader",
        labels: {
          ...labels,
          "rbac.authorization.k8s.io/aggregate-to-admin": "true",
          "rbac.authorization.k8s.io/aggregate-to-edit": "true",
          "rbac.authorization.k8s.io/aggregate-to-view": "true",
        },
      },
      rules: [
        { apiGroups: ["metrics.k8s.io"], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] },
      ],
    },
    {
      apiVersion: rbac,
      kind: "ClusterRole",
      metadata: { name: "system:metrics-server", labels },
      rules: [
        { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
        { apiGroups: [""], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] },
      ],
    },
    {
      apiVersion: rbac,
      kind: "RoleBinding",
      metadata: { name: "metrics-server-auth-reader", namespace: ns, labels },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "Role",
        name: "extension-apiserver-authentication-reader",
      },
      subjects: [{ kind: "ServiceAccount", name: "metrics-server", namespace: ns }],
    },
    {
      apiVersion: rbac,
      kind: "ClusterRoleBinding",
      metadata: { name: "metrics-server:system:auth-delegator", labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
      subjects: [{ kind: "ServiceAccount", name: "metrics-server", namespace: ns }],
    },
    {
      apiVersion: rbac,
      kind: "ClusterRoleBinding",
      metadata: { name: "system:metrics-server", labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:metrics-server" },
      subjects: [{ kind: "ServiceAccount", name: "metrics-server", namespace: ns }],
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "metrics-server", namespace: ns, labels },
      spec: { ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: "https" }], selector: labels },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "metrics-server", namespace: ns, labels },
      spec: {
        selector: { matchLabels: labels },
        strategy: { rollingUpdate: { maxUnavailable: 0 } },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: "metrics-server",
                image: METRICS_SERVER_IMAGE,
                imagePullPolicy: "IfNotPresent",
                args: [
                  "--cert-dir=/tmp",
                  "--secure-port=10250",
                  "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                  "--kubelet-use-node-status-port",
                  "--metric-resolution=15s",
                ],
                ports: [{ containerPort: 10250, name: "https", protocol: "TCP" }],
                readinessProbe: {
                  failureThreshold: 3,
                  httpGet: { path: "/readyz", port: "https", scheme: "HTTPS" },
                  initialDelaySeconds: 20,
                  periodSeconds: 10,
                },
                livenessProbe: {
                  failureThreshold: 3,
                  httpGet: { path: "/livez", port: "https", scheme: "HTTPS" },
                  periodSeconds: 10,
                },
                resources: { requests: { cpu: "100m", memory: "200Mi" } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ["ALL"] },
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  runAsUser: 1000,
                  seccompProfile: { type: "RuntimeDefault" },
                },
                volumeMounts: [{ mountPath: "/tmp", name: "tmp-dir" }],
              },
            ],
            nodeSelector: { "kubernetes.io/os": "linux" },
            priorityClassName: "system-cluster-critical",
            serviceAccountName: "metrics-server",
            volumes: [{ emptyDir: {}, name: "tmp-dir" }],
          },
        },
      },
    },
    {
      apiVersion: "apiregistration.k8s.io/v1",
      kind: "APIService",
      metadata: { name: "v1beta1.metrics.k8s.io", labels },
      spec: {
        group: "metrics.k8s.io",
        groupPriorityMinimum: 100,
        insecureSkipTLSVerify: true,
        service: { name: "metrics-server", namespace: ns },
        version: "v1beta1",
        versionPriority: 100,
      },
    },
  ];
  if ((opts.storage ?? "crd") === "crd") {
    objs.push(
      crd("pods", "PodMetrics", true),
      crd("nodes", "NodeMetrics", false),
      {
        apiVersion: rbac,
        kind: "ClusterRole",
        metadata: { name: "kubelab:metrics-server-storage", labels },
        rules: [
          {
            apiGroups: ["metrics.k8s.io"],
            resources: ["pods", "nodes"],
            verbs: ["get", "list", "watch", "create", "patch", "delete"],
          },
        ],
      },
      {
        apiVersion: rbac,
        kind: "ClusterRoleBinding",
        metadata: { name: "kubelab:metrics-server-storage", labels },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: "kubelab:metrics-server-storage",
        },
        subjects: [{ kind: "ServiceAccount", name: "metrics-server", namespace: ns }],
      },
    );
  }
  return objs;
}
