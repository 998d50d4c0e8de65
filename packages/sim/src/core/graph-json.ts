/**
 * JSON that keeps shared references. Much of a simulation's state is the same object reached
 * from several places: a stored value sits in three etcd members' logs, key-value maps and
 * histories, and in the apiserver's watch cache. Plain JSON would write it once per place (and
 * a restored simulation would no longer share it); this codec writes an object reached twice
 * once, tags it, and writes references to it elsewhere, so snapshots stay small and a restored
 * simulation has exactly the sharing the original had.
 *
 * Format: ordinary JSON, where a shared object is `{"\u0000id": n, …its keys}`, a shared array
 * `{"\u0000id": n, "\u0000a": […]}`, and a later occurrence `{"\u0000ref": n}`. No API object
 * key starts with NUL, so the markers cannot collide with data.
 */

const ID = "\u0000id";
const REF = "\u0000ref";
const ARR = "\u0000a";
const ID_JSON = JSON.stringify(ID);
const REF_JSON = JSON.stringify(REF);
const ARR_JSON = JSON.stringify(ARR);

/** Serialize a JSON-shaped object graph, writing shared objects once. */
export function stringifyGraph(root: unknown): string {
  // Pass 1: which objects are reached more than once.
  const seen = new Set<object>();
  const shared = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== "object") continue;
    if (seen.has(v)) {
      shared.add(v);
      continue;
    }
    seen.add(v);
    if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    else for (const k in v as Record<string, unknown>) stack.push((v as Record<string, unknown>)[k]);
  }
  // Pass 2: which objects contain a shared object somewhere below them ("dirty"). Clean
  // subtrees are written by the native JSON.stringify, which is much faster than a JS walk.
  const dirty = new Map<object, boolean>();
  const isDirty = (v: unknown): boolean => {
    if (v === null || typeof v !== "object") return false;
    const known = dirty.get(v);
    if (known !== undefined) return known;
    let d = shared.has(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (isDirty(v[i])) d = true;
    } else {
      for (const k in v as Record<string, unknown>) if (isDirty((v as Record<string, unknown>)[k])) d = true;
    }
    dirty.set(v, d);
    return d;
  };
  if (shared.size > 0) isDirty(root);
  // Pass 3: write, numbering shared objects in the order they are first written.
  const ids = new Map<object, number>();
  const out: string[] = [];
  const emit = (v: unknown): void => {
    switch (typeof v) {
      case "string":
        out.push(JSON.stringify(v));
        return;
      case "number":
        out.push(Number.isFinite(v) ? String(v) : "null");
        return;
      case "boolean":
        out.push(v ? "true" : "false");
        return;
      case "undefined":
      case "function":
      case "symbol":
        out.push("null");
        return;
      case "bigint":
        throw new TypeError("BigInt is not JSON data");
    }
    if (v === null) {
      out.push("null");
      return;
    }
    const obj = v as object;
    if (dirty.get(obj) !== true) {
      out.push(JSON.stringify(obj));
      return;
    }
    const known = ids.get(obj);
    if (known !== undefined) {
      out.push(`{${REF_JSON}:${known}}`);
      return;
    }
    const isShared = shared.has(obj);
    let id = -1;
    if (isShared) {
      id = ids.size;
      ids.set(obj, id);
    }
    if (Array.isArray(obj)) {
      if (isShared) out.push(`{${ID_JSON}:${id},${ARR_JSON}:`);
      out.push("[");
      for (let i = 0; i < obj.length; i++) {
        if (i > 0) out.push(",");
        emit(obj[i]);
      }
      out.push("]");
      if (isShared) out.push("}");
      return;
    }
    out.push("{");
    let first = true;
    if (isShared) {
      out.push(`${ID_JSON}:${id}`);
      first = false;
    }
    const rec = obj as Record<string, unknown>;
    for (const k in rec) {
      const x = rec[k];
      // JSON drops undefined (and functions) in objects.
      if (x === undefined || typeof x === "function" || typeof x === "symbol") continue;
      if (!first) out.push(",");
      first = false;
      out.push(JSON.stringify(k), ":");
      emit(x);
    }
    out.push("}");
  };
  emit(root);
  return out.join("");
}

/** Parse what `stringifyGraph` wrote, restoring the shared references. */
export function parseGraph(text: string): unknown {
  const defs: unknown[] = [];
  const resolve = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = resolve(v[i]);
      return v;
    }
    const rec = v as Record<string, unknown>;
    if (REF in rec) return defs[rec[REF] as number];
    if (ID in rec) {
      const id = rec[ID] as number;
      if (ARR in rec) {
        const arr = rec[ARR] as unknown[];
        defs[id] = arr;
        for (let i = 0; i < arr.length; i++) arr[i] = resolve(arr[i]);
        return arr;
      }
      delete rec[ID];
      defs[id] = rec;
    }
    for (const k in rec) rec[k] = resolve(rec[k]);
    return rec;
  };
  return resolve(JSON.parse(text));
}
