/**
 * The RBAC bootstrap policy a fresh kube-apiserver writes (the rbac/bootstrap-roles post-start
 * hook), for the roles the simulated cluster's own components and users rely on. Rules are
 * transcribed from kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/
 * cluster-roles.yaml (stored version 025f2834a128798cef30018a5e6a6ae82b5ad885, the rendered
 * output of policy.go); bindings follow policy.go ClusterRoleBindings(). The per-controller
 * roles (controller-roles.yaml, for --use-service-account-credentials) and the aggregated
 * admin/edit/view roles are not written yet.
 */
import type { KubeObject } from "../api/types";

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

const READ = ["get", "list", "watch"];
const EVENTS: Rule = {
  apiGroups: ["", "events.k8s.io"],
  resources: ["events"],
  verbs: ["create", "patch", "update"],
};
const TOKEN_AND_SAR: Rule[] = [
  { apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] },
  { apiGroups: ["authorization.k8s.io"], resources: ["subjectaccessreviews"], verbs: ["create"] },
];

/** ClusterRole name → rules. */
export const BOOTSTRAP_CLUSTER_ROLES: Record<string, Rule[]> = {
  "cluster-admin": [
    { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
    { nonResourceURLs: ["*"], verbs: ["*"] },
  ],
  "system:discovery": [
    {
      nonResourceURLs: [
        "/api",
        "/api/*",
        "/apis",
        "/apis/*",
        "/healthz",
        "/livez",
        "/openapi",
        "/openapi/*",
        "/readyz",
        "/version",
        "/version/",
      ],
      verbs: ["get"],
    },
  ],
  "system:basic-user": [
    {
      apiGroups: ["authorization.k8s.io"],
      resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
      verbs: ["create"],
    },
    { apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"], verbs: ["create"] },
  ],
  "system:public-info-viewer": [
    { nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"], verbs: ["get"] },
  ],
  "system:monitoring": [
    {
      nonResourceURLs: [
        "/healthz",
        "/healthz/*",
        "/livez",
        "/livez/*",
        "/metrics",
        "/metrics/slis",
        "/readyz",
        "/readyz/*",
      ],
      verbs: ["get"],
    },
  ],
  "system:kube-scheduler": [
    EVENTS,
    { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
    {
      apiGroups: ["coordination.k8s.io"],
      resources: ["leases"],
      resourceNames: ["kube-scheduler"],
      verbs: ["get", "update"],
    },
    { apiGroups: [""], resources: ["nodes"], verbs: READ },
    { apiGroups: [""], resources: ["pods"], verbs: ["delete", "get", "list", "watch"] },
    { apiGroups: [""], resources: ["bindings", "pods/binding"], verbs: ["create"] },
    { apiGroups: [""], resources: ["pods/status"], verbs: ["patch", "update"] },
    { apiGroups: [""], resources: ["replicationcontrollers", "services"], verbs: READ },
    { apiGroups: ["apps", "extensions"], resources: ["replicasets"], verbs: READ },
    { apiGroups: ["apps"], resources: ["statefulsets"], verbs: READ },
    { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: READ },
    { apiGroups: [""], resources: ["persistentvolumeclaims", "persistentvolumes"], verbs: READ },
    ...TOKEN_AND_SAR,
    { apiGroups: ["storage.k8s.io"], resources: ["csinodes"], verbs: READ },
    { apiGroups: [""], resources: ["namespaces"], verbs: READ },
    { apiGroups: ["storage.k8s.io"], resources: ["csidrivers"], verbs: READ },
    { apiGroups: ["storage.k8s.io"], resources: ["csistoragecapacities"], verbs: READ },
  ],
  "system:volume-scheduler": [
    { apiGroups: [""], resources: ["persistentvolumes"], verbs: ["get", "list", "patch", "update", "watch"] },
    { apiGroups: ["storage.k8s.io"], resources: ["storageclasses"], verbs: READ },
    {
      apiGroups: [""],
      resources: ["persistentvolumeclaims"],
      verbs: ["get", "list", "patch", "update", "watch"],
    },
  ],
  "system:kube-controller-manager": [
    EVENTS,
    { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
    {
      apiGroups: ["coordination.k8s.io"],
      resources: ["leases"],
      resourceNames: ["kube-controller-manager"],
      verbs: ["get", "update"],
    },
    { apiGroups: [""], resources: ["secrets", "serviceaccounts"], verbs: ["create"] },
    { apiGroups: [""], resources: ["secrets"], verbs: ["delete"] },
    {
      apiGroups: [""],
      resources: ["configmaps", "namespaces", "secrets", "serviceaccounts"],
      verbs: ["get"],
    },
    { apiGroups: [""], resources: ["secrets", "serviceaccounts"], verbs: ["update"] },
    ...TOKEN_AND_SAR,
    { apiGroups: ["*"], resources: ["*"], verbs: ["list", "watch"] },
    { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] },
  ],
  "system:node": [
    { apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] },
    {
      apiGroups: ["authorization.k8s.io"],
      resources: ["localsubjectaccessreviews", "subjectaccessreviews"],
      verbs: ["create"],
    },
    { apiGroups: [""], resources: ["services"], verbs: READ },
    { apiGroups: [""], resources: ["nodes"], verbs: ["create", "get", "list", "watch"] },
    { apiGroups: [""], resources: ["nodes/status"], verbs: ["patch", "update"] },
    { apiGroups: [""], resources: ["nodes"], verbs: ["patch", "update"] },
    { apiGroups: [""], resources: ["events"], verbs: ["create", "patch", "update"] },
    { apiGroups: [""], resources: ["pods"], verbs: READ },
    { apiGroups: [""], resources: ["pods"], verbs: ["create", "delete"] },
    { apiGroups: [""], resources: ["pods/status"], verbs: ["patch", "update"] },
    { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
    { apiGroups: [""], resources: ["configmaps", "secrets"], verbs: READ },
    { apiGroups: [""], resources: ["persistentvolumeclaims", "persistentvolumes"], verbs: ["get"] },
    { apiGroups: [""], resources: ["endpoints"], verbs: ["get"] },
    {
      apiGroups: ["certificates.k8s.io"],
      resources: ["certificatesigningrequests"],
      verbs: ["create", "get", "list", "watch"],
    },
    {
      apiGroups: ["coordination.k8s.io"],
      resources: ["leases"],
      verbs: ["create", "delete", "get", "patch", "update"],
    },
    { apiGroups: ["storage.k8s.io"], resources: ["volumeattachments"], verbs: ["get"] },
    { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] },
    { apiGroups: [""], resources: ["persistentvolumeclaims/status"], verbs: ["get", "patch", "update"] },
    { apiGroups: ["storage.k8s.io"], resources: ["csidrivers"], verbs: READ },
    {
      apiGroups: ["storage.k8s.io"],
      resources: ["csinodes"],
      verbs: ["create", "delete", "get", "patch", "update"],
    },
    { apiGroups: ["node.k8s.io"], resources: ["runtimeclasses"], verbs: READ },
  ],
  "system:node-proxier": [
    { apiGroups: [""], resources: ["endpoints", "services"], verbs: ["list", "watch"] },
    { apiGroups: [""], resources: ["nodes"], verbs: READ },
    EVENTS,
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
  ],
};

type Subject = { kind: "User" | "Group"; name: string };

/** ClusterRoleBinding name (= role name) → subjects (policy.go ClusterRoleBindings). */
export const BOOTSTRAP_CLUSTER_ROLE_BINDINGS: Record<string, Subject[]> = {
  "cluster-admin": [{ kind: "Group", name: "system:masters" }],
  "system:discovery": [{ kind: "Group", name: "system:authenticated" }],
  "system:basic-user": [{ kind: "Group", name: "system:authenticated" }],
  "system:public-info-viewer": [
    { kind: "Group", name: "system:authenticated" },
    { kind: "Group", name: "system:unauthenticated" },
  ],
  "system:monitoring": [{ kind: "Group", name: "system:monitoring" }],
  "system:kube-scheduler": [{ kind: "User", name: "system:kube-scheduler" }],
  "system:volume-scheduler": [{ kind: "User", name: "system:kube-scheduler" }],
  "system:kube-controller-manager": [{ kind: "User", name: "system:kube-controller-manager" }],
  // No subjects: nodes are authorized by the Node authorizer (see rbac.ts).
  "system:node": [],
  "system:node-proxier": [{ kind: "User", name: "system:kube-proxy" }],
};

const LABELS = { "kubernetes.io/bootstrapping": "rbac-defaults" };
const AUTOUPDATE = { "rbac.authorization.kubernetes.io/autoupdate": "true" };

/** The bootstrap ClusterRoles and ClusterRoleBindings, plus kubeadm's `kubeadm:cluster-admins` binding. */
export function bootstrapRbacObjects(): { key: string; obj: KubeObject }[] {
  const out: { key: string; obj: KubeObject }[] = [];
  for (const [name, rules] of Object.entries(BOOTSTRAP_CLUSTER_ROLES)) {
    out.push({
      key: `/registry/clusterroles/${name}`,
      obj: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name, labels: LABELS, annotations: AUTOUPDATE },
        rules,
      },
    });
  }
  const binding = (
    name: string,
    subjects: Subject[],
    meta: Record<string, unknown>,
  ): { key: string; obj: KubeObject } => {
    const obj: KubeObject = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name, ...meta },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: name === "kubeadm:cluster-admins" ? "cluster-admin" : name,
      },
    };
    if (subjects.length > 0)
      obj.subjects = subjects.map((sub) => ({ apiGroup: "rbac.authorization.k8s.io", ...sub }));
    return { key: `/registry/clusterrolebindings/${name}`, obj };
  };
  for (const [name, subjects] of Object.entries(BOOTSTRAP_CLUSTER_ROLE_BINDINGS)) {
    out.push(binding(name, subjects, { labels: LABELS, annotations: AUTOUPDATE }));
  }
  // kubeadm (init phase kubeconfig, v1.29+): admin.conf's group is bound to cluster-admin.
  out.push(binding("kubeadm:cluster-admins", [{ kind: "Group", name: "kubeadm:cluster-admins" }], {}));
  return out;
}
