/**
 * kube-proxy's chain names (`pkg/proxy/iptables/proxier.go` `portProtoHash`,
 * `servicePortEndpointChainName`): a prefix plus the first 16 characters of
 * base32(sha256(servicePortName + protocol [+ endpoint])). iptables chain names are limited to
 * 28 characters, which is why the hash is cut.
 */
import { sha256Hex } from "../node/images/sha256";

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 with padding (Go's `base32.StdEncoding.EncodeToString`). */
export function base32Encode(bytes: readonly number[]): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += "=";
  return out;
}

function sha256Bytes(text: string): number[] {
  const hex = sha256Hex(text);
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 2) bytes.push(Number.parseInt(hex.slice(i, i + 2), 16));
  return bytes;
}

/** `portProtoHash`: the 16-character hash of a service port name and its lower-case protocol. */
export function portProtoHash(servicePortName: string, protocol: string): string {
  return base32Encode(sha256Bytes(servicePortName + protocol)).slice(0, 16);
}

/** `KUBE-SVC-…`: the chain with a service port's endpoints for Cluster traffic policy. */
export function servicePortPolicyClusterChain(servicePortName: string, protocol: string): string {
  return `KUBE-SVC-${portProtoHash(servicePortName, protocol)}`;
}

/** `KUBE-SVL-…`: the chain with a service port's node-local endpoints (Local traffic policy). */
export function servicePortPolicyLocalChain(servicePortName: string, protocol: string): string {
  return `KUBE-SVL-${portProtoHash(servicePortName, protocol)}`;
}

/** `KUBE-EXT-…`: where NodePort, LoadBalancer and external-IP traffic of a service port goes. */
export function serviceExternalChain(servicePortName: string, protocol: string): string {
  return `KUBE-EXT-${portProtoHash(servicePortName, protocol)}`;
}

/** `KUBE-FW-…`: the loadBalancerSourceRanges filter of a service port. */
export function serviceFirewallChain(servicePortName: string, protocol: string): string {
  return `KUBE-FW-${portProtoHash(servicePortName, protocol)}`;
}

/** `KUBE-SEP-…`: the DNAT chain of one endpoint (`ip:port`) of a service port. */
export function servicePortEndpointChain(
  servicePortName: string,
  protocol: string,
  endpoint: string,
): string {
  return `KUBE-SEP-${base32Encode(sha256Bytes(servicePortName + protocol + endpoint)).slice(0, 16)}`;
}
