/**
 * `CidrSet` (`pkg/controller/nodeipam/ipam/cidrset/cidr_set.go`, v1.32) for IPv4 as plain data:
 * the cluster CIDR cut into node subnets (/24 by default), allocated in order from a rotating
 * candidate index, occupied when a node already has one, released when the node goes.
 */

/** A parsed IPv4 CIDR. */
export interface Cidr4 {
  base: number;
  prefix: number;
}

/** Parse `a.b.c.d/n` (IPv4); null when malformed. */
export function parseCidr4(s: string): Cidr4 | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s.trim());
  if (!m) return null;
  const octets = [m[1], m[2], m[3], m[4]].map(Number);
  if (octets.some((o) => o > 255)) return null;
  const prefix = Number(m[5]);
  if (prefix > 32) return null;
  const ip = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ip & mask) >>> 0, prefix };
}

/** Format a CIDR. */
export function formatCidr4(c: Cidr4): string {
  const b = c.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

/** The allocator's state. */
export interface CidrSetState {
  clusterCidr: string;
  nodeMaskSize: number;
  /** Number of node subnets. */
  maxCidrs: number;
  /** Allocated subnet indexes. */
  used: Record<number, true>;
  allocatedCount: number;
  nextCandidate: number;
}

/** `NewCIDRSet`: the cluster CIDR cut into subnets of `nodeMaskSize` bits. Null when it does not fit. */
export function newCidrSet(clusterCidr: string, nodeMaskSize: number): CidrSetState | null {
  const c = parseCidr4(clusterCidr);
  if (!c || nodeMaskSize < c.prefix || nodeMaskSize > 32) return null;
  // cidr_set.go refuses more than 16 bits of subnets.
  if (nodeMaskSize - c.prefix > 16) return null;
  return {
    clusterCidr: formatCidr4(c),
    nodeMaskSize,
    maxCidrs: 2 ** (nodeMaskSize - c.prefix),
    used: {},
    allocatedCount: 0,
    nextCandidate: 0,
  };
}

function indexToCidr(s: CidrSetState, i: number): string {
  const c = parseCidr4(s.clusterCidr)!;
  return formatCidr4({ base: (c.base + i * 2 ** (32 - s.nodeMaskSize)) >>> 0, prefix: s.nodeMaskSize });
}

function cidrToIndex(s: CidrSetState, cidr: string): number | null {
  const c = parseCidr4(cidr);
  const cluster = parseCidr4(s.clusterCidr)!;
  if (!c || c.prefix !== s.nodeMaskSize) return null;
  const offset = c.base - cluster.base;
  const size = 2 ** (32 - s.nodeMaskSize);
  if (offset < 0 || offset % size !== 0) return null;
  const i = offset / size;
  return i < s.maxCidrs ? i : null;
}

/** `AllocateNext`: the next free subnet, or null (`CIDRRangeNoCIDRsRemaining`). */
export function allocateNext(s: CidrSetState): string | null {
  if (s.allocatedCount === s.maxCidrs) return null;
  for (let k = 0; k < s.maxCidrs; k++) {
    const i = (s.nextCandidate + k) % s.maxCidrs;
    if (s.used[i]) continue;
    s.used[i] = true;
    s.allocatedCount++;
    s.nextCandidate = (i + 1) % s.maxCidrs;
    return indexToCidr(s, i);
  }
  return null;
}

/** `Occupy`: mark a node's existing subnet used. False when it is outside the cluster CIDR. */
export function occupy(s: CidrSetState, cidr: string): boolean {
  const i = cidrToIndex(s, cidr);
  if (i === null) return false;
  if (!s.used[i]) {
    s.used[i] = true;
    s.allocatedCount++;
  }
  return true;
}

/** `Release`. */
export function release(s: CidrSetState, cidr: string): void {
  const i = cidrToIndex(s, cidr);
  if (i === null || !s.used[i]) return;
  delete s.used[i];
  s.allocatedCount--;
}
