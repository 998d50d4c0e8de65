/**
 * The ResourceQuota admission plugin (plugin/pkg/admission/resourcequota and the quota
 * evaluators in pkg/quota/v1/evaluator/core): on create, add what the new object uses to every
 * matching quota's `status.used`, refuse when a hard limit would be exceeded, and write the
 * quotas (a compare-and-swap on each) before the object itself. Quota scopes and scope
 * selectors are not modelled yet; the ResourceQuota controller that recalculates usage and
 * releases it on deletion belongs to the controllers.
 */
import {
  addQuantities,
  compareQuantities,
  formatQuantity,
  parseQuantity,
  type Quantity,
  tryParseQuantity,
} from "../api/quantity";
import { newForbidden } from "../api/status";
import type { KubeObject, Status } from "../api/types";
import type { ServedResource } from "./resources";
import type { ApiServerState } from "./state";
import { listCached } from "./watch-cache";

/** Object-count names for core kinds (`pods`, `services`, …) besides `count/<resource>[.<group>]`. */
const LEGACY_COUNT_NAMES: Record<string, string> = {
  pods: "pods",
  services: "services",
  configmaps: "configmaps",
  secrets: "secrets",
  persistentvolumeclaims: "persistentvolumeclaims",
  replicationcontrollers: "replicationcontrollers",
  resourcequotas: "resourcequotas",
};

const ONE: Quantity = { nanos: 1_000_000_000n, format: "DecimalSI" };

function quantity(v: unknown): Quantity | undefined {
  return typeof v === "string"
    ? tryParseQuantity(v)
    : typeof v === "number"
      ? tryParseQuantity(String(v))
      : undefined;
}

/** A pod's requests or limits: the sum over containers, at least the largest init container (PodRequests). */
function podResources(pod: KubeObject, field: "requests" | "limits", res: string): Quantity | undefined {
  let sum: Quantity | undefined;
  for (const c of pod.spec?.containers ?? []) {
    const q = quantity(c.resources?.[field]?.[res]);
    if (q) sum = sum ? addQuantities(sum, q) : q;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const q = quantity(c.resources?.[field]?.[res]);
    if (q && (!sum || compareQuantities(q, sum) > 0)) sum = q;
  }
  return sum;
}

/** What creating `obj` adds to each quota resource name. */
function usageOf(r: ServedResource, obj: KubeObject): Record<string, Quantity> {
  const usage: Record<string, Quantity> = {};
  const count = r.info.group ? `count/${r.info.resource}.${r.info.group}` : `count/${r.info.resource}`;
  usage[count] = ONE;
  const legacy = r.info.group === "" ? LEGACY_COUNT_NAMES[r.info.resource] : undefined;
  if (legacy) usage[legacy] = ONE;
  if (r.info.group === "" && r.info.resource === "pods") {
    for (const res of ["cpu", "memory", "ephemeral-storage"]) {
      const req = podResources(obj, "requests", res);
      const lim = podResources(obj, "limits", res);
      if (req) {
        usage[`requests.${res}`] = req;
        usage[res] = req;
      }
      if (lim) usage[`limits.${res}`] = lim;
    }
  }
  return usage;
}

/** Containers that do not set a resource a quota tracks (the evaluator's "must specify"). */
function missingResources(obj: KubeObject, hard: Record<string, unknown>): string[] {
  const out: string[] = [];
  const containers = [...(obj.spec?.initContainers ?? []), ...(obj.spec?.containers ?? [])];
  for (const name of Object.keys(hard).sort()) {
    const m =
      /^(requests|limits)\.(cpu|memory|ephemeral-storage)$/.exec(name) ??
      (/^(cpu|memory)$/.test(name) ? [name, "requests", name] : null);
    if (!m) continue;
    const field = m[1] as "requests" | "limits";
    const res = m[2]!;
    const lacking = containers.filter((c) => c.resources?.[field]?.[res] === undefined).map((c) => c.name);
    if (lacking.length > 0) out.push(`${name} for: ${lacking.join(",")}`);
  }
  return out;
}

/** The quota objects to write (with new status.used), or a 403, for creating `obj`. */
export function admitQuota(
  s: ApiServerState,
  r: ServedResource,
  obj: KubeObject,
  quotas: KubeObject[] = listCached(s.cache, "/registry/resourcequotas", obj.metadata.namespace ?? ""),
): { updates: KubeObject[] } | { status: Status } {
  if (!r.info.namespaced || quotas.length === 0) return { updates: [] };
  const usage = usageOf(r, obj);
  const isPod = r.info.group === "" && r.info.resource === "pods";
  const gr = { group: r.info.group, resource: r.info.resource };
  const name = obj.metadata.name ?? "";
  const updates: KubeObject[] = [];
  for (const quota of [...quotas].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))) {
    const hard = (quota.spec?.hard ?? {}) as Record<string, string>;
    const relevant = Object.keys(hard).filter((k) => usage[k] !== undefined);
    if (isPod) {
      const missing = missingResources(obj, hard);
      if (missing.length > 0)
        return {
          status: newForbidden(
            gr,
            name,
            `failed quota: ${quota.metadata.name}: must specify ${missing.join("; ")}`,
          ),
        };
    }
    if (relevant.length === 0) continue;
    const used = { ...((quota.status?.used ?? {}) as Record<string, string>) };
    const exceeded: string[] = [];
    for (const k of relevant.sort()) {
      const cur = quantity(used[k]) ?? parseQuantity("0");
      const next = addQuantities(cur, usage[k]!);
      if (compareQuantities(next, parseQuantity(hard[k]!)) > 0) exceeded.push(k);
      used[k] = formatQuantity(next);
    }
    if (exceeded.length > 0) {
      const fmt = (m: Record<string, Quantity | string>) =>
        exceeded
          .map((k) => `${k}=${typeof m[k] === "string" ? m[k] : formatQuantity(m[k] as Quantity)}`)
          .join(",");
      const before = (quota.status?.used ?? {}) as Record<string, string>;
      const msg = `exceeded quota: ${quota.metadata.name}, requested: ${fmt(usage)}, used: ${exceeded
        .map((k) => `${k}=${before[k] ?? "0"}`)
        .join(",")}, limited: ${exceeded.map((k) => `${k}=${hard[k]}`).join(",")}`;
      return { status: newForbidden(gr, name, msg) };
    }
    updates.push({ ...quota, status: { ...(quota.status ?? {}), hard: quota.status?.hard ?? hard, used } });
  }
  return { updates };
}
