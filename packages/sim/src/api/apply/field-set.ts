/**
 * Field sets as structured-merge-diff (sigs.k8s.io/structured-merge-diff/v4 `fieldpath`)
 * keeps them: a tree of path elements where a node may itself be a member. The tree is
 * serialised in the `fieldsV1` format of managedFields: `f:<field>`, `k:<key json>` for
 * items of associative lists, `v:<value json>` for set items, `i:<index>`, and `.` when a
 * node with children is itself a member.
 */
import type { JsonValue } from "../types";

/** One step of a path. */
export type PathElement =
  | { field: string }
  | { key: Record<string, JsonValue> }
  | { value: JsonValue }
  | { index: number };

/** A field path: a list of path elements from the object root. */
export type FieldPathElements = PathElement[];

/** A node of the set: `self` when the path to it is a member; children by fieldsV1 key. */
export interface FieldSetNode {
  self: boolean;
  children: Map<string, FieldSetNode>;
}

/** A new empty set. */
export function emptyFieldSet(): FieldSetNode {
  return { self: false, children: new Map() };
}

function sortedKeyJson(key: Record<string, JsonValue>): string {
  const sorted: Record<string, JsonValue> = {};
  for (const k of Object.keys(key).sort()) sorted[k] = key[k]!;
  return JSON.stringify(sorted);
}

/** The fieldsV1 key of a path element ("f:spec", `k:{"name":"web"}`, `v:"a"`, "i:0"). */
export function pathElementKey(pe: PathElement): string {
  if ("field" in pe) return `f:${pe.field}`;
  if ("key" in pe) return `k:${sortedKeyJson(pe.key)}`;
  if ("value" in pe) return `v:${JSON.stringify(pe.value)}`;
  return `i:${pe.index}`;
}

/** Parses a fieldsV1 key back into a path element. */
export function parsePathElementKey(key: string): PathElement {
  const body = key.slice(2);
  switch (key.slice(0, 2)) {
    case "f:":
      return { field: body };
    case "k:":
      return { key: JSON.parse(body) as Record<string, JsonValue> };
    case "v:":
      return { value: JSON.parse(body) as JsonValue };
    case "i:":
      return { index: Number(body) };
    default:
      throw new Error(`unknown path element: ${key}`);
  }
}

function valueString(v: JsonValue): string {
  return JSON.stringify(v);
}

/** `PathElement.String()`: ".spec", `[name="web"]`, `[="a"]`, "[0]". */
export function pathElementString(pe: PathElement): string {
  if ("field" in pe) return `.${pe.field}`;
  if ("key" in pe) {
    return `[${Object.keys(pe.key)
      .sort()
      .map((k) => `${k}=${valueString(pe.key[k]!)}`)
      .join(",")}]`;
  }
  if ("value" in pe) return `[=${valueString(pe.value)}]`;
  return `[${pe.index}]`;
}

/** `Path.String()`: ".spec.template.spec.containers[name="web"].image". */
export function pathString(path: FieldPathElements): string {
  return path.map(pathElementString).join("");
}

/** Adds a path to the set. */
export function insertPath(set: FieldSetNode, path: FieldPathElements): void {
  let node = set;
  for (const pe of path) {
    const k = pathElementKey(pe);
    let child = node.children.get(k);
    if (!child) {
      child = emptyFieldSet();
      node.children.set(k, child);
    }
    node = child;
  }
  node.self = true;
}

/** True when the path is a member of the set. */
export function hasPath(set: FieldSetNode, path: FieldPathElements): boolean {
  let node: FieldSetNode | undefined = set;
  for (const pe of path) {
    node = node.children.get(pathElementKey(pe));
    if (!node) return false;
  }
  return node.self;
}

/** The node at a path, if any. */
export function nodeAt(set: FieldSetNode, path: FieldPathElements): FieldSetNode | undefined {
  let node: FieldSetNode | undefined = set;
  for (const pe of path) {
    node = node?.children.get(pathElementKey(pe));
    if (!node) return undefined;
  }
  return node;
}

/** True when the set has no member. */
export function isEmptySet(set: FieldSetNode): boolean {
  if (set.self) return false;
  for (const c of set.children.values()) if (!isEmptySet(c)) return false;
  return true;
}

/** Set union. */
export function unionSets(a: FieldSetNode, b: FieldSetNode): FieldSetNode {
  return unionNodes(a, b) ?? emptyFieldSet();
}

function unionNodes(a: FieldSetNode, b: FieldSetNode): FieldSetNode | null {
  const children = new Map<string, FieldSetNode>();
  // When `b` adds nothing, the result is `a` itself: an unchanged set keeps its identity (and its encoding).
  let same = a.self || !b.self;
  for (const [k, ca] of a.children) {
    const cb = b.children.get(k);
    const c = cb ? unionNodes(ca, cb) : nonEmptyCopy(ca);
    if (c !== ca) same = false;
    if (c) children.set(k, c);
  }
  for (const [k, cb] of b.children) {
    if (a.children.has(k)) continue;
    const c = nonEmptyCopy(cb);
    if (c) {
      children.set(k, c);
      same = false;
    }
  }
  if (same) return nonEmptyCopy(a);
  const self = a.self || b.self;
  return self || children.size > 0 ? { self, children } : null;
}

/** Set intersection. */
export function intersectSets(a: FieldSetNode, b: FieldSetNode): FieldSetNode {
  return intersectNodes(a, b) ?? emptyFieldSet();
}

