/**
 * Decoding and validating a custom resource with the schema of its CRD version: prune and
 * report unknown fields by `fieldValidation`, default, then validate (metadata as any object,
 * the body against the structural schema). Errors are returned like the built-in path:
 * a 400 for strict decoding errors, field errors for a 422.
 */
import type { CustomResourceDefinition } from "kubernetes-types/apiextensions/v1";
import type { FieldErrorList } from "../field-errors";
import type { FieldValidation } from "../schema/decode";
import { newBadRequest } from "../status";
import type { JsonValue, KubeObject, Status } from "../types";
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from "../validation/object-meta";
import {
  applyStructuralDefaults,
  type JSONSchemaProps,
  pruneUnknownFields,
  validateAgainstStructuralSchema,
} from "./structural-schema";

/** The schema of a served version of a CRD, if it has one. */
export function crdVersionSchema(
  crd: CustomResourceDefinition,
  version: string,
): JSONSchemaProps | undefined {
  return crd.spec.versions.find((v) => v.name === version)?.schema?.openAPIV3Schema as
    | JSONSchemaProps
    | undefined;
}

/** Result of decoding a custom resource body. */
export interface CustomResourceDecodeResult {
  object?: KubeObject;
  warnings: string[];
  status?: Status;
}

/** Prunes, reports unknown fields (Strict/Warn/Ignore) and defaults a custom resource. */
export function decodeCustomResource(
  body: KubeObject,
  schema: JSONSchemaProps | undefined,
  fieldValidation: FieldValidation = "Warn",
): CustomResourceDecodeResult {
  const obj = structuredClone(body) as unknown as JsonValue;
  if (!schema) return { object: obj as unknown as KubeObject, warnings: [] };
  const unknown = pruneUnknownFields(obj, schema);
  const problems =
    fieldValidation === "Ignore" ? [] : unknown.map((p) => `unknown field ${JSON.stringify(p)}`);
  if (fieldValidation === "Strict" && problems.length > 0) {
    const [, version] = String(body.apiVersion).split("/");
    return {
      warnings: [],
      status: newBadRequest(
        `${body.kind} in version ${JSON.stringify(version ?? "")} cannot be handled as a ${body.kind}: strict decoding error: ${problems.join(", ")}`,
      ),
    };
  }
  applyStructuralDefaults(obj, schema);
  return { object: obj as unknown as KubeObject, warnings: fieldValidation === "Warn" ? problems : [] };
}

/** Validates a custom resource for create (`namespaced` from the CRD scope). */
export function validateCustomResource(
  obj: KubeObject,
  schema: JSONSchemaProps | undefined,
  namespaced: boolean,
): FieldErrorList {
  const errs = validateObjectMeta(obj.metadata, namespaced, nameIsDNSSubdomain);
  if (schema) errs.push(...validateAgainstStructuralSchema(obj, schema));
  return errs;
}

/** Validates a custom resource update. */
export function validateCustomResourceUpdate(
  obj: KubeObject,
  old: KubeObject,
  schema: JSONSchemaProps | undefined,
): FieldErrorList {
  const errs = validateObjectMetaUpdate(obj.metadata, old.metadata);
  if (schema) errs.push(...validateAgainstStructuralSchema(obj, schema));
  return errs;
}
