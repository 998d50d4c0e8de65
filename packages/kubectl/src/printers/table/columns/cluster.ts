/**
 * Cluster and configuration printers, ports of kubernetes `pkg/printers/internalversion/printers.go`
 * (v1.32): printNode, printNamespace, printEvent, printConfigMap, printSecret,
 * printServiceAccount, printLease, printPersistentVolume(Claim), printStorageClass,
 * printRoleBinding / printClusterRoleBinding, printHorizontalPodAutoscaler,
 * printPodDisruptionBudget, printPriorityClass, printResourceQuota is not ported.
 */
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from "kubernetes-types/autoscaling/v2";
import type { Lease } from "kubernetes-types/coordination/v1";
import type {
  ConfigMap,
  Event,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Secret,
  ServiceAccount,
} from "kubernetes-types/core/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import type { ClusterRoleBinding, RoleBinding, Subject } from "kubernetes-types/rbac/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import type { StorageClass } from "kubernetes-types/storage/v1";
import { age } from "../helpers";
import { AGE_COLUMN, column, NAME_COLUMN, type ResourcePrinter } from "../types";

/** printers.go labelNodeRolePrefix / nodeLabelRole. */
const LABEL_NODE_ROLE_PREFIX = "node-role.kubernetes.io/";
const NODE_LABEL_ROLE = "kubernetes.io/role";

/** findNodeRoles: sorted roles from `node-role.kubernetes.io/<role>` and `kubernetes.io/role`. */
export function findNodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(LABEL_NODE_ROLE_PREFIX)) {
      const role = k.slice(LABEL_NODE_ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === NODE_LABEL_ROLE && v !== "") roles.add(v);
  }
  return [...roles].sort();
}

/** The node STATUS cell: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
export function nodeStatus(node: Node): string {
  const status: string[] = [];
  const ready = (node.status?.conditions ?? []).filter((c) => c.type === "Ready").pop();
  if (ready) status.push(ready.status === "True" ? "Ready" : "NotReady");
  if (status.length === 0) status.push("Unknown");
  if (node.spec?.unschedulable) status.push("SchedulingDisabled");
  return status.join(",");
}

/** Nodes: NAME STATUS ROLES AGE VERSION | INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME. */
export const nodePrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Status", "string", "The status of the node"),
    column("Roles", "string", "The roles of the node"),
    AGE_COLUMN,
    column("Version", "string"),
    column("Internal-IP", "string", "", { priority: 1 }),
    column("External-IP", "string", "", { priority: 1 }),
    column("OS-Image", "string", "", { priority: 1 }),
    column("Kernel-Version", "string", "", { priority: 1 }),
    column("Container-Runtime", "string", "", { priority: 1 }),
  ],
  cells(node: Node, { now }) {
    const info = node.status?.nodeInfo;
    const addr = (type: string) =>
      (node.status?.addresses ?? []).find((a) => a.type === type)?.address ?? "<none>";
    return [
      node.metadata?.name ?? "",
      nodeStatus(node),
      findNodeRoles(node).join(",") || "<none>",
      age(node.metadata?.creationTimestamp, now),
      info?.kubeletVersion ?? "",
      addr("InternalIP"),
      addr("ExternalIP"),
      info?.osImage || "<unknown>",
      info?.kernelVersion || "<unknown>",
      info?.containerRuntimeVersion || "<unknown>",
    ];
  },
};

/** Namespaces: NAME STATUS AGE. */
export const namespacePrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column("Status", "string", "The status of the namespace"), AGE_COLUMN],
  cells: (ns: Namespace, { now }) => [
    ns.metadata?.name ?? "",
    ns.status?.phase ?? "",
    age(ns.metadata?.creationTimestamp, now),
  ],
};

/** formatEventSource: `component, host`, falling back to reportingController / reportingInstance. */
function formatEventSource(e: Event): string {
  const component = e.source?.component || e.reportingComponent || "";
  const instance = e.source?.host || e.reportingInstance || "";
  return instance ? `${component}, ${instance}` : component;
}

/** The LAST SEEN, FIRST SEEN and COUNT of an event (series and eventTime aware). */
export function eventTimes(e: Event, now: number): { last: string; first: string; count: number } {
  let first = age(e.firstTimestamp, now);
  if (!e.firstTimestamp) first = age(e.eventTime, now);
  let last = age(e.lastTimestamp, now);
  if (!e.lastTimestamp) last = first;
  let count = e.count ?? 0;
  if (e.series) {
    last = age(e.series.lastObservedTime, now);
    count = e.series.count ?? 0;
  } else if (count === 0) count = 1;
  return { last, first, count };
}

