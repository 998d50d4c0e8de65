/**
 * JSON patch (RFC 6902: add, remove, replace, move, copy, test; RFC 6901 pointers), as
 * `application/json-patch+json` requests apply it (evanphx/json-patch v4, with its error
 * texts). The apiserver answers a failing patch with 422 Invalid "the server rejected our
 * request due to an error in our request" (NewGenericServerResponse), see `jsonPatchFailed`.
 */
import { MAX_JSON_PATCH_OPERATIONS, newBadRequest, newRequestEntityTooLarge } from "../status";
import type { JsonValue, Status } from "../types";

/** One operation. */
export interface JsonPatchOperation {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

/** A patch that cannot be applied; `message` is the json-patch library's text. */
export class JsonPatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JsonPatchError";
  }
}

/** Splits an RFC 6901 pointer into unescaped tokens ("" is the whole document). */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/"))
    throw new JsonPatchError(`JSON pointer must be empty or start with a "/": ${pointer}`);
  return pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

type Container = Record<string, JsonValue> | JsonValue[];

const isContainer = (v: unknown): v is Container => typeof v === "object" && v !== null;

/** Finds the container holding the last token of `path`. */
function findParent(doc: JsonValue, tokens: string[]): Container | undefined {
  let cur: JsonValue | undefined = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    if (!isContainer(cur)) return undefined;
    const t = tokens[i]!;
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(t)) return undefined;
      cur = cur[Number(t)];
    } else {
      cur = Object.hasOwn(cur, t) ? cur[t] : undefined;
    }
  }
  return isContainer(cur) ? cur : undefined;
}

function arrayIndex(arr: JsonValue[], token: string, forInsert: boolean): number {
  if (forInsert && token === "-") return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token))
    throw new JsonPatchError(`Unable to access invalid index: ${token}: invalid index referenced`);
  const i = Number(token);
  if (i > arr.length || (!forInsert && i >= arr.length)) {
    throw new JsonPatchError(`Unable to access invalid index: ${i}: invalid index referenced`);
  }
  return i;
}

function getValue(doc: JsonValue, path: string): JsonValue | undefined {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return doc;
  const parent = findParent(doc, tokens);
  if (!parent) return undefined;
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    if (!/^(0|[1-9]\d*)$/.test(last)) return undefined;
    return parent[Number(last)];
  }
  return Object.hasOwn(parent, last) ? parent[last] : undefined;
}

function add(doc: JsonValue, path: string, value: JsonValue, opName: string): JsonValue {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return value;
  const parent = findParent(doc, tokens);
  if (!parent)
    throw new JsonPatchError(
      `${opName} operation does not apply: doc is missing path: "${path}": missing value`,
    );
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, value);
  else parent[last] = value;
  return doc;
}

function remove(doc: JsonValue, path: string): { doc: JsonValue; removed: JsonValue } {
  const tokens = parsePointer(path);
  const parent = findParent(doc, tokens);
  const last = tokens[tokens.length - 1];
  if (!parent || last === undefined) {
    throw new JsonPatchError(
      `remove operation does not apply: doc is missing path: "${path}": missing value`,
    );
  }
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, last, false);
    const [removed] = parent.splice(i, 1);
    return { doc, removed: removed as JsonValue };
  }
  if (!Object.hasOwn(parent, last)) {
    throw new JsonPatchError(
      `error in remove for path: '${path}': Unable to remove nonexistent key: ${last}: missing value`,
    );
  }
  const removed = parent[last]!;
  delete parent[last];
  return { doc, removed };
}

/** Deep equality as the `test` operation compares (JSON semantics, key order ignored). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** Parses a request body into operations; throws `JsonPatchError` for malformed patches. */
export function parseJsonPatch(body: unknown): JsonPatchOperation[] {
  if (!Array.isArray(body))
    throw new JsonPatchError("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  return body.map((o) => {
    if (typeof o !== "object" || o === null || Array.isArray(o)) {
      throw new JsonPatchError("json: cannot unmarshal array into Go value of type jsonpatch.operation");
    }
    return o as JsonPatchOperation;
  });
}

