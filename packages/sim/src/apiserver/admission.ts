/**
 * The admission chain for the plugins kubeadm enables by default (kube-apiserver
 * `--enable-admission-plugins` default set): NamespaceLifecycle, ServiceAccount,
 * DefaultTolerationSeconds, Priority, LimitRanger, ResourceQuota (ResourceQuota: not yet).
 * Mutating plugins change the object in place; any plugin may reject with a Status.
 * Sources per plugin: kubernetes `plugin/pkg/admission/<plugin>/admission.go`.
 */
import { newForbidden, newNotFound } from "../api/status";
import type { KubeObject, Status } from "../api/types";
import type { Context } from "../core/component";
import { randomString } from "./object-meta";
import type { ServedResource } from "./resources";
import type { ApiServerState } from "./state";
import { listCached } from "./watch-cache";

/** What admission sees of a request. */
export interface AdmissionAttributes {
  operation: "CREATE" | "UPDATE" | "DELETE";
  resource: ServedResource;
  subresource: string;
  namespace: string;
  name: string;
  obj: KubeObject | null;
  oldObj: KubeObject | null;
}

/** Namespaces that can never be deleted (NamespaceLifecycle immortalNamespaces). */
const IMMORTAL_NAMESPACES = new Set(["default", "kube-system", "kube-public"]);

/** An object from the watch cache (admission reads through informers in the real apiserver). */
function cachedObject(s: ApiServerState, prefix: string, rest: string): KubeObject | undefined {
  return s.cache.resources[prefix]?.items[`${prefix}/${rest}`];
}

/** NamespaceLifecycle: no new objects in a missing or terminating namespace; immortal namespaces. */
function namespaceLifecycle(s: ApiServerState, a: AdmissionAttributes): Status | null {
  const gr = { group: a.resource.info.group, resource: a.resource.info.resource };
  if (a.resource.info.resource === "namespaces" && a.resource.info.group === "") {
    if (a.operation === "DELETE" && IMMORTAL_NAMESPACES.has(a.name)) {
      return newForbidden(gr, a.name, "this namespace may not be deleted");
    }
    return null;
  }
  if (!a.resource.info.namespaced || a.operation !== "CREATE" || a.namespace === "") return null;
  const ns = cachedObject(s, "/registry/namespaces", a.namespace);
  if (!ns) return newNotFound({ group: "", resource: "namespaces" }, a.namespace);
  // Events and other "access review" kinds may still be written into a terminating namespace.
  if (ns.status?.phase === "Terminating" && !(gr.group === "" && gr.resource === "events")) {
    return newForbidden(
      gr,
      a.name,
      `unable to create new content in namespace ${a.namespace} because it is being terminated`,
    );
  }
  return null;
}

const SA_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";

/**
 * ServiceAccount: default `serviceAccountName` to "default", require the ServiceAccount to exist,
 * and mount the projected API token volume `kube-api-access-<5 chars>` into every container.
 */
function serviceAccount(ctx: Context, s: ApiServerState, a: AdmissionAttributes): Status | null {
  if (a.operation !== "CREATE" || a.subresource !== "" || !isPods(a)) return null;
  const pod = a.obj!;
  const spec = pod.spec ?? {};
  pod.spec = spec;
  // Mirror pods (static pods of a kubelet) are exempt.
  if (pod.metadata.annotations?.["kubernetes.io/config.mirror"] !== undefined) return null;
  if (!spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount || "default";
  spec.serviceAccount = spec.serviceAccountName;
  const saName: string = spec.serviceAccountName;
  const sa = cachedObject(s, "/registry/serviceaccounts", `${a.namespace}/${saName}`);
  if (!sa) {
    return newForbidden(
      { group: "", resource: "pods" },
      a.name,
      `error looking up service account ${a.namespace}/${saName}: serviceaccount "${saName}" not found`,
    );
  }
  const automount = spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
  if (!automount) return null;
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  // A pod that already mounts something at the token path keeps it.
  if (
    containers.some((c) =>
      (c.volumeMounts ?? []).some((m: { mountPath: string }) => m.mountPath === SA_MOUNT_PATH),
    )
  ) {
    return null;
  }
  const volumeName = `kube-api-access-${randomString(ctx, 5)}`;
  spec.volumes = [
    ...(spec.volumes ?? []),
    {
      name: volumeName,
      projected: {
        // Token lifetime 3607 s: 1 h plus the 7 s the admission plugin adds (warnOnlyBoundTokenExpirationSeconds).
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
          { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
          {
            downwardAPI: {
              items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }],
            },
          },
        ],
        defaultMode: 420,
      },
    },
  ];
  for (const c of containers) {
    c.volumeMounts = [
      ...(c.volumeMounts ?? []),
      { name: volumeName, readOnly: true, mountPath: SA_MOUNT_PATH },
    ];
  }
  return null;
}

function isPods(a: AdmissionAttributes): boolean {
  return a.resource.info.group === "" && a.resource.info.resource === "pods";
}

