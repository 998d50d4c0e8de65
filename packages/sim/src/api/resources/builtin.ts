/**
 * The built-in resources a v1.32 kube-apiserver serves by default (GA groups; alpha and beta
 * APIs that are off by default are left out), with the names, short names, categories,
 * verbs and subresources its discovery documents report. Sources: each resource's REST
 * storage in kubernetes `pkg/registry/<group>/<resource>/storage/storage.go` (ShortNames,
 * Categories, subresource storage) and `kubectl api-resources -o wide` output of 1.3x clusters.
 */
import type { ResourceInfo, SubresourceInfo } from "./types";

/** The verbs of a full `genericregistry.Store`. */
export const STANDARD_VERBS = [
  "create",
  "delete",
  "deletecollection",
  "get",
  "list",
  "patch",
  "update",
  "watch",
] as const;
/** The verbs of a `status` subresource (and of any get/update/patch-only subresource). */
const GET_PATCH_UPDATE = ["get", "patch", "update"] as const;
/** Verbs discovery reports for proxy subresources (connecters). */
const PROXY_VERBS = ["create", "delete", "get", "patch", "update"] as const;

interface Spec {
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: readonly string[];
  subresources?: SubresourceInfo[];
  singular?: string;
}

const status = (kind: string): SubresourceInfo => ({ name: "status", kind, verbs: GET_PATCH_UPDATE });
/** The `scale` subresource serves autoscaling/v1 Scale for every scalable resource. */
const scale: SubresourceInfo = {
  name: "scale",
  kind: "Scale",
  group: "autoscaling",
  version: "v1",
  verbs: GET_PATCH_UPDATE,
};

function group(
  groupName: string,
  version: string,
  specs: Record<string, Spec>,
  preferred = true,
): ResourceInfo[] {
  return Object.entries(specs).map(([resource, s]) => ({
    group: groupName,
    version,
    resource,
    singular: s.singular ?? s.kind.toLowerCase(),
    kind: s.kind,
    listKind: `${s.kind}List`,
    namespaced: s.namespaced,
    shortNames: s.shortNames ?? [],
    categories: s.categories ?? [],
    verbs: s.verbs ?? STANDARD_VERBS,
    subresources: s.subresources ?? [],
    preferred,
  }));
}

const ns = true;
const cluster = false;

/** core/v1 (`/api/v1`). */
const CORE_V1 = group("", "v1", {
  bindings: { kind: "Binding", namespaced: ns, verbs: ["create"] },
  componentstatuses: {
    kind: "ComponentStatus",
    namespaced: cluster,
    shortNames: ["cs"],
    verbs: ["get", "list"],
  },
  configmaps: { kind: "ConfigMap", namespaced: ns, shortNames: ["cm"] },
  endpoints: { kind: "Endpoints", namespaced: ns, shortNames: ["ep"], singular: "endpoints" },
  events: { kind: "Event", namespaced: ns, shortNames: ["ev"] },
  limitranges: { kind: "LimitRange", namespaced: ns, shortNames: ["limits"] },
  namespaces: {
    kind: "Namespace",
    namespaced: cluster,
    shortNames: ["ns"],
    // The namespace storage has no DeleteCollection (pkg/registry/core/namespace/storage).
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    subresources: [{ name: "finalize", kind: "Namespace", verbs: ["update"] }, status("Namespace")],
  },
  nodes: {
    kind: "Node",
    namespaced: cluster,
    shortNames: ["no"],
    subresources: [{ name: "proxy", kind: "NodeProxyOptions", verbs: PROXY_VERBS }, status("Node")],
  },
  persistentvolumeclaims: {
    kind: "PersistentVolumeClaim",
    namespaced: ns,
    shortNames: ["pvc"],
    subresources: [status("PersistentVolumeClaim")],
  },
  persistentvolumes: {
    kind: "PersistentVolume",
    namespaced: cluster,
    shortNames: ["pv"],
    subresources: [status("PersistentVolume")],
  },
  pods: {
    kind: "Pod",
    namespaced: ns,
    shortNames: ["po"],
    categories: ["all"],
    subresources: [
      { name: "attach", kind: "PodAttachOptions", verbs: ["create", "get"] },
      { name: "binding", kind: "Binding", verbs: ["create"] },
      { name: "ephemeralcontainers", kind: "Pod", verbs: GET_PATCH_UPDATE },
      { name: "eviction", kind: "Eviction", group: "policy", version: "v1", verbs: ["create"] },
      { name: "exec", kind: "PodExecOptions", verbs: ["create", "get"] },
      { name: "log", kind: "Pod", verbs: ["get"] },
      { name: "portforward", kind: "PodPortForwardOptions", verbs: ["create", "get"] },
      { name: "proxy", kind: "PodProxyOptions", verbs: PROXY_VERBS },
      status("Pod"),
    ],
  },
  podtemplates: { kind: "PodTemplate", namespaced: ns },
  replicationcontrollers: {
    kind: "ReplicationController",
    namespaced: ns,
    shortNames: ["rc"],
    categories: ["all"],
    subresources: [scale, status("ReplicationController")],
  },
  resourcequotas: {
    kind: "ResourceQuota",
    namespaced: ns,
    shortNames: ["quota"],
    subresources: [status("ResourceQuota")],
  },
  secrets: { kind: "Secret", namespaced: ns },
  serviceaccounts: {
    kind: "ServiceAccount",
    namespaced: ns,
    shortNames: ["sa"],
    subresources: [
      {
        name: "token",
        kind: "TokenRequest",
        group: "authentication.k8s.io",
        version: "v1",
        verbs: ["create"],
      },
    ],
  },
  services: {
    kind: "Service",
    namespaced: ns,
    shortNames: ["svc"],
    categories: ["all"],
    subresources: [{ name: "proxy", kind: "ServiceProxyOptions", verbs: PROXY_VERBS }, status("Service")],
  },
});

