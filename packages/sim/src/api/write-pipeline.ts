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

/** Decode, default and validate a body for create. */
export function prepareCreate(body: unknown, options: WriteOptions = {}): WriteResult {
  const decoded = decodeObject(body, { fieldValidation: options.fieldValidation, rawJson: options.rawJson });
  if (decoded.status || !decoded.object) return { warnings: decoded.warnings, status: decoded.status };
  const obj = applyDefaults(
    decoded.object === body ? structuredClone(decoded.object) : decoded.object,
  ) as KubeObject;
  const status = invalidStatus(obj, validateObject(obj, { namespaced: options.namespaced }));
  return status ? { warnings: decoded.warnings, status } : { object: obj, warnings: decoded.warnings };
}

/** Decode, default and validate a body replacing `old` (PUT, or the result of a patch). */
export function prepareUpdate(body: unknown, old: KubeObject, options: WriteOptions = {}): WriteResult {
  const decoded = decodeObject(body, { fieldValidation: options.fieldValidation, rawJson: options.rawJson });
  if (decoded.status || !decoded.object) return { warnings: decoded.warnings, status: decoded.status };
  const obj = applyDefaults(
    decoded.object === body ? structuredClone(decoded.object) : decoded.object,
  ) as KubeObject;
  const status = invalidStatus(obj, validateObjectUpdate(obj, old));
  return status ? { warnings: decoded.warnings, status } : { object: obj, warnings: decoded.warnings };
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
