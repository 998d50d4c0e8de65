/**
 * Structural validation of built-in kinds against the official OpenAPI schemas, compiled into
 * validate functions by the `kubernetes-models` package (4.5.1: the Kubernetes OpenAPI
 * definitions with their enums, pre-compiled by ajv). What the schema says becomes field
 * errors with the apiserver's wording:
 * - a missing `required` property -> `spec.selector: Required value`;
 * - a value outside an enum -> `spec.strategy.type: Unsupported value: "Foo": supported values: "Recreate", "RollingUpdate"`.
 * Type mismatches are the decoder's job (`decode.ts`, a 400 as in the real apiserver), so they
 * are not reported here. Validators are compiled once by the package; a call costs microseconds.
 */
import * as admissionregistrationV1 from "kubernetes-models/admissionregistration.k8s.io/v1";
import * as apiextensionsV1 from "kubernetes-models/apiextensions.k8s.io/v1";
import * as appsV1 from "kubernetes-models/apps/v1";
import * as autoscalingV1 from "kubernetes-models/autoscaling/v1";
import * as autoscalingV2 from "kubernetes-models/autoscaling/v2";
import * as batchV1 from "kubernetes-models/batch/v1";
import * as certificatesV1 from "kubernetes-models/certificates.k8s.io/v1";
import * as coordinationV1 from "kubernetes-models/coordination.k8s.io/v1";
import * as discoveryV1 from "kubernetes-models/discovery.k8s.io/v1";
import * as eventsV1 from "kubernetes-models/events.k8s.io/v1";
import * as networkingV1 from "kubernetes-models/networking.k8s.io/v1";
import * as nodeV1 from "kubernetes-models/node.k8s.io/v1";
import * as policyV1 from "kubernetes-models/policy/v1";
import * as rbacV1 from "kubernetes-models/rbac.authorization.k8s.io/v1";
import * as schedulingV1 from "kubernetes-models/scheduling.k8s.io/v1";
import * as storageV1 from "kubernetes-models/storage.k8s.io/v1";
import * as coreV1 from "kubernetes-models/v1";
import { type FieldError, type FieldErrorList, FieldPath, notSupported, required } from "../field-errors";

/** One ajv error as the compiled validators report it. */
interface AjvError {
  instancePath: string;
  keyword: string;
  params: { missingProperty?: string; allowedValues?: unknown[] };
}

type ValidateFn = (this: unknown) => void;

const GROUP_MODULES: Record<string, Record<string, unknown>> = {
  v1: coreV1,
  "apps/v1": appsV1,
  "batch/v1": batchV1,
  "autoscaling/v1": autoscalingV1,
  "autoscaling/v2": autoscalingV2,
  "coordination.k8s.io/v1": coordinationV1,
  "discovery.k8s.io/v1": discoveryV1,
  "events.k8s.io/v1": eventsV1,
  "networking.k8s.io/v1": networkingV1,
  "node.k8s.io/v1": nodeV1,
  "policy/v1": policyV1,
  "rbac.authorization.k8s.io/v1": rbacV1,
  "scheduling.k8s.io/v1": schedulingV1,
  "storage.k8s.io/v1": storageV1,
  "apiextensions.k8s.io/v1": apiextensionsV1,
  "admissionregistration.k8s.io/v1": admissionregistrationV1,
  "certificates.k8s.io/v1": certificatesV1,
};

const validators = new Map<string, ValidateFn | null>();

function validatorFor(apiVersion: string, kind: string): ValidateFn | null {
  const key = `${apiVersion}/${kind}`;
  let v = validators.get(key);
  if (v === undefined) {
    const mod = GROUP_MODULES[apiVersion];
    const cls = mod?.[kind] as { prototype?: { validate?: ValidateFn }; apiVersion?: string } | undefined;
    v =
      cls?.apiVersion === apiVersion && typeof cls.prototype?.validate === "function"
        ? cls.prototype.validate
        : null;
    validators.set(key, v);
  }
  return v;
}

/** True when the official schema of this kind is available. */
export function hasSchema(apiVersion: string, kind: string): boolean {
  return validatorFor(apiVersion, kind) !== null;
}

/** True when some field below holds null (checked without allocating). */
function hasNull(v: unknown): boolean {
  if (v === null) return true;
  if (typeof v !== "object") return false;
  if (Array.isArray(v)) {
    for (const x of v) if (hasNull(x)) return true;
    return false;
  }
  for (const k in v as Record<string, unknown>) if (hasNull((v as Record<string, unknown>)[k])) return true;
  return false;
}

/** A copy without null-valued fields, copying only the objects on the way to a null (usually none). */
function withoutNulls<T>(v: T): T {
  if (typeof v !== "object" || v === null || !hasNull(v)) return v;
  if (Array.isArray(v)) return v.map((x) => (x === null ? x : withoutNulls(x))) as T;
  const out: Record<string, unknown> = {};
  for (const k in v as Record<string, unknown>) {
    const c = (v as Record<string, unknown>)[k];
    if (c !== null) out[k] = withoutNulls(c);
  }
  return out as T;
}

/** Turns an ajv instance path ("/spec/template/spec/containers/0") into a field path. */
function toFieldPath(instancePath: string): FieldPath | null {
  const parts = instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  let path: FieldPath | null = null;
  for (const p of parts) {
    if (path === null) path = FieldPath.root(p);
    else if (/^\d+$/.test(p)) path = path.index(Number(p));
    else path = path.child(p);
  }
  return path;
}

function readAt(obj: unknown, instancePath: string): unknown {
  let cur = obj;
  for (const p of instancePath.split("/").slice(1)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[p.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return cur;
}

/**
 * Validates an object against its kind's OpenAPI schema; returns `Required value` and
 * `Unsupported value` field errors (empty when valid or when no schema is known).
 */
export function validateAgainstSchema(value: unknown): FieldErrorList {
  if (typeof value !== "object" || value === null) return [];
  const obj = value as { apiVersion?: unknown; kind?: unknown };
  if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") return [];
  const fn = validatorFor(obj.apiVersion, obj.kind);
  if (fn === null) return [];
  try {
    // Nulls (a template's `creationTimestamp: null`) are what Go omits; the schema does not allow them.
    fn.call(withoutNulls(obj));
    return [];
  } catch (e) {
    const errors = (e as { errors?: AjvError[] }).errors ?? [];
    const out: FieldError[] = [];
    for (const err of errors) {
      if (err.keyword === "required" && err.params.missingProperty) {
        const parent = toFieldPath(err.instancePath);
        const p = parent
          ? parent.child(err.params.missingProperty)
          : FieldPath.root(err.params.missingProperty);
        out.push(required(p));
      } else if (err.keyword === "enum" && err.params.allowedValues) {
        const p = toFieldPath(err.instancePath);
        if (p) out.push(notSupported(p, readAt(obj, err.instancePath), err.params.allowedValues.map(String)));
      }
    }
    return out;
  }
}
