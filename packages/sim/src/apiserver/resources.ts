/**
 * The resources this apiserver serves: the built-in ones of v1.32 (from `api/resources`) plus
 * those added by CustomResourceDefinitions, with their etcd prefixes.
 */
import { BUILTIN_RESOURCES, type ResourceInfo } from "../api/resources";
import type { ApiServerState } from "./state";
import { storagePrefix } from "./storage-keys";

/** A served resource with its storage prefix. */
export interface ServedResource {
  info: ResourceInfo;
  prefix: string;
  key: string;
}

/** Key of a resource in the index: `group/version/resource`. */
export function servedKey(group: string, version: string, resource: string): string {
  return `${group}/${version}/${resource}`;
}

// Derived once from code (the built-in table never changes at run time).
const BUILTIN: Record<string, ServedResource> = {};
const BUILTIN_PREFIXES = new Set<string>();
// Internal storage the apiserver itself keeps (master leases of the endpoint reconciler).
BUILTIN_PREFIXES.add("/registry/masterleases");
for (const info of BUILTIN_RESOURCES) {
  const key = servedKey(info.group, info.version, info.resource);
  const prefix = storagePrefix(info);
  BUILTIN[key] = { info, prefix, key };
  BUILTIN_PREFIXES.add(prefix);
}

/** The served resource at group/version/resource, or undefined. */
export function lookupResource(s: ApiServerState, key: string): ServedResource | undefined {
  const b = BUILTIN[key];
  if (b) return b;
  for (const info of s.customResources) {
    if (servedKey(info.group, info.version, info.resource) === key) {
      return { info, prefix: storagePrefix(info), key };
    }
  }
  return undefined;
}

/** The storage prefix an etcd key belongs to, or undefined for keys no resource owns. */
export function prefixOfKey(s: ApiServerState, key: string): string | undefined {
  // Prefixes have two or three path segments after /registry.
  let slash = key.indexOf("/", 10);
  if (slash < 0) return undefined;
  const two = key.slice(0, slash);
  slash = key.indexOf("/", slash + 1);
  if (slash >= 0) {
    const three = key.slice(0, slash);
    if (BUILTIN_PREFIXES.has(three)) return three;
    for (const info of s.customResources) if (storagePrefix(info) === three) return three;
  }
  if (BUILTIN_PREFIXES.has(two)) return two;
  return undefined;
}
