/**
 * Encoding objects into etcd and back. etcd holds each object without its resourceVersion; the
 * apiserver sets `metadata.resourceVersion` from the key's mod revision when it reads it
 * (apiserver storage/etcd3 APIObjectVersioner). Stored objects are immutable: decoding copies
 * the top level and the metadata, and shares the rest.
 */
import type { KubeObject } from "../api/types";
import type { KeyValue } from "../etcd/mvcc";

/** The object of a key-value, with resourceVersion = mod revision. */
export function decode(kv: KeyValue): KubeObject {
  return withResourceVersion(kv.value as KubeObject, kv.modRevision);
}

/** A copy of `obj` whose metadata.resourceVersion is `rev`. */
export function withResourceVersion(obj: KubeObject, rev: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } };
}

/** The form stored in etcd: no resourceVersion. */
export function encode(obj: KubeObject): KubeObject {
  const metadata = { ...obj.metadata };
  delete metadata.resourceVersion;
  return { ...obj, metadata };
}

/** Base64url without padding (Go's base64.RawURLEncoding), for continue tokens. */
export function base64UrlEncode(text: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const bytes = utf8(text);
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1];
    const b2 = bytes[i + 2];
    out += alphabet[b0 >> 2];
    out += alphabet[((b0 & 3) << 4) | ((b1 ?? 0) >> 4)];
    if (b1 !== undefined) out += alphabet[((b1 & 15) << 2) | ((b2 ?? 0) >> 6)];
    if (b2 !== undefined) out += alphabet[b2 & 63];
  }
  return out;
}

/** Decode base64url (padding optional); returns null on bad input. */
export function base64UrlDecode(text: string): string | null {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const clean = text.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  const bytes: number[] = [];
  let buf = 0;
  let bits = 0;
  for (const ch of clean) {
    const v = alphabet.indexOf(ch);
    if (v < 0) return null;
    buf = (buf << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buf >> bits) & 255);
    }
  }
  return fromUtf8(bytes);
}

function utf8(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

function fromUtf8(bytes: number[]): string {
  let s = "";
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    let c: number;
    if (b < 0x80) {
      c = b;
      i += 1;
    } else if (b < 0xe0) {
      c = ((b & 31) << 6) | (bytes[i + 1]! & 63);
      i += 2;
    } else if (b < 0xf0) {
      c = ((b & 15) << 12) | ((bytes[i + 1]! & 63) << 6) | (bytes[i + 2]! & 63);
      i += 3;
    } else {
      c = ((b & 7) << 18) | ((bytes[i + 1]! & 63) << 12) | ((bytes[i + 2]! & 63) << 6) | (bytes[i + 3]! & 63);
      i += 4;
    }
    s += String.fromCodePoint(c);
  }
  return s;
}

/**
 * The continue token of a paged list (apiserver storage/etcd3 continue.go): base64url of
 * `{"v":"meta.k8s.io/v1","rv":<rev>,"start":"<next key relative to the prefix>\u0000"}`.
 */
export function encodeContinue(lastKey: string, prefix: string, rev: number): string {
  const start = `${lastKey.slice(prefix.length)}\u0000`;
  return base64UrlEncode(JSON.stringify({ v: "meta.k8s.io/v1", rv: rev, start }));
}

/** Parse a continue token: the key to start from (absolute) and the revision. Null when invalid. */
export function decodeContinue(token: string, prefix: string): { key: string; rev: number } | null {
  const json = base64UrlDecode(token);
  if (json === null) return null;
  try {
    const t = JSON.parse(json) as { v?: string; rv?: number; start?: string };
    if (t.v !== "meta.k8s.io/v1" || typeof t.rv !== "number" || typeof t.start !== "string") return null;
    return { key: prefix + t.start, rev: t.rv };
  } catch {
    return null;
  }
}
