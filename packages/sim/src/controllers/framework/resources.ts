/**
 * Resources as controllers name them: a group-resource string the way Kubernetes prints one
 * (`pods`, `replicasets.apps`, `jobs.batch`, `leases.coordination.k8s.io`), resolved to the
 * preferred version a v1.32 apiserver serves, and the REST paths to reach it.
 */

import type { ResourceInfo } from "../../api/resources";
import { BUILTIN_RESOURCES } from "../../api/resources";
import type { KubeObject } from "../../api/types";

const BY_NAME: Record<string, ResourceInfo> = {};
const BY_KIND: Record<string, ResourceInfo> = {};
for (const r of BUILTIN_RESOURCES) {
  if (!r.preferred) continue;
  const name = r.group ? `${r.resource}.${r.group}` : r.resource;
  BY_NAME[name] = r;
  BY_KIND[`${r.group ? `${r.group}/` : ""}${r.kind}`] = r;
}

/** The served resource for a group-resource name; throws for an unknown name (a programming error). */
export function resourceInfo(groupResource: string): ResourceInfo {
  const r = BY_NAME[groupResource];
  if (!r) throw new Error(`unknown resource ${groupResource}`);
  return r;
}

/** The group-resource name of an `apiVersion` + `kind` (an owner reference's), if built in. */
export function groupResourceForKind(apiVersion: string, kind: string): string | undefined {
  const slash = apiVersion.indexOf("/");
  const group = slash >= 0 ? apiVersion.slice(0, slash) : "";
  const r = BY_KIND[`${group ? `${group}/` : ""}${kind}`];
  if (!r) return undefined;
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

/** `apiVersion` of a resource (`v1`, `apps/v1`). */
export function apiVersionOf(groupResource: string): string {
  const r = resourceInfo(groupResource);
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/**
 * The REST path of a collection (`name` undefined) or an object, optionally a subresource.
 * A namespaced resource with namespace undefined gives the all-namespaces collection.
 */
export function resourcePath(
  groupResource: string,
  namespace?: string,
  name?: string,
  subresource?: string,
): string {
  const r = resourceInfo(groupResource);
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && namespace !== undefined && namespace !== "") p += `/namespaces/${namespace}`;
  p += `/${r.resource}`;
  if (name !== undefined) p += `/${name}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

/** The path of an object as cached (its namespace and name). */
export function objectPath(groupResource: string, obj: KubeObject, subresource?: string): string {
  return resourcePath(groupResource, obj.metadata.namespace ?? "", obj.metadata.name ?? "", subresource);
}
