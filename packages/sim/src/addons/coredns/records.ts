/**
 * CoreDNS's answers (the `kubernetes` plugin as the kubeadm Corefile configures it, plus
 * `forward . /etc/resolv.conf`), as a pure function of what its informers hold:
 *
 * - `<svc>.<ns>.svc.<domain>` A → the ClusterIP; a headless Service → its ready endpoint
 *   addresses (NXDOMAIN when it has none: `errNoItems`); an ExternalName Service → a CNAME.
 * - `<hostname>.<svc>.<ns>.svc.<domain>` → that endpoint (StatefulSet pods behind a headless Service).
 * - `_<port>._<proto>.<svc>.<ns>.svc.<domain>` SRV → priority 0, weight 100, the port, the target.
 * - `<a-b-c-d>.<ns>.pod.<domain>` → a.b.c.d (`pods insecure`: not checked against pods).
 * - `<d.c.b.a>.in-addr.arpa` PTR → a Service's name for its ClusterIP; else falls through upstream.
 * - anything else is forwarded upstream (the node's resolver), which knows a few public names.
 * Records carry the Corefile's `ttl 30`. A name that exists without the asked type is NOERROR
 * with no answer (NODATA); an unknown name is NXDOMAIN.
 */
import type { KubeObject } from "../../api/types";

/** A DNS resource record. */
export interface DnsRecord {
  name: string;
  type: "A" | "AAAA" | "CNAME" | "SRV" | "PTR";
  ttl: number;
  /** A: the address; CNAME/PTR: the target name (with trailing dot); SRV: `priority weight port target`. */
  data: string;
}

/** A DNS answer. */
export interface DnsAnswer {
  rcode: "NOERROR" | "NXDOMAIN" | "SERVFAIL";
  answers: DnsRecord[];
  /** Whether CoreDNS answered from its own zone (true) or forwarded upstream. */
  authoritative: boolean;
}

/** The query types the tools ask. */
export type DnsQueryType = "A" | "AAAA" | "SRV" | "PTR" | "CNAME" | "ANY";

/** What CoreDNS's informers hold, indexed for lookups. */
export interface DnsSource {
  service(namespace: string, name: string): KubeObject | undefined;
  /** EndpointSlices of a Service. */
  slices(namespace: string, service: string): KubeObject[];
  /** Whether any Service exists in the namespace (CoreDNS answers NODATA for `<ns>.svc`). */
  namespaceKnown(namespace: string): boolean;
  /** The Service owning a ClusterIP (for PTR). */
  serviceByClusterIP(ip: string): KubeObject | undefined;
}

/**
 * The public names the simulated upstream resolver knows (illustrative addresses; nothing
 * leaves the simulation). Everything else is NXDOMAIN upstream.
 */
export const UPSTREAM_NAMES: Record<string, string[]> = {
  "kubernetes.io": ["147.75.40.148"],
  "www.kubernetes.io": ["147.75.40.148"],
  "google.com": ["142.250.185.78"],
  "www.google.com": ["142.250.185.68"],
  "example.com": ["93.184.215.14"],
  "www.example.com": ["93.184.215.14"],
  "github.com": ["140.82.121.4"],
  "registry.k8s.io": ["34.96.108.209"],
  "docker.io": ["44.219.3.189"],
  "registry-1.docker.io": ["54.227.20.253"],
};

/** The Corefile's `ttl 30`. */
const TTL = 30;

const NXDOMAIN: DnsAnswer = { rcode: "NXDOMAIN", answers: [], authoritative: true };

function fqdn(name: string): string {
  return name.endsWith(".") ? name : `${name}.`;
}

function readyAddresses(src: DnsSource, svc: KubeObject): { ip: string; hostname?: string }[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const out: { ip: string; hostname?: string }[] = [];
  const seen: Record<string, true> = {};
  for (const slice of src.slices(svc.metadata.namespace ?? "", svc.metadata.name ?? "")) {
    if (slice.addressType !== "IPv4") continue;
    for (const ep of slice.endpoints ?? []) {
      if (!publishNotReady && ep.conditions?.ready === false) continue;
      for (const ip of ep.addresses ?? []) {
        if (seen[ip]) continue;
        seen[ip] = true;
        out.push(ep.hostname ? { ip, hostname: ep.hostname } : { ip });
      }
    }
  }
  return out.sort((a, b) => a.ip.localeCompare(b.ip));
}

function upstream(name: string, qtype: DnsQueryType, names: Record<string, string[]>): DnsAnswer {
  const ips = names[name.replace(/\.$/, "")];
  if (!ips) return { rcode: "NXDOMAIN", answers: [], authoritative: false };
  if (qtype !== "A" && qtype !== "ANY") return { rcode: "NOERROR", answers: [], authoritative: false };
  return {
    rcode: "NOERROR",
    answers: ips.map((ip) => ({ name: fqdn(name), type: "A" as const, ttl: TTL, data: ip })),
    authoritative: false,
  };
}