/** Events: LAST SEEN TYPE REASON OBJECT [SUBOBJECT SOURCE] MESSAGE [FIRST SEEN COUNT NAME]. */
export const eventPrinter: ResourcePrinter = {
  columns: [
    column("Last Seen", "string"),
    column("Type", "string"),
    column("Reason", "string"),
    column("Object", "string"),
    column("Subobject", "string", "", { priority: 1 }),
    column("Source", "string", "", { priority: 1 }),
    column("Message", "string"),
    column("First Seen", "string", "", { priority: 1 }),
    column("Count", "string", "", { priority: 1 }),
    column("Name", "string", "", { priority: 1, format: "name" }),
  ],
  cells(e: Event, { now }) {
    const { last, first, count } = eventTimes(e, now);
    const io = e.involvedObject;
    const target = io?.name ? `${(io.kind ?? "").toLowerCase()}/${io.name}` : (io?.kind ?? "").toLowerCase();
    return [
      last,
      e.type ?? "",
      e.reason ?? "",
      target,
      io?.fieldPath ?? "",
      formatEventSource(e),
      (e.message ?? "").trim(),
      first,
      count,
      e.metadata?.name ?? "",
    ];
  },
};

/** ConfigMaps: NAME DATA AGE (data plus binaryData keys). */
export const configMapPrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column("Data", "string"), AGE_COLUMN],
  cells: (cm: ConfigMap, { now }) => [
    cm.metadata?.name ?? "",
    Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
    age(cm.metadata?.creationTimestamp, now),
  ],
};

/** Secrets: NAME TYPE DATA AGE. */
export const secretPrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column("Type", "string"), column("Data", "string"), AGE_COLUMN],
  cells: (s: Secret, { now }) => [
    s.metadata?.name ?? "",
    s.type ?? "",
    Object.keys(s.data ?? {}).length,
    age(s.metadata?.creationTimestamp, now),
  ],
};

/** ServiceAccounts: NAME SECRETS AGE. */
export const serviceAccountPrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column("Secrets", "string"), AGE_COLUMN],
  cells: (sa: ServiceAccount, { now }) => [
    sa.metadata?.name ?? "",
    (sa.secrets ?? []).length,
    age(sa.metadata?.creationTimestamp, now),
  ],
};

/** Leases: NAME HOLDER AGE. */
export const leasePrinter: ResourcePrinter = {
  columns: [NAME_COLUMN, column("Holder", "string"), AGE_COLUMN],
  cells: (l: Lease, { now }) => [
    l.metadata?.name ?? "",
    l.spec?.holderIdentity ?? "",
    age(l.metadata?.creationTimestamp, now),
  ],
};

/** helper.GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order. */
function accessModesAsString(modes: string[] | undefined): string {
  const m = modes ?? [];
  const out: string[] = [];
  if (m.includes("ReadWriteOnce")) out.push("RWO");
  if (m.includes("ReadOnlyMany")) out.push("ROX");
  if (m.includes("ReadWriteMany")) out.push("RWX");
  if (m.includes("ReadWriteOncePod")) out.push("RWOP");
  return out.join(",");
}

/** PersistentVolumes. */
export const persistentVolumePrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Capacity", "string"),
    column("Access Modes", "string"),
    column("Reclaim Policy", "string"),
    column("Status", "string"),
    column("Claim", "string"),
    column("StorageClass", "string", "StorageClass of the pv"),
    column("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
    column("Reason", "string"),
    AGE_COLUMN,
    column("VolumeMode", "string", "", { priority: 1 }),
  ],
  cells(pv: PersistentVolume, { now }) {
    const ref = pv.spec?.claimRef;
    return [
      pv.metadata?.name ?? "",
      pv.spec?.capacity?.storage ?? "0",
      accessModesAsString(pv.spec?.accessModes),
      pv.spec?.persistentVolumeReclaimPolicy ?? "",
      pv.metadata?.deletionTimestamp ? "Terminating" : (pv.status?.phase ?? ""),
      ref ? `${ref.namespace ?? ""}/${ref.name ?? ""}` : "",
      pv.spec?.storageClassName ??
        pv.metadata?.annotations?.["volume.beta.kubernetes.io/storage-class"] ??
        "",
      pv.spec?.volumeAttributesClassName ?? "<unset>",
      pv.status?.reason ?? "",
      age(pv.metadata?.creationTimestamp, now),
      pv.spec?.volumeMode ?? "<unset>",
    ];
  },
};

