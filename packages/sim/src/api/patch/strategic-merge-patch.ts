/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), as apimachinery
 * `pkg/util/strategicpatch` (v1.32) applies it to built-in kinds:
 * - maps merge key by key, `null` deletes a key;
 * - lists with `patchStrategy: merge` merge: lists of objects by their `patchMergeKey`
 *   (items with `$patch: delete` are removed), lists of scalars as sets
 *   (`$deleteFromPrimitiveList/<field>` removes values); other lists are replaced;
 * - directives: `$patch: replace | delete | merge` on maps, `{$patch: replace}` in a merge
 *   list, `$retainKeys` on `retainKeys` fields (Deployment strategy, pod volumes), and
 *   `$setElementOrder/<field>` to order a merged list.
 * The merge keys and strategies come from `field-merge-info.ts`; field types from the
 * v1.32 type model. Custom resources have no such metadata: the apiserver refuses SMP for them.
 */

import { type FieldType, rootStructType, structTypes } from "../schema/type-model";
import { newBadRequest, newStorageError, newUnprocessableEntity } from "../status";
import type { JsonValue, Status } from "../types";
import { FIELD_MERGE_INFO, type FieldMergeInfo } from "./field-merge-info";

/** A string field of unstructured input, "" when it is anything else. */
const str = (v: unknown): string => (typeof v === "string" ? v : "");

/** A strategic merge patch that cannot be applied; `kind` decides the HTTP answer. */
export class StrategicMergePatchError extends Error {
  constructor(
    message: string,
    /** "bad-request" (400), "unprocessable" (422) or "internal" (500 with no reason, as upstream). */
    readonly kind: "bad-request" | "unprocessable" | "internal",
  ) {
    super(message);
    this.name = "StrategicMergePatchError";
  }
}

/** The Status the apiserver answers a failed strategic merge patch with (`interpretStrategicMergePatchError`). */
export function strategicMergePatchErrorStatus(e: StrategicMergePatchError): Status {
  if (e.kind === "bad-request") return newBadRequest(e.message);
  if (e.kind === "unprocessable") return newUnprocessableEntity(e.message);
  return newStorageError(e.message);
}

type Obj = Record<string, JsonValue>;

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const DELETE_FROM_PRIMITIVE = "$deleteFromPrimitiveList/";
const SET_ELEMENT_ORDER = "$setElementOrder/";

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The schema position: a struct type (by client model name) or nothing known. */
interface Schema {
  fields?: Map<string, FieldType>;
  merge?: Readonly<Record<string, FieldMergeInfo>>;
}

function schemaOf(typeName: string | undefined): Schema {
  if (!typeName) return {};
  const st = structTypes().get(typeName);
  return { fields: st?.fields, merge: FIELD_MERGE_INFO[typeName] };
}

function elementType(t: FieldType | undefined): FieldType | undefined {
  if (!t) return undefined;
  if (t.kind === "array") return t.items;
  if (t.kind === "map") return t.values;
  return t;
}

function structName(t: FieldType | undefined): string | undefined {
  const e = t && (t.kind === "array" || t.kind === "map") ? elementType(t) : t;
  return e?.kind === "struct" ? e.type : undefined;
}

/** Removes directive keys from a patch value that lands where nothing was (nothing to merge with). */
function stripDirectives(v: JsonValue, t: FieldType | undefined): JsonValue | undefined {
  if (isObj(v)) {
    if (v[DIRECTIVE] === "delete") return undefined;
    return mergeMap({}, v, t?.kind === "map" ? { valueType: t.values } : schemaOf(structName(t)));
  }
  if (Array.isArray(v)) {
    const items = v.filter((x) => !(isObj(x) && x[DIRECTIVE] !== undefined && Object.keys(x).length === 1));
    return items
      .filter((x) => !(isObj(x) && x[DIRECTIVE] === "delete"))
      .map((x) => (isObj(x) ? (stripDirectives(x, elementType(t)) as JsonValue) : x));
  }
  return v;
}

interface MapSchema extends Schema {
  /** For map[string]T fields: the value type. */
  valueType?: FieldType;
}

