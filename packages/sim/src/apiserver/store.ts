/**
 * The generic registry store (apiserver `pkg/registry/generic/registry/store.go`) over etcd:
 * create, get, list, update (with the status and scale subresources), delete (graceful
 * deletion, finalizers, propagation policy), each as steps that continue when etcd answers.
 */
import { invalid, required } from "../api/field-errors";
import {
  checkFieldSelector,
  FieldSelectorError,
  LabelSelectorError,
  parseFieldSelector,
  parseLabelSelector,
} from "../api/selectors";
import {
  newAlreadyExists,
  newBadRequest,
  newConflict,
  newContinueExpired,
  newGenerateNameConflict,
  newInvalid,
  newListExpired,
  newNotFound,
  newStorageError,
  newSuccessStatus,
  newUnprocessableEntity,
  newUnsupportedMediaType,
} from "../api/status";
import type { KubeObject, ObjectMeta, Status } from "../api/types";

/** ObjectMeta without kubernetes-types' readonly markers: the registry writes these fields. */
type Meta = { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] };

function metaOf(o: KubeObject): Meta {
  return o.metadata as Meta;
}

import type { CustomResourceDefinition } from "kubernetes-types/apiextensions/v1";
import { applyObject, type FieldPathElements, updateManagedFields } from "../api/apply";
import {
  crdVersionSchema,
  decodeCustomResource,
  type JSONSchemaProps,
  validateCustomResource,
  validateCustomResourceUpdate,
} from "../api/crd";
import { defaultServiceIPFamilies } from "../api/defaults";
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  applyStrategicMergePatchToObject,
  checkJsonPatchBody,
  JsonPatchError,
  parseJsonPatch,
  StrategicMergePatchError,
  strategicMergePatchErrorStatus,
} from "../api/patch";
import { decodeObject } from "../api/schema/decode";
import { validateAgainstSchema } from "../api/schema/schema-validation";
import { validateObjectMetaUpdate } from "../api/validation/object-meta";
import { invalidStatus } from "../api/validation/validate-object";
import { decodeForWrite, resetFieldsFor, validateCreate, validateUpdate } from "../api/write-pipeline";
import { deepClone, deepEqual } from "../core/clone";
import type { Context } from "../core/component";
import { formatTimestamp } from "../core/time";
import { EtcdErrors } from "../etcd/errors";
import type { EtcdResponse } from "../etcd/messages";
import { prefixEnd, type RangeResult, type TxnResult } from "../etcd/mvcc";
import { admit } from "./admission";
import { decode, decodeContinue, encode, encodeContinue, withResourceVersion } from "./codec";
import { etcdCall } from "./etcd-client";
import { evictPod, onEvictionBudgetWritten } from "./eviction";
import { GENERATION_RESOURCES, generateName, newUid } from "./object-meta";
import { admitQuota } from "./resource-quota";
import { lookupResource, type ServedResource } from "./resources";
import { allocateServiceAddresses, keepAllocatedValues } from "./service-alloc";
import type { ApiServerState, Inflight } from "./state";
import { storageKey } from "./storage-keys";
import { passes, type WatchFilter, withKind } from "./watch";
import { listCached } from "./watch-cache";
import {
  fieldManagerOf,
  goJsonSyntaxError,
  type ParsedBody,
  parseApplyBody,
  parseJsonBody,
  type WriteRequestOptions,
  writeOptions,
} from "./write-request";
import { materializeZeroTimes } from "./zero-times";

/** How the apiserver answers a request: implemented by the behaviour module. */
export type Reply = (ctx: Context, s: ApiServerState, key: string, code: number, body: unknown) => void;

let reply: Reply = () => {};

/** Install the reply function (set by the apiserver behaviour). */
export function setReply(fn: Reply): void {
  reply = fn;
}

/** Answer an in-flight request (for the subresource handlers beside the store). */
export function respond(ctx: Context, s: ApiServerState, key: string, code: number, body: unknown): void {
  reply(ctx, s, key, code, body);
}

function served(s: ApiServerState, f: Inflight): ServedResource {
  return lookupResource(s, f.resourceKey)!;
}

function gr(r: ServedResource) {
  return { group: r.info.group, resource: r.info.resource };
}

function gk(r: ServedResource) {
  return { group: r.info.group, kind: r.info.kind };
}

function objectKey(r: ServedResource, namespace: string, name: string): string {
  return storageKey(r.prefix, r.info.namespaced ? namespace : "", name);
}

function cached(s: ApiServerState, r: ServedResource, key: string): KubeObject | undefined {
  return s.ready ? s.cache.resources[r.prefix]?.items[key] : undefined;
}

function apiVersionOf(r: ServedResource): string {
  return r.info.group ? `${r.info.group}/${r.info.version}` : r.info.version;
}

/** A storage error (etcd's text) as the apiserver returns it: 500 with an empty reason. */
function storageError(err: string): Status {
  return newStorageError(err);
}

// ---- get --------------------------------------------------------------------------------------

/** GET one object. resourceVersion "" reads etcd (quorum read); any other value reads the cache. */
export function handleGet(ctx: Context, s: ApiServerState, key: string, f: Inflight): void {
  const r = served(s, f);
  const k = objectKey(r, f.info.namespace, f.info.name);
  const rv = f.req.query?.resourceVersion ?? "";
  if (rv !== "" && s.ready) {
    const obj = s.cache.resources[r.prefix]?.items[k];
    if (!obj) reply(ctx, s, key, 404, newNotFound(gr(r), f.info.name));
    else replyObject(ctx, s, key, 200, r, f, obj);
    return;
  }
  etcdCall(ctx, s, "get", { verb: "Range", range: { key: k }, object: `${r.info.kind}/${f.info.name}` }, key);
}

function replyObject(
  ctx: Context,
  s: ApiServerState,
  key: string,
  code: number,
  r: ServedResource,
  f: Inflight,
  obj: KubeObject,
): void {
  if (f.info.subresource === "scale") {
    reply(ctx, s, key, code, toScale(obj));
    return;
  }
  reply(ctx, s, key, code, withKind(obj, r.info));
}

/** The autoscaling/v1 Scale of a scalable object (apps registry scale subresources). */
function toScale(obj: KubeObject): unknown {
  const sel = obj.spec?.selector;
  let selector = "";
  if (sel?.matchLabels) {
    selector = Object.keys(sel.matchLabels)
      .sort()
      .map((k) => `${k}=${sel.matchLabels[k]}`)
      .join(",");
  }
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector },
  };
}

// ---- list -------------------------------------------------------------------------------------

/** Parse `labelSelector`/`fieldSelector`; returns a filter or a 400 Status. */
export function parseFilter(
  r: ServedResource,
  namespace: string,
  query: Record<string, string> | undefined,
): WatchFilter | Status {
  try {
    const labels = query?.labelSelector ? parseLabelSelector(query.labelSelector) : [];
    const fields = query?.fieldSelector
      ? checkFieldSelector(parseFieldSelector(query.fieldSelector), r.info.group, r.info.kind)
      : [];
    return { namespace: r.info.namespaced ? namespace : "", labels, fields };
  } catch (err) {
    if (err instanceof LabelSelectorError || err instanceof FieldSelectorError)
      return newBadRequest(err.message);
    throw err;
  }
}

function isStatusBody(x: unknown): x is Status {
  return typeof x === "object" && x !== null && (x as { kind?: string }).kind === "Status";
}

/**
 * LIST. As in v1.32: `resourceVersion=0` is served from the cache (ignoring limit); a consistent
 * list (no resourceVersion) is served from the cache once it has caught up with etcd's current
 * revision (ConsistentListFromCache); `continue`, or `limit` with an exact resourceVersion, or a
 * cache that is not ready, go to etcd.
 */