/** PersistentVolumeClaims. */
export const persistentVolumeClaimPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Status", "string"),
    column("Volume", "string"),
    column("Capacity", "string"),
    column("Access Modes", "string"),
    column("StorageClass", "string", "StorageClass of the pvc"),
    column("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
    AGE_COLUMN,
    column("VolumeMode", "string", "", { priority: 1 }),
  ],
  cells(pvc: PersistentVolumeClaim, { now }) {
    const bound = !!pvc.spec?.volumeName;
    return [
      pvc.metadata?.name ?? "",
      pvc.metadata?.deletionTimestamp ? "Terminating" : (pvc.status?.phase ?? ""),
      pvc.spec?.volumeName ?? "",
      bound ? (pvc.status?.capacity?.storage ?? "0") : "",
      bound ? accessModesAsString(pvc.status?.accessModes) : "",
      pvc.spec?.storageClassName ??
        pvc.metadata?.annotations?.["volume.beta.kubernetes.io/storage-class"] ??
        "",
      pvc.spec?.volumeAttributesClassName ?? "<unset>",
      age(pvc.metadata?.creationTimestamp, now),
      pvc.spec?.volumeMode ?? "<unset>",
    ];
  },
};

/** StorageClasses: NAME PROVISIONER RECLAIMPOLICY VOLUMEBINDINGMODE ALLOWVOLUMEEXPANSION AGE. */
export const storageClassPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Provisioner", "string"),
    column("ReclaimPolicy", "string"),
    column("VolumeBindingMode", "string"),
    column("AllowVolumeExpansion", "string"),
    AGE_COLUMN,
  ],
  cells(sc: StorageClass, { now }) {
    const ann = sc.metadata?.annotations ?? {};
    // storageutil.IsDefaultAnnotation: the GA and beta annotations.
    const isDefault =
      ann["storageclass.kubernetes.io/is-default-class"] === "true" ||
      ann["storageclass.beta.kubernetes.io/is-default-class"] === "true";
    return [
      `${sc.metadata?.name ?? ""}${isDefault ? " (default)" : ""}`,
      sc.provisioner ?? "",
      sc.reclaimPolicy ?? "Delete",
      sc.volumeBindingMode ?? "Immediate",
      sc.allowVolumeExpansion ?? false,
      age(sc.metadata?.creationTimestamp, now),
    ];
  },
};

/** rbac.SubjectsStrings: users, groups, service accounts (`ns/name`). */
function subjectsStrings(subjects: Subject[] | undefined): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === "ServiceAccount") sas.push(`${s.namespace ?? ""}/${s.name}`);
    else if (s.kind === "User") users.push(s.name);
    else if (s.kind === "Group") groups.push(s.name);
  }
  return [users.join(", "), groups.join(", "), sas.join(", ")];
}

/** RoleBindings and ClusterRoleBindings: NAME ROLE AGE | USERS GROUPS SERVICEACCOUNTS. */
export const roleBindingPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Role", "string"),
    AGE_COLUMN,
    column("Users", "string", "Users in the roleBinding", { priority: 1 }),
    column("Groups", "string", "Groups in the roleBinding", { priority: 1 }),
    column("ServiceAccounts", "string", "ServiceAccounts in the roleBinding", { priority: 1 }),
  ],
  cells(rb: RoleBinding | ClusterRoleBinding, { now }) {
    return [
      rb.metadata?.name ?? "",
      `${rb.roleRef?.kind}/${rb.roleRef?.name}`,
      age(rb.metadata?.creationTimestamp, now),
      ...subjectsStrings(rb.subjects),
    ];
  },
};

/** ClusterRoleBindings (same cells; descriptions say clusterRoleBinding). */
export const clusterRoleBindingPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Role", "string"),
    AGE_COLUMN,
    column("Users", "string", "Users in the clusterRoleBinding", { priority: 1 }),
    column("Groups", "string", "Groups in the clusterRoleBinding", { priority: 1 }),
    column("ServiceAccounts", "string", "ServiceAccounts in the clusterRoleBinding", { priority: 1 }),
  ],
  cells: roleBindingPrinter.cells,
};