function mergeMap(original: Obj, patch: Obj, schema: MapSchema): Obj {
  const directive = patch[DIRECTIVE];
  let result: Obj = { ...original };
  const p: Obj = { ...patch };
  delete p[DIRECTIVE];
  if (directive === "replace") {
    return stripAll(p, schema);
  }
  if (directive !== undefined && directive !== "merge" && directive !== "delete") {
    throw new StrategicMergePatchError(`Unknown patch type: ${String(directive)}`, "bad-request");
  }
  // $retainKeys: drop original keys not listed (only the keys of a retainKeys field).
  if (RETAIN_KEYS in p) {
    const keep = p[RETAIN_KEYS];
    delete p[RETAIN_KEYS];
    if (!Array.isArray(keep) || !keep.every((k) => typeof k === "string")) {
      throw new StrategicMergePatchError("invalid patch format of retainKeys", "bad-request");
    }
    for (const k of Object.keys(p)) {
      if (!k.startsWith("$") && !keep.includes(k) && p[k] !== null) {
        throw new StrategicMergePatchError("patch content doesn't match retainKeys list", "unprocessable");
      }
    }
    for (const k of Object.keys(result)) if (!keep.includes(k)) delete result[k];
  }
  const orders: Record<string, JsonValue[]> = {};
  for (const k of Object.keys(p)) {
    if (k.startsWith(SET_ELEMENT_ORDER)) {
      const v = p[k];
      if (!Array.isArray(v))
        throw new StrategicMergePatchError("invalid patch format of setElementOrder list", "bad-request");
      orders[k.slice(SET_ELEMENT_ORDER.length)] = v;
      delete p[k];
    }
  }
  for (const k of Object.keys(p)) {
    if (k.startsWith(DELETE_FROM_PRIMITIVE)) {
      const field = k.slice(DELETE_FROM_PRIMITIVE.length);
      const remove = p[k];
      delete p[k];
      if (!Array.isArray(remove))
        throw new StrategicMergePatchError("invalid patch format of primitive list", "bad-request");
      const cur = result[field];
      if (Array.isArray(cur)) result[field] = cur.filter((x) => !remove.some((r) => r === x));
    }
  }
  for (const [k, pv] of Object.entries(p)) {
    if (k.startsWith("$"))
      throw new StrategicMergePatchError("strategic merge patch format is not supported", "bad-request");
    const ft = schema.valueType ?? schema.fields?.get(k);
    const info = schema.valueType ? undefined : schema.merge?.[k];
    if (pv === null) {
      delete result[k];
      continue;
    }
    const ov = result[k];
    if (isObj(pv) && pv[DIRECTIVE] === "delete" && Object.keys(pv).length === 1) {
      delete result[k];
      continue;
    }
    if (ov === undefined) {
      const merged = Array.isArray(pv) ? mergeList([], pv, ft, info, orders[k]) : stripDirectives(pv, ft);
      if (merged !== undefined) result[k] = merged;
      continue;
    }
    if (isObj(pv) && isObj(ov)) {
      if (info?.patchStrategy === "replace") result[k] = stripAll(pv, childSchema(ft));
      else result[k] = mergeMap(ov, pv, childSchema(ft));
    } else if (Array.isArray(pv) && Array.isArray(ov)) {
      result[k] = mergeList(ov, pv, ft, info, orders[k]);
    } else {
      result[k] = Array.isArray(pv)
        ? mergeList([], pv, ft, info, orders[k])
        : (stripDirectives(pv, ft) as JsonValue);
    }
  }
  // $setElementOrder for lists the patch did not otherwise touch still reorders them.
  for (const [k, order] of Object.entries(orders)) {
    if (!(k in p) && Array.isArray(result[k])) {
      const info = schema.merge?.[k];
      result[k] = applyOrder(result[k] as JsonValue[], order, info?.patchMergeKey, result[k] as JsonValue[]);
    }
  }
  if (directive === "delete") result = {};
  return result;
}

function childSchema(ft: FieldType | undefined): MapSchema {
  if (ft?.kind === "map") return { valueType: ft.values };
  return schemaOf(structName(ft));
}

function stripAll(p: Obj, schema: MapSchema): Obj {
  return mergeMap({}, p, schema);
}

function mergeKeyValue(item: JsonValue, key: string): JsonValue | undefined {
  return isObj(item) ? item[key] : undefined;
}

