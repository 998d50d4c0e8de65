/**
 * The order in which the apiserver turns a request body into an object to store, for built-in
 * kinds (apiserver `endpoints/handlers/create.go`, `update.go`; registry `Store.Create/Update`):
 * decode (type errors, unknown/duplicate fields by `fieldValidation`) -> default -> validate
 * (422 Invalid). Admission, name generation, uid/resourceVersion/generation and managedFields
 * belong to the apiserver and happen around this.
 */

import type { FieldPathElements } from "./apply/field-set";
import { applyDefaults } from "./defaults";
import { decodeObject, type FieldValidation } from "./schema/decode";
import type { KubeObject, Status } from "./types";
import { invalidStatus, validateObject, validateObjectUpdate } from "./validation/validate-object";

/** Options of a write. */
export interface WriteOptions {
  fieldValidation?: FieldValidation;
  /** The raw JSON body, to report duplicate fields. */
  rawJson?: string;
  /** Overrides the registry's scope (custom resources). */
  namespaced?: boolean;
}

/** The object to store, with the warnings to return; or the Status to answer with. */
export interface WriteResult {
  object?: KubeObject;
  warnings: string[];
  status?: Status;
}

/**
 * The first stage of a write: decode (type errors and `fieldValidation`) and default. The
 * apiserver runs admission, name generation and the strategy's PrepareForCreate/Update between
 * this and `validateCreate` / `validateUpdate`.
 */
export function decodeForWrite(body: unknown, options: WriteOptions = {}): WriteResult {
  const decoded = decodeObject(body, { fieldValidation: options.fieldValidation, rawJson: options.rawJson });
  if (decoded.status || !decoded.object) return { warnings: decoded.warnings, status: decoded.status };
  // A pruned decode shares untouched subtrees with the body: default a private copy.
  const obj = applyDefaults(cloneJson(decoded.object)) as KubeObject;
  return { object: obj, warnings: decoded.warnings };
}

/** A deep copy of JSON data (faster than structuredClone for plain objects). */
function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const out: Record<string, unknown> = {};
  for (const k in value as Record<string, unknown>) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = cloneJson(v);
  }
  return out as T;
}

/** The strategy's Validate for create: the 422 Invalid Status, or undefined when valid. */
export function validateCreate(obj: KubeObject, options: WriteOptions = {}): Status | undefined {
  return invalidStatus(obj, validateObject(obj, { namespaced: options.namespaced }));
}

/** The strategy's ValidateUpdate (`obj` replacing `old`): the 422 Invalid Status, or undefined. */
export function validateUpdate(obj: KubeObject, old: KubeObject): Status | undefined {
  return invalidStatus(obj, validateObjectUpdate(obj, old));
}

/** Decode, default and validate a body for create. */
export function prepareCreate(body: unknown, options: WriteOptions = {}): WriteResult {
  const r = decodeForWrite(body, options);
  if (!r.object) return r;
  const status = validateCreate(r.object, options);
  return status ? { warnings: r.warnings, status } : r;
}

/** Decode, default and validate a body replacing `old` (PUT, or the result of a patch). */
export function prepareUpdate(body: unknown, old: KubeObject, options: WriteOptions = {}): WriteResult {
  const r = decodeForWrite(body, options);
  if (!r.object) return r;
  const status = validateUpdate(r.object, old);
  return status ? { warnings: r.warnings, status } : r;
}

/** Kinds whose registry resets `status` on main-resource writes (every built-in kind with a status field does). */
const NO_STATUS = new Set([
  "ConfigMap",
  "Secret",
  "ServiceAccount",
  "Endpoints",
  "EndpointSlice",
  "Event",
  "LimitRange",
  "PodTemplate",
  "Role",
  "ClusterRole",
  "RoleBinding",
  "ClusterRoleBinding",
  "PriorityClass",
  "StorageClass",
  "Lease",
  "ControllerRevision",
  "IngressClass",
  "RuntimeClass",
  "CSIDriver",
  "CSINode",
]);

/**
 * The fields a strategy resets for an endpoint (`GetResetFields`), which no manager may own
 * there: `status` for writes to the main resource, `spec` and `metadata` for the status
 * subresource (an approximation: some strategies reset only parts of metadata).
 */
export function resetFieldsFor(kind: string, subresource?: string): FieldPathElements[] {
  if (subresource === "status") return [[{ field: "spec" }], [{ field: "metadata" }]];
  if (subresource) return [];
  return NO_STATUS.has(kind) ? [] : [[{ field: "status" }]];
}
