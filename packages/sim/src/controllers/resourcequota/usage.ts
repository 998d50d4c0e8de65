/**
 * Quota usage as the ResourceQuota controller recomputes it (`pkg/quota/v1/evaluator/core`
 * pods, services, persistentvolumeclaims and the generic object-count evaluator;
 * `pkg/quota/v1/resources.go` `CalculateUsage`, `Mask`; v1.32): what the objects of a namespace
 * use of each resource a quota tracks, honouring quota scopes.
 */
import {
  addQuantities,
  compareQuantities,
  formatQuantity,
  parseQuantity,
  type Quantity,
  tryParseQuantity,
} from "../../api/quantity";
import type { KubeObject } from "../../api/types";
import { parseTimestampMs } from "../framework/time";

/** Legacy object-count names of core resources (`pods`, `services`, …). */
const LEGACY_COUNTS: Record<string, string> = {
  pods: "pods",
  services: "services",
  configmaps: "configmaps",
  secrets: "secrets",
  persistentvolumeclaims: "persistentvolumeclaims",
  replicationcontrollers: "replicationcontrollers",
  resourcequotas: "resourcequotas",
};

const ZERO = (): Quantity => parseQuantity("0");

function q(v: unknown): Quantity | undefined {
  return typeof v === "string"
    ? tryParseQuantity(v)
    : typeof v === "number"
      ? tryParseQuantity(String(v))
      : undefined;
}

function add(m: Record<string, Quantity>, k: string, v: Quantity): void {
  const cur = m[k];
  m[k] = cur ? addQuantities(cur, v) : v;
}

/**
 * `resourcehelper.PodRequests` / `PodLimits`: regular containers and restartable init containers
 * (sidecars) add up; a plain init container counts when it is larger than that sum; pod
 * overhead is added.
 */
export function podResourceTotals(pod: KubeObject, field: "requests" | "limits"): Record<string, Quantity> {
  const sum: Record<string, Quantity> = {};
  for (const c of pod.spec?.containers ?? [])
    for (const [k, v] of Object.entries(c.resources?.[field] ?? {})) {
      const x = q(v);
      if (x) add(sum, k, x);
    }
  const sidecars: Record<string, Quantity> = {};
  for (const c of pod.spec?.initContainers ?? []) {
    const restartable = c.restartPolicy === "Always";
    for (const [k, v] of Object.entries(c.resources?.[field] ?? {})) {
      const x = q(v);
      if (!x) continue;
      if (restartable) {
        add(sum, k, x);
        add(sidecars, k, x);
        continue;
      }
      // An init container runs with the sidecars started before it.
      const need = sidecars[k] ? addQuantities(sidecars[k]!, x) : x;
      if (!sum[k] || compareQuantities(need, sum[k]!) > 0) sum[k] = need;
    }
  }
  for (const [k, v] of Object.entries(pod.spec?.overhead ?? {})) {
    const x = q(v);
    if (x && sum[k]) add(sum, k, x);
  }
  return sum;
}

/** `QuotaV1Pod`: terminal pods, and pods stuck past their deletion grace period, are not charged. */
export function podCountsForQuota(pod: KubeObject, nowMs: number): boolean {
  const phase = pod.status?.phase;
  if (phase === "Failed" || phase === "Succeeded") return false;
  const del = pod.metadata.deletionTimestamp;
  const grace = pod.metadata.deletionGracePeriodSeconds;
  if (del && grace !== undefined && grace !== null) {
    if (nowMs > parseTimestampMs(del) + grace * 1000) return false;
  }
  return true;
}

/** `qos.GetPodQOS` = BestEffort: no container sets any request or limit. */
function isBestEffort(pod: KubeObject): boolean {
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const f of ["requests", "limits"])
      for (const k of Object.keys(c.resources?.[f] ?? {})) if (k === "cpu" || k === "memory") return false;
  }
  return true;
}

