/**
 * ObjectMeta validation: kubernetes `pkg/apis/core/validation` ValidateObjectMeta /
 * ValidateObjectMetaUpdate and apimachinery `pkg/api/validation/objectmeta.go`,
 * `pkg/apis/meta/v1/validation` ValidateLabels (v1.32).
 */
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { type FieldErrorList, FieldPath, forbidden, invalid, required, tooLong } from "../field-errors";
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from "./names";

/** A name validator: returns problems; `prefix` true when validating a generateName (a trailing dash is allowed). */
export type NameValidator = (name: string, prefix: boolean) => string[];

/** `MaskTrailingDash`: "abc-" -> "abc" for validating a generateName prefix. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith("-") ? `${name.slice(0, -2)}a` : name;
}

/** `NameIsDNSSubdomain`: most object names. */
export const nameIsDNSSubdomain: NameValidator = (name, prefix) =>
  isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
/** `NameIsDNSLabel`: namespaces, StatefulSets... */
export const nameIsDNSLabel: NameValidator = (name, prefix) =>
  isDNS1123Label(prefix ? maskTrailingDash(name) : name);
/** `NameIsDNS1035Label`: Services. */
export const nameIsDNS1035Label: NameValidator = (name, prefix) =>
  isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** `ValidatePathSegmentName`: names that only have to be usable in a URL path (RBAC objects...). */
export const nameIsPathSegment: NameValidator = (name, prefix) => {
  if (!prefix) {
    if (name === "." || name === "..") return [`may not be '${name}'`];
  }
  const errs: string[] = [];
  for (const illegal of ["/", "%"]) if (name.includes(illegal)) errs.push(`may not contain '${illegal}'`);
  return errs;
};

/** `TotalAnnotationSizeLimitB`: 256 KiB. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * (1 << 10);

/** `ValidateLabels`: every key a qualified name, every value a label value; errors name the map, not the key. */
export function validateLabels(labels: Record<string, string> | undefined, path: FieldPath): FieldErrorList {
  const errs: FieldErrorList = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const msg of isQualifiedName(k)) errs.push(invalid(path, k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(invalid(path, v, msg));
  }
  return errs;
}

/** `ValidateAnnotations`: keys are qualified names (checked lower-cased), total size at most 256 KiB. */
export function validateAnnotations(
  annotations: Record<string, string> | undefined,
  path: FieldPath,
): FieldErrorList {
  const errs: FieldErrorList = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    total += k.length + v.length;
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT_B));
  return errs;
}

/** `ValidateNonnegativeField`. */
export function validateNonnegative(value: unknown, path: FieldPath): FieldErrorList {
  return typeof value === "number" && value < 0
    ? [invalid(path, value, "must be greater than or equal to 0")]
    : [];
}

/** `ValidateObjectMeta` for create. */
export function validateObjectMeta(
  meta: ObjectMeta | undefined,
  namespaced: boolean,
  nameFn: NameValidator,
  path: FieldPath = FieldPath.root("metadata"),
): FieldErrorList {
  const m = meta ?? {};
  const errs: FieldErrorList = [];
  if (m.generateName) {
    for (const msg of nameFn(m.generateName, true))
      errs.push(invalid(path.child("generateName"), m.generateName, msg));
  }
  if (!m.name) errs.push(required(path.child("name"), "name or generateName is required"));
  else for (const msg of nameFn(m.name, false)) errs.push(invalid(path.child("name"), m.name, msg));
  if (namespaced) {
    if (!m.namespace) errs.push(required(path.child("namespace")));
    else
      for (const msg of nameIsDNSLabel(m.namespace, false))
        errs.push(invalid(path.child("namespace"), m.namespace, msg));
  } else if (m.namespace) {
    errs.push(forbidden(path.child("namespace"), "not allowed on this type"));
  }
  errs.push(...validateNonnegative(m.generation, path.child("generation")));
  errs.push(...validateLabels(m.labels, path.child("labels")));
  errs.push(...validateAnnotations(m.annotations, path.child("annotations")));
  errs.push(...validateOwnerReferences(m.ownerReferences, path.child("ownerReferences")));
  errs.push(...validateFinalizers(m.finalizers, path.child("finalizers")));
  return errs;
}