export function handleList(ctx: Context, s: ApiServerState, key: string, f: Inflight): void {
  const r = served(s, f);
  const filter = parseFilter(r, f.info.namespace, f.req.query);
  if (isStatusBody(filter)) {
    reply(ctx, s, key, 400, filter);
    return;
  }
  const q = f.req.query ?? {};
  const rv = q.resourceVersion ?? "";
  const limit = Number(q.limit ?? "0") || 0;
  if (q.continue || (limit > 0 && rv !== "" && rv !== "0") || !s.ready) {
    listFromEtcd(ctx, s, key, f, limit);
    return;
  }
  if (rv !== "") {
    const want = Number(rv) || 0;
    if (want <= s.cache.rev) serveListFromCache(ctx, s, key, f);
    else s.waitingForRev.push({ inflight: key, rev: want });
    return;
  }
  // A consistent read: learn etcd's current revision (a quorum read), then serve the cache at it.
  etcdCall(
    ctx,
    s,
    "list-current-rev",
    {
      verb: "Range",
      range: { key: `${r.prefix}/`, rangeEnd: prefixEnd(`${r.prefix}/`), limit: 1, countOnly: true },
    },
    key,
  );
}

/**
 * Serve a list from the watch cache. `resourceVersion=0` ignores `limit`; a consistent list
 * (no resourceVersion) serves its first page from the cache with a continue token at the cache's
 * revision, so later pages come from etcd (KEP-2340, beta in 1.31).
 */
export function serveListFromCache(ctx: Context, s: ApiServerState, key: string, f: Inflight): void {
  const r = served(s, f);
  const filter = parseFilter(r, f.info.namespace, f.req.query) as WatchFilter;
  const q = f.req.query ?? {};
  const limit = (q.resourceVersion ?? "") === "" ? Number(q.limit ?? "0") || 0 : 0;
  const items: KubeObject[] = [];
  const metadata: Record<string, unknown> = { resourceVersion: String(s.cache.rev) };
  const all = listCached(s.cache, r.prefix, filter.namespace);
  for (const obj of all) {
    if (!passes(filter, obj)) continue;
    if (limit > 0 && items.length === limit) {
      // One more match exists: this page ends at the last returned object.
      const last = items[items.length - 1]!;
      const base =
        r.info.namespaced && f.info.namespace ? `${r.prefix}/${f.info.namespace}/` : `${r.prefix}/`;
      const lastKey = storageKey(
        r.prefix,
        r.info.namespaced ? (last.metadata.namespace ?? "") : "",
        last.metadata.name!,
      );
      metadata.continue = encodeContinue(lastKey, base, s.cache.rev);
      if (filter.labels.length === 0 && filter.fields.length === 0)
        metadata.remainingItemCount = all.length - limit;
      break;
    }
    items.push(listItem(r, obj));
  }
  reply(ctx, s, key, 200, { kind: r.info.listKind, apiVersion: apiVersionOf(r), metadata, items });
}

/** Items of built-in lists carry no apiVersion/kind (typed lists); custom resources keep theirs. */
function listItem(r: ServedResource, obj: KubeObject): KubeObject {
  if (r.info.custom) return withKind(obj, r.info);
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return rest as KubeObject;
}

function listFromEtcd(ctx: Context, s: ApiServerState, key: string, f: Inflight, limit: number): void {
  const r = served(s, f);
  const q = f.req.query ?? {};
  const base = r.info.namespaced && f.info.namespace ? `${r.prefix}/${f.info.namespace}/` : `${r.prefix}/`;
  let start = base;
  let rev = 0;
  if (q.continue) {
    const c = decodeContinue(q.continue, base);
    if (!c) {
      reply(
        ctx,
        s,
        key,
        400,
        newBadRequest(
          "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
        ),
      );
      return;
    }
    start = c.key;
    rev = c.rev;
  } else if (q.resourceVersion && q.resourceVersion !== "0") {
    rev = Number(q.resourceVersion) || 0;
  }
  const range: { key: string; rangeEnd: string; limit?: number; revision?: number } = {
    key: start,
    rangeEnd: prefixEnd(base),
  };
  if (limit > 0) range.limit = limit;
  if (rev > 0) range.revision = rev;
  etcdCall(ctx, s, "list", { verb: "Range", range, detail: base }, key, { key: base, rev, limit });
}

function onListResult(
  ctx: Context,
  s: ApiServerState,
  key: string,
  f: Inflight,
  resp: EtcdResponse,
  base: string,
): void {
  const r = served(s, f);
  const res = resp.result as RangeResult;
  const filter = parseFilter(r, f.info.namespace, f.req.query) as WatchFilter;
  const rev = f.rev && f.rev > 0 ? f.rev : resp.header.revision;
  const items: KubeObject[] = [];
  for (const kv of res.kvs) {
    const obj = decode(kv);
    if (passes(filter, obj)) items.push(listItem(r, obj));
  }
  const metadata: Record<string, unknown> = { resourceVersion: String(rev) };
  if (res.more && res.kvs.length > 0) {
    metadata.continue = encodeContinue(res.kvs[res.kvs.length - 1]!.key, base, rev);
    // remainingItemCount is only known without selectors (store.go).
    if (filter.labels.length === 0 && filter.fields.length === 0)
      metadata.remainingItemCount = res.count - res.kvs.length;
  }
  reply(ctx, s, key, 200, { kind: r.info.listKind, apiVersion: apiVersionOf(r), metadata, items });
}

// ---- create -----------------------------------------------------------------------------------

const CRD_PREFIX = "/registry/apiextensions.k8s.io/customresourcedefinitions";

/** The structural schema of a custom resource's served version, from its CRD in the cache. */
function customSchema(s: ApiServerState, r: ServedResource): JSONSchemaProps | undefined {
  const crd = s.cache.resources[CRD_PREFIX]?.items[`${CRD_PREFIX}/${r.info.resource}.${r.info.group}`];
  return crd ? crdVersionSchema(crd as unknown as CustomResourceDefinition, r.info.version) : undefined;
}

/**
 * Decode a write's body as the apiserver's codec does (api/schema/decode for built-in kinds:
 * Go type errors are 400s, unknown and duplicate fields warnings or errors per
 * `fieldValidation`; custom resources against their CRD's schema), then default it when
 * `defaults` (the main resource; status writes keep what the client sent). apiVersion and kind
 * default to the endpoint's (the decoder's default GVK); another version or kind is a 400.
 * Returns a private copy; warnings go to the response's `Warning` headers.
 */
function decodeBody(
  s: ApiServerState,
  r: ServedResource,
  f: Inflight,
  opts: WriteRequestOptions,
  body: ParsedBody,
  defaults: boolean,
): KubeObject | Status {
  const v = body.value;
  if (typeof v !== "object" || v === null || Array.isArray(v))
    return newBadRequest("the object provided is unrecognized (must be of type Object)");
  const given = v as KubeObject;
  const expected = apiVersionOf(r);
  if (
    (typeof given.apiVersion === "string" && given.apiVersion && given.apiVersion !== expected) ||
    (typeof given.kind === "string" && given.kind && given.kind !== r.info.kind)
  ) {
    return newBadRequest(
      `the API version in the data (${given.apiVersion}) does not match the expected API version (${expected})`,
    );
  }
  const withKind =
    given.apiVersion && given.kind ? given : { ...given, apiVersion: expected, kind: r.info.kind };
  let dec: { object?: KubeObject; warnings: string[]; status?: Status };
  if (r.info.custom) dec = decodeCustomResource(withKind, customSchema(s, r), opts.fieldValidation);
  else if (defaults)
    dec = decodeForWrite(withKind, { fieldValidation: opts.fieldValidation, rawJson: body.raw });
  else {
    const d = decodeObject(withKind, { fieldValidation: opts.fieldValidation, rawJson: body.raw });
    dec = d.object ? { ...d, object: deepClone(d.object) } : d;
  }
  if (dec.status || !dec.object) return dec.status ?? newBadRequest("the object provided is unrecognized");
  if (dec.warnings.length > 0) f.warnings = [...(f.warnings ?? []), ...dec.warnings];
  const obj = dec.object;
  if (typeof obj.metadata !== "object" || obj.metadata === null || Array.isArray(obj.metadata))
    obj.metadata = {};
  dropEmptyMetadata(metaOf(obj));
  obj.apiVersion = expected;
  obj.kind = r.info.kind;
  if (!r.info.custom) materializeZeroTimes(obj);
  return obj;
}