/** Answer one query as CoreDNS would. */
export function resolveDns(
  src: DnsSource,
  qname: string,
  qtype: DnsQueryType,
  opts: { domain?: string; upstream?: Record<string, string[]> } = {},
): DnsAnswer {
  const domain = opts.domain ?? "cluster.local";
  const names = opts.upstream ?? UPSTREAM_NAMES;
  const name = qname.toLowerCase().replace(/\.$/, "");
  if (name.endsWith(".in-addr.arpa")) {
    const octets = name.slice(0, -".in-addr.arpa".length).split(".").reverse();
    const svc = octets.length === 4 ? src.serviceByClusterIP(octets.join(".")) : undefined;
    if (svc && (qtype === "PTR" || qtype === "ANY"))
      return {
        rcode: "NOERROR",
        answers: [
          {
            name: fqdn(name),
            type: "PTR",
            ttl: TTL,
            data: `${svc.metadata.name}.${svc.metadata.namespace}.svc.${domain}.`,
          },
        ],
        authoritative: true,
      };
    // fallthrough in-addr.arpa: the upstream resolver knows no private reverse zones.
    return { rcode: "NXDOMAIN", answers: [], authoritative: false };
  }
  if (name !== domain && !name.endsWith(`.${domain}`)) return upstream(name, qtype, names);
  const labels = name === domain ? [] : name.slice(0, -(domain.length + 1)).split(".");
  const kind = labels[labels.length - 1];
  if (labels.length === 0) return { rcode: "NOERROR", answers: [], authoritative: true };
  if (kind === "pod") {
    if (labels.length !== 3)
      return labels.length === 1 ? { rcode: "NOERROR", answers: [], authoritative: true } : NXDOMAIN;
    const ip = labels[0]!.replace(/-/g, ".");
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return NXDOMAIN;
    if (qtype !== "A" && qtype !== "ANY") return { rcode: "NOERROR", answers: [], authoritative: true };
    return {
      rcode: "NOERROR",
      answers: [{ name: fqdn(name), type: "A", ttl: TTL, data: ip }],
      authoritative: true,
    };
  }
  if (kind !== "svc") return NXDOMAIN;
  if (labels.length === 1) return { rcode: "NOERROR", answers: [], authoritative: true };
  if (labels.length === 2)
    return src.namespaceKnown(labels[0]!) ? { rcode: "NOERROR", answers: [], authoritative: true } : NXDOMAIN;
  const ns = labels[labels.length - 2]!;
  const svcName = labels[labels.length - 3]!;
  const svc = src.service(ns, svcName);
  if (!svc) return NXDOMAIN;
  const svcFqdn = `${svcName}.${ns}.svc.${domain}.`;
  const prefix = labels.slice(0, -3);
  const headless = svc.spec?.clusterIP === "None";
  if (svc.spec?.type === "ExternalName") {
    if (prefix.length > 0) return NXDOMAIN;
    const target = fqdn(String(svc.spec.externalName ?? ""));
    const cname: DnsRecord = { name: fqdn(name), type: "CNAME", ttl: TTL, data: target };
    const chased = qtype === "A" || qtype === "ANY" ? upstream(target, "A", names).answers : [];
    return { rcode: "NOERROR", answers: [cname, ...chased], authoritative: true };
  }
  if (prefix.length === 2 && prefix[0]!.startsWith("_") && prefix[1]!.startsWith("_")) {
    // SRV for a named port: _<port>._<proto>.<svc>.<ns>.svc.<domain>
    const portName = prefix[0]!.slice(1);
    const proto = prefix[1]!.slice(1).toUpperCase();
    const port = (svc.spec?.ports ?? []).find(
      (p: Record<string, unknown>) => p.name === portName && ((p.protocol as string) ?? "TCP") === proto,
    );
    if (!port) return NXDOMAIN;
    if (qtype !== "SRV" && qtype !== "ANY") return { rcode: "NOERROR", answers: [], authoritative: true };
    const targets = headless
      ? readyAddresses(src, svc).map((a) => `${a.hostname ?? a.ip.replace(/\./g, "-")}.${svcFqdn}`)
      : [svcFqdn];
    if (targets.length === 0) return NXDOMAIN;
    return {
      rcode: "NOERROR",
      answers: targets.map((t) => ({
        name: fqdn(name),
        type: "SRV" as const,
        ttl: TTL,
        data: `0 ${Math.floor(100 / targets.length)} ${headless ? endpointPort(src, svc, portName) : port.port} ${t}`,
      })),
      authoritative: true,
    };
  }
  if (prefix.length === 1) {
    // <hostname or a-b-c-d>.<svc>.<ns>.svc: one endpoint of a headless Service.
    const ep = readyAddresses(src, svc).find(
      (a) => a.hostname === prefix[0] || a.ip.replace(/\./g, "-") === prefix[0],
    );
    if (!ep) return NXDOMAIN;
    if (qtype !== "A" && qtype !== "ANY") return { rcode: "NOERROR", answers: [], authoritative: true };
    return {
      rcode: "NOERROR",
      answers: [{ name: fqdn(name), type: "A", ttl: TTL, data: ep.ip }],
      authoritative: true,
    };
  }
  if (prefix.length > 0) return NXDOMAIN;
  const ips = headless ? readyAddresses(src, svc).map((a) => a.ip) : [String(svc.spec?.clusterIP ?? "")];
  if (ips.length === 0) return NXDOMAIN;
  if (qtype !== "A" && qtype !== "ANY") return { rcode: "NOERROR", answers: [], authoritative: true };
  return {
    rcode: "NOERROR",
    answers: ips.map((ip) => ({ name: fqdn(name), type: "A" as const, ttl: TTL, data: ip })),
    authoritative: true,
  };
}

function endpointPort(src: DnsSource, svc: KubeObject, portName: string): number {
  for (const slice of src.slices(svc.metadata.namespace ?? "", svc.metadata.name ?? ""))
    for (const p of slice.ports ?? []) if ((p.name ?? "") === portName && p.port) return Number(p.port);
  return 0;
}