/** `ValidateOwnerReferences`: required parts, and at most one controller. */
function validateOwnerReferences(refs: ObjectMeta["ownerReferences"], path: FieldPath): FieldErrorList {
  const errs: FieldErrorList = [];
  let controllers: string[] = [];
  for (const ref of refs ?? []) {
    if (!ref.apiVersion)
      errs.push(invalid(path.child("apiVersion"), ref.apiVersion ?? "", "version must not be empty"));
    if (!ref.kind) errs.push(invalid(path.child("kind"), ref.kind ?? "", "kind must not be empty"));
    if (!ref.name) errs.push(invalid(path.child("name"), ref.name ?? "", "name must not be empty"));
    if (!ref.uid) errs.push(invalid(path.child("uid"), ref.uid ?? "", "uid must not be empty"));
    if (ref.controller) controllers = [...controllers, ref.name];
  }
  if (controllers.length > 1) {
    errs.push(
      invalid(
        path,
        refs,
        `Only one reference can have Controller set to true. Found "true" in references for ${controllers.join(" and ")}`,
      ),
    );
  }
  return errs;
}

/** `ValidateFinalizers`: qualified names, no duplicates (warnings for non-domain names are not errors). */
function validateFinalizers(finalizers: string[] | undefined, path: FieldPath): FieldErrorList {
  const errs: FieldErrorList = [];
  const seen = new Set<string>();
  for (const f of finalizers ?? []) {
    for (const msg of isQualifiedName(f)) errs.push(invalid(path, f, msg));
    if (seen.has(f))
      errs.push({ type: "FieldValueDuplicate", field: path.toString(), badValue: f, detail: "" });
    seen.add(f);
  }
  return errs;
}

const IMMUTABLE = "field is immutable";

/** `ValidateImmutableField`: compares JSON-equal. */
export function validateImmutable(
  newVal: unknown,
  oldVal: unknown,
  path: FieldPath,
  rendered?: unknown,
): FieldErrorList {
  return JSON.stringify(newVal ?? null) === JSON.stringify(oldVal ?? null)
    ? []
    : [invalid(path, rendered ?? newVal, IMMUTABLE)];
}

/** `ValidateObjectMetaUpdate`: name, namespace, uid, creationTimestamp, generateName... may not change. */
export function validateObjectMetaUpdate(
  newMeta: ObjectMeta | undefined,
  oldMeta: ObjectMeta | undefined,
  path: FieldPath = FieldPath.root("metadata"),
): FieldErrorList {
  const n = newMeta ?? {};
  const o = oldMeta ?? {};
  const errs: FieldErrorList = [];
  // Deletion timestamps may only be set, never changed or cleared by an update.
  if (o.deletionTimestamp && n.deletionTimestamp !== o.deletionTimestamp) {
    errs.push(invalid(path.child("deletionTimestamp"), n.deletionTimestamp ?? null, IMMUTABLE));
  }
  errs.push(...validateImmutable(n.name, o.name, path.child("name"), n.name ?? ""));
  errs.push(...validateImmutable(n.namespace, o.namespace, path.child("namespace"), n.namespace ?? ""));
  errs.push(...validateImmutable(n.uid, o.uid, path.child("uid"), n.uid ?? ""));
  errs.push(
    ...validateImmutable(
      n.creationTimestamp,
      o.creationTimestamp,
      path.child("creationTimestamp"),
      n.creationTimestamp ?? null,
    ),
  );
  errs.push(...validateNonnegative(n.generation, path.child("generation")));
  errs.push(...validateLabels(n.labels, path.child("labels")));
  errs.push(...validateAnnotations(n.annotations, path.child("annotations")));
  errs.push(...validateOwnerReferences(n.ownerReferences, path.child("ownerReferences")));
  errs.push(...validateFinalizers(n.finalizers, path.child("finalizers")));
  return errs;
}