/** ObjectMeta's collections are `omitempty`: Go stores an empty one as absent (`labels: {}` vanishes). */
function dropEmptyMetadata(meta: Meta): void {
  for (const k of ["labels", "annotations"] as const) {
    const v = meta[k];
    if (v && typeof v === "object" && Object.keys(v).length === 0) delete meta[k];
  }
  for (const k of ["finalizers", "ownerReferences", "managedFields"] as const) {
    const v = meta[k];
    if (Array.isArray(v) && v.length === 0) delete meta[k];
  }
}

/**
 * The strategy's Validate (create) or ValidateUpdate (`old` set) for a write to the main
 * resource: semantic rules and the OpenAPI schema for built-in kinds (api/write-pipeline),
 * the structural schema for custom resources. Status writes check the metadata update and the
 * schema (the status strategies' rules are mostly about status fields the schema covers).
 */
function validateWrite(
  s: ApiServerState,
  r: ServedResource,
  obj: KubeObject,
  old: KubeObject | null,
  subresource: string,
): Status | undefined {
  if (r.info.custom) {
    const schema = customSchema(s, r);
    const errs = old
      ? validateCustomResourceUpdate(obj, old, schema)
      : validateCustomResource(obj, schema, r.info.namespaced);
    return errs.length > 0 ? newInvalid(gk(r), obj.metadata.name ?? "", errs) : undefined;
  }
  if (!old) return validateCreate(obj, { namespaced: r.info.namespaced });
  if (subresource === "status") {
    return invalidStatus(obj, [
      ...validateObjectMetaUpdate(obj.metadata, old.metadata),
      ...validateAgainstSchema(obj),
    ]);
  }
  return validateUpdate(obj, old);
}

/**
 * The fields a write to this endpoint resets, which nobody may own there (`GetResetFields`):
 * status on the main resource of kinds with a status subresource, spec and metadata on status.
 */
function resetFieldsOf(r: ServedResource, subresource: string): FieldPathElements[] {
  if (!r.info.custom) return resetFieldsFor(r.info.kind, subresource);
  const hasStatus = r.info.subresources.some((sr) => sr.name === "status");
  if (subresource === "status") return [[{ field: "spec" }], [{ field: "metadata" }]];
  return hasStatus && subresource === "" ? [[{ field: "status" }]] : [];
}

/**
 * The live object whose managedFields a non-apply write builds on: managedFields sent with a
 * main-resource update replace the live ones (the field manager decodes the new object's first,
 * to let clients edit them), otherwise the live object's.
 */
function managedFieldsBase(existing: KubeObject, body: KubeObject, subresource: string): KubeObject {
  const sent = body.metadata?.managedFields;
  if (subresource !== "" || !Array.isArray(sent) || sent.length === 0) return existing;
  return { ...existing, metadata: { ...existing.metadata, managedFields: sent } };
}

/** The QoS class of a pod (pkg/apis/core/helper/qos GetPodQOS). */
function podQOS(pod: KubeObject): string {
  let requests = false;
  let guaranteed = true;
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) requests = true;
    for (const res of ["cpu", "memory"]) {
      if (lim[res] === undefined || (req[res] !== undefined && req[res] !== lim[res])) guaranteed = false;
    }
  }
  if (!requests) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

/** What each strategy's PrepareForCreate resets. */
function prepareForCreate(r: ServedResource, obj: KubeObject): void {
  const id = `${r.info.group}/${r.info.resource}`;
  if (id === "/nodes") {
    // "Nodes allow *all* fields, including status, to be set on create" (node strategy
    // dropDisabledFields): only the dynamic-kubelet-config fields go.
    if (obj.spec) delete obj.spec.configSource;
    if (obj.status) delete obj.status.config;
  } else if (r.info.subresources.some((sr) => sr.name === "status")) delete obj.status;
  if (id === "/pods") obj.status = { phase: "Pending", qosClass: podQOS(obj) };
  if (id === "/namespaces") {
    obj.status = { phase: "Active" };
    metaOf(obj).labels = {
      ...(obj.metadata.labels ?? {}),
      "kubernetes.io/metadata.name": obj.metadata.name ?? "",
    };
    obj.spec = { finalizers: ["kubernetes"], ...(obj.spec ?? {}) };
  }
  if (id === "batch/jobs") generateJobSelector(obj);
  if (GENERATION_RESOURCES.has(id) || r.info.custom) metaOf(obj).generation = 1;
}

/**
 * The Job strategy's `generateSelectorIfNeeded` (pkg/registry/batch/job/strategy.go): unless
 * `manualSelector`, the template gets the job-name and controller-uid labels (legacy and
 * `batch.kubernetes.io/` forms) and the selector matches `batch.kubernetes.io/controller-uid`.
 */
function generateJobSelector(job: KubeObject): void {
  if (job.spec?.manualSelector === true) return;
  const name = job.metadata.name ?? "";
  const uid = job.metadata.uid ?? "";
  const template = { ...(job.spec?.template ?? {}) };
  const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}) };
  for (const k of ["job-name", "batch.kubernetes.io/job-name"]) if (!(k in labels)) labels[k] = name;
  for (const k of ["controller-uid", "batch.kubernetes.io/controller-uid"])
    if (!(k in labels)) labels[k] = uid;
  template.metadata = { ...(template.metadata ?? {}), labels };
  const selector = { ...(job.spec?.selector ?? {}) };
  const matchLabels = { ...(selector.matchLabels ?? {}) };
  if (!("batch.kubernetes.io/controller-uid" in matchLabels))
    matchLabels["batch.kubernetes.io/controller-uid"] = uid;
  selector.matchLabels = matchLabels;
  job.spec = { ...(job.spec ?? {}), selector, template };
}

/** Whether the request is a dry run (`?dryRun=All`): everything but the write to etcd. */
function isDryRun(f: Inflight): boolean {
  return f.req.query?.dryRun === "All";
}

/** POST: create an object. */
export function handleCreate(ctx: Context, s: ApiServerState, key: string, f: Inflight): void {
  const r = served(s, f);
  // Options first (create.go validates CreateOptions before decoding the body).
  const opts = writeOptions(f.req, "CreateOptions");
  if (isStatusBody(opts)) {
    reply(ctx, s, key, opts.code, opts);
    return;
  }
  const body = parseJsonBody(f.req.body);
  if (isStatusBody(body)) {
    reply(ctx, s, key, body.code, body);
    return;
  }
  const obj = decodeBody(s, r, f, opts, body, true);
  if (isStatusBody(obj)) {
    reply(ctx, s, key, obj.code, obj);
    return;
  }
  createObject(ctx, s, key, f, opts, obj, false);
}

/**
 * The registry's Create for a decoded, defaulted object (a POST, or a server-side apply of an
 * object that does not exist yet: `applied`, with its managedFields already set):
 * BeforeCreate (namespace, name generation, uid, creationTimestamp, the strategy's
 * PrepareForCreate), admission, validation (422 before anything is written), then quota and etcd.
 */
