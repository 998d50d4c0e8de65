/**
 * The stub resolver in a container (glibc's or musl's): the search list expanded by `ndots`, a
 * query per candidate to each nameserver over UDP 53 — through the node's rules to a CoreDNS
 * pod — with the library's timeouts (glibc: 5 s per try, 2 attempts; musl: 5 s in all, resent
 * every 2.5 s). A name that is not found moves on to the next candidate; a timeout ends the
 * lookup (glibc `res_nsearch` stops on TRY_AGAIN, musl on any error that is not NXDOMAIN); a
 * refused query (REJECT → ICMP port unreachable on a connected UDP socket) fails at once.
 */
import { type DnsAnswer, type DnsQueryType, type DnsSource, resolveDns } from "../addons/coredns/records";
import { connect, type NetRandom, type NetTrace, type Source } from "./connect";
import { NODE_RESOLV_CONF, ndotsOf, type ResolvConf } from "./resolv-conf";
import type { NetworkView } from "./view";

/** The C library's resolver timing. */
export interface ResolverTiming {
  /** Time one try waits for an answer, ms. */
  timeoutMs: number;
  attempts: number;
}

/** glibc: `timeout:5 attempts:2` (resolv.conf(5) defaults). */
export const GLIBC_TIMING: ResolverTiming = { timeoutMs: 5_000, attempts: 2 };
/** musl: 5 s in all, the query resent after half of it. */
export const MUSL_TIMING: ResolverTiming = { timeoutMs: 2_500, attempts: 2 };

/** One query's outcome. */
export type QueryResult =
  | { kind: "answer"; answer: DnsAnswer; rttMs: number }
  | { kind: "refused"; rttMs: number }
  | { kind: "timeout" };

const EMPTY_SOURCE: DnsSource = {
  service: () => undefined,
  slices: () => [],
  namespaceKnown: () => false,
  serviceByClusterIP: () => undefined,
};

/** Send one query to `server`. */
export function dnsQuery(
  view: NetworkView,
  src: Source,
  server: string,
  qname: string,
  qtype: DnsQueryType,
  rnd: NetRandom,
  trace: NetTrace,
): QueryResult {
  // The node's upstream resolver is outside the cluster: it answers public names only.
  if (NODE_RESOLV_CONF.nameservers.includes(server)) {
    const answer = resolveDns(EMPTY_SOURCE, qname, qtype, { domain: "\u0000", upstream: view.upstream });
    trace.hops.push(`DNS ${qtype} ${qname} → upstream ${server}: ${answer.rcode}`);
    return { kind: "answer", answer, rttMs: 8 };
  }
  const c = connect(view, src, server, 53, "udp", rnd, trace);
  if (c.kind === "refused") return { kind: "refused", rttMs: c.rttMs };
  if (c.kind !== "connected") return { kind: "timeout" };
  // Only CoreDNS answers DNS here; its plugin must have synced its caches.
  if (c.listener.http !== "coredns" || !view.dns) return { kind: "timeout" };
  const answer = resolveDns(view.dns, qname, qtype, { domain: view.clusterDomain, upstream: view.upstream });
  const pod = c.endpoint.kind === "pod" ? `${c.endpoint.pod.namespace}/${c.endpoint.pod.name}` : c.ip;
  trace.hops.push(
    `DNS ${qtype} ${qname} → ${pod}: ${answer.rcode}${answer.answers.length ? ` ${answer.answers.map((a) => a.data).join(",")}` : ""}`,
  );
  return { kind: "answer", answer, rttMs: c.rttMs + (answer.authoritative ? 0.2 : 8) };
}

/** The outcome of a lookup with the search list. */
export type LookupResult =
  | { kind: "answer"; qname: string; answer: DnsAnswer; server: string; elapsedMs: number }
  | { kind: "notfound"; tried: { qname: string; rcode: string }[]; server: string; elapsedMs: number }
  | { kind: "timeout"; server: string; elapsedMs: number }
  | { kind: "refused"; server: string; elapsedMs: number };

/** The names tried for `name` (res_nsearch): absolute first when it has ≥ ndots dots. */
export function searchCandidates(name: string, rc: ResolvConf): string[] {
  if (name.endsWith(".")) return [name.slice(0, -1)];
  const dots = name.split(".").length - 1;
  const searched = rc.search.map((d) => `${name}.${d}`);
  return dots >= ndotsOf(rc) ? [name, ...searched] : [...searched, name];
}

/** Resolve `name` as getaddrinfo does (A records). */
export function lookupHost(
  view: NetworkView,
  src: Source,
  rc: ResolvConf,
  name: string,
  qtype: DnsQueryType,
  timing: ResolverTiming,
  rnd: NetRandom,
  trace: NetTrace,
  useSearch = true,
): LookupResult {
  const servers = rc.nameservers.length > 0 ? rc.nameservers : ["127.0.0.1"];
  const tried: { qname: string; rcode: string }[] = [];
  let elapsed = 0;
  const candidates = useSearch ? searchCandidates(name, rc) : [name.replace(/\.$/, "")];
  for (const qname of candidates) {
    let answered: QueryResult | null = null;
    let refusedAll = true;
    for (let attempt = 0; attempt < timing.attempts && !answered; attempt++) {
      for (const server of servers) {
        const r = dnsQuery(view, src, server, qname, qtype, rnd, trace);
        if (r.kind === "answer") {
          elapsed += r.rttMs;
          answered = r;
          break;
        }
        if (r.kind === "refused") elapsed += r.rttMs;
        else {
          refusedAll = false;
          elapsed += timing.timeoutMs;
        }
      }
      if (refusedAll && !answered) return { kind: "refused", server: servers[0]!, elapsedMs: elapsed };
    }
    if (answered?.kind !== "answer") return { kind: "timeout", server: servers[0]!, elapsedMs: elapsed };
    const a = answered.answer;
    if (a.rcode === "NOERROR" && a.answers.length > 0)
      return { kind: "answer", qname, answer: a, server: servers[0]!, elapsedMs: elapsed };
    tried.push({ qname, rcode: a.rcode === "NOERROR" ? "NODATA" : a.rcode });
  }
  return { kind: "notfound", tried, server: servers[0]!, elapsedMs: elapsed };
}
