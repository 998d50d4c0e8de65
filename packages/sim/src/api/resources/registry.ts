/**
 * The resource registry: which resources the apiserver serves, keyed by group/version/resource,
 * and the look-ups the apiserver and clients need (GVR <-> GVK, scope, short names,
 * categories, `kubectl`-style name resolution). It is plain JSON data so that it can live in
 * the apiserver's serialised state; the functions below read or update it in place.
 */
import type { GroupVersionKind, GroupVersionResource } from "../types";
import { BUILTIN_GROUP_ORDER, BUILTIN_RESOURCES } from "./builtin";
import type { ResourceInfo } from "./types";
import { compareKubeAwareVersions } from "./version-priority";

/** The registry: resources by `group/version/resource` key, plus the group order of discovery. */
export interface ResourceRegistry {
  resources: Record<string, ResourceInfo>;
  /** Groups in discovery order; groups of CRDs are appended (sorted by name, as the aggregator does for equal priority). */
  groupOrder: string[];
}

/** The key of a resource in the registry: "apps/v1/deployments", "/v1/pods" for the core group. */
export function resourceKey(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}

/** A registry holding every built-in resource of a v1.32 apiserver. */
export function createResourceRegistry(): ResourceRegistry {
  const reg: ResourceRegistry = { resources: {}, groupOrder: [...BUILTIN_GROUP_ORDER] };
  for (const r of BUILTIN_RESOURCES) reg.resources[resourceKey(r.group, r.version, r.resource)] = r;
  return reg;
}

/** The resource at a group/version/resource, if served. */
export function getResource(reg: ResourceRegistry, gvr: GroupVersionResource): ResourceInfo | undefined {
  return reg.resources[resourceKey(gvr.group, gvr.version, gvr.resource)];
}

/** The resource serving a group/version/kind, if any. */
export function getResourceForKind(reg: ResourceRegistry, gvk: GroupVersionKind): ResourceInfo | undefined {
  for (const r of Object.values(reg.resources)) {
    if (r.group === gvk.group && r.version === gvk.version && r.kind === gvk.kind) return r;
  }
  return undefined;
}

/** The versions served for a group, preferred first (kube-aware version order). */
export function groupVersions(reg: ResourceRegistry, group: string): string[] {
  const versions = new Set<string>();
  for (const r of Object.values(reg.resources)) if (r.group === group) versions.add(r.version);
  return [...versions].sort(compareKubeAwareVersions);
}

/** The served groups with their versions (preferred first), in discovery order. */
export function listGroups(
  reg: ResourceRegistry,
): { group: string; versions: string[]; preferredVersion: string }[] {
  const out: { group: string; versions: string[]; preferredVersion: string }[] = [];
  for (const g of reg.groupOrder) {
    const versions = groupVersions(reg, g);
    if (versions.length > 0) out.push({ group: g, versions, preferredVersion: versions[0]! });
  }
  return out;
}

/** The resources of one group version in discovery order (sorted by resource name). */
export function listResources(reg: ResourceRegistry, group: string, version: string): ResourceInfo[] {
  return Object.values(reg.resources)
    .filter((r) => r.group === group && r.version === version)
    .sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
}

/** Adds (or replaces) resources, e.g. those of a CRD; new groups join the discovery order. */
export function registerResources(reg: ResourceRegistry, infos: readonly ResourceInfo[]): void {
  for (const r of infos) {
    reg.resources[resourceKey(r.group, r.version, r.resource)] = r;
    if (!reg.groupOrder.includes(r.group)) {
      // CRD groups all have the same (lowest) priority; the aggregator then orders by name.
      const builtins = new Set<string>(BUILTIN_GROUP_ORDER);
      const custom = reg.groupOrder.filter((g) => !builtins.has(g));
      custom.push(r.group);
      custom.sort();
      reg.groupOrder = [...BUILTIN_GROUP_ORDER.filter((g) => reg.groupOrder.includes(g)), ...custom];
    }
  }
}

/** Removes every version of a group/resource (when its CRD is deleted). */
export function unregisterResource(reg: ResourceRegistry, group: string, resource: string): void {
  for (const [key, r] of Object.entries(reg.resources)) {
    if (r.group === group && r.resource === resource) delete reg.resources[key];
  }
  if (!Object.values(reg.resources).some((r) => r.group === group)) {
    reg.groupOrder = reg.groupOrder.filter((g) => g !== group);
  }
}

/** Every resource (preferred versions only) in a category such as "all". */
export function resourcesInCategory(reg: ResourceRegistry, category: string): ResourceInfo[] {
  const out: ResourceInfo[] = [];
  for (const { group, preferredVersion } of listGroups(reg)) {
    for (const r of listResources(reg, group, preferredVersion))
      if (r.categories.includes(category)) out.push(r);
  }
  return out;
}

/**
 * Resolves what a user typed (`kubectl get <x>`) to a resource, the way kubectl's REST mapper
 * and short-name expander do: `deploy`, `deployment`, `deployments`, `Deployment`,
 * `deployments.apps`, `deployments.v1.apps`. Preferred versions win; the core group wins ties
 * (e.g. `events` is core/v1 events, `events.events.k8s.io` the other).
 */
export function resolveResource(reg: ResourceRegistry, typed: string): ResourceInfo | undefined {
  const lower = typed.toLowerCase();
  const candidates: { name: string; group?: string; version?: string }[] = [{ name: lower }];
  const firstDot = lower.indexOf(".");
  if (firstDot > 0) {
    const name = lower.slice(0, firstDot);
    const rest = lower.slice(firstDot + 1);
    candidates.push({ name, group: rest });
    const secondDot = rest.indexOf(".");
    if (secondDot > 0)
      candidates.push({ name, version: rest.slice(0, secondDot), group: rest.slice(secondDot + 1) });
  }
  for (const c of candidates) {
    for (const { group, versions } of listGroups(reg)) {
      if (c.group !== undefined && c.group !== group) continue;
      for (const version of versions) {
        if (c.version !== undefined && c.version !== version) continue;
        // Without an explicit version only the preferred one matches.
        if (c.version === undefined && version !== versions[0]) continue;
        for (const r of listResources(reg, group, version)) {
          if (
            r.resource === c.name ||
            r.singular === c.name ||
            r.kind.toLowerCase() === c.name ||
            r.shortNames.includes(c.name)
          ) {
            return r;
          }
        }
      }
    }
  }
  return undefined;
}