function createObject(
  ctx: Context,
  s: ApiServerState,
  key: string,
  f: Inflight,
  opts: WriteRequestOptions,
  obj: KubeObject,
  applied: boolean,
): void {
  const r = served(s, f);
  let meta = metaOf(obj);
  if (r.info.namespaced) {
    if (meta.namespace && f.info.namespace && meta.namespace !== f.info.namespace) {
      reply(
        ctx,
        s,
        key,
        400,
        newBadRequest(
          "the namespace of the provided object does not match the namespace sent on the request",
        ),
      );
      return;
    }
    meta.namespace = f.info.namespace || meta.namespace;
  } else delete meta.namespace;
  if (meta.resourceVersion) {
    reply(ctx, s, key, 400, newBadRequest("resourceVersion should not be set on objects to be created"));
    return;
  }
  // The field manager records what the creator set (compared with an empty object), before
  // admission and the strategy change anything (create.go: FieldManager.UpdateNoErrors).
  if (!applied) {
    obj = updateManagedFields(undefined, obj, {
      manager: opts.manager,
      time: ctx.timestamp(),
      resetFields: resetFieldsOf(r, ""),
    });
    meta = metaOf(obj);
  }
  if (!meta.name && meta.generateName) meta.name = generateName(ctx, meta.generateName);
  // BeforeCreate: uid, creationTimestamp, no deletion state; then the strategy.
  meta.uid = newUid(ctx);
  meta.creationTimestamp = ctx.timestamp();
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.generation;
  prepareForCreate(r, obj);
  const rejected = admit(ctx, s, {
    operation: "CREATE",
    resource: r,
    subresource: "",
    namespace: meta.namespace ?? "",
    name: meta.name ?? "",
    obj,
    oldObj: null,
  });
  if (rejected) {
    reply(ctx, s, key, rejected.code, rejected);
    return;
  }
  const invalidObj = validateWrite(s, r, obj, null, "");
  if (invalidObj) {
    reply(ctx, s, key, invalidObj.code, invalidObj);
    return;
  }
  const dryRun = isDryRun(f);
  if (r.info.group === "" && r.info.resource === "services") {
    defaultServiceIPFamilies(obj);
    // A dry run allocates nothing (the real dry-run allocator keeps no state either).
    const failed = dryRun ? null : allocateServiceAddresses(ctx, s, obj);
    if (failed) {
      reply(ctx, s, key, 422, failed);
      return;
    }
  }
  f.obj = obj;
  // ResourceQuota (a validating plugin, last in the chain): charge the quotas first.
  const quota = admitQuota(s, r, obj);
  if ("status" in quota) {
    reply(ctx, s, key, quota.status.code, quota.status);
    return;
  }
  if (dryRun) {
    // DryRunnableStorage.Create: AlreadyExists if the key exists, else the object, unwritten.
    const k = objectKey(r, meta.namespace ?? "", meta.name ?? "");
    if (cached(s, r, k)) reply(ctx, s, key, 409, newAlreadyExists(gr(r), meta.name ?? ""));
    else replyObject(ctx, s, key, 201, r, f, obj);
    return;
  }
  if (quota.updates.length > 0) {
    chargeQuotas(ctx, s, key, quota.updates);
    return;
  }
  continueCreate(ctx, s, key, f);
}

/** Write the quotas' new usage with a compare-and-swap on each. */
function chargeQuotas(ctx: Context, s: ApiServerState, key: string, updates: KubeObject[]): void {
  const compare = updates.map((q) => ({
    key: `/registry/resourcequotas/${q.metadata.namespace}/${q.metadata.name}`,
    target: "MOD" as const,
    result: "EQUAL" as const,
    value: Number(q.metadata.resourceVersion),
  }));
  etcdCall(
    ctx,
    s,
    "quota-charge",
    {
      verb: "Txn",
      txn: {
        compare,
        success: updates.map((q, i) => ({ put: { key: compare[i]!.key, value: encode(q) } })),
        failure: compare.map((c) => ({ range: { key: c.key } })),
      },
      detail: "resourcequota",
    },
    key,
  );
}

function continueCreate(ctx: Context, s: ApiServerState, key: string, f: Inflight): void {
  const r = served(s, f);
  if (r.info.resource === "events" && (r.info.group === "" || r.info.group === "events.k8s.io")) {
    const lease = s.eventLease;
    if (lease && ctx.now - lease.grantedAt < s.cfg.leaseReuseDurationS * 1000)
      createInEtcd(ctx, s, key, f, lease.id);
    else {
      // The lease manager grants TTL + reuse window and shares the lease for the window.
      etcdCall(
        ctx,
        s,
        "event-lease",
        { verb: "LeaseGrant", ttl: s.cfg.eventTtlS + s.cfg.leaseReuseDurationS },
        key,
      );
    }
    return;
  }
  createInEtcd(ctx, s, key, f, 0);
}

function createInEtcd(ctx: Context, s: ApiServerState, key: string, f: Inflight, lease: number): void {
  const r = served(s, f);
  const obj = f.obj!;
  const k = objectKey(r, obj.metadata.namespace ?? "", obj.metadata.name!);
  const put: { key: string; value: unknown; lease?: number } = { key: k, value: encode(obj) };
  if (lease) put.lease = lease;
  etcdCall(
    ctx,
    s,
    "create",
    {
      verb: "Txn",
      txn: {
        compare: [{ key: k, target: "MOD", result: "EQUAL", value: 0 }],
        success: [{ put }],
        failure: [{ range: { key: k } }],
      },
      object: `${r.info.kind}/${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ""}${obj.metadata.name}`,
    },
    key,
  );
}

// ---- update -----------------------------------------------------------------------------------

/** PUT: replace an object (or its status / scale). */
export function handleUpdate(ctx: Context, s: ApiServerState, key: string, f: Inflight): void {
  const r = served(s, f);
  const opts = writeOptions(f.req, "UpdateOptions");
  if (isStatusBody(opts)) {
    reply(ctx, s, key, opts.code, opts);
    return;
  }
  const body = parseJsonBody(f.req.body);
  if (isStatusBody(body)) {
    reply(ctx, s, key, body.code, body);
    return;
  }
  const obj =
    f.info.subresource === "scale"
      ? (deepClone(body.value ?? {}) as KubeObject)
      : decodeBody(s, r, f, opts, body, f.info.subresource === "");
  if (isStatusBody(obj)) {
    reply(ctx, s, key, obj.code, obj);
    return;
  }
  if (typeof obj.metadata !== "object" || obj.metadata === null) obj.metadata = {};
  if (f.info.subresource !== "scale") {
    if (obj.metadata.name && obj.metadata.name !== f.info.name) {
      reply(
        ctx,
        s,
        key,
        400,
        newBadRequest(
          `the name of the object (${obj.metadata.name}) does not match the name on the URL (${f.info.name})`,
        ),
      );
      return;
    }
    if (r.info.namespaced && obj.metadata.namespace && obj.metadata.namespace !== f.info.namespace) {
      reply(
        ctx,
        s,
        key,
        400,
        newBadRequest(
          "the namespace of the provided object does not match the namespace sent on the request",
        ),
      );
      return;
    }
  }
  f.obj = obj;
  const k = objectKey(r, f.info.namespace, f.info.name);
  const existing = cached(s, r, k);
  const wantRv = obj.metadata.resourceVersion ?? "";
  // Use the cached object as a first guess (cachedExistingObject); read etcd when it cannot be trusted.
  if (existing && (wantRv === "" || wantRv === existing.metadata.resourceVersion))
    tryUpdate(ctx, s, key, f, existing, false);
  else etcdCall(ctx, s, "update-read", { verb: "Range", range: { key: k } }, key);
}