/** formatHPAMetrics for the metric kinds the v2 API has (at most 2, then ` + N more...`). */
function formatHPAMetrics(specs: MetricSpec[] | undefined, statuses: MetricStatus[] | undefined): string {
  const list: string[] = [];
  const sp = specs ?? [];
  const st = statuses ?? [];
  if (sp.length === 0) return "<none>";
  sp.forEach((spec, i) => {
    const s = st[i];
    switch (spec.type) {
      case "Resource": {
        const t = spec.resource!.target;
        if (t.averageValue !== undefined) {
          list.push(
            `${spec.resource!.name}: ${s?.resource?.current.averageValue ?? "<unknown>"}/${t.averageValue}`,
          );
        } else {
          const cur = s?.resource?.current.averageUtilization;
          const current = cur !== undefined && cur !== null ? `${cur}%` : "<unknown>";
          const target = t.averageUtilization !== undefined ? `${t.averageUtilization}%` : "<auto>";
          list.push(`${spec.resource!.name}: ${current}/${target}`);
        }
        break;
      }
      case "ContainerResource": {
        const t = spec.containerResource!.target;
        if (t.averageValue !== undefined) {
          list.push(
            `${spec.containerResource!.name}: ${s?.containerResource?.current.averageValue ?? "<unknown>"}/${t.averageValue}`,
          );
        } else {
          const cur = s?.containerResource?.current.averageUtilization;
          const current = cur !== undefined && cur !== null ? `${cur}%` : "<unknown>";
          const target = t.averageUtilization !== undefined ? `${t.averageUtilization}%` : "<auto>";
          list.push(`${spec.containerResource!.name}: ${current}/${target}`);
        }
        break;
      }
      case "Pods":
        list.push(`${s?.pods?.current.averageValue ?? "<unknown>"}/${spec.pods!.target.averageValue}`);
        break;
      case "Object": {
        const t = spec.object!.target;
        if (t.averageValue !== undefined)
          list.push(`${s?.object?.current.averageValue ?? "<unknown>"}/${t.averageValue} (avg)`);
        else list.push(`${s?.object?.current.value ?? "<unknown>"}/${t.value}`);
        break;
      }
      case "External": {
        const t = spec.external!.target;
        if (t.averageValue !== undefined)
          list.push(`${s?.external?.current.averageValue ?? "<unknown>"}/${t.averageValue} (avg)`);
        else list.push(`${s?.external?.current.value ?? "<unknown>"}/${t.value}`);
        break;
      }
      default:
        list.push("<unknown type>");
    }
  });
  const max = 2;
  if (list.length > max) return `${list.slice(0, max).join(", ")} + ${list.length - max} more...`;
  return list.join(", ");
}

/** HorizontalPodAutoscalers: NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE. */
export const horizontalPodAutoscalerPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Reference", "string"),
    column("Targets", "string"),
    column("MinPods", "string"),
    column("MaxPods", "string"),
    column("Replicas", "string"),
    AGE_COLUMN,
  ],
  cells(hpa: HorizontalPodAutoscaler, { now }) {
    return [
      hpa.metadata?.name ?? "",
      `${hpa.spec?.scaleTargetRef.kind}/${hpa.spec?.scaleTargetRef.name}`,
      formatHPAMetrics(hpa.spec?.metrics, hpa.status?.currentMetrics),
      hpa.spec?.minReplicas !== undefined ? String(hpa.spec.minReplicas) : "<unset>",
      hpa.spec?.maxReplicas ?? 0,
      hpa.status?.currentReplicas ?? 0,
      age(hpa.metadata?.creationTimestamp, now),
    ];
  },
};

/** PodDisruptionBudgets: NAME MIN AVAILABLE MAX UNAVAILABLE ALLOWED DISRUPTIONS AGE. */
export const podDisruptionBudgetPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Min Available", "string", "The minimum number of pods that must be available."),
    column("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
    column("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."),
    AGE_COLUMN,
  ],
  cells: (pdb: PodDisruptionBudget, { now }) => [
    pdb.metadata?.name ?? "",
    pdb.spec?.minAvailable !== undefined ? String(pdb.spec.minAvailable) : "N/A",
    pdb.spec?.maxUnavailable !== undefined ? String(pdb.spec.maxUnavailable) : "N/A",
    pdb.status?.disruptionsAllowed ?? 0,
    age(pdb.metadata?.creationTimestamp, now),
  ],
};

/** PriorityClasses: NAME VALUE GLOBAL-DEFAULT AGE | PREEMPTIONPOLICY. */
export const priorityClassPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Value", "integer"),
    column("Global-Default", "boolean"),
    AGE_COLUMN,
    column("PreemptionPolicy", "string"),
  ],
  cells: (pc: PriorityClass, { now }) => [
    pc.metadata?.name ?? "",
    pc.value ?? 0,
    pc.globalDefault ?? false,
    age(pc.metadata?.creationTimestamp, now),
    pc.preemptionPolicy ?? "",
  ],
};