/** A scope selector requirement (`ScopedResourceSelectorRequirement`). */
interface ScopeRequirement {
  scopeName: string;
  operator: string;
  values?: string[];
}

/** The quota's scopes and scope-selector requirements together (`getScopeSelectorsFromQuota`). */
export function quotaScopes(quota: KubeObject): ScopeRequirement[] {
  const out: ScopeRequirement[] = (quota.spec?.scopes ?? []).map((s: string) => ({
    scopeName: s,
    operator: "Exists",
  }));
  for (const r of quota.spec?.scopeSelector?.matchExpressions ?? []) out.push(r);
  return out;
}

/** `podMatchesScopeFunc`. */
function podMatchesScope(pod: KubeObject, s: ScopeRequirement): boolean {
  switch (s.scopeName) {
    case "Terminating":
      return pod.spec?.activeDeadlineSeconds !== undefined && pod.spec.activeDeadlineSeconds >= 0;
    case "NotTerminating":
      return pod.spec?.activeDeadlineSeconds === undefined || pod.spec.activeDeadlineSeconds < 0;
    case "BestEffort":
      return isBestEffort(pod);
    case "NotBestEffort":
      return !isBestEffort(pod);
    case "PriorityClass": {
      const pc = pod.spec?.priorityClassName ?? "";
      switch (s.operator) {
        case "Exists":
          return pc !== "";
        case "DoesNotExist":
          return pc === "";
        case "In":
          return (s.values ?? []).includes(pc);
        case "NotIn":
          return !(s.values ?? []).includes(pc);
        default:
          return false;
      }
    }
    case "CrossNamespacePodAffinity": {
      const terms = [
        ...(pod.spec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
        ...(pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
      ];
      return terms.some(
        (t: { namespaces?: string[]; namespaceSelector?: unknown }) =>
          (t.namespaces?.length ?? 0) > 0 || !!t.namespaceSelector,
      );
    }
    default:
      return false;
  }
}

/** Which resources the pod evaluator can limit per scope (BestEffort quotas count pods only). */
function podScopeAllowsResource(scopes: ScopeRequirement[], resource: string): boolean {
  if (scopes.some((s) => s.scopeName === "BestEffort"))
    return resource === "pods" || resource === "count/pods";
  return true;
}

/** The usage one pod adds (`podComputeUsageHelper`). */
export function podUsage(pod: KubeObject): Record<string, Quantity> {
  const u: Record<string, Quantity> = { pods: parseQuantity("1"), "count/pods": parseQuantity("1") };
  const req = podResourceTotals(pod, "requests");
  const lim = podResourceTotals(pod, "limits");
  for (const [k, v] of Object.entries(req)) {
    if (k === "cpu" || k === "memory" || k === "ephemeral-storage") {
      // `cpu` and `requests.cpu` (and memory, ephemeral-storage) are the same thing to quota.
      u[`requests.${k}`] = v;
      u[k] = v;
    } else if (k.startsWith("hugepages-")) u[`requests.${k}`] = v;
    else if (k.includes("/")) u[`requests.${k}`] = v; // extended resources
  }
  for (const [k, v] of Object.entries(lim)) {
    if (k === "cpu" || k === "memory" || k === "ephemeral-storage") u[`limits.${k}`] = v;
  }
  return u;
}

/** The usage one Service adds (`serviceEvaluator`). */
function serviceUsage(svc: KubeObject): Record<string, Quantity> {
  const u: Record<string, Quantity> = { services: parseQuantity("1"), "count/services": parseQuantity("1") };
  const type = svc.spec?.type ?? "ClusterIP";
  const ports = svc.spec?.ports?.length ?? 0;
  if (type === "LoadBalancer") u["services.loadbalancers"] = parseQuantity("1");
  if (type === "NodePort" || (type === "LoadBalancer" && svc.spec?.allocateLoadBalancerNodePorts !== false))
    u["services.nodeports"] = parseQuantity(String(ports));
  return u;
}

/** The usage one PVC adds (`pvcEvaluator`). */
function claimUsage(pvc: KubeObject): Record<string, Quantity> {
  const u: Record<string, Quantity> = {
    persistentvolumeclaims: parseQuantity("1"),
    "count/persistentvolumeclaims": parseQuantity("1"),
  };
  const storage = q(pvc.spec?.resources?.requests?.storage);
  // The larger of the request and what was allocated (expansion).
  const allocated = q(pvc.status?.allocatedResources?.storage) ?? q(pvc.status?.capacity?.storage);
  const size =
    storage && allocated ? (compareQuantities(allocated, storage) > 0 ? allocated : storage) : storage;
  const cls = pvc.spec?.storageClassName;
  if (size) u["requests.storage"] = size;
  if (cls) {
    u[`${cls}.storageclass.storage.k8s.io/persistentvolumeclaims`] = parseQuantity("1");
    if (size) u[`${cls}.storageclass.storage.k8s.io/requests.storage`] = size;
  }
  return u;
}

/** What a quota's namespace holds, by group-resource (`pods`, `deployments.apps`, …). */
export type NamespaceObjects = (resource: string) => readonly KubeObject[] | null;

/** The group-resource a `count/<resource>[.<group>]` or legacy name refers to. */
export function resourceOfQuotaName(name: string): string | null {
  if (name.startsWith("count/")) return name.slice("count/".length);
  if (LEGACY_COUNTS[name]) return name;
  if (/^(requests|limits)\.|^(cpu|memory|ephemeral-storage)$/.test(name)) return "pods";
  if (name.startsWith("services.")) return "services";
  if (name === "requests.storage" || name.includes(".storageclass.storage.k8s.io/"))
    return "persistentvolumeclaims";
  return null;
}

/**
 * `CalculateUsage` + `Mask`: the quota's `status.used` for its hard resources from the objects
 * of its namespace. A resource whose objects cannot be listed keeps its previous value.
 */
export function calculateUsage(
  quota: KubeObject,
  objects: NamespaceObjects,
  nowMs: number,
): Record<string, string> {
  const hard = Object.keys(quota.spec?.hard ?? {});
  const previous = (quota.status?.used ?? {}) as Record<string, string>;
  const scopes = quotaScopes(quota);
  const totals: Record<string, Quantity> = {};
  const computed = new Set<string>();
  const byResource: Record<string, string[]> = {};
  for (const name of hard) {
    const res = resourceOfQuotaName(name);
    if (res === null) continue;
    const list = byResource[res] ?? [];
    list.push(name);
    byResource[res] = list;
  }
  for (const [res, names] of Object.entries(byResource)) {
    const list = objects(res);
    if (list === null) continue;
    for (const n of names) {
      computed.add(n);
      totals[n] = ZERO();
    }
    for (const obj of list) {
      let usage: Record<string, Quantity>;
      if (res === "pods") {
        if (!podCountsForQuota(obj, nowMs)) continue;
        if (!scopes.every((s) => podMatchesScope(obj, s))) continue;
        usage = podUsage(obj);
      } else if (scopes.length > 0)
        continue; // scopes only apply to pods
      else if (res === "services") usage = serviceUsage(obj);
      else if (res === "persistentvolumeclaims") usage = claimUsage(obj);
      else
        usage = {
          [`count/${res}`]: parseQuantity("1"),
          ...(LEGACY_COUNTS[res] ? { [res]: parseQuantity("1") } : {}),
        };
      for (const n of names) {
        if (res === "pods" && !podScopeAllowsResource(scopes, n)) continue;
        const v = usage[n];
        if (v) totals[n] = addQuantities(totals[n]!, v);
      }
    }
  }
  const used: Record<string, string> = {};
  for (const name of hard) {
    if (computed.has(name)) used[name] = formatQuantity(totals[name]!);
    else if (previous[name] !== undefined) used[name] = previous[name]!;
  }
  return used;
}
