/** IPv4 CIDR arithmetic for pod CIDRs and pod IPs. */

/** A parsed IPv4 CIDR. */
export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
}

/** Parse `10.244.1.0/24`; null when invalid. */
export function parseCidr(text: string): Cidr | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return null;
  const octets = [m[1], m[2], m[3], m[4]].map(Number);
  if (octets.some((o) => o > 255)) return null;
  const prefix = Number(m[5]);
  if (prefix > 32) return null;
  const ip = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ip & mask) >>> 0, prefix };
}

/** Dotted quad of an unsigned 32-bit address. */
export function formatIp(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

/** Number of addresses in the CIDR. */
export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

/** The `index`-th subnet of size `/subPrefix` inside `c` (node IPAM's per-node pod CIDRs). */
export function subnet(c: Cidr, subPrefix: number, index: number): string {
  const base = (c.base + index * 2 ** (32 - subPrefix)) >>> 0;
  return `${formatIp(base)}/${subPrefix}`;
}