/** Applies a JSON patch to a document and returns the patched copy. Throws `JsonPatchError`. */
export function applyJsonPatch(document: unknown, operations: readonly JsonPatchOperation[]): JsonValue {
  let doc = structuredClone(document as JsonValue);
  for (const op of operations) {
    const path = typeof op.path === "string" ? op.path : undefined;
    switch (op.op) {
      case "add":
        if (path === undefined)
          throw new JsonPatchError("add operation failed to decode path: missing value");
        if (!("value" in op)) throw new JsonPatchError("add operation must have a value: missing value");
        doc = add(doc, path, structuredClone(op.value as JsonValue), "add");
        break;
      case "remove":
        if (path === undefined)
          throw new JsonPatchError("remove operation failed to decode path: missing value");
        doc = remove(doc, path).doc;
        break;
      case "replace": {
        if (path === undefined)
          throw new JsonPatchError("replace operation failed to decode path: missing value");
        if (!("value" in op)) throw new JsonPatchError("replace operation must have a value: missing value");
        const tokens = parsePointer(path);
        if (tokens.length === 0) {
          doc = structuredClone(op.value as JsonValue);
          break;
        }
        const parent = findParent(doc, tokens);
        const last = tokens[tokens.length - 1]!;
        if (
          !parent ||
          (Array.isArray(parent)
            ? !/^(0|[1-9]\d*)$/.test(last) || Number(last) >= parent.length
            : !Object.hasOwn(parent, last))
        ) {
          throw new JsonPatchError(
            `replace operation does not apply: doc is missing key: ${path}: missing value`,
          );
        }
        if (Array.isArray(parent)) parent[Number(last)] = structuredClone(op.value as JsonValue);
        else parent[last] = structuredClone(op.value as JsonValue);
        break;
      }
      case "move": {
        if (typeof op.from !== "string")
          throw new JsonPatchError("move operation failed to decode from: missing value");
        if (path === undefined)
          throw new JsonPatchError("move operation failed to decode path: missing value");
        if (getValue(doc, op.from) === undefined) {
          throw new JsonPatchError(
            `move operation does not apply: doc is missing from path: ${op.from}: missing value`,
          );
        }
        const r = remove(doc, op.from);
        doc = add(r.doc, path, r.removed, "move");
        break;
      }
      case "copy": {
        if (typeof op.from !== "string")
          throw new JsonPatchError("copy operation failed to decode from: missing value");
        if (path === undefined)
          throw new JsonPatchError("copy operation failed to decode path: missing value");
        const v = getValue(doc, op.from);
        if (v === undefined)
          throw new JsonPatchError(
            `copy operation does not apply: doc is missing from path: "${op.from}": missing value`,
          );
        doc = add(doc, path, structuredClone(v), "copy");
        break;
      }
      case "test": {
        if (path === undefined)
          throw new JsonPatchError("test operation failed to decode path: missing value");
        const v = getValue(doc, path);
        const expected = op.value === undefined ? null : op.value;
        if (!jsonEqual(v === undefined ? null : v, expected)) {
          throw new JsonPatchError(`testing value ${path} failed: test failed`);
        }
        break;
      }
      default:
        throw new JsonPatchError(`Unexpected kind: ${String(op.op)}`);
    }
  }
  return doc;
}

/**
 * The apiserver's answer to a JSON patch body: 400 for one that cannot be decoded, 413 past
 * 10,000 operations, or undefined when it can be applied.
 */
export function checkJsonPatchBody(body: unknown): Status | undefined {
  let ops: JsonPatchOperation[];
  try {
    ops = parseJsonPatch(body);
  } catch (e) {
    return newBadRequest((e as Error).message);
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    return newRequestEntityTooLarge(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
    );
  }
  return undefined;
}
