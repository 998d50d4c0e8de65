/**
 * Owner references and the informer indexes controllers look objects up by
 * (apimachinery `metav1.GetControllerOf`, `NewControllerRef`; client-go indexers). Index
 * functions are code registered at module load; an informer lists the ones it maintains by name.
 */
import type { KubeObject, OwnerReference } from "../../api/types";
import { registerIndexFunction } from "../../apiserver/client/informer";

/** `metav1.GetControllerOf`: the owner reference with `controller: true`, if any. */
export function getControllerOf(obj: KubeObject): OwnerReference | undefined {
  for (const r of obj.metadata.ownerReferences ?? []) if (r.controller === true) return r;
  return undefined;
}

/** `metav1.NewControllerRef`: the reference a controller puts on what it creates. */
export function newControllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? "",
    uid: owner.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The cache key (`namespace/name` or `name`) of an object. */
export function keyOf(obj: KubeObject): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name}` : (obj.metadata.name ?? "");
}

/** Split a cache key into namespace ("" when cluster-scoped) and name (cache.SplitMetaNamespaceKey). */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf("/");
  return i < 0 ? { namespace: "", name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** Index: the uids of every owner (the garbage collector's dependents look-up). */
export const OWNER_UID_INDEX = "ownerUid";
/**
 * Index: objects with no controller, by namespace: the orphans a controller may adopt. Lets a
 * ReplicaSet find adoptable pods without scanning every pod of the namespace.
 */
export const ORPHAN_INDEX = "orphanByNamespace";
/** Index (`namespace`, built into the informer, kept on every shared informer): objects by namespace. */
export const NAMESPACE_INDEX = "namespace";
/** Index (`controllerUid`, built into the informer): objects by their controller's uid. */
export const CONTROLLER_UID_INDEX = "controllerUid";

registerIndexFunction(OWNER_UID_INDEX, (o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid));
registerIndexFunction(ORPHAN_INDEX, (o) => (getControllerOf(o) ? [] : [o.metadata.namespace ?? ""]));