function intersectNodes(a: FieldSetNode, b: FieldSetNode): FieldSetNode | null {
  const children = new Map<string, FieldSetNode>();
  const [small, large] = a.children.size <= b.children.size ? [a, b] : [b, a];
  for (const [k, cs] of small.children) {
    const cl = large.children.get(k);
    if (!cl) continue;
    const c = intersectNodes(cs, cl);
    if (c) children.set(k, c);
  }
  const self = a.self && b.self;
  return self || children.size > 0 ? { self, children } : null;
}

/** Set difference (members of `a` not in `b`). */
export function subtractSets(a: FieldSetNode, b: FieldSetNode): FieldSetNode {
  return subtractNodes(a, b, false) ?? emptyFieldSet();
}

/** `RecursiveDifference`: removes `b`'s members and everything below them. */
export function subtractRecursive(a: FieldSetNode, b: FieldSetNode): FieldSetNode {
  return subtractNodes(a, b, true) ?? emptyFieldSet();
}

function subtractNodes(a: FieldSetNode, b: FieldSetNode, recursive: boolean): FieldSetNode | null {
  const children = new Map<string, FieldSetNode>();
  // When nothing of `a` is removed, the result is `a` itself (see unionNodes).
  let same = !(a.self && b.self);
  for (const [k, ca] of a.children) {
    const cb = b.children.get(k);
    if (recursive && cb?.self) {
      same = false;
      continue;
    }
    const c = cb ? subtractNodes(ca, cb, recursive) : nonEmptyCopy(ca);
    if (c !== ca) same = false;
    if (c) children.set(k, c);
  }
  if (same) return nonEmptyCopy(a);
  const self = a.self && !b.self;
  return self || children.size > 0 ? { self, children } : null;
}

/**
 * The node itself when it holds a member, else null. Sets are never modified once built
 * (every operation returns new nodes), so results share untouched subtrees; and no
 * operation leaves empty nodes behind, so a node with children holds a member.
 */
function nonEmptyCopy(n: FieldSetNode): FieldSetNode | null {
  return n.self || n.children.size > 0 ? n : null;
}

/** A deep copy. */
export function cloneSet(s: FieldSetNode): FieldSetNode {
  return { self: s.self, children: new Map([...s.children].map(([k, c]) => [k, cloneSet(c)])) };
}

/**
 * Keys in byte order ("f:" < "i:" < "k:" < "v:"), the order clients print fieldsV1 in: Go
 * re-encodes the decoded maps with sorted keys.
 */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every member path in structured-merge-diff's iteration order: at each node, the members
 * among its children first (sorted), then the children's subtrees (sorted).
 */
export function setPaths(set: FieldSetNode): FieldPathElements[] {
  const out: FieldPathElements[] = [];
  const walk = (node: FieldSetNode, prefix: FieldPathElements) => {
    const keys = [...node.children.keys()].sort(compareKeys);
    for (const k of keys) if (node.children.get(k)!.self) out.push([...prefix, parsePathElementKey(k)]);
    for (const k of keys) {
      const c = node.children.get(k)!;
      if (c.children.size > 0) walk(c, [...prefix, parsePathElementKey(k)]);
    }
  };
  walk(set, []);
  return out;
}

/**
 * Decoded sets and their JSON, by identity: objects in the store are immutable snapshots, so a
 * manager's fieldsV1 is decoded once and re-encoded only when its set changes.
 */
const decodedSets = new WeakMap<object, FieldSetNode>();
const encodedSets = new WeakMap<FieldSetNode, Record<string, JsonValue>>();

/** Serialises to the `fieldsV1` JSON object (keys sorted as the apiserver writes them). */
export function toFieldsV1(set: FieldSetNode): Record<string, JsonValue> {
  let out = encodedSets.get(set);
  if (!out) {
    // A set that did not change keeps its identity through the set operations: encoded once.
    out = encodeNode(set);
    encodedSets.set(set, out);
  }
  return out;
}

/**
 * The `{}` of every leaf (and of every "."), shared: most of a set's nodes are leaves, and
 * stored objects are immutable. Frozen, so that code modifying it fails loudly.
 */
const LEAF: Record<string, JsonValue> = Object.freeze({}) as Record<string, JsonValue>;

function encodeNode(set: FieldSetNode): Record<string, JsonValue> {
  if (set.children.size === 0) return LEAF;
  const out: Record<string, JsonValue> = {};
  const keys = [...set.children.keys()].sort(compareKeys);
  if (set.self) out["."] = LEAF;
  for (const k of keys) out[k] = encodeNode(set.children.get(k)!);
  return out;
}

/** Parses a `fieldsV1` object (memoised by identity; the result must not be modified). */
export function fromFieldsV1(fields: unknown): FieldSetNode {
  if (typeof fields === "object" && fields !== null) {
    const cached = decodedSets.get(fields);
    if (cached) return cached;
    const set = parseFieldsV1(fields);
    decodedSets.set(fields, set);
    encodedSets.set(set, fields as Record<string, JsonValue>);
    return set;
  }
  return parseFieldsV1(fields);
}

function parseFieldsV1(fields: unknown): FieldSetNode {
  const walk = (obj: Record<string, unknown>, isRoot: boolean): FieldSetNode => {
    const node = emptyFieldSet();
    const entries = Object.entries(obj);
    if (!isRoot && entries.length === 0) node.self = true;
    for (const [k, v] of entries) {
      if (k === ".") node.self = true;
      else node.children.set(k, walk((v ?? {}) as Record<string, unknown>, false));
    }
    return node;
  };
  return walk((fields ?? {}) as Record<string, unknown>, true);
}