/** DefaultTolerationSeconds: tolerate not-ready and unreachable NoExecute taints for 300 s. */
function defaultTolerationSeconds(s: ApiServerState, a: AdmissionAttributes): Status | null {
  if (!isPods(a) || a.subresource !== "" || (a.operation !== "CREATE" && a.operation !== "UPDATE"))
    return null;
  if (a.operation === "UPDATE") return null; // tolerations are immutable after create except additions
  const spec = a.obj!.spec ?? {};
  const tolerations: { key?: string; effect?: string; operator?: string }[] = spec.tolerations ?? [];
  const tolerates = (key: string) =>
    tolerations.some(
      (t) => (t.key === key || (t.key ?? "") === "") && (t.effect === "NoExecute" || (t.effect ?? "") === ""),
    );
  const add: unknown[] = [];
  if (!tolerates("node.kubernetes.io/not-ready")) {
    add.push({
      key: "node.kubernetes.io/not-ready",
      operator: "Exists",
      effect: "NoExecute",
      tolerationSeconds: s.cfg.defaultNotReadyTolerationS,
    });
  }
  if (!tolerates("node.kubernetes.io/unreachable")) {
    add.push({
      key: "node.kubernetes.io/unreachable",
      operator: "Exists",
      effect: "NoExecute",
      tolerationSeconds: s.cfg.defaultUnreachableTolerationS,
    });
  }
  if (add.length > 0) {
    spec.tolerations = [...tolerations, ...add];
    a.obj!.spec = spec;
  }
  return null;
}

/** Priority: resolve `priorityClassName` to `priority` and `preemptionPolicy`. */
function priority(s: ApiServerState, a: AdmissionAttributes): Status | null {
  if (!isPods(a) || a.operation !== "CREATE" || a.subresource !== "") return null;
  const spec = a.obj!.spec ?? {};
  a.obj!.spec = spec;
  const gr = { group: "", resource: "pods" };
  let value = 0;
  let policy = "PreemptLowerPriority";
  if (spec.priorityClassName) {
    const pc = cachedObject(s, "/registry/priorityclasses", spec.priorityClassName);
    if (!pc)
      return newForbidden(gr, a.name, `no PriorityClass with name ${spec.priorityClassName} was found`);
    value = pc.value ?? 0;
    policy = pc.preemptionPolicy ?? policy;
  } else {
    const def = listCached(s.cache, "/registry/priorityclasses", "").find((pc) => pc.globalDefault === true);
    if (def) {
      spec.priorityClassName = def.metadata.name;
      value = def.value ?? 0;
      policy = def.preemptionPolicy ?? policy;
    }
  }
  if (spec.priority !== undefined && spec.priority !== null && spec.priority !== value) {
    return newForbidden(
      gr,
      a.name,
      `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`,
    );
  }
  spec.priority = value;
  if (spec.preemptionPolicy === undefined) spec.preemptionPolicy = policy;
  return null;
}

/** LimitRanger: fill container requests/limits from the namespace's LimitRange defaults. */
function limitRanger(s: ApiServerState, a: AdmissionAttributes): Status | null {
  if (!isPods(a) || a.operation !== "CREATE" || a.subresource !== "") return null;
  const ranges = listCached(s.cache, "/registry/limitranges", a.namespace);
  if (ranges.length === 0) return null;
  const spec = a.obj!.spec ?? {};
  const set: string[] = [];
  for (const lr of ranges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item.type !== "Container") continue;
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
        c.resources = c.resources ?? {};
        for (const [res, q] of Object.entries(item.default ?? {})) {
          c.resources.limits = c.resources.limits ?? {};
          if (c.resources.limits[res] === undefined) {
            c.resources.limits[res] = q;
            set.push(`${res} limit for container ${c.name}`);
          }
        }
        for (const [res, q] of Object.entries(item.defaultRequest ?? {})) {
          c.resources.requests = c.resources.requests ?? {};
          if (c.resources.requests[res] === undefined) {
            c.resources.requests[res] = q;
            set.push(`${res} request for container ${c.name}`);
          }
        }
      }
    }
  }
  if (set.length > 0) {
    const meta = a.obj!.metadata;
    meta.annotations = {
      ...(meta.annotations ?? {}),
      "kubernetes.io/limit-ranger": `LimitRanger plugin set: ${set.join("; ")}`,
    };
  }
  return null;
}

/**
 * Run the chain in the real order (mutating plugins first: NamespaceLifecycle, LimitRanger,
 * ServiceAccount, DefaultTolerationSeconds, Priority…). Returns the first rejection, or null.
 */
export function admit(ctx: Context, s: ApiServerState, a: AdmissionAttributes): Status | null {
  return (
    namespaceLifecycle(s, a) ??
    limitRanger(s, a) ??
    serviceAccount(ctx, s, a) ??
    defaultTolerationSeconds(s, a) ??
    priority(s, a)
  );
}
