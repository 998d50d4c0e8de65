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
  type PathElement,
  pathElementKey,
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

const relationCache = new Map<string, Map<string, Relation>>();

/** The relation of a struct's field (memoised: the schema never changes). */
export function fieldRelation(structName: string, field: string): Relation {
  let byField = relationCache.get(structName);
  if (byField === undefined) {
    byField = new Map();
    relationCache.set(structName, byField);
  }
  let rel = byField.get(field);
  if (rel === undefined) {
    const t = structTypes().get(structName)?.fields.get(field);
    rel = t ? relationOf(t, FIELD_MERGE_INFO[structName]?.[field]) : DEDUCED;
    byField.set(field, rel);
  }
  return rel;
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
  return pathElementKey(pe);
}

const isGranular = (rel: Relation) => rel.kind === "struct" || rel.kind === "map" || rel.kind === "deduced";
const isList = (rel: Relation) => rel.kind === "set" || rel.kind === "assoc";

/**
 * `ToFieldSet`: scalars and atomic values are members; list items are members (and their
 * fields); map entries that are not declared struct fields, and empty or null values, are members.
 */
export function toFieldSet(value: JsonValue, rel: Relation): FieldSetNode {
  const root = emptyFieldSet();
  const childNode = (parent: FieldSetNode, key: string): FieldSetNode => {
    let n = parent.children.get(key);
    if (!n) {
      n = emptyFieldSet();
      parent.children.set(key, n);
    }
    return n;
  };
  const walk = (v: JsonValue, r: Relation, node: FieldSetNode) => {
    if (r.kind === "leaf" || (r.kind === "deduced" && !isObj(v))) {
      node.self = true;
      return;
    }
    if (isGranular(r) && isObj(v)) {
      const fields = r.kind === "struct" ? structTypes().get(r.type)?.fields : undefined;
      for (const k of Object.keys(v)) {
        const cv = v[k]!;
        const cn = childNode(node, `f:${k}`);
        walk(cv, childRelation(r, k), cn);
        if (cv === null || (isObj(cv) && Object.keys(cv).length === 0) || !fields?.has(k)) cn.self = true;
      }
      return;
    }
    if (isList(r) && Array.isArray(v)) {
      v.forEach((item, i) => {
        const cn = childNode(node, pathElementKey(listItemElement(r, item, i)));
        if (r.kind === "assoc") walk(item, r.item, cn);
        cn.self = true;
      });
      return;
    }
    node.self = true;
  };
  if (isObj(value)) walk(value, rel, root);
  // Drop nodes that hold no member (fields with empty children were never created).
  return root;
}

/** What changed between two versions of an object (`typed.Comparison`). */
export interface Comparison {
  added: FieldSetNode;
  modified: FieldSetNode;
  removed: FieldSetNode;
}

/** Deep JSON equality (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k) || !jsonEqual((a as Obj)[k], (b as Obj)[k])) return false;
  }
  return true;
}

/** A position in the three result trees; nodes are created only when something is recorded below. */
interface Cursor {
  parent: Cursor | null;
  key: string;
  nodes: [FieldSetNode | undefined, FieldSetNode | undefined, FieldSetNode | undefined];
}

function nodeOf(c: Cursor, which: 0 | 1 | 2): FieldSetNode {
  let n = c.nodes[which];
  if (n === undefined) {
    const parent = nodeOf(c.parent!, which);
    n = parent.children.get(c.key);
    if (n === undefined) {
      n = emptyFieldSet();
      parent.children.set(c.key, n);
    }
    c.nodes[which] = n;
  }
  return n;
}

const ADDED = 0;
const MODIFIED = 1;
const REMOVED = 2;

function mark(c: Cursor, which: 0 | 1 | 2): void {
  nodeOf(c, which).self = true;
}

function descend(c: Cursor, key: string): Cursor {
  return { parent: c, key, nodes: [undefined, undefined, undefined] };
}

function isEmptyValue(v: JsonValue | undefined): boolean {
  return v === undefined || v === null || (isObj(v) && Object.keys(v).length === 0);
}

/** Compares a leaf; the cursor for it is only made when something is recorded. */
function compareLeaf(
  l: JsonValue | undefined,
  r: JsonValue | undefined,
  parent: Cursor,
  key: string | null,
): void {
  let which: 0 | 1 | 2;
  if (l === undefined) {
    if (r === undefined) return;
    which = ADDED;
  } else if (r === undefined) which = REMOVED;
  else if (l === r || jsonEqual(l, r)) return;
  else which = MODIFIED;
  mark(key === null ? parent : descend(parent, key), which);
}

function compareWalk(
  l: JsonValue | undefined,
  r: JsonValue | undefined,
  rel: Relation,
  parent: Cursor,
  key: string | null,
): void {
  // Unchanged subtrees shared between the two versions cost nothing.
  if (l === r && l !== undefined) return;
  if (
    rel.kind === "leaf" ||
    (rel.kind === "deduced" && !isObj(l) && !isObj(r)) ||
    (isGranular(rel) && isEmptyValue(l) && isEmptyValue(r))
  ) {
    compareLeaf(l, r, parent, key);
    return;
  }
  const c = key === null ? parent : descend(parent, key);
  const isRoot = key === null;
  if (isGranular(rel)) {
    const lo = isObj(l) ? l : undefined;
    const ro = isObj(r) ? r : undefined;
    if (l !== undefined && r !== undefined && isObj(l) !== isObj(r)) mark(c, MODIFIED);
    if (lo) {
      for (const k of Object.keys(lo)) compareWalk(lo[k], ro?.[k], childRelation(rel, k), c, `f:${k}`);
    }
    if (ro) {
      for (const k of Object.keys(ro)) {
        if (lo && Object.hasOwn(lo, k)) continue;
        compareWalk(undefined, ro[k], childRelation(rel, k), c, `f:${k}`);
      }
    }
  } else if (isList(rel)) {
    const la = Array.isArray(l) ? l : [];
    const ra = Array.isArray(r) ? r : [];
    const lm = new Map<string, JsonValue>();
    la.forEach((x, i) => {
      lm.set(pathElementKey(listItemElement(rel, x, i)), x);
    });
    const seen = new Set<string>();
    const itemRel = rel.kind === "assoc" ? rel.item : LEAF;
    ra.forEach((x, i) => {
      const k = pathElementKey(listItemElement(rel, x, i));
      seen.add(k);
      const lx = lm.get(k);
      if (rel.kind === "assoc") compareWalk(lx, x, itemRel, c, k);
      else compareLeaf(lx, x, c, k);
    });
    for (const [k, lx] of lm) {
      if (seen.has(k)) continue;
      if (rel.kind === "assoc") compareWalk(lx, undefined, itemRel, c, k);
      else compareLeaf(lx, undefined, c, k);
    }
  }
  if (!isRoot) {
    if (l === undefined && r !== undefined) mark(c, ADDED);
    else if (l !== undefined && r === undefined) mark(c, REMOVED);
  }
}

/** `Compare`: the added, modified and removed fields between `lhs` (old) and `rhs` (new). */
export function compareValues(
  lhs: JsonValue | undefined,
  rhs: JsonValue | undefined,
  rel: Relation,
): Comparison {
  const result: Comparison = { added: emptyFieldSet(), modified: emptyFieldSet(), removed: emptyFieldSet() };
  const root: Cursor = { parent: null, key: "", nodes: [result.added, result.modified, result.removed] };
  compareWalk(lhs, rhs, rel, root, null);
  return result;
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
