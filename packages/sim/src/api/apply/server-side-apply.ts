/**
 * Field ownership: server-side apply (`application/apply-patch+yaml`) and the managedFields
 * bookkeeping of every other write, as structured-merge-diff's `merge.Updater` and the
 * apiserver's field manager (apimachinery `pkg/util/managedfields/internal`, v1.32) do it.
 *
 * - `applyObject`: merges an applied configuration into the live object; fields owned by
 *   other managers whose values would change are conflicts (409, "Apply failed with 1
 *   conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas"),
 *   unless `force` takes them over; fields this manager applied before and no longer applies
 *   are removed unless someone else owns them.
 * - `updateManagedFields`: after a create/update/patch, the writer owns what it added or
 *   changed and takes those fields from other managers.
 * apiVersion, kind and the server-set metadata (name, namespace, uid, resourceVersion,
 * generation, creationTimestamp, managedFields...) are never owned.
 */
import type { ManagedFieldsEntry } from "kubernetes-types/meta/v1";
import { rootStructType } from "../schema/type-model";
import { newApplyConflict } from "../status";
import type { JsonValue, KubeObject, Status, StatusCause } from "../types";
import {
  emptyFieldSet,
  type FieldPathElements,
  type FieldSetNode,
  hasPath,
  insertPath,
  intersectSets,
  isEmptySet,
  nodeAt,
  pathString,
  setPaths,
  subtractRecursive,
  subtractSets,
  unionSets,
} from "./field-set";
import {
  decodeManagedFields,
  describeManager,
  encodeManagedFields,
  type ManagerEntry,
  managerIdentifier,
} from "./managed-fields";
import { compareValues, jsonEqual, mergeValues, type Relation, removePath, toFieldSet } from "./typed";

/** A string field of unstructured input, "" when it is anything else. */
const str = (v: unknown): string => (typeof v === "string" ? v : "");

type Obj = Record<string, JsonValue>;

/** Paths no manager owns (`stripMetaManager`). */
const STRIPPED: FieldPathElements[] = [
  [{ field: "apiVersion" }],
  [{ field: "kind" }],
  [{ field: "metadata" }],
  ...[
    "name",
    "namespace",
    "creationTimestamp",
    "selfLink",
    "uid",
    "clusterName",
    "generation",
    "managedFields",
    "resourceVersion",
  ].map((f): FieldPathElements => [{ field: "metadata" }, { field: f }]),
];

const STRIP_SET: FieldSetNode = (() => {
  const strip = emptyFieldSet();
  for (const p of STRIPPED) insertPath(strip, p);
  return strip;
})();

function stripMeta(set: FieldSetNode): FieldSetNode {
  // Exact members are removed; children of metadata (labels...) stay.
  return subtractSets(set, STRIP_SET);
}

/** The relation of the object's root: its Go struct, or deduced for custom resources. */
export function rootRelation(obj: { apiVersion?: unknown; kind?: unknown }): Relation {
  const apiVersion = str(obj.apiVersion);
  const slash = apiVersion.indexOf("/");
  const st = rootStructType(
    slash < 0 ? "" : apiVersion.slice(0, slash),
    slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
    str(obj.kind),
  );
  return st ? { kind: "struct", type: st.name } : { kind: "deduced" };
}

/**
 * The JSON of a freshly constructed Go object of this kind (what the field manager compares
 * a created object against): non-pointer structs serialise as `{}`, some non-omitempty
 * fields as null or zero. Custom resources start from nothing.
 */
const zeroCache = new Map<string, Obj>();

/** `zeroObject`, memoised and shared: callers must not modify it. */
function sharedZeroObject(apiVersion: string, kind: string): Obj {
  const key = `${apiVersion}/${kind}`;
  let z = zeroCache.get(key);
  if (!z) {
    z = zeroObject(apiVersion, kind);
    zeroCache.set(key, z);
  }
  return z;
}

