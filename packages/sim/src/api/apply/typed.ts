/**
 * Typed operations of structured-merge-diff (`typed` package: ToFieldSet, Compare, Merge,
 * RemoveItems) over plain JSON, with the element relationships of the built-in types:
 * scalars and atomic values are leaves; structs and maps are granular; lists are atomic,
 * sets, or associative (by their list-map keys). Relationships come from the v1.32 type
 * model and the `+listType`/`+listMapKey`/`+mapType`/`+structType` markers (and
 * patchStrategy/patchMergeKey where no listType is given), as the OpenAPI the apiserver
 * builds its SSA schema from. Unknown types (custom resources without a schema) are
 * deduced: objects are granular maps, lists atomic.
 */
import { FIELD_MERGE_INFO, type FieldMergeInfo } from "../patch/field-merge-info";
import { type FieldType, structTypes } from "../schema/type-model";
import type { JsonValue } from "../types";
import {
  emptyFieldSet,
  type FieldPathElements,
  type FieldSetNode,
  insertPath,
  type PathElement,
} from "./field-set";

/** How a value merges. */
export type Relation =
  | { kind: "leaf" }
  | { kind: "struct"; type: string }
  | { kind: "map"; values: Relation }
  | { kind: "deduced" }
  | { kind: "set" }
  | { kind: "assoc"; keys: readonly string[]; item: Relation };

const LEAF: Relation = { kind: "leaf" };
const DEDUCED: Relation = { kind: "deduced" };

type Obj = Record<string, JsonValue>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The relation of a value of type `t` held in a field with merge info `info`. */
export function relationOf(t: FieldType | undefined, info: FieldMergeInfo | undefined): Relation {
  if (!t) return DEDUCED;
  switch (t.kind) {
    case "struct": {
      if (info?.structType === "atomic" || FIELD_MERGE_INFO[t.type]?.["*"]?.structType === "atomic")
        return LEAF;
      return structTypes().has(t.type) ? { kind: "struct", type: t.type } : DEDUCED;
    }
    case "map":
      return info?.mapType === "atomic" ? LEAF : { kind: "map", values: relationOf(t.values, undefined) };
    case "array": {
      const listType = info?.listType;
      const merge = (info?.patchStrategy ?? "").split(",").includes("merge");
      if (listType === "atomic" || (!listType && !merge)) return LEAF;
      if (listType === "set" || (!listType && merge && !info?.patchMergeKey)) return { kind: "set" };
      const keys = info?.listMapKeys ?? (info?.patchMergeKey ? [info.patchMergeKey] : []);
      return { kind: "assoc", keys, item: relationOf(t.items, undefined) };
    }
    default:
      return LEAF;
  }
}

/** The relation of a struct's field. */
export function fieldRelation(structName: string, field: string): Relation {
  const st = structTypes().get(structName);
  const t = st?.fields.get(field);
  if (!t) return DEDUCED;
  return relationOf(t, FIELD_MERGE_INFO[structName]?.[field]);
}

/** The relation of a child (`field` of a struct or map, for deduced values: granular). */
function childRelation(rel: Relation, field: string): Relation {
  if (rel.kind === "struct") return fieldRelation(rel.type, field);
  if (rel.kind === "map") return rel.values;
  return DEDUCED;
}

/**
 * OpenAPI defaults of list-map key fields, which structured-merge-diff fills in when an item
 * leaves them out (`default: "TCP"` on ContainerPort and ServicePort protocol in k8s.io/api).
 */
const KEY_FIELD_DEFAULTS: Record<string, Obj> = {
  V1ContainerPort: { protocol: "TCP" },
  V1ServicePort: { protocol: "TCP" },
};

/** The path element of a list item (`k:` by its keys or `v:` for sets). */
export function listItemElement(rel: Relation, item: JsonValue, index: number): PathElement {
  if (rel.kind === "set") return { value: item };
  if (rel.kind === "assoc" && isObj(item)) {
    const defaults = rel.item.kind === "struct" ? KEY_FIELD_DEFAULTS[rel.item.type] : undefined;
    const key: Obj = {};
    for (const k of rel.keys) {
      const v = item[k] ?? defaults?.[k];
      if (v !== undefined) key[k] = v;
    }
    return { key };
  }
  return { index };
}