const APPS_V1 = group("apps", "v1", {
  controllerrevisions: { kind: "ControllerRevision", namespaced: ns },
  daemonsets: {
    kind: "DaemonSet",
    namespaced: ns,
    shortNames: ["ds"],
    categories: ["all"],
    subresources: [status("DaemonSet")],
  },
  deployments: {
    kind: "Deployment",
    namespaced: ns,
    shortNames: ["deploy"],
    categories: ["all"],
    subresources: [scale, status("Deployment")],
  },
  replicasets: {
    kind: "ReplicaSet",
    namespaced: ns,
    shortNames: ["rs"],
    categories: ["all"],
    subresources: [scale, status("ReplicaSet")],
  },
  statefulsets: {
    kind: "StatefulSet",
    namespaced: ns,
    shortNames: ["sts"],
    categories: ["all"],
    subresources: [scale, status("StatefulSet")],
  },
});

const EVENTS_V1 = group("events.k8s.io", "v1", {
  events: { kind: "Event", namespaced: ns, shortNames: ["ev"] },
});

const AUTHENTICATION_V1 = group("authentication.k8s.io", "v1", {
  selfsubjectreviews: { kind: "SelfSubjectReview", namespaced: cluster, verbs: ["create"] },
  tokenreviews: { kind: "TokenReview", namespaced: cluster, verbs: ["create"] },
});

const AUTHORIZATION_V1 = group("authorization.k8s.io", "v1", {
  localsubjectaccessreviews: { kind: "LocalSubjectAccessReview", namespaced: ns, verbs: ["create"] },
  selfsubjectaccessreviews: { kind: "SelfSubjectAccessReview", namespaced: cluster, verbs: ["create"] },
  selfsubjectrulesreviews: { kind: "SelfSubjectRulesReview", namespaced: cluster, verbs: ["create"] },
  subjectaccessreviews: { kind: "SubjectAccessReview", namespaced: cluster, verbs: ["create"] },
});

const hpa = (preferred: boolean) =>
  group(
    "autoscaling",
    preferred ? "v2" : "v1",
    {
      horizontalpodautoscalers: {
        kind: "HorizontalPodAutoscaler",
        namespaced: ns,
        shortNames: ["hpa"],
        categories: ["all"],
        subresources: [status("HorizontalPodAutoscaler")],
      },
    },
    preferred,
  );

const BATCH_V1 = group("batch", "v1", {
  cronjobs: {
    kind: "CronJob",
    namespaced: ns,
    shortNames: ["cj"],
    categories: ["all"],
    subresources: [status("CronJob")],
  },
  jobs: { kind: "Job", namespaced: ns, categories: ["all"], subresources: [status("Job")] },
});

const CERTIFICATES_V1 = group("certificates.k8s.io", "v1", {
  certificatesigningrequests: {
    kind: "CertificateSigningRequest",
    namespaced: cluster,
    shortNames: ["csr"],
    subresources: [
      { name: "approval", kind: "CertificateSigningRequest", verbs: GET_PATCH_UPDATE },
      status("CertificateSigningRequest"),
    ],
  },
});

const NETWORKING_V1 = group("networking.k8s.io", "v1", {
  ingressclasses: { kind: "IngressClass", namespaced: cluster },
  ingresses: { kind: "Ingress", namespaced: ns, shortNames: ["ing"], subresources: [status("Ingress")] },
  networkpolicies: { kind: "NetworkPolicy", namespaced: ns, shortNames: ["netpol"] },
});

const POLICY_V1 = group("policy", "v1", {
  poddisruptionbudgets: {
    kind: "PodDisruptionBudget",
    namespaced: ns,
    shortNames: ["pdb"],
    subresources: [status("PodDisruptionBudget")],
  },
});

