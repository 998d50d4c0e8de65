/**
 * JSON as Go's `encoding/json` writes it, which is what `kubectl -o json` prints
 * (cli-runtime `JSONPrinter`: `json.MarshalIndent(obj, "", "    ")` plus a newline): HTML-safe
 * escapes (`<` → `\u003c`), object keys sorted for unstructured objects (Go sorts map keys) or
 * kept in their order for typed ones (struct field order), `{}` and `[]` for empty values.
 */

/** Go's string escaping (encoding/json `appendString` with escapeHTML). */
export function goJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (c < 0x20) {
      if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (ch === "\b") out += "\\b";
      else if (ch === "\f") out += "\\f";
      else out += `\\u00${c.toString(16).padStart(2, "0")}`;
    } else if (ch === "<" || ch === ">" || ch === "&") out += `\\u00${c.toString(16)}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + s[i + 1];
        i++;
      } else out += "\ufffd";
    } else if (c >= 0xdc00 && c <= 0xdfff) out += "\ufffd";
    else out += ch;
  }
  return `${out}"`;
}

/** Go's float64 encoding (encoding/json floatEncoder): integers without a fraction, `1e+21` style above. */
function goNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`json: unsupported value: ${n}`);
  return String(n);
}

/** Go's byte-wise key order (sort.Strings on UTF-8). */
export function goKeyCompare(a: string, b: string): number {
  // UTF-8 byte order is code point order (UTF-16 unit order differs above U+D7FF).
  const ca = [...a].map((c) => c.codePointAt(0)!);
  const cb = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < ca.length && i < cb.length; i++) if (ca[i] !== cb[i]) return ca[i]! - cb[i]!;
  return ca.length - cb.length;
}

function keysOf(o: Record<string, unknown>, sort: boolean): string[] {
  const keys = Object.keys(o).filter((k) => o[k] !== undefined);
  return sort ? keys.sort(goKeyCompare) : keys;
}

function encode(v: unknown, indent: string, level: number, sort: boolean): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return goJsonString(v);
  if (typeof v === "number") return goNumber(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  const pad = indent ? `\n${indent.repeat(level + 1)}` : "";
  const close = indent ? `\n${indent.repeat(level)}` : "";
  const sep = indent ? ": " : ":";
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return `[${v.map((x) => pad + encode(x, indent, level + 1, sort)).join(",")}${close}]`;
  }
  const o = v as Record<string, unknown>;
  const keys = keysOf(o, sort);
  if (keys.length === 0) return "{}";
  return `{${keys.map((k) => pad + goJsonString(k) + sep + encode(o[k], indent, level + 1, sort)).join(",")}${close}}`;
}

/** `json.MarshalIndent(v, "", "    ")`; `sortKeys` for unstructured objects. */
export function goJsonIndent(v: unknown, sortKeys = true): string {
  return encode(v, "    ", 0, sortKeys);
}

/** `json.Marshal(v)` of an unstructured value (sorted keys, compact). */
export function goJsonCompact(v: unknown, sortKeys = true): string {
  return encode(v, "", 0, sortKeys);
}

/** What `kubectl … -o json` prints for an object. */
export function printJson(obj: unknown, sortKeys = true): string {
  return `${goJsonIndent(obj, sortKeys)}\n`;
}
