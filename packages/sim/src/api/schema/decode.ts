/**
 * Decoding a request body into a built-in type, as the apiserver's JSON serializer does
 * (k8s.io/apimachinery `runtime/serializer/json`, sigs.k8s.io/json, apiserver
 * `endpoints/handlers/create.go` transformDecodeError), against the Go type model of
 * `type-model.ts`:
 * - a value of the wrong JSON type fails the whole request with 400 BadRequest:
 *   `Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal
 *   string into Go struct field DeploymentSpec.spec.replicas of type int32`;
 * - unknown and duplicate fields follow `fieldValidation`: Strict fails with
 *   `strict decoding error: unknown field "spec.foo", duplicate field "spec.paused"`,
 *   Warn (the default) returns them as warnings, Ignore drops them silently;
 * - unknown fields and nulls are pruned from the decoded object, as the Go struct drops them.
 */

import { QUANTITY_FORMAT_ERROR, tryParseQuantity } from "../quantity";
import { newBadRequest } from "../status";
import type { KubeObject, Status } from "../types";
import { scanJsonKeys } from "./json-keys";
import { type FieldType, goTypeName, rootStructType, type StructType, structTypes } from "./type-model";

/** The `fieldValidation` query parameter. */
export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** What decoding produced. */
export interface DecodeResult {
  /** The decoded object (a pruned copy when something was dropped). Absent when `status` is set. */
  object?: KubeObject;
  /** Warnings for the `Warning` response header (Warn mode): `unknown field "spec.foo"`. */
  warnings: string[];
  /** The 400 Status when the body cannot be decoded. */
  status?: Status;
}