function peId(pe: PathElement): string {
  return JSON.stringify(pe);
}

const isGranular = (rel: Relation) => rel.kind === "struct" || rel.kind === "map" || rel.kind === "deduced";
const isList = (rel: Relation) => rel.kind === "set" || rel.kind === "assoc";

/**
 * `ToFieldSet`: scalars and atomic values are members; list items are members (and their
 * fields); map entries that are not declared struct fields, and empty or null values, are members.
 */
export function toFieldSet(value: JsonValue, rel: Relation): FieldSetNode {
  const set = emptyFieldSet();
  const walk = (v: JsonValue, r: Relation, path: FieldPathElements) => {
    if (r.kind === "leaf" || (r.kind === "deduced" && !isObj(v))) {
      insertPath(set, path);
      return;
    }
    if (isGranular(r) && isObj(v)) {
      for (const [k, cv] of Object.entries(v)) {
        const cr = childRelation(r, k);
        const cp = [...path, { field: k }];
        walk(cv, cr, cp);
        const declared = r.kind === "struct" && structTypes().get(r.type)?.fields.has(k);
        if (cv === null || (isObj(cv) && Object.keys(cv).length === 0) || !declared) insertPath(set, cp);
      }
      return;
    }
    if (isList(r) && Array.isArray(v)) {
      v.forEach((item, i) => {
        const cp = [...path, listItemElement(r, item, i)];
        if (r.kind === "assoc") walk(item, r.item, cp);
        insertPath(set, cp);
      });
      return;
    }
    insertPath(set, path);
  };
  if (isObj(value)) walk(value, rel, []);
  return set;
}

/** What changed between two versions of an object (`typed.Comparison`). */
export interface Comparison {
  added: FieldSetNode;
  modified: FieldSetNode;
  removed: FieldSetNode;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObj(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical(v[k]);
    return out;
  }
  return v;
}

/** `Compare`: the added, modified and removed fields between `lhs` (old) and `rhs` (new). */
export function compareValues(
  lhs: JsonValue | undefined,
  rhs: JsonValue | undefined,
  rel: Relation,
): Comparison {
  const c: Comparison = { added: emptyFieldSet(), modified: emptyFieldSet(), removed: emptyFieldSet() };
  const leaf = (l: JsonValue | undefined, r: JsonValue | undefined, path: FieldPathElements) => {
    if (l === undefined && r !== undefined) insertPath(c.added, path);
    else if (l !== undefined && r === undefined) insertPath(c.removed, path);
    else if (!jsonEqual(l, r)) insertPath(c.modified, path);
  };
  const walk = (
    l: JsonValue | undefined,
    r: JsonValue | undefined,
    rl: Relation,
    path: FieldPathElements,
  ) => {
    const emptyL = l === undefined || l === null || (isObj(l) && Object.keys(l).length === 0);
    const emptyR = r === undefined || r === null || (isObj(r) && Object.keys(r).length === 0);
    if (
      rl.kind === "leaf" ||
      (rl.kind === "deduced" && !isObj(l) && !isObj(r)) ||
      (isGranular(rl) && emptyL && emptyR)
    ) {
      leaf(l, r, path);
      return;
    }
    if (isGranular(rl)) {
      const lo = isObj(l) ? l : {};
      const ro = isObj(r) ? r : {};
      if (l !== undefined && r !== undefined && isObj(l) !== isObj(r)) insertPath(c.modified, path);
      for (const k of new Set([...Object.keys(lo), ...Object.keys(ro)])) {
        walk(lo[k], ro[k], childRelation(rl, k), [...path, { field: k }]);
      }
    } else if (isList(rl)) {
      const la = Array.isArray(l) ? l : [];
      const ra = Array.isArray(r) ? r : [];
      const lm = new Map(la.map((x, i) => [peId(listItemElement(rl, x, i)), x] as const));
      const rm = new Map(ra.map((x, i) => [peId(listItemElement(rl, x, i)), x] as const));
      const pes = new Map<string, PathElement>();
      for (const list of [la, ra]) {
        list.forEach((x, i) => {
          const pe = listItemElement(rl, x, i);
          pes.set(peId(pe), pe);
        });
      }
      for (const [id, pe] of pes) {
        const cp = [...path, pe];
        if (rl.kind === "assoc") walk(lm.get(id), rm.get(id), rl.item, cp);
        else leaf(lm.get(id), rm.get(id), cp);
      }
    }
    if (path.length > 0) {
      if (l === undefined && r !== undefined) insertPath(c.added, path);
      else if (l !== undefined && r === undefined) insertPath(c.removed, path);
    }
  };
  walk(lhs, rhs, rel, []);
  return c;
}

