/** Small helpers shared by the defaulting functions; all mutate plain JSON objects in place. */

// biome-ignore lint/suspicious/noExplicitAny: defaulting walks unstructured JSON
export type Obj = Record<string, any>;

/** Returns obj[key] as an object, creating `{}` when absent (a Go non-pointer struct). */
export function child(obj: Obj, key: string): Obj {
  let v = obj[key];
  if (v === undefined || v === null || typeof v !== "object" || Array.isArray(v)) {
    v = {};
    obj[key] = v;
  }
  return v as Obj;
}

/** Sets obj[key] when it is absent, null or "" (Go's zero/nil checks in SetDefaults_*). */
export function setDefault(obj: Obj, key: string, value: unknown): void {
  const v = obj[key];
  if (v === undefined || v === null || v === "") obj[key] = value;
}

/** Iterates the objects of an array field, if any. */
export function eachObject(arr: unknown, fn: (o: Obj, index: number) => void): void {
  if (!Array.isArray(arr)) return;
  arr.forEach((o, i) => {
    if (o !== null && typeof o === "object" && !Array.isArray(o)) fn(o as Obj, i);
  });
}