/** Options of `decodeObject`. */
export interface DecodeOptions {
  /** Defaults to "Warn", the apiserver's default. */
  fieldValidation?: FieldValidation;
  /** The raw JSON body, to find duplicate fields (which JSON.parse hides). */
  rawJson?: string;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

interface Walk {
  firstError: string | null;
  unknown: string[];
}

/**
 * A path built lazily (decoding a valid object never renders one): `seg` is a field name,
 * or an index / map key when `index` is true.
 */
interface PathNode {
  parent: PathNode | null;
  seg: string;
  kind: "field" | "index" | "key";
}

/** The JSON path with indexes, as unknown-field reports print it ("spec.containers[0].foo"). */
function jsonPath(p: PathNode | null): string {
  if (p === null) return "";
  const parent = jsonPath(p.parent);
  if (p.kind === "index") return `${parent}[${p.seg}]`;
  return parent === "" ? p.seg : `${parent}.${p.seg}`;
}

/** The Go decoder's field path: JSON field names only, no indexes or map keys ("spec.containers.ports"). */
function goPath(p: PathNode | null): string {
  if (p === null) return "";
  const parent = goPath(p.parent);
  if (p.kind !== "field") return parent;
  return parent === "" ? p.seg : `${parent}.${p.seg}`;
}

function jsonKind(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "array";
  return "object";
}

function typeError(
  w: Walk,
  value: unknown,
  struct: string,
  path: PathNode | null,
  t: FieldType,
  numberLiteral = false,
): void {
  if (w.firstError !== null) return;
  const kind = numberLiteral ? `number ${String(value)}` : jsonKind(value);
  w.firstError = `json: cannot unmarshal ${kind} into Go struct field ${struct}.${goPath(path)} of type ${goTypeName(t)}`;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Decodes one value of type `t`. `struct` names the Go struct whose field is being filled
 * and `path` where it is (for error texts). Returns the pruned value (the same object when
 * nothing had to be dropped).
 */
function decodeValue(value: unknown, t: FieldType, struct: string, path: PathNode | null, w: Walk): unknown {
  switch (t.kind) {
    case "string":
      if (typeof value !== "string") typeError(w, value, struct, path, t);
      return value;
    case "bytes":
      if (typeof value !== "string") typeError(w, value, struct, path, t);
      else if (!BASE64.test(value) && w.firstError === null) {
        w.firstError = `illegal base64 data at input byte ${firstBadBase64Byte(value)}`;
      }
      return value;
    case "int32":
    case "int64":
      if (typeof value !== "number") typeError(w, value, struct, path, t);
      else if (!Number.isInteger(value) || (t.kind === "int32" && (value < INT32_MIN || value > INT32_MAX))) {
        typeError(w, value, struct, path, t, true);
      }
      return value;
    case "float64":
      if (typeof value !== "number") typeError(w, value, struct, path, t);
      return value;
    case "bool":
      if (typeof value !== "boolean") typeError(w, value, struct, path, t);
      return value;
    case "time":
      if (typeof value !== "string") {
        if (w.firstError === null)
          w.firstError = `json: cannot unmarshal ${jsonKind(value)} into Go value of type string`;
      } else if (!RFC3339.test(value) && w.firstError === null) {
        w.firstError = `parsing time ${JSON.stringify(value)} as "2006-01-02T15:04:05Z07:00": cannot parse ${JSON.stringify(value)} as "2006"`;
      }
      return value;
    case "intOrString":
      // IntOrString.UnmarshalJSON: a string, or else an int32.
      if (typeof value !== "string" && (typeof value !== "number" || !Number.isInteger(value))) {
        if (w.firstError === null) {
          const kind = typeof value === "number" ? `number ${value}` : jsonKind(value);
          w.firstError = `json: cannot unmarshal ${kind} into Go value of type int32`;
        }
      }
      return value;
    case "quantity":
      if ((typeof value !== "string" && typeof value !== "number") || !isQuantity(value)) {
        if (w.firstError === null) w.firstError = QUANTITY_FORMAT_ERROR;
      }
      return value;
    case "any":
      return value;
    case "array": {
      if (!Array.isArray(value)) {
        typeError(w, value, struct, path, t);
        return value;
      }
      let out: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        const d =
          item === null
            ? zeroValue(t.items)
            : decodeValue(item, t.items, struct, { parent: path, seg: String(i), kind: "index" }, w);
        if (d !== item) out ??= value.slice(0, i);
        if (out) out.push(d);
      }
      return out ?? value;
    }
    case "map": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        typeError(w, value, struct, path, t);
        return value;
      }
      // Scalar map values (labels, annotations, data) need no rebuilding: check them in place.
      let out: Record<string, unknown> | null = null;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const v = obj[k];
        const d =
          v === null
            ? zeroValue(t.values)
            : decodeValue(v, t.values, struct, { parent: path, seg: k, kind: "key" }, w);
        if (d !== v) {
          out ??= {};
          for (let j = 0; j < i; j++) out[keys[j]!] = obj[keys[j]!];
        }
        if (out) out[k] = d;
      }
      return out ?? value;
    }
    case "struct": {
      const st = structTypes().get(t.type);
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        typeError(w, value, struct, path, t);
        return value;
      }
      if (!st) return value;
      return decodeStruct(value as Record<string, unknown>, st, path, w);
    }
  }
}

/** What Go decodes a JSON null list item or map value into: the element type's zero value. */
function zeroValue(t: FieldType): unknown {
  switch (t.kind) {
    case "struct":
      return {};
    case "string":
    case "bytes":
      return "";
    case "int32":
    case "int64":
    case "float64":
      return 0;
    case "bool":
      return false;
    case "quantity":
      return "0";
    default:
      return null;
  }
}

const quantityCache = new Map<string, boolean>();
/** Parses quantities once per distinct string (a handful of values repeat across objects). */
function isQuantity(v: string | number): boolean {
  const s = String(v).trim();
  let ok = quantityCache.get(s);
  if (ok === undefined) {
    ok = tryParseQuantity(s) !== undefined;
    if (quantityCache.size > 10_000) quantityCache.clear();
    quantityCache.set(s, ok);
  }
  return ok;
}

function firstBadBase64Byte(s: string): number {
  for (let i = 0; i < s.length; i++) if (!/[A-Za-z0-9+/=]/.test(s[i]!)) return i;
  return s.length;
}

