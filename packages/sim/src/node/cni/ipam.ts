/**
 * Pod IP allocation as the CNI plugins' `host-local` IPAM does it from the node's pod CIDR:
 * the first address is the network, the second the bridge (`cni0`, the pods' gateway), the
 * last the broadcast; pods get the others, allocated round-robin after the last one reserved,
 * and released on CNI DEL (sandbox stop). Flannel, the bridge plugin and Calico's host-local
 * mode all behave like this.
 */
import { cidrSize, formatIp, parseCidr } from "./cidr";

/** The IPAM state of one node (what /var/lib/cni/networks/<net>/ holds). */
export interface IpamState {
  podCidr: string | null;
  /** ip → sandbox id */
  allocated: Record<string, string>;
  /** Offset of the last address handed out (host-local's last_reserved_ip). */
  last: number;
}

/** A new IPAM state for a pod CIDR (null: not known yet). */
export function createIpam(podCidr: string | null): IpamState {
  return { podCidr, allocated: {}, last: 1 };
}

/** The range text host-local prints in its errors: `10.244.1.1-10.244.1.254`. */
export function rangeText(podCidr: string): string {
  const c = parseCidr(podCidr)!;
  return `${formatIp(c.base + 1)}-${formatIp(c.base + cidrSize(c) - 2)}`;
}

/** Allocate an address for a sandbox; returns the IP, or an error text (host-local's). */
export function allocateIp(s: IpamState, sandboxId: string): { ip: string } | { error: string } {
  if (!s.podCidr) return { error: "no podCIDR configured" };
  const c = parseCidr(s.podCidr);
  if (!c) return { error: `invalid CIDR address: ${s.podCidr}` };
  const size = cidrSize(c);
  // Usable offsets: 2 .. size-2 (the gateway takes offset 1).
  const usable = size - 3;
  for (let n = 0; n < usable; n++) {
    let off = s.last + 1 + n;
    if (off > size - 2) off = 2 + ((off - 2) % usable);
    const ip = formatIp(c.base + off);
    if (s.allocated[ip] === undefined) {
      s.allocated[ip] = sandboxId;
      s.last = off;
      return { ip };
    }
  }
  return {
    error: `failed to allocate for range 0: no IP addresses available in range set: ${rangeText(s.podCidr)}`,
  };
}

/** Release the address of a sandbox (CNI DEL). */
export function releaseIp(s: IpamState, sandboxId: string): void {
  for (const ip of Object.keys(s.allocated)) if (s.allocated[ip] === sandboxId) delete s.allocated[ip];
}