const RBAC_V1 = group("rbac.authorization.k8s.io", "v1", {
  clusterrolebindings: { kind: "ClusterRoleBinding", namespaced: cluster },
  clusterroles: { kind: "ClusterRole", namespaced: cluster },
  rolebindings: { kind: "RoleBinding", namespaced: ns },
  roles: { kind: "Role", namespaced: ns },
});

const STORAGE_V1 = group("storage.k8s.io", "v1", {
  csidrivers: { kind: "CSIDriver", namespaced: cluster },
  csinodes: { kind: "CSINode", namespaced: cluster },
  csistoragecapacities: { kind: "CSIStorageCapacity", namespaced: ns },
  storageclasses: { kind: "StorageClass", namespaced: cluster, shortNames: ["sc"] },
  volumeattachments: {
    kind: "VolumeAttachment",
    namespaced: cluster,
    subresources: [status("VolumeAttachment")],
  },
});

const ADMISSIONREGISTRATION_V1 = group("admissionregistration.k8s.io", "v1", {
  mutatingwebhookconfigurations: {
    kind: "MutatingWebhookConfiguration",
    namespaced: cluster,
    categories: ["api-extensions"],
  },
  validatingadmissionpolicies: {
    kind: "ValidatingAdmissionPolicy",
    namespaced: cluster,
    categories: ["api-extensions"],
    subresources: [status("ValidatingAdmissionPolicy")],
  },
  validatingadmissionpolicybindings: {
    kind: "ValidatingAdmissionPolicyBinding",
    namespaced: cluster,
    categories: ["api-extensions"],
  },
  validatingwebhookconfigurations: {
    kind: "ValidatingWebhookConfiguration",
    namespaced: cluster,
    categories: ["api-extensions"],
  },
});

const APIEXTENSIONS_V1 = group("apiextensions.k8s.io", "v1", {
  customresourcedefinitions: {
    kind: "CustomResourceDefinition",
    namespaced: cluster,
    shortNames: ["crd", "crds"],
    categories: ["api-extensions"],
    subresources: [status("CustomResourceDefinition")],
  },
});

const APIREGISTRATION_V1 = group("apiregistration.k8s.io", "v1", {
  apiservices: {
    kind: "APIService",
    namespaced: cluster,
    categories: ["api-extensions"],
    subresources: [status("APIService")],
  },
});

const SCHEDULING_V1 = group("scheduling.k8s.io", "v1", {
  priorityclasses: { kind: "PriorityClass", namespaced: cluster, shortNames: ["pc"] },
});

const COORDINATION_V1 = group("coordination.k8s.io", "v1", { leases: { kind: "Lease", namespaced: ns } });

const NODE_V1 = group("node.k8s.io", "v1", { runtimeclasses: { kind: "RuntimeClass", namespaced: cluster } });

const DISCOVERY_V1 = group("discovery.k8s.io", "v1", {
  endpointslices: { kind: "EndpointSlice", namespaced: ns },
});

const FLOWCONTROL_V1 = group("flowcontrol.apiserver.k8s.io", "v1", {
  flowschemas: { kind: "FlowSchema", namespaced: cluster, subresources: [status("FlowSchema")] },
  prioritylevelconfigurations: {
    kind: "PriorityLevelConfiguration",
    namespaced: cluster,
    subresources: [status("PriorityLevelConfiguration")],
  },
});

/**
 * The API groups in the order `/apis` lists them (kube-apiserver's group priorities in
 * `pkg/controlplane/apiserver/aggregator.go` apiVersionPriorities; CRD groups follow).
 */
export const BUILTIN_GROUP_ORDER = [
  "",
  "apiregistration.k8s.io",
  "apps",
  "events.k8s.io",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "autoscaling",
  "batch",
  "certificates.k8s.io",
  "networking.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "admissionregistration.k8s.io",
  "apiextensions.k8s.io",
  "scheduling.k8s.io",
  "coordination.k8s.io",
  "node.k8s.io",
  "discovery.k8s.io",
  "flowcontrol.apiserver.k8s.io",
] as const;

/** Every built-in resource, group by group, preferred version first within a group. */
export const BUILTIN_RESOURCES: readonly ResourceInfo[] = [
  ...CORE_V1,
  ...APIREGISTRATION_V1,
  ...APPS_V1,
  ...EVENTS_V1,
  ...AUTHENTICATION_V1,
  ...AUTHORIZATION_V1,
  ...hpa(true),
  ...hpa(false),
  ...BATCH_V1,
  ...CERTIFICATES_V1,
  ...NETWORKING_V1,
  ...POLICY_V1,
  ...RBAC_V1,
  ...STORAGE_V1,
  ...ADMISSIONREGISTRATION_V1,
  ...APIEXTENSIONS_V1,
  ...SCHEDULING_V1,
  ...COORDINATION_V1,
  ...NODE_V1,
  ...DISCOVERY_V1,
  ...FLOWCONTROL_V1,
];