function mergeList(
  original: JsonValue[],
  patch: JsonValue[],
  ft: FieldType | undefined,
  info: FieldMergeInfo | undefined,
  order: JsonValue[] | undefined,
): JsonValue[] {
  const strategy = info?.patchStrategy ?? "";
  const itemType = elementType(ft);
  if (patch.some((x) => Array.isArray(x)))
    throw new StrategicMergePatchError("lists of lists are not supported", "unprocessable");
  if (!strategy.split(",").includes("merge")) {
    // Not a merge list: the patch replaces it (after its own directives are stripped).
    return patch.map((x) => (isObj(x) ? (stripDirectives(x, itemType) as JsonValue) : x));
  }
  // {$patch: replace} anywhere in the list: the list becomes the other patch items.
  if (patch.some((x) => isObj(x) && x[DIRECTIVE] === "replace")) {
    return patch
      .filter((x) => !(isObj(x) && x[DIRECTIVE] === "replace"))
      .map((x) => (isObj(x) ? (stripDirectives(x, itemType) as JsonValue) : x));
  }
  const key = info?.patchMergeKey;
  let result: JsonValue[];
  if (!key || itemType?.kind !== "struct") {
    // A set of scalars: union, original order first.
    result = [...original];
    for (const v of patch) if (!result.some((r) => r === v)) result.push(v);
  } else {
    result = [...original];
    for (const item of patch) {
      if (!isObj(item)) continue;
      const kv = item[key];
      if (kv === undefined) {
        throw new StrategicMergePatchError(
          `map: ${goMapString(item)} does not contain declared merge key: ${key}`,
          "internal",
        );
      }
      const idx = result.findIndex((r) => mergeKeyValue(r, key) === kv);
      if (item[DIRECTIVE] === "delete") {
        if (idx >= 0) result.splice(idx, 1);
        continue;
      }
      if (idx >= 0) result[idx] = mergeMap(result[idx] as Obj, item, schemaOf(itemType.type));
      else result.push(mergeMap({}, item, schemaOf(itemType.type)));
    }
  }
  return order ? applyOrder(result, order, key, original) : result;
}

/**
 * Orders a merged list by `$setElementOrder` as `normalizeElementOrder` does: the items the
 * order names, in that order; the server-only items in their live order; the two merged by
 * `mergeSortedSlice`, which puts a server-only item first when the live list had it before
 * the next named item.
 */
function applyOrder(
  list: JsonValue[],
  order: JsonValue[],
  key: string | undefined,
  serverOrder: JsonValue[],
): JsonValue[] {
  const id = (v: JsonValue) => JSON.stringify(key && isObj(v) ? v[key] : v);
  const orderIds = order.map(id);
  const serverIds = serverOrder.map(id);
  const right = list
    .filter((x) => orderIds.includes(id(x)))
    .sort((a, b) => orderIds.indexOf(id(a)) - orderIds.indexOf(id(b)));
  const left = list
    .filter((x) => !orderIds.includes(id(x)))
    .sort((a, b) => {
      const ia = serverIds.indexOf(id(a));
      const ib = serverIds.indexOf(id(b));
      return (ia < 0 ? Number.MAX_SAFE_INTEGER : ia) - (ib < 0 ? Number.MAX_SAFE_INTEGER : ib);
    });
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = serverIds.indexOf(id(left[i]!));
      const ri = serverIds.indexOf(id(right[j]!));
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

function goMapString(m: Obj): string {
  return `map[${Object.keys(m)
    .sort()
    .map((k) => `${k}:${typeof m[k] === "object" ? JSON.stringify(m[k]) : String(m[k])}`)
    .join(" ")}]`;
}

/** Applies a strategic merge patch to an object of the given client model type ("V1Deployment"). */
export function applyStrategicMergePatch(original: unknown, patch: unknown, typeName: string): JsonValue {
  if (!isObj(original) || !isObj(patch))
    throw new StrategicMergePatchError("invalid JSON document", "bad-request");
  return mergeMap(structuredClone(original), patch, schemaOf(typeName));
}

/**
 * Applies a strategic merge patch to a built-in object, finding its type from apiVersion/kind.
 * Returns undefined when the kind has no Go type (custom resources), which the apiserver
 * refuses with 415.
 */
export function applyStrategicMergePatchToObject(
  original: { apiVersion?: unknown; kind?: unknown },
  patch: unknown,
): JsonValue | undefined {
  const apiVersion = str(original.apiVersion);
  const slash = apiVersion.indexOf("/");
  const st = rootStructType(
    slash < 0 ? "" : apiVersion.slice(0, slash),
    slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
    str(original.kind),
  );
  if (!st) return undefined;
  return applyStrategicMergePatch(original, patch, st.name);
}