/** Build the updated object from the existing one, then write it with a compare-and-swap. */
function tryUpdate(
  ctx: Context,
  s: ApiServerState,
  key: string,
  f: Inflight,
  existing: KubeObject | null,
  fresh: boolean,
): void {
  const r = served(s, f);
  if (!existing) {
    reply(ctx, s, key, 404, newNotFound(gr(r), f.info.name));
    return;
  }
  const body = f.obj!;
  const wantRv = body.metadata.resourceVersion ?? "";
  if (wantRv !== "" && wantRv !== existing.metadata.resourceVersion) {
    if (!fresh) {
      etcdCall(
        ctx,
        s,
        "update-read",
        { verb: "Range", range: { key: objectKey(r, f.info.namespace, f.info.name) } },
        key,
      );
      return;
    }
    reply(ctx, s, key, 409, newConflict(gr(r), f.info.name));
    return;
  }
  const built = buildUpdated(r, f, existing, body);
  if (isStatusBody(built)) {
    reply(ctx, s, key, built.code, built);
    return;
  }
  let next = built;
  if (f.applied) {
    // Server-side apply computed them; subresource writes rebuild metadata from the live object.
    if (f.info.subresource !== "") metaOf(next).managedFields = body.metadata.managedFields;
  } else {
    next = updateManagedFields(managedFieldsBase(existing, body, f.info.subresource), next, {
      manager: fieldManagerOf(f.req),
      time: ctx.timestamp(),
      subresource: f.info.subresource || undefined,
      resetFields: resetFieldsOf(r, f.info.subresource),
    });
  }
  const rejected = admit(ctx, s, {
    operation: "UPDATE",
    resource: r,
    subresource: f.info.subresource,
    namespace: f.info.namespace,
    name: f.info.name,
    obj: next,
    oldObj: existing,
  });
  if (rejected) {
    reply(ctx, s, key, rejected.code, rejected);
    return;
  }
  const invalidObj =
    f.info.subresource === "scale" ? undefined : validateWrite(s, r, next, existing, f.info.subresource);
  if (invalidObj) {
    reply(ctx, s, key, invalidObj.code, invalidObj);
    return;
  }
  const rev = Number(existing.metadata.resourceVersion);
  // An update that changes nothing is not written (GuaranteedUpdate compares the bytes).
  if (deepEqual(encode(next), encode(existing))) {
    replyObject(ctx, s, key, 200, r, f, existing);
    return;
  }
  if (isDryRun(f)) {
    // DryRunnableStorage.GuaranteedUpdate: the updated object, unwritten, at the current version.
    replyObject(ctx, s, key, 200, r, f, withResourceVersion(next, rev));
    return;
  }
  const k = objectKey(r, f.info.namespace, f.info.name);
  const m = next.metadata;
  // An object being deleted whose last finalizer goes away is deleted now (store.go shouldDeleteDuringUpdate).
  const deleteNow =
    m.deletionTimestamp && (m.finalizers ?? []).length === 0 && (m.deletionGracePeriodSeconds ?? 0) === 0;
  f.obj = next;
  etcdCall(
    ctx,
    s,
    deleteNow ? "update-delete" : "update",
    {
      verb: "Txn",
      txn: {
        compare: [{ key: k, target: "MOD", result: "EQUAL", value: rev }],
        success: deleteNow
          ? [{ deleteRange: { key: k } }]
          : [{ put: { key: k, value: encode(next), lease: 0 } }],
        failure: [{ range: { key: k } }],
      },
      object: `${r.info.kind}/${f.info.namespace ? `${f.info.namespace}/` : ""}${f.info.name}`,
    },
    key,
    { rev },
  );
}

function buildUpdated(
  r: ServedResource,
  f: Inflight,
  existing: KubeObject,
  body: KubeObject,
): KubeObject | Status {
  const id = `${r.info.group}/${r.info.resource}`;
  const hasStatus = r.info.subresources.some((sr) => sr.name === "status");
  let next: KubeObject;
  switch (f.info.subresource) {
    case "status":
      // Status updates change only status (ResetObjectMetaForStatus + spec from the old object).
      next = { ...existing, status: body.status, metadata: { ...existing.metadata } };
      break;
    case "scale": {
      const replicas = body.spec?.replicas;
      if (typeof replicas !== "number" || replicas < 0) {
        return newInvalid({ group: "autoscaling", kind: "Scale" }, f.info.name, [
          invalid("spec.replicas", replicas ?? null, "must be greater than or equal to 0"),
        ]);
      }
      next = { ...existing, spec: { ...existing.spec, replicas }, metadata: { ...existing.metadata } };
      break;
    }
    case "":
      next = { ...body, metadata: { ...body.metadata } };
      next.apiVersion = existing.apiVersion;
      next.kind = existing.kind;
      if (hasStatus) {
        if (existing.status === undefined) delete next.status;
        else next.status = existing.status;
      }
      break;
    default:
      return newNotFound(gr(r), f.info.name);
  }
  if (id === "/services" && f.info.subresource === "") keepAllocatedValues(next, existing);
  const m = metaOf(next);
  const old = existing.metadata;
  // Fields the client cannot change (rest.BeforeUpdate, ValidateObjectMetaUpdate).
  m.name = old.name;
  if (old.namespace) m.namespace = old.namespace;
  m.uid = old.uid;
  m.creationTimestamp = old.creationTimestamp;
  if (old.deletionTimestamp) m.deletionTimestamp = old.deletionTimestamp;
  else delete m.deletionTimestamp;
  if (old.deletionGracePeriodSeconds !== undefined)
    m.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
  else delete m.deletionGracePeriodSeconds;
  delete m.resourceVersion;
  if (old.generation !== undefined) m.generation = old.generation;
  else delete m.generation;
  if (f.info.subresource === "" && (GENERATION_RESOURCES.has(id) || r.info.custom)) {
    const changed = r.info.custom
      ? !deepEqual({ ...next, metadata: null, status: null }, { ...existing, metadata: null, status: null })
      : !deepEqual(next.spec, existing.spec);
    if (changed) m.generation = (old.generation ?? 0) + 1;
  }
  if (
    f.info.subresource === "scale" &&
    GENERATION_RESOURCES.has(id) &&
    next.spec.replicas !== existing.spec?.replicas
  ) {
    m.generation = (old.generation ?? 0) + 1;
  }
  // Once deletion has started, finalizers may only be removed (ValidateObjectMetaUpdate).
  if (old.deletionTimestamp) {
    const before = new Set(old.finalizers ?? []);
    const added = (m.finalizers ?? []).filter((x) => !before.has(x));
    if (added.length > 0) {
      return newInvalid(gk(r), f.info.name, [
        invalid(
          "metadata.finalizers",
          m.finalizers,
          "no new finalizers can be added if the object is being deleted",
        ),
      ]);
    }
  }
  return next;
}

// ---- patch ------------------------------------------------------------------------------------

/** The patch types the apiserver accepts (apiserver endpoints/handlers/patch.go). */
const PATCH_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
];

/** Server-side apply's content type. */
const APPLY_PATCH = "application/apply-patch+yaml";

/**
 * PATCH: apply a JSON, merge or strategic merge patch to the current object, then update it;
 * or a server-side apply (which creates the object when it does not exist).
 */
export function handlePatch(ctx: Context, s: ApiServerState, key: string, f: Inflight): void {
  const r = served(s, f);
  const type = (f.req.contentType ?? "").split(";")[0]!.trim();
  // Custom resources have no Go type, so no strategic merge patch (patch.go: 415).
  const accepted = r.info.custom
    ? PATCH_TYPES.filter((t) => !t.startsWith("application/strategic"))
    : PATCH_TYPES;
  if (!accepted.includes(type)) {
    reply(ctx, s, key, 415, newUnsupportedMediaType(accepted));
    return;
  }
  const opts = writeOptions(f.req, "PatchOptions", type);
  if (isStatusBody(opts)) {
    reply(ctx, s, key, opts.code, opts);
    return;
  }
  const text = f.req.body;
  if (type === APPLY_PATCH) {
    const parsed = parseApplyBody(text);
    if (isStatusBody(parsed)) {
      reply(ctx, s, key, parsed.code, parsed);
      return;
    }
    f.req = { ...f.req, body: parsed.value };
  } else if (typeof text === "string") {
    // An HTTP body: the patch's JSON text.
    try {
      f.req = { ...f.req, body: JSON.parse(text) };
    } catch (err) {
      reply(ctx, s, key, 400, newBadRequest(goJsonSyntaxError(text, err)));
      return;
    }
  }
  if (type === "application/json-patch+json") {
    const bad = checkJsonPatchBody(f.req.body);
    if (bad) {
      reply(ctx, s, key, bad.code, bad);
      return;
    }
  }
  const k = objectKey(r, f.info.namespace, f.info.name);
  const existing = cached(s, r, k);
  if (existing) tryPatch(ctx, s, key, f, existing, false);
  else etcdCall(ctx, s, "patch-read", { verb: "Range", range: { key: k } }, key);
}

