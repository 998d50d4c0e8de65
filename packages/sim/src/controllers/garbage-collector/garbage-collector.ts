/**
 * The garbage collector (pkg/controller/garbagecollector): deletes objects whose owners are gone,
 * and finishes the deletions the apiserver starts with finalizers:
 *
 * - **Background** (the default): the owner goes at once; its dependents then point at an owner
 *   that no longer exists, and the collector deletes them (`attemptToDeleteItem`).
 * - **Foreground**: the apiserver sets `deletionTimestamp` and the `foregroundDeletion`
 *   finalizer; the collector deletes the dependents (those with `blockOwnerDeletion` block the
 *   owner; dependents that have dependents themselves are deleted in the foreground too), then
 *   removes the finalizer (`processDeletingDependentsItem`).
 * - **Orphan**: the `orphan` finalizer; the collector removes the owner reference from every
 *   dependent, then the finalizer (`attemptToOrphanWorker`).
 *
 * Before deleting a dependent the collector confirms with a live GET of each owner not known
 * from its caches that the owner is really gone or has another uid (`classifyReferences`). The
 * real collector builds its own graph from metadata informers on every resource; this one reads
 * the manager's shared informers of the resources that carry owner references in practice,
 * looking dependents up through an owner-uid index.
 */
import type { KubeObject, OwnerReference } from "../../api/types";
import {
  defineController,
  errorMessage,
  type HandlerContext,
  isSuccess,
  type SyncContext,
} from "../framework/controller";
import { OWNER_UID_INDEX } from "../framework/controller-ref";
import { groupResourceForKind, resourceInfo, resourcePath } from "../framework/resources";

/** `metav1.FinalizerDeleteDependents` and `FinalizerOrphanDependents`. */
export const FOREGROUND_FINALIZER = "foregroundDeletion";
export const ORPHAN_FINALIZER = "orphan";

/**
 * The resources watched for owners and dependents (the real collector watches every deletable
 * resource except events; these are the ones objects are owned through in a cluster).
 */
export const MONITORED_RESOURCES = [
  "pods",
  "replicasets.apps",
  "deployments.apps",
  "statefulsets.apps",
  "daemonsets.apps",
  "controllerrevisions.apps",
  "jobs.batch",
  "cronjobs.batch",
  "endpointslices.discovery.k8s.io",
  "services",
  "endpoints",
  "configmaps",
  "secrets",
  "serviceaccounts",
  "persistentvolumeclaims",
  "leases.coordination.k8s.io",
  "nodes",
  "horizontalpodautoscalers.autoscaling",
  "poddisruptionbudgets.policy",
] as const;

const MONITORED = new Set<string>(MONITORED_RESOURCES);

type Ctx = SyncContext<null>;
type HCtx = HandlerContext<null>;

/** The queue key of an object: `<group-resource>|<namespace>/<name>` (or `|<name>`). */
function itemKey(resource: string, o: KubeObject): string {
  const ns = o.metadata.namespace;
  return `${resource}|${ns ? `${ns}/` : ""}${o.metadata.name}`;
}

function parseItemKey(key: string): { resource: string; namespace: string; name: string } {
  const bar = key.indexOf("|");
  const resource = key.slice(0, bar);
  const rest = key.slice(bar + 1);
  const slash = rest.indexOf("/");
  return slash < 0
    ? { resource, namespace: "", name: rest }
    : { resource, namespace: rest.slice(0, slash), name: rest.slice(slash + 1) };
}

/** Where an owner reference points: its resource and namespace (`resourceDefaultNamespace`). */
function ownerLocation(
  ref: OwnerReference,
  dependent: KubeObject,
): { resource: string; namespace: string } | null {
  const resource = groupResourceForKind(ref.apiVersion, ref.kind);
  if (!resource) return null;
  const namespaced = resourceInfo(resource).namespaced;
  return { resource, namespace: namespaced ? (dependent.metadata.namespace ?? "") : "" };
}

/** The owner as cached, when it is monitored and present with the referenced uid. */
function cachedOwner(c: HCtx, ref: OwnerReference, dependent: KubeObject): KubeObject | undefined {
  const loc = ownerLocation(ref, dependent);
  if (!loc || !MONITORED.has(loc.resource)) return undefined;
  const o = c.get(loc.resource, loc.namespace, ref.name);
  return o?.metadata.uid === ref.uid ? o : undefined;
}

function deletingDependents(o: KubeObject): boolean {
  return !!o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER);
}

function orphaning(o: KubeObject): boolean {
  return !!o.metadata.deletionTimestamp && (o.metadata.finalizers ?? []).includes(ORPHAN_FINALIZER);
}