function decodeStruct(obj: Record<string, unknown>, st: StructType, path: PathNode | null, w: Walk): unknown {
  let out: Record<string, unknown> | null = null;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = obj[k];
    const ft = st.fields.get(k);
    let keep = true;
    let d = v;
    if (ft === undefined) {
      w.unknown.push(jsonPath({ parent: path, seg: k, kind: "field" }));
      keep = false;
    } else if (v === null) {
      keep = false;
    } else {
      d = decodeValue(v, ft, st.goName, { parent: path, seg: k, kind: "field" }, w);
    }
    if ((!keep || d !== v) && out === null) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = obj[keys[j]!];
    }
    if (out && keep) out[k] = d;
  }
  return out ?? obj;
}

/** Joins strict-decoding problems in document order: duplicates known fields and unknown fields. */
function strictProblems(unknown: string[], rawJson: string | undefined): string[] {
  if (rawJson === undefined) return unknown.map((p) => `unknown field ${JSON.stringify(p)}`);
  const unknownSet = new Set(unknown);
  const isUnderUnknown = (p: string) => {
    for (const u of unknownSet) if (p.startsWith(`${u}.`) || p.startsWith(`${u}[`)) return true;
    return false;
  };
  const out: string[] = [];
  const reported = new Set<string>();
  for (const occ of scanJsonKeys(rawJson)) {
    if (unknownSet.has(occ.path)) {
      // A field both unknown and duplicated is reported once, as unknown.
      if (!reported.has(occ.path)) out.push(`unknown field ${JSON.stringify(occ.path)}`);
      reported.add(occ.path);
    } else if (occ.duplicate && !isUnderUnknown(occ.path)) {
      out.push(`duplicate field ${JSON.stringify(occ.path)}`);
    }
  }
  return out;
}

/**
 * Decodes a body for the built-in kind it names (`apiVersion`/`kind` of the body). Kinds the
 * type model does not know are returned as they are.
 */
export function decodeObject(body: unknown, options: DecodeOptions = {}): DecodeResult {
  const validation = options.fieldValidation ?? "Warn";
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return {
      warnings: [],
      status: newBadRequest("the object provided is unrecognized (must be of type Object)"),
    };
  }
  const obj = body as Record<string, unknown>;
  // The universal deserializer reads apiVersion and kind first (apimachinery runtime/serializer/json).
  for (const field of ["apiVersion", "kind"] as const) {
    const v = obj[field];
    if (v !== undefined && v !== null && typeof v !== "string") {
      return {
        warnings: [],
        status: newBadRequest(
          `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(v)} into Go struct field .${field} of type string`,
        ),
      };
    }
  }
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const kind = typeof obj.kind === "string" ? obj.kind : "";
  if (kind === "") {
    return { warnings: [], status: newBadRequest(`Object 'Kind' is missing in '${summarize(body)}'`) };
  }
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const st = rootStructType(group, version, kind);
  if (!st) return { object: obj as KubeObject, warnings: [] };
  const w: Walk = { firstError: null, unknown: [] };
  const decoded = decodeStruct(obj, st, null, w) as KubeObject;
  const prefix = `${kind} in version ${JSON.stringify(version)} cannot be handled as a ${kind}: `;
  if (w.firstError !== null) return { warnings: [], status: newBadRequest(prefix + w.firstError) };
  const problems = validation === "Ignore" ? [] : strictProblems(w.unknown, options.rawJson);
  if (validation === "Strict" && problems.length > 0) {
    return { warnings: [], status: newBadRequest(`${prefix}strict decoding error: ${problems.join(", ")}`) };
  }
  return { object: decoded, warnings: validation === "Warn" ? problems : [] };
}

/** The body as the error quotes it (the apiserver shows the JSON it could not read). */
function summarize(body: unknown): string {
  const text = JSON.stringify(body) ?? "";
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** The JSON field names a built-in type has at a dotted path below its kind ("spec.template.spec"), for `kubectl explain`-like tools. */
export function knownFieldsAt(
  group: string,
  version: string,
  kind: string,
  path: string,
): string[] | undefined {
  let st = rootStructType(group, version, kind);
  if (!st) return undefined;
  for (const part of path === "" ? [] : path.split(".")) {
    let t = st.fields.get(part);
    while (t && (t.kind === "array" || t.kind === "map")) t = t.kind === "array" ? t.items : t.values;
    if (t?.kind !== "struct") return undefined;
    st = structTypes().get(t.type);
    if (!st) return undefined;
  }
  return [...st.fields.keys()];
}