export function zeroObject(apiVersion: string, kind: string): Obj {
  const podTemplate = { metadata: { creationTimestamp: null }, spec: { containers: null } };
  const byKind: Record<string, Obj> = {
    "v1/Pod": { spec: { containers: null }, status: {} },
    "v1/Service": { spec: {}, status: { loadBalancer: {} } },
    "v1/Namespace": { spec: {}, status: {} },
    "v1/Node": { spec: {}, status: { daemonEndpoints: { kubeletEndpoint: { Port: 0 } }, nodeInfo: {} } },
    "v1/PersistentVolumeClaim": { spec: { resources: {} }, status: {} },
    "v1/ReplicationController": { spec: {}, status: { replicas: 0 } },
    "apps/v1/Deployment": { spec: { selector: null, template: podTemplate, strategy: {} }, status: {} },
    "apps/v1/ReplicaSet": { spec: { selector: null, template: podTemplate }, status: { replicas: 0 } },
    "apps/v1/DaemonSet": {
      spec: { selector: null, template: podTemplate, updateStrategy: {} },
      status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 },
    },
    "apps/v1/StatefulSet": {
      spec: { selector: null, template: podTemplate, updateStrategy: {} },
      status: { replicas: 0, availableReplicas: 0 },
    },
    "batch/v1/Job": { spec: { template: podTemplate }, status: {} },
    "batch/v1/CronJob": {
      spec: {
        schedule: "",
        jobTemplate: { metadata: { creationTimestamp: null }, spec: { template: podTemplate } },
      },
      status: {},
    },
    "autoscaling/v2/HorizontalPodAutoscaler": {
      spec: { scaleTargetRef: { kind: "", name: "" }, maxReplicas: 0 },
      status: { desiredReplicas: 0 },
    },
    "coordination.k8s.io/v1/Lease": { spec: {} },
    "discovery.k8s.io/v1/EndpointSlice": { addressType: "", endpoints: null },
    "v1/Event": {
      involvedObject: {},
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      eventTime: null,
      reportingComponent: "",
      reportingInstance: "",
    },
  };
  const st = rootRelation({ apiVersion, kind });
  if (st.kind !== "struct") return {};
  return { metadata: { creationTimestamp: null }, ...structuredClone(byKind[`${apiVersion}/${kind}`] ?? {}) };
}

/** Options of a write. */
export interface OwnershipOptions {
  /** The field manager (`fieldManager` or the User-Agent prefix). */
  manager: string;
  /** RFC 3339 time of the write (seconds precision, as the apiserver stores it). */
  time: string;
  /** "status", "scale"... for subresource writes. */
  subresource?: string;
  /** Fields the strategy resets for this endpoint and that nobody may own here (e.g. `status` on the main resource). */
  resetFields?: FieldPathElements[];
}

/** What `applyObject` returns: the new object (with managedFields) or a 409 Conflict Status. */
export interface ApplyResult {
  object?: KubeObject;
  status?: Status;
}

function resetSet(paths: FieldPathElements[] | undefined): FieldSetNode {
  const s = emptyFieldSet();
  for (const p of paths ?? []) insertPath(s, p);
  return s;
}

function withoutManagedFields(obj: Obj): Obj {
  const meta = obj.metadata;
  if (typeof meta !== "object" || meta === null || Array.isArray(meta) || !("managedFields" in meta))
    return obj;
  const { managedFields: _m, ...rest } = meta;
  return { ...obj, metadata: rest };
}

function compareForOwnership(oldObj: Obj, newObj: Obj, rel: Relation) {
  return compareValues(withoutManagedFields(oldObj), withoutManagedFields(newObj), rel);
}

/**
 * `IgnoreManagedFieldsTimestampsTransformer`: when a write changes neither the object nor who
 * owns what, the previous managedFields (with their times) are kept, so a no-op write stays a no-op.
 */