function tryPatch(
  ctx: Context,
  s: ApiServerState,
  key: string,
  f: Inflight,
  existing: KubeObject | null,
  fresh: boolean,
): void {
  const r = served(s, f);
  const type = (f.req.contentType ?? "").split(";")[0]!.trim();
  if (type === APPLY_PATCH) {
    tryApply(ctx, s, key, f, existing, fresh);
    return;
  }
  if (!existing) {
    reply(ctx, s, key, 404, newNotFound(gr(r), f.info.name));
    return;
  }
  const current = (
    f.info.subresource === "scale" ? toScale(existing) : withKind(existing, r.info)
  ) as KubeObject;
  let patched: unknown;
  try {
    if (type === "application/json-patch+json") patched = applyJsonPatch(current, parseJsonPatch(f.req.body));
    else if (type === "application/merge-patch+json") patched = applyMergePatch(current, f.req.body);
    else {
      const out =
        f.info.subresource === "scale"
          ? applyStrategicMergePatch(current, f.req.body, "V1Scale")
          : applyStrategicMergePatchToObject(current, f.req.body);
      patched = out;
    }
  } catch (err) {
    if (err instanceof JsonPatchError) {
      reply(ctx, s, key, 422, newUnprocessableEntity(err.message));
      return;
    }
    if (err instanceof StrategicMergePatchError) {
      const st = strategicMergePatchErrorStatus(err);
      reply(ctx, s, key, st.code, st);
      return;
    }
    throw err;
  }
  if (typeof patched !== "object" || patched === null || Array.isArray(patched)) {
    reply(ctx, s, key, 400, newBadRequest("the object provided is unrecognized (must be of type Object)"));
    return;
  }
  const obj = patched as KubeObject;
  if (typeof obj.metadata !== "object" || obj.metadata === null) obj.metadata = {};
  const badName = checkPatchedName(r, f, obj);
  if (badName) {
    reply(ctx, s, key, 400, badName);
    return;
  }
  // A resourceVersion in the patch is a precondition; otherwise the patch applies to what is current.
  const wanted = obj.metadata.resourceVersion;
  if (wanted !== undefined && wanted !== existing.metadata.resourceVersion) {
    if (!fresh) {
      etcdCall(
        ctx,
        s,
        "patch-read",
        { verb: "Range", range: { key: objectKey(r, f.info.namespace, f.info.name) } },
        key,
      );
      return;
    }
    reply(ctx, s, key, 409, newConflict(gr(r), f.info.name));
    return;
  }
  metaOf(obj).resourceVersion = existing.metadata.resourceVersion;
  let next = obj;
  if (f.info.subresource !== "scale") {
    // The patched object is decoded like a body (patch.go: unknown fields by fieldValidation),
    // then defaulted when it is the main resource.
    const opts = writeOptions(f.req, "PatchOptions", type) as WriteRequestOptions;
    delete f.warnings;
    const dec = decodeBody(s, r, f, opts, { value: obj }, f.info.subresource === "");
    if (isStatusBody(dec)) {
      reply(ctx, s, key, dec.code, dec);
      return;
    }
    next = dec;
  }
  f.obj = next;
  tryUpdate(ctx, s, key, f, existing, fresh);
}

/**
 * `checkName` (patch.go): a patch may not rename the object or move it to another namespace.
 * Returns the 400, or null.
 */
function checkPatchedName(r: ServedResource, f: Inflight, obj: KubeObject): Status | null {
  const name = obj.metadata?.name ?? "";
  if (f.info.subresource !== "scale" && name !== f.info.name)
    return newBadRequest(
      `the name of the object (${name}) does not match the name on the URL (${f.info.name})`,
    );
  const ns = obj.metadata?.namespace ?? "";
  if (r.info.namespaced && f.info.subresource !== "scale" && ns !== "" && ns !== f.info.namespace)
    return newBadRequest(
      `the namespace of the object (${ns}) does not match the namespace on the URL (${f.info.namespace})`,
    );
  return null;
}

/** Go's name of a group/version/kind (`schema.GroupVersionKind.String()`: "apps/v1, Kind=Deployment"). */
function gvkString(r: ServedResource): string {
  return `${r.info.group}/${r.info.version}, Kind=${r.info.kind}`;
}

/**
 * Fields of an applied configuration that its type does not declare, as structured-merge-diff
 * names them (".spec.foo"). List items are named by their `name` key when they have one (the
 * merge key of most lists), by index otherwise.
 */
function undeclaredFields(s: ApiServerState, r: ServedResource, config: KubeObject): string[] {
  const unknown: string[] = [];
  if (r.info.custom) {
    const dec = decodeCustomResource(config, customSchema(s, r), "Warn");
    for (const w of dec.warnings) unknown.push(w.replace(/^unknown field "(.*)"$/, "$1"));
  } else {
    const dec = decodeObject(config, { fieldValidation: "Warn" });
    for (const w of dec.warnings)
      if (w.startsWith("unknown field ")) unknown.push(w.replace(/^unknown field "(.*)"$/, "$1"));
  }
  return unknown.map((path) => {
    let node: unknown = config;
    let out = "";
    for (const part of path.match(/[^.[\]]+|\[\d+\]/g) ?? []) {
      if (part.startsWith("[")) {
        const item = Array.isArray(node) ? node[Number(part.slice(1, -1))] : undefined;
        const name = (item as { name?: unknown } | undefined)?.name;
        out += typeof name === "string" ? `[name=${JSON.stringify(name)}]` : part;
        node = item;
      } else {
        out += `.${part}`;
        node = (node as Record<string, unknown> | undefined)?.[part];
      }
    }
    return out;
  });
}

/**
 * Server-side apply (patch.go applyPatcher, the field manager's Apply): merge the applied
 * configuration into the live object, owning what it sets; fields owned by other managers
 * whose values would change are a 409 conflict unless `force`. An object that does not exist
 * is created (201). The result is defaulted, validated and admitted like any other write.
 */
function tryApply(
  ctx: Context,
  s: ApiServerState,
  key: string,
  f: Inflight,
  existing: KubeObject | null,
  fresh: boolean,
): void {
  const r = served(s, f);
  const opts = writeOptions(f.req, "PatchOptions", APPLY_PATCH) as WriteRequestOptions;
  const body = f.req.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    const what = Array.isArray(body) ? "array" : typeof body === "string" ? "string" : "number";
    reply(
      ctx,
      s,
      key,
      400,
      newBadRequest(
        `error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${what} into Go value of type map[string]interface {}`,
      ),
    );
    return;
  }
  const given = body as KubeObject;
  if (given.metadata?.managedFields !== undefined && given.metadata.managedFields !== null) {
    reply(ctx, s, key, 400, newBadRequest("metadata.managedFields must be nil"));
    return;
  }
  const expected = apiVersionOf(r);
  if (given.apiVersion !== expected) {
    reply(
      ctx,
      s,
      key,
      400,
      newBadRequest(
        `Incorrect version specified in apply patch. Specified patch version: ${given.apiVersion ?? ""}, expected: ${expected}`,
      ),
    );
    return;
  }
  const config: KubeObject = given.kind ? given : { ...given, kind: r.info.kind };
  const undeclared = undeclaredFields(s, r, config);
  if (undeclared.length > 0) {
    // structured-merge-diff's typed conversion error: a plain error, so a 500 with no reason.
    const where = `${f.info.namespace}/${f.info.name}; ${gvkString(r)}`;
    const errs = undeclared.map((p) => `${p}: field not declared in schema`);
    const text = errs.length === 1 ? errs[0] : `errors:\n  ${errs.join("\n  ")}`;
    reply(ctx, s, key, 500, newStorageError(`failed to create typed patch object (${where}): ${text}`));
    return;
  }
  const sub = f.info.subresource;
  const result = applyObject(existing ? withKind(existing, r.info) : undefined, config, {
    manager: opts.manager,
    time: ctx.timestamp(),
    force: opts.force,
    ...(sub ? { subresource: sub } : {}),
    resetFields: resetFieldsOf(r, sub),
  });
  if (result.status) {
    reply(ctx, s, key, result.status.code, result.status);
    return;
  }
  const applied = result.object!;
  const badName = checkPatchedName(r, f, applied);
  if (badName) {
    reply(ctx, s, key, 400, badName);
    return;
  }
  delete f.warnings;
  f.applied = true;
  if (!existing) {
    if (sub !== "") {
      reply(ctx, s, key, 404, newNotFound(gr(r), f.info.name));
      return;
    }
    const obj = decodeBody(s, r, f, opts, { value: applied }, true);
    if (isStatusBody(obj)) {
      reply(ctx, s, key, obj.code, obj);
      return;
    }
    createObject(ctx, s, key, f, opts, obj, true);
    return;
  }
  // A resourceVersion in the configuration is a precondition, as in any patch.
  const wanted = given.metadata?.resourceVersion;
  if (wanted !== undefined && wanted !== existing.metadata.resourceVersion) {
    if (!fresh) {
      etcdCall(
        ctx,
        s,
        "patch-read",
        { verb: "Range", range: { key: objectKey(r, f.info.namespace, f.info.name) } },
        key,
      );
      return;
    }
    reply(ctx, s, key, 409, newConflict(gr(r), f.info.name));
    return;
  }
  metaOf(applied).resourceVersion = existing.metadata.resourceVersion;
  const next = decodeBody(s, r, f, opts, { value: applied }, sub === "");
  if (isStatusBody(next)) {
    reply(ctx, s, key, next.code, next);
    return;
  }
  f.obj = next;
  tryUpdate(ctx, s, key, f, existing, fresh);
}