/** `Merge`: `rhs` (an applied configuration) over `lhs` (the live object), list orders interleaved as structured-merge-diff does. */
export function mergeValues(
  lhs: JsonValue | undefined,
  rhs: JsonValue | undefined,
  rel: Relation,
): JsonValue | undefined {
  if (rhs === undefined) return lhs;
  if (lhs === undefined) return structuredClone(rhs);
  if (isGranular(rel) && isObj(lhs) && isObj(rhs)) {
    const out: Obj = { ...lhs };
    for (const [k, v] of Object.entries(rhs)) {
      const merged = mergeValues(lhs[k], v, childRelation(rel, k));
      if (merged !== undefined) out[k] = merged;
    }
    return out;
  }
  if (isList(rel) && Array.isArray(lhs) && Array.isArray(rhs)) return mergeLists(lhs, rhs, rel);
  return structuredClone(rhs);
}

function mergeLists(lhs: JsonValue[], rhs: JsonValue[], rel: Relation): JsonValue[] {
  const lIds = lhs.map((x, i) => peId(listItemElement(rel, x, i)));
  const rIds = rhs.map((x, i) => peId(listItemElement(rel, x, i)));
  const lById = new Map(lIds.map((id, i) => [id, lhs[i]!] as const));
  const rById = new Map(rIds.map((id, i) => [id, rhs[i]!] as const));
  const itemRel = rel.kind === "assoc" ? rel.item : LEAF;
  const mergeItem = (id: string) =>
    rel.kind === "assoc"
      ? mergeValues(lById.get(id), rById.get(id), itemRel)!
      : (rById.get(id) ?? lById.get(id))!;
  const shared = rIds.filter((id) => lById.has(id));
  let nextShared = shared.shift();
  const done = new Set<string>();
  const out: JsonValue[] = [];
  let li = 0;
  let ri = 0;
  while (li < lIds.length || ri < rIds.length) {
    if (li < lIds.length && ri < rIds.length) {
      const lid = lIds[li]!;
      if (lid === rIds[ri]) {
        done.add(lid);
        out.push(mergeItem(lid));
        li++;
        ri++;
        if (nextShared === lid) nextShared = shared.shift();
        continue;
      }
      if (rById.has(lid) && nextShared !== undefined && nextShared !== lid) {
        li++;
        continue;
      }
    }
    if (li < lIds.length) {
      const lid = lIds[li]!;
      if (!rById.has(lid)) {
        out.push(lhs[li]!);
        li++;
        continue;
      }
      if (done.has(lid)) {
        li++;
        continue;
      }
    }
    if (ri < rIds.length) {
      const rid = rIds[ri]!;
      done.add(rid);
      out.push(mergeItem(rid));
      ri++;
      if (nextShared === rid) nextShared = shared.shift();
    } else {
      li++;
    }
  }
  return out;
}

/** Removes the value at a path (a field, a map entry or a list item). */
export function removePath(obj: JsonValue, path: FieldPathElements, rel: Relation): void {
  let cur: JsonValue | undefined = obj;
  let r = rel;
  for (let i = 0; i < path.length; i++) {
    const pe = path[i]!;
    const last = i === path.length - 1;
    if ("field" in pe) {
      if (!isObj(cur)) return;
      if (last) {
        delete cur[pe.field];
        return;
      }
      r = childRelation(r, pe.field);
      cur = cur[pe.field];
    } else {
      if (!Array.isArray(cur)) return;
      const arr: JsonValue[] = cur;
      const id = peId(pe);
      const idx = arr.findIndex((x, j) => peId(listItemElement(r, x, j)) === id);
      if (idx < 0) return;
      if (last) {
        arr.splice(idx, 1);
        return;
      }
      cur = arr[idx];
      r = r.kind === "assoc" ? r.item : LEAF;
    }
  }
}