/** Every dependent of an owner uid, with its resource, across the monitored informers. */
function dependentsOf(c: HCtx, uid: string): { resource: string; obj: KubeObject }[] {
  const out: { resource: string; obj: KubeObject }[] = [];
  for (const resource of MONITORED_RESOURCES)
    for (const obj of c.byIndex(resource, OWNER_UID_INDEX, uid)) out.push({ resource, obj });
  return out;
}

/** The graph builder's reaction to a change of one object. */
function onChange(
  c: HCtx,
  resource: string,
  o: KubeObject,
  old: KubeObject | undefined,
  deleted: boolean,
): void {
  if (deleted) {
    // Dependents of a deleted owner now dangle; an owner waiting for this dependent may finish.
    for (const dep of dependentsOf(c, o.metadata.uid ?? "")) c.enqueue(itemKey(dep.resource, dep.obj));
    for (const ref of o.metadata.ownerReferences ?? []) {
      const owner = cachedOwner(c, ref, o);
      if (owner && deletingDependents(owner)) c.enqueue(itemKey(ownerLocation(ref, o)!.resource, owner));
    }
    return;
  }
  if (deletingDependents(o) || orphaning(o)) c.enqueue(itemKey(resource, o));
  for (const ref of o.metadata.ownerReferences ?? []) {
    const owner = cachedOwner(c, ref, o);
    // An owner we do not know (absent, another uid, not monitored) must be verified; an owner
    // deleting its dependents needs this one gone.
    if (!owner || deletingDependents(owner)) {
      c.enqueue(itemKey(resource, o));
      if (owner) c.enqueue(itemKey(ownerLocation(ref, o)!.resource, owner));
    }
  }
  // Owner references removed from this object may unblock an owner deleting its dependents.
  if (old)
    for (const ref of old.metadata.ownerReferences ?? []) {
      if ((o.metadata.ownerReferences ?? []).some((r) => r.uid === ref.uid)) continue;
      const owner = cachedOwner(c, ref, old);
      if (owner && deletingDependents(owner)) c.enqueue(itemKey(ownerLocation(ref, old)!.resource, owner));
    }
}

const handlers: Record<string, (c: HCtx, d: { type: string; object: KubeObject; old?: KubeObject }) => void> =
  {};
for (const resource of MONITORED_RESOURCES)
  handlers[resource] = (c, d) => onChange(c, resource, d.object, d.old, d.type === "DELETED");

/** A label on the collector's calls. */
interface Label {
  kind: "getOwner" | "delete" | "patchDependent" | "removeFinalizer";
  ref?: OwnerReference;
}