// ---- pods/binding (pkg/registry/core/pod/storage BindingREST) -----------------------------------

/** POST pods/{name}/binding: assign a pod to a node (what the scheduler's DefaultBinder does). */
export function handleBinding(ctx: Context, s: ApiServerState, key: string, f: Inflight): void {
  const r = served(s, f);
  const b = f.req.body as
    | { metadata?: { name?: string; annotations?: Record<string, string> }; target?: { name?: string } }
    | undefined;
  const target = b?.target?.name ?? "";
  if (!target) {
    reply(
      ctx,
      s,
      key,
      422,
      newInvalid({ group: "", kind: "Binding" }, f.info.name, [required("target.name", "")]),
    );
    return;
  }
  if (b?.metadata?.name && b.metadata.name !== f.info.name) {
    reply(ctx, s, key, 400, newBadRequest("name in URL does not match name in Binding object"));
    return;
  }
  const k = objectKey(r, f.info.namespace, f.info.name);
  const existing = cached(s, r, k);
  if (existing) tryBind(ctx, s, key, f, existing);
  else etcdCall(ctx, s, "bind-read", { verb: "Range", range: { key: k } }, key);
}

function tryBind(
  ctx: Context,
  s: ApiServerState,
  key: string,
  f: Inflight,
  existing: KubeObject | null,
): void {
  const r = served(s, f);
  const gr = { group: "", resource: "pods/binding" };
  if (!existing) {
    reply(ctx, s, key, 404, newNotFound({ group: "", resource: "pods" }, f.info.name));
    return;
  }
  const b = f.req.body as { metadata?: { annotations?: Record<string, string> }; target: { name: string } };
  if (existing.metadata.deletionTimestamp) {
    reply(
      ctx,
      s,
      key,
      409,
      newConflict(gr, f.info.name, `pod ${f.info.name} is being deleted, cannot be assigned to a host`),
    );
    return;
  }
  if (existing.spec?.nodeName) {
    reply(
      ctx,
      s,
      key,
      409,
      newConflict(
        gr,
        f.info.name,
        `pod ${f.info.name} is already assigned to node "${existing.spec.nodeName}"`,
      ),
    );
    return;
  }
  // setPodHostAndAnnotations: nodeName, the binding's annotations, PodScheduled=True.
  const conditions = [...((existing.status?.conditions ?? []) as { type: string }[])];
  const scheduled = {
    type: "PodScheduled",
    status: "True",
    lastProbeTime: null,
    lastTransitionTime: ctx.timestamp(),
  };
  const at = conditions.findIndex((c) => c.type === "PodScheduled");
  if (at >= 0) conditions[at] = scheduled;
  else conditions.push(scheduled);
  const next: KubeObject = {
    ...existing,
    metadata: { ...existing.metadata },
    spec: { ...existing.spec, nodeName: b.target.name },
    status: { ...(existing.status ?? {}), conditions },
  };
  if (b.metadata?.annotations)
    metaOf(next).annotations = { ...(existing.metadata.annotations ?? {}), ...b.metadata.annotations };
  f.obj = next;
  const k = objectKey(r, f.info.namespace, f.info.name);
  const rev = Number(existing.metadata.resourceVersion);
  etcdCall(
    ctx,
    s,
    "bind",
    {
      verb: "Txn",
      txn: {
        compare: [{ key: k, target: "MOD", result: "EQUAL", value: rev }],
        success: [{ put: { key: k, value: encode(next), lease: 0 } }],
        failure: [{ range: { key: k } }],
      },
      object: `Pod/${f.info.namespace}/${f.info.name}`,
      detail: `bind to ${b.target.name}`,
    },
    key,
  );
}

// ---- delete -----------------------------------------------------------------------------------

interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** DELETE one object. */
export function handleDelete(ctx: Context, s: ApiServerState, key: string, f: Inflight): void {
  const r = served(s, f);
  const k = objectKey(r, f.info.namespace, f.info.name);
  const existing = cached(s, r, k);
  if (existing) tryDelete(ctx, s, key, f, existing, false);
  else etcdCall(ctx, s, "delete-read", { verb: "Range", range: { key: k } }, key);
}

function tryDelete(
  ctx: Context,
  s: ApiServerState,
  key: string,
  f: Inflight,
  existing: KubeObject | null,
  fresh: boolean,
): void {
  const r = served(s, f);
  if (!existing) {
    reply(ctx, s, key, 404, newNotFound(gr(r), f.info.name));
    return;
  }
  const opts = (f.req.body ?? {}) as DeleteOptions;
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== existing.metadata.uid) {
    reply(
      ctx,
      s,
      key,
      409,
      newConflict(
        gr(r),
        f.info.name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`,
      ),
    );
    return;
  }
  if (pre?.resourceVersion && pre.resourceVersion !== existing.metadata.resourceVersion) {
    if (!fresh) {
      etcdCall(
        ctx,
        s,
        "delete-read",
        { verb: "Range", range: { key: objectKey(r, f.info.namespace, f.info.name) } },
        key,
      );
      return;
    }
    reply(
      ctx,
      s,
      key,
      409,
      newConflict(
        gr(r),
        f.info.name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`,
      ),
    );
    return;
  }
  const rejected = admit(ctx, s, {
    operation: "DELETE",
    resource: r,
    subresource: "",
    namespace: f.info.namespace,
    name: f.info.name,
    obj: null,
    oldObj: existing,
  });
  if (rejected) {
    reply(ctx, s, key, rejected.code, rejected);
    return;
  }
  const id = `${r.info.group}/${r.info.resource}`;
  const meta = existing.metadata;
  let finalizers = [...(meta.finalizers ?? [])];
  // Propagation policy as finalizers (store.go deletionFinalizersForGarbageCollection).
  const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? "Orphan" : undefined);
  if (policy === "Orphan" && !finalizers.includes("orphan"))
    finalizers = [...finalizers.filter((x) => x !== "foregroundDeletion"), "orphan"];
  if (policy === "Foreground" && !finalizers.includes("foregroundDeletion"))
    finalizers = [...finalizers.filter((x) => x !== "orphan"), "foregroundDeletion"];
  if (policy === "Background")
    finalizers = finalizers.filter((x) => x !== "orphan" && x !== "foregroundDeletion");

  // Graceful deletion: pods that run on a node get their grace period (pod strategy CheckGracefulDelete).
  let grace = 0;
  if (id === "/pods") {
    const phase = existing.status?.phase;
    if (existing.spec?.nodeName && phase !== "Succeeded" && phase !== "Failed") {
      grace = opts.gracePeriodSeconds ?? existing.spec?.terminationGracePeriodSeconds ?? 30;
      if (grace < 0) grace = 1;
    }
  }
  const rev = Number(meta.resourceVersion);
  const k = objectKey(r, f.info.namespace, f.info.name);
  const namespaceWithFinalizers =
    id === "/namespaces" && ((existing.spec?.finalizers ?? []).length > 0 || finalizers.length > 0);
  const pendingGrace =
    meta.deletionTimestamp !== undefined && (meta.deletionGracePeriodSeconds ?? 0) > 0 && grace > 0;
  if (grace > 0 || finalizers.length > 0 || namespaceWithFinalizers) {
    // Mark for deletion: deletionTimestamp = now + grace, and keep the object.
    const nm: Meta = { ...meta, finalizers };
    const next: KubeObject = { ...existing, metadata: nm };
    if (finalizers.length === 0) delete nm.finalizers;
    if (!meta.deletionTimestamp || (grace > 0 && !pendingGrace)) {
      nm.deletionTimestamp = timestampIn(ctx, grace);
      nm.deletionGracePeriodSeconds = grace;
    } else if (grace === 0 && (meta.deletionGracePeriodSeconds ?? 0) > 0) {
      nm.deletionGracePeriodSeconds = 0;
    }
    if (id === "/namespaces") next.status = { ...(existing.status ?? {}), phase: "Terminating" };
    const done = deepEqual(encode(next), encode(existing));
    if (done) {
      reply(ctx, s, key, 200, withKind(existing, r.info));
      return;
    }
    if (grace === 0 && finalizers.length === 0 && !namespaceWithFinalizers) {
      // Grace period shortened to zero with no finalizers left: delete below.
    } else {
      f.obj = next;
      etcdCall(
        ctx,
        s,
        "delete-mark",
        {
          verb: "Txn",
          txn: {
            compare: [{ key: k, target: "MOD", result: "EQUAL", value: rev }],
            success: [{ put: { key: k, value: encode(next), lease: 0 } }],
            failure: [{ range: { key: k } }],
          },
        },
        key,
        { rev },
      );
      return;
    }
  }
  f.obj = existing;
  etcdCall(
    ctx,
    s,
    "delete",
    {
      verb: "Txn",
      txn: {
        compare: [{ key: k, target: "MOD", result: "EQUAL", value: rev }],
        success: [{ deleteRange: { key: k, prevKv: true } }],
        failure: [{ range: { key: k } }],
      },
      object: `${r.info.kind}/${f.info.namespace ? `${f.info.namespace}/` : ""}${f.info.name}`,
    },
    key,
    { rev },
  );
}

