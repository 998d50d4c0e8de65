/**
 * What the Service registry allocates (pkg/registry/core/service/storage/alloc.go, the bitmap
 * allocators of ipallocator and portallocator): a ClusterIP from `--service-cluster-ip-range`
 * (dynamic allocations from the upper band first, ServiceIPStaticSubrange) and NodePorts from
 * `--service-node-port-range` (ServiceNodePortStaticSubrange), refusing addresses and ports in
 * use with the real messages. On update, allocated values the new object leaves out are kept
 * (patchAllocatedValues).
 */
import { invalid, RenderedValue } from "../api/field-errors";
import { newInvalid } from "../api/status";
import type { KubeObject, Status } from "../api/types";
import type { Context } from "../core/component";
import type { ApiServerState } from "./state";
import { listCached } from "./watch-cache";

function ipToNumber(ip: string): number | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return null;
  const parts = [m[1], m[2], m[3], m[4]].map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

function numberToIp(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** A parsed CIDR: base address and size. */
function parseCidr(cidr: string): { base: number; size: number } {
  const [ip, bits] = cidr.split("/");
  const base = ipToNumber(ip ?? "") ?? 0;
  const size = 2 ** (32 - Number(bits));
  return { base: base - (base % size), size };
}

/**
 * Pick a free offset in [lo, hi] (inclusive), preferring the upper band above `staticSize`
 * (the allocators' rangeSize/16-capped static band): a random start, then the next free one.
 */
function pickFree(ctx: Context, lo: number, hi: number, staticEnd: number, used: Set<number>): number | null {
  const bands: [number, number][] = [
    [Math.max(lo, staticEnd), hi],
    [lo, Math.min(hi, staticEnd - 1)],
  ];
  for (const [a, b] of bands) {
    if (b < a) continue;
    const n = b - a + 1;
    const start = ctx.randomInt(n);
    for (let i = 0; i < n; i++) {
      const v = a + ((start + i) % n);
      if (!used.has(v)) return v;
    }
  }
  return null;
}

function usedAddresses(s: ApiServerState, exceptUid?: string): { ips: Set<number>; ports: Set<number> } {
  const ips = new Set<number>();
  const ports = new Set<number>();
  for (const svc of listCached(s.cache, "/registry/services/specs", "")) {
    if (exceptUid && svc.metadata.uid === exceptUid) continue;
    for (const ip of (svc.spec?.clusterIPs as string[] | undefined) ?? []) {
      const n = ipToNumber(ip);
      if (n !== null) ips.add(n);
    }
    for (const p of svc.spec?.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
  }
  return { ips, ports };
}

/** Allocate ClusterIP and NodePorts for a new Service (mutates it); a 422 Status when impossible. */
export function allocateServiceAddresses(ctx: Context, s: ApiServerState, svc: KubeObject): Status | null {
  const spec = svc.spec ?? {};
  if (spec.type === "ExternalName") return null;
  const name = svc.metadata.name ?? "";
  const gk = { group: "", kind: "Service" };
  const { ips, ports } = usedAddresses(s);
  const { base, size } = parseCidr(s.cfg.serviceClusterIPRange);
  const requested: string | undefined = spec.clusterIP || spec.clusterIPs?.[0];
  if (requested === "None") {
    spec.clusterIP = "None";
    spec.clusterIPs = ["None"];
  } else if (requested) {
    const n = ipToNumber(requested);
    const quoted = `[]string{"${requested}"}`;
    if (n === null || n <= base || n >= base + size - 1) {
      return newInvalid(gk, name, [
        invalid(
          "spec.clusterIPs",
          new RenderedValue(quoted),
          `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${s.cfg.serviceClusterIPRange}`,
        ),
      ]);
    }
    if (ips.has(n)) {
      return newInvalid(gk, name, [
        invalid(
          "spec.clusterIPs",
          new RenderedValue(quoted),
          `failed to allocate IP ${requested}: provided IP is already allocated`,
        ),
      ]);
    }
    spec.clusterIP = requested;
    spec.clusterIPs = [requested];
  } else {
    // Offsets 1 … size-2 (no network or broadcast address); static band min(max(16, size/16), 256).
    const staticSize = Math.min(Math.max(16, Math.floor(size / 16)), 256);
    const used = new Set([...ips].map((ip) => ip - base));
    const off = pickFree(ctx, 1, size - 2, staticSize, used);
    if (off === null) {
      return newInvalid(gk, name, [
        invalid("spec.clusterIPs", null, "failed to allocate a serviceIP: range is full"),
      ]);
    }
    spec.clusterIP = numberToIp(base + off);
    spec.clusterIPs = [spec.clusterIP];
  }
  const needsNodePorts =
    spec.type === "NodePort" ||
    (spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts !== false);
  if (needsNodePorts) {
    const [lo, hi] = s.cfg.serviceNodePortRange.split("-").map(Number) as [number, number];
    const staticSize = Math.min(Math.max(16, Math.floor((hi - lo + 1) / 32)), 128);
    for (let i = 0; i < (spec.ports ?? []).length; i++) {
      const p = spec.ports[i];
      if (p.nodePort) {
        if (p.nodePort < lo || p.nodePort > hi) {
          return newInvalid(gk, name, [
            invalid(
              `spec.ports[${i}].nodePort`,
              p.nodePort,
              `provided port is not in the valid range. The range of valid ports is ${lo}-${hi}`,
            ),
          ]);
        }
        if (ports.has(p.nodePort)) {
          return newInvalid(gk, name, [
            invalid(`spec.ports[${i}].nodePort`, p.nodePort, "provided port is already allocated"),
          ]);
        }
        ports.add(p.nodePort);
        continue;
      }
      const port = pickFree(ctx, lo, hi, lo + staticSize, ports);
      if (port === null) {
        return newInvalid(gk, name, [invalid(`spec.ports[${i}].nodePort`, null, "range is full")]);
      }
      p.nodePort = port;
      ports.add(port);
    }
  }
  svc.spec = spec;
  return null;
}

/** On update, keep what was allocated when the new object leaves it out (patchAllocatedValues). */
export function keepAllocatedValues(next: KubeObject, old: KubeObject): void {
  const ns = next.spec;
  const os = old.spec;
  if (!ns || !os || ns.type === "ExternalName") return;
  if (!ns.clusterIP && os.clusterIP) ns.clusterIP = os.clusterIP;
  if ((!ns.clusterIPs || ns.clusterIPs.length === 0) && os.clusterIPs) ns.clusterIPs = os.clusterIPs;
  if (ns.type === "NodePort" || ns.type === "LoadBalancer") {
    for (const p of ns.ports ?? []) {
      if (p.nodePort) continue;
      const prev = (os.ports ?? []).find(
        (q: { port: number; protocol?: string }) =>
          q.port === p.port && (q.protocol ?? "TCP") === (p.protocol ?? "TCP"),
      );
      if (prev?.nodePort) p.nodePort = prev.nodePort;
    }
  }
}
