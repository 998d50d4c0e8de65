/**
 * JSON merge patch (RFC 7386), as `application/merge-patch+json` requests apply it
 * (evanphx/json-patch MergePatch): objects merge key by key, `null` deletes a key, and any
 * other value (arrays included) replaces what was there. Pure: returns a new document.
 */
import type { JsonValue } from "../types";

const isObject = (v: unknown): v is Record<string, JsonValue> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Applies a merge patch to a document. */
export function applyMergePatch(target: unknown, patch: unknown): JsonValue {
  if (!isObject(patch)) return structuredClone(patch as JsonValue);
  const result: Record<string, JsonValue> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = applyMergePatch(result[k], v);
  }
  return result;
}

/**
 * Computes the merge patch that turns `original` into `modified` (what `kubectl` sends for
 * `--type merge` edits): changed keys with their new values, removed keys as `null`.
 */
export function createMergePatch(original: unknown, modified: unknown): JsonValue {
  if (!isObject(original) || !isObject(modified)) return structuredClone(modified as JsonValue);
  const patch: Record<string, JsonValue> = {};
  for (const k of Object.keys(original)) if (!(k in modified)) patch[k] = null;
  for (const [k, v] of Object.entries(modified)) {
    const o = original[k];
    if (JSON.stringify(o) === JSON.stringify(v)) continue;
    patch[k] = isObject(o) && isObject(v) ? createMergePatch(o, v) : structuredClone(v);
  }
  return patch;
}