function timestampIn(ctx: Context, seconds: number): string {
  return formatTimestamp(ctx.epochMs + ctx.now + seconds * 1000);
}

/** What DELETE answers: pods return the object (ReturnDeletedObject), others a Success Status. */
function deletedResponse(r: ServedResource, obj: KubeObject): unknown {
  if (r.info.group === "" && r.info.resource === "pods") return withKind(obj, r.info);
  const details: { name?: string; group?: string; kind?: string; uid?: string } = {
    name: obj.metadata.name,
    kind: r.info.resource,
  };
  if (r.info.group) details.group = r.info.group;
  if (obj.metadata.uid) details.uid = obj.metadata.uid;
  return newSuccessStatus(details);
}

// ---- etcd responses ---------------------------------------------------------------------------

function txnCurrent(res: TxnResult): KubeObject | null {
  const first = res.responses[0];
  if (!first || !("range" in first)) return null;
  const kv = first.range.kvs[0];
  return kv ? decode(kv) : null;
}

/** Continue a request after etcd answered. */
export function onStoreEtcdResponse(
  ctx: Context,
  s: ApiServerState,
  step: string,
  key: string,
  resp: EtcdResponse,
  data: { key?: string; rev?: number } | undefined,
): void {
  const f = s.inflight[key];
  if (!f) return;
  if (resp.error) {
    if (resp.error === EtcdErrors.compacted && step === "list") {
      reply(ctx, s, key, 410, f.req.query?.continue ? newContinueExpired() : newListExpired());
      return;
    }
    reply(ctx, s, key, 500, storageError(resp.error));
    return;
  }
  const r = served(s, f);
  switch (step) {
    case "get": {
      const kv = (resp.result as RangeResult).kvs[0];
      if (!kv) reply(ctx, s, key, 404, newNotFound(gr(r), f.info.name));
      else replyObject(ctx, s, key, 200, r, f, decode(kv));
      return;
    }
    case "list-current-rev": {
      const rev = resp.header.revision;
      if (s.cache.rev >= rev) serveListFromCache(ctx, s, key, f);
      else s.waitingForRev.push({ inflight: key, rev });
      return;
    }
    case "list":
      f.rev = data?.rev;
      onListResult(ctx, s, key, f, resp, data?.key ?? "");
      return;
    case "quota-charge": {
      const res = resp.result as TxnResult;
      if (res.succeeded) {
        continueCreate(ctx, s, key, f);
        return;
      }
      // A quota changed meanwhile: evaluate again against the current quotas.
      const fresh: KubeObject[] = [];
      for (const op of res.responses)
        if ("range" in op && op.range.kvs[0]) fresh.push(decode(op.range.kvs[0]));
      const again = admitQuota(s, r, f.obj!, fresh);
      if ("status" in again) reply(ctx, s, key, again.status.code, again.status);
      else if (again.updates.length > 0) chargeQuotas(ctx, s, key, again.updates);
      else continueCreate(ctx, s, key, f);
      return;
    }
    case "event-lease": {
      const lease = (resp.result as { lease: number }).lease;
      s.eventLease = { id: lease, grantedAt: ctx.now };
      createInEtcd(ctx, s, key, f, lease);
      return;
    }
    case "create": {
      const res = resp.result as TxnResult;
      if (!res.succeeded && f.applied && f.info.verb === "patch") {
        // Someone created it meanwhile: apply to what is there now.
        tryPatch(ctx, s, key, f, txnCurrent(res), true);
        return;
      }
      if (!res.succeeded) {
        const gen =
          (f.req.body as KubeObject | undefined)?.metadata?.generateName &&
          !(f.req.body as KubeObject).metadata?.name;
        reply(
          ctx,
          s,
          key,
          409,
          gen
            ? newGenerateNameConflict(gr(r), f.obj!.metadata.name!)
            : newAlreadyExists(gr(r), f.obj!.metadata.name!),
        );
        return;
      }
      replyObject(ctx, s, key, 201, r, f, withResourceVersion(f.obj!, resp.header.revision));
      return;
    }
    case "bind-read": {
      const kv = (resp.result as RangeResult).kvs[0];
      tryBind(ctx, s, key, f, kv ? decode(kv) : null);
      return;
    }
    case "bind": {
      const res = resp.result as TxnResult;
      if (!res.succeeded) {
        tryBind(ctx, s, key, f, txnCurrent(res));
        return;
      }
      reply(ctx, s, key, 201, { ...newSuccessStatus(), code: 201 });
      return;
    }
    case "patch-read": {
      const kv = (resp.result as RangeResult).kvs[0];
      tryPatch(ctx, s, key, f, kv ? decode(kv) : null, true);
      return;
    }
    case "update-read": {
      const kv = (resp.result as RangeResult).kvs[0];
      tryUpdate(ctx, s, key, f, kv ? decode(kv) : null, true);
      return;
    }
    case "update":
    case "update-delete": {
      const res = resp.result as TxnResult;
      if (!res.succeeded) {
        // Someone else wrote first: retry against the current object (GuaranteedUpdate's loop).
        f.attempts++;
        if (f.info.verb === "patch") tryPatch(ctx, s, key, f, txnCurrent(res), true);
        else tryUpdate(ctx, s, key, f, txnCurrent(res), true);
        return;
      }
      replyObject(ctx, s, key, 200, r, f, withResourceVersion(f.obj!, resp.header.revision));
      return;
    }
    case "evict-read": {
      const kv = (resp.result as RangeResult).kvs[0];
      evictPod(ctx, s, key, f, kv ? decode(kv) : null);
      return;
    }
    case "evict-pdb":
      onEvictionBudgetWritten(ctx, s, key, f, resp.result as TxnResult);
      return;
    case "delete-read": {
      const kv = (resp.result as RangeResult).kvs[0];
      tryDelete(ctx, s, key, f, kv ? decode(kv) : null, true);
      return;
    }
    case "delete-mark":
    case "delete": {
      const res = resp.result as TxnResult;
      if (!res.succeeded) {
        tryDelete(ctx, s, key, f, txnCurrent(res), true);
        return;
      }
      if (step === "delete-mark")
        reply(ctx, s, key, 200, withKind(withResourceVersion(f.obj!, resp.header.revision), r.info));
      else if (f.parent !== undefined) reply(ctx, s, key, 200, withKind(f.obj!, r.info));
      else reply(ctx, s, key, 200, deletedResponse(r, f.obj!));
      return;
    }
  }
}
