/** Redis stream holding one cluster's events (watch events, trace, status), capped by the worker. */
export function clusterEventsKey(redisPrefix: string, clusterId: string): string {
  return `${redisPrefix}:cluster:${clusterId}:events`;
}

/** A stream entry id ("1700000000000-0"): compares two ids in stream order. */
export function compareStreamIds(a: string, b: string): number {
  const [am = "0", as = "0"] = a.split("-");
  const [bm = "0", bs = "0"] = b.split("-");
  const major = BigInt(am) - BigInt(bm);
  if (major !== 0n) return major < 0n ? -1 : 1;
  const minor = BigInt(as) - BigInt(bs);
  return minor === 0n ? 0 : minor < 0n ? -1 : 1;
}

/** Decodes XREAD/XRANGE field lists: each entry carries one `data` field with a JSON event. */
export function entryData(fields: string[]): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === "data") return fields[i + 1];
  return undefined;
}
