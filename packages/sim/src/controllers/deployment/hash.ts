/**
 * The pod-template-hash (pkg/controller/controller_utils.go `ComputeHash`): FNV-32a over the
 * pod template, then the `collisionCount` as 8 little-endian bytes when set, printed in decimal
 * and passed through `rand.SafeEncodeString` (apimachinery pkg/util/rand), which maps each
 * byte onto `bcdfghjklmnpqrstvwxz2456789` — so hashes are made of `4-9`, `b`, `c`, `d`, `f`.
 *
 * Deviation: Go feeds FNV the `spew` dump of the typed Go struct (`hashutil.DeepHashObject`),
 * which cannot be reproduced without Go's types; we hash the template's canonical JSON (sorted
 * keys). Hashes look and behave like real ones (stable per template, change with it, collision
 * count respected) but differ from a real cluster's for the same template.
 */

/** The alphabet of `rand.SafeEncodeString` (no vowels, no confusable characters). */
const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** `rand.SafeEncodeString`. */
export function safeEncodeString(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function fnv32a(bytes: readonly number[], h = FNV_OFFSET): number {
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

function utf8(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return out;
}

/** JSON with object keys sorted (spew's SortKeys), undefined dropped. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
}

/** `controller.ComputeHash(template, collisionCount)`. */
export function computeHash(template: unknown, collisionCount?: number | null): string {
  let h = fnv32a(utf8(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const c = collisionCount >>> 0;
    h = fnv32a([c & 255, (c >> 8) & 255, (c >> 16) & 255, (c >>> 24) & 255, 0, 0, 0, 0], h);
  }
  return safeEncodeString(String(h));
}