function keepTimestampsIfNoop(
  live: KubeObject | undefined,
  next: Obj,
  entries: ManagedFieldsEntry[],
): ManagedFieldsEntry[] {
  const old = live?.metadata?.managedFields;
  if (!live || !old || old.length !== entries.length) return entries;
  const strip = (es: ManagedFieldsEntry[]) => es.map(({ time: _t, ...rest }) => rest);
  if (!jsonEqual(strip(old) as JsonValue, strip(entries) as JsonValue)) return entries;
  if (!jsonEqual(withoutManagedFields(live as unknown as Obj), withoutManagedFields(next))) return entries;
  return old;
}

function setManagedFields(obj: Obj, entries: ManagedFieldsEntry[]): KubeObject {
  const current = obj.metadata;
  const meta: Obj =
    typeof current === "object" && current !== null && !Array.isArray(current) ? { ...current } : {};
  if (entries.length > 0) meta.managedFields = entries as unknown as JsonValue;
  else delete meta.managedFields;
  return { ...obj, metadata: meta } as unknown as KubeObject;
}

/** Builds the conflict Status (`NewConflictError`): causes per path, managers sorted in the message. */
export function applyConflictStatus(conflicts: { manager: ManagerEntry; path: FieldPathElements }[]): Status {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: "FieldManagerConflict",
    message: `conflict with ${describeManager(c.manager)}`,
    field: pathString(c.path),
  }));
  if (conflicts.length === 1) {
    const c = conflicts[0]!;
    return newApplyConflict(
      causes,
      `Apply failed with 1 conflict: conflict with ${describeManager(c.manager)}: ${pathString(c.path)}`,
    );
  }
  const byManager = new Map<string, { entry: ManagerEntry; paths: FieldPathElements[] }>();
  for (const c of conflicts) {
    const id = managerIdentifier(c.manager);
    const g = byManager.get(id) ?? { entry: c.manager, paths: [] };
    g.paths.push(c.path);
    byManager.set(id, g);
  }
  const lines: string[] = [];
  for (const id of [...byManager.keys()].sort()) {
    const g = byManager.get(id)!;
    lines.push(`conflicts with ${describeManager(g.entry)}:`);
    for (const p of g.paths) lines.push(`- ${pathString(p)}`);
  }
  return newApplyConflict(causes, `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`);
}

/**
 * Takes ownership away from other managers for what changed (`Updater.update`); returns the
 * conflicts instead when `force` is false and another manager owns a changed field.
 */
function transferOwnership(
  managers: Map<string, ManagerEntry>,
  selfId: string,
  changed: FieldSetNode,
  removed: FieldSetNode,
  force: boolean,
): { manager: ManagerEntry; path: FieldPathElements }[] {
  const conflicts: { manager: ManagerEntry; path: FieldPathElements }[] = [];
  for (const [id, m] of managers) {
    if (id === selfId) continue;
    const c = intersectSets(m.set, changed);
    if (!isEmptySet(c)) for (const p of setPaths(c)) conflicts.push({ manager: m, path: p });
  }
  if (!force && conflicts.length > 0) return conflicts;
  for (const [id, m] of managers) {
    if (id === selfId) continue;
    const next = subtractSets(subtractSets(m.set, changed), removed);
    if (isEmptySet(next)) managers.delete(id);
    else managers.set(id, { ...m, set: next });
  }
  return [];
}

/**
 * Server-side apply of `config` (the applied configuration, already decoded) onto `live`
 * (undefined when the object does not exist yet: apply creates it). The result still has to
 * go through defaulting, validation and admission like any write.
 */
