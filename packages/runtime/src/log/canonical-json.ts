/**
 * PostgreSQL's `jsonb` does not keep key order: it stores object keys sorted by length, then
 * bytewise. An input read back from the command log therefore has its keys in that order, and a
 * simulation that stores objects (etcd values) would serialise differently on replay than live.
 * The worker applies every input in this canonical form, so live and replay see the same bytes.
 */

function compareKeys(a: string, b: string): number {
  const ab = Buffer.from(a, "utf8");
  const bb = Buffer.from(b, "utf8");
  if (ab.length !== bb.length) return ab.length - bb.length;
  return Buffer.compare(ab, bb);
}

/** `value` as it comes back from a `jsonb` column: keys in jsonb order, `undefined` dropped, -0 as 0. */
export function canonicalJson<T>(value: T): T {
  return canonical(value) as T;
}

function canonical(value: unknown): unknown {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number") return Object.is(value, -0) ? 0 : value;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonical(v)));
  const out: Record<string, unknown> = {};
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj).sort(compareKeys)) {
    const v = obj[key];
    if (v === undefined || typeof v === "function") continue;
    out[key] = canonical(v);
  }
  return out;
}