/** The garbage collector. */
export const garbageCollector = defineController<null>({
  name: "garbage-collector-controller",
  aliases: ["garbagecollector"],
  component: "garbage-collector-controller",
  serviceAccount: "generic-garbage-collector",
  // --concurrent-gc-syncs (pkg/controller/garbagecollector/config/v1alpha1/defaults.go).
  workers: 20,
  informers: MONITORED_RESOURCES.map((resource) => ({ resource, indexers: [OWNER_UID_INDEX] })),
  init: () => null,
  handlers,
  sync(c, key) {
    const { resource, namespace, name } = parseItemKey(key);
    const obj = c.get(resource, namespace, name);
    if (!obj) return;
    if (deletingDependents(obj)) {
      processDeletingDependents(c, resource, obj);
      return;
    }
    if (orphaning(obj)) {
      orphanDependents(c, obj);
      return;
    }
    // An object being deleted otherwise is left to its own finalizers.
    if (obj.metadata.deletionTimestamp) return;
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    // classifyReferences: confirm with the apiserver every owner the caches cannot vouch for.
    let asked = false;
    for (const ref of refs) {
      const owner = cachedOwner(c, ref, obj);
      if (owner && !deletingDependents(owner)) continue;
      const loc = ownerLocation(ref, obj);
      if (!loc) continue; // an unknown kind: cannot judge, treat as present
      c.request(
        { method: "GET", path: resourcePath(loc.resource, loc.namespace, ref.name) },
        {
          label: { kind: "getOwner", ref } satisfies Label,
        },
      );
      asked = true;
    }
    if (asked) c.continueWith("classified", { resource });
  },
  steps: {
    classified(c, results, data) {
      const { resource } = data as { resource: string };
      const { namespace, name } = parseItemKey(c.key);
      const latest = c.get(resource, namespace, name);
      if (!latest || latest.metadata.deletionTimestamp) return;
      const dangling: OwnerReference[] = [];
      const waiting: OwnerReference[] = [];
      const asked = new Set<string>();
      for (const r of results) {
        const ref = (r.label as Label).ref!;
        asked.add(ref.uid);
        if (r.code === 404) dangling.push(ref);
        else if (!isSuccess(r)) {
          c.fail(`getting owner ${ref.kind}/${ref.name}: ${errorMessage(r)}`);
          return;
        } else {
          const owner = r.body as KubeObject;
          if (owner.metadata.uid !== ref.uid) dangling.push(ref);
          else if (deletingDependents(owner)) waiting.push(ref);
        }
      }
      const refs = latest.metadata.ownerReferences ?? [];
      const solid = refs.filter(
        (ref) => !dangling.some((x) => x.uid === ref.uid) && !waiting.some((x) => x.uid === ref.uid),
      );
      if (solid.length > 0) {
        if (dangling.length === 0 && waiting.length === 0) return;
        // Drop the references to gone owners and to owners waiting for their dependents.
        const uids = [...dangling, ...waiting].map((r) => r.uid);
        c.patch(
          resource,
          namespace,
          name,
          {
            metadata: {
              ownerReferences: uids.map((uid) => ({ $patch: "delete", uid })),
              uid: latest.metadata.uid,
            },
          },
          "strategic",
          { label: { kind: "patchDependent" } satisfies Label },
        );
        return;
      }
      const hasDependents = dependentsOf(c, latest.metadata.uid ?? "").length > 0;
      let policy: "Foreground" | "Background" | "Orphan";
      if (waiting.length > 0 && hasDependents) policy = "Foreground";
      else {
        const finalizers = latest.metadata.finalizers ?? [];
        policy = finalizers.includes(ORPHAN_FINALIZER)
          ? "Orphan"
          : finalizers.includes(FOREGROUND_FINALIZER)
            ? "Foreground"
            : "Background";
      }
      deleteObject(c, resource, latest, policy);
    },
    orphaned(c, results, data) {
      const { resource, namespace, name } = data as { resource: string; namespace: string; name: string };
      const failed = results.find((r) => !isSuccess(r) && r.code !== 404);
      if (failed) {
        c.fail(`orphaning dependents: ${errorMessage(failed)}`);
        return;
      }
      const owner = c.get(resource, namespace, name);
      if (owner) removeFinalizer(c, resource, owner, ORPHAN_FINALIZER);
    },
  },
});

function deleteObject(c: Ctx, resource: string, obj: KubeObject, policy: string): void {
  c.delete(
    resource,
    obj.metadata.namespace ?? "",
    obj.metadata.name ?? "",
    {
      preconditions: { uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
      propagationPolicy: policy,
    },
    { label: { kind: "delete" } satisfies Label },
  );
}

/** `processDeletingDependentsItem`: delete the blocking dependents, then drop `foregroundDeletion`. */
function processDeletingDependents(c: Ctx, resource: string, owner: KubeObject): void {
  const uid = owner.metadata.uid ?? "";
  const blocking = dependentsOf(c, uid).filter((d) =>
    (d.obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion === true),
  );
  if (blocking.length === 0) {
    removeFinalizer(c, resource, owner, FOREGROUND_FINALIZER);
    return;
  }
  for (const d of blocking) if (!deletingDependents(d.obj)) c.enqueue(itemKey(d.resource, d.obj));
}

/** `orphanDependents`: remove the owner reference from every dependent, then the `orphan` finalizer. */
function orphanDependents(c: Ctx, owner: KubeObject): void {
  const uid = owner.metadata.uid ?? "";
  const ownerResource = groupResourceForKind(owner.apiVersion, owner.kind) ?? "";
  for (const d of dependentsOf(c, uid))
    c.patch(
      d.resource,
      d.obj.metadata.namespace ?? "",
      d.obj.metadata.name ?? "",
      { metadata: { ownerReferences: [{ $patch: "delete", uid }], uid: d.obj.metadata.uid } },
      "strategic",
      { label: { kind: "patchDependent" } satisfies Label },
    );
  c.continueWith("orphaned", {
    resource: ownerResource,
    namespace: owner.metadata.namespace ?? "",
    name: owner.metadata.name ?? "",
  });
}

/** `removeFinalizer`: a merge patch of the finalizer list, guarded by the resourceVersion. */
function removeFinalizer(c: Ctx, resource: string, obj: KubeObject, finalizer: string): void {
  const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  c.patch(
    resource,
    obj.metadata.namespace ?? "",
    obj.metadata.name ?? "",
    {
      metadata: {
        finalizers: finalizers.length > 0 ? finalizers : null,
        resourceVersion: obj.metadata.resourceVersion,
      },
    },
    "merge",
    { label: { kind: "removeFinalizer" } satisfies Label },
  );
}