export function applyObject(
  live: KubeObject | undefined,
  config: KubeObject,
  options: OwnershipOptions & { force?: boolean },
): ApplyResult {
  const rel = rootRelation(config);
  const liveObj = (live ? withoutManagedFields(live as unknown as Obj) : {}) as Obj;
  const managers = decodeManagedFields(live?.metadata?.managedFields);
  const self: ManagerEntry = {
    manager: options.manager,
    operation: "Apply",
    apiVersion: str(config.apiVersion),
    set: emptyFieldSet(),
    time: options.time,
  };
  if (options.subresource) self.subresource = options.subresource;
  const selfId = managerIdentifier(self);
  const lastSet = managers.get(selfId)?.set ?? emptyFieldSet();
  const reset = resetSet(options.resetFields);

  const configObj = withoutManagedFields(config as unknown as Obj);
  let merged = mergeValues(liveObj, configObj, rel) as Obj;
  const appliedSet = subtractRecursive(stripMeta(toFieldSet(configObj, rel)), reset);
  managers.set(selfId, { ...self, set: appliedSet });

  // Prune: what this manager applied before, applies no longer, and nobody else owns.
  let owned = emptyFieldSet();
  for (const m of managers.values()) owned = unionSets(owned, m.set);
  const toRemove = subtractSets(lastSet, owned);
  const paths = setPaths(toRemove).sort((a, b) => b.length - a.length);
  merged = structuredClone(merged);
  for (const p of paths) {
    const n = nodeAt(owned, p);
    if (n && !isEmptySet(n)) continue; // still has owned descendants
    removePath(merged, p, rel);
  }

  const cmp = compareForOwnership(liveObj, merged, rel);
  const changed = subtractRecursive(stripMeta(unionSets(cmp.modified, cmp.added)), reset);
  const conflicts = transferOwnership(
    managers,
    selfId,
    changed,
    stripMeta(cmp.removed),
    options.force === true,
  );
  if (conflicts.length > 0) return { status: applyConflictStatus(conflicts) };
  return {
    object: setManagedFields(
      merged,
      keepTimestampsIfNoop(live, merged, encodeManagedFields(managers.values())),
    ),
  };
}

/**
 * The managedFields of an object written by a create, update or (non-apply) patch: the
 * writer owns what it added or changed (`live` undefined on create: compared against the
 * kind's zero object), and other managers lose those fields. Returns the object with its
 * new managedFields; entries sent by the client are ignored, as the apiserver does unless
 * they are being reset.
 */
export function updateManagedFields(
  live: KubeObject | undefined,
  next: KubeObject,
  options: OwnershipOptions,
): KubeObject {
  const rel = rootRelation(next);
  const base = live
    ? (withoutManagedFields(live as unknown as Obj) as Obj)
    : sharedZeroObject(str(next.apiVersion), str(next.kind));
  const managers = decodeManagedFields(live?.metadata?.managedFields);
  const self: ManagerEntry = {
    manager: options.manager,
    operation: "Update",
    apiVersion: str(next.apiVersion),
    set: emptyFieldSet(),
  };
  if (options.subresource) self.subresource = options.subresource;
  const selfId = managerIdentifier(self);
  const cmp = compareForOwnership(base, next as unknown as Obj, rel);
  const reset = resetSet(options.resetFields);
  const changed = subtractRecursive(stripMeta(unionSets(cmp.modified, cmp.added)), reset);
  const removed = stripMeta(cmp.removed);
  transferOwnership(managers, selfId, changed, removed, true);
  const previous = managers.get(selfId);
  const set = unionSets(subtractSets(previous?.set ?? emptyFieldSet(), removed), changed);
  if (!isEmptySet(set)) {
    // managedFieldsUpdater stamps the writing manager with the time of the write.
    managers.set(selfId, { ...self, set, time: options.time });
  } else {
    managers.delete(selfId);
  }
  const entries = keepTimestampsIfNoop(live, next as unknown as Obj, encodeManagedFields(managers.values()));
  return setManagedFields(next as unknown as Obj, entries);
}

/** True when `manager` owns the field at `path` (e.g. `[{field:"spec"},{field:"replicas"}]`). */
export function ownsField(obj: KubeObject, manager: string, path: FieldPathElements): boolean {
  for (const m of decodeManagedFields(obj.metadata?.managedFields).values()) {
    if (m.manager === manager && hasPath(m.set, path)) return true;
  }
  return false;
}
