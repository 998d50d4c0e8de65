/**
 * `nslookup` as the images ship it: BusyBox ≥ 1.29 (busybox, alpine), BusyBox 1.28's older
 * format (the `busybox:1.28` image of the DNS-debugging documentation), and BIND's (debian,
 * ubuntu, dnsutils). The query goes to the first nameserver of the pod's resolv.conf through
 * the data path. BusyBox uses an unconnected socket, so an ICMP "port unreachable" (kube-dns
 * without endpoints) is only a timeout to it: `;; connection timed out; no servers could be
 * reached`.
 */
import type { DnsQueryType } from "../../addons/coredns/records";
import { dnsQuery, type LookupResult, searchCandidates } from "../dns-client";
import { beginRun, endRun, isIPv4, type NetworkCommandResult, type NetworkExecContext } from "./common";

/** BusyBox nslookup: 2 tries of 5 s per query (RETRY/TIMEOUT in networking/nslookup.c). */
const BUSYBOX_TRY_MS = 5_000;

/** Run `nslookup argv…`. */
export function nslookup(ctx: NetworkExecContext, argv: string[]): NetworkCommandResult {
  const run = beginRun(ctx);
  let qtype: DnsQueryType = "A";
  const args: string[] = [];
  for (const a of argv.slice(1)) {
    const m = /^-(?:type|query|q)=(\w+)$/i.exec(a);
    if (m) qtype = m[1]!.toUpperCase() as DnsQueryType;
    else if (!a.startsWith("-")) args.push(a);
  }
  const name = args[0];
  const busybox = ctx.userland === "busybox" || ctx.userland === "alpine";
  const old = busybox && /^1\.(2[0-8]|1\d)(\.|$)/.test(ctx.imageTag ?? "");
  if (!name)
    return endRun(run, {
      stderr: busybox
        ? "BusyBox v1.36.1 multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n"
        : "",
      exitCode: 1,
      durationMs: 1,
    });
  const server = args[1] ?? run.rc.nameservers[0] ?? "127.0.0.1";
  let query = name;
  if (isIPv4(name)) {
    query = `${name.split(".").reverse().join(".")}.in-addr.arpa`;
    qtype = "PTR";
  }
  const header = old
    ? `Server:    ${server}\nAddress 1: ${server}${server === ctx.view.clusterDNS ? ` kube-dns.kube-system.svc.${ctx.view.clusterDomain}` : ""}\n\n`
    : `Server:\t\t${server}\nAddress:\t${server}${busybox ? ":53" : "#53"}\n\n`;
  const candidates = qtype === "PTR" ? [query] : searchCandidates(query, run.rc);
  let elapsed = 0;
  const notFound: string[] = [];
  let found: LookupResult | null = null;
  for (const qname of candidates) {
    let r = dnsQuery(ctx.view, run.src, server, qname, qtype, ctx.rnd, run.trace);
    // The second try (a fresh path through the Service's rules may reach another replica).
    if (r.kind !== "answer" && busybox) {
      elapsed += BUSYBOX_TRY_MS;
      r = dnsQuery(ctx.view, run.src, server, qname, qtype, ctx.rnd, run.trace);
    }
    if (r.kind === "refused" && !busybox) {
      return endRun(run, {
        stdout: `;; communications error to ${server}#53: connection refused\n;; communications error to ${server}#53: connection refused\n;; communications error to ${server}#53: connection refused\n;; no servers could be reached\n\n`,
        exitCode: 1,
        durationMs: elapsed + 3,
      });
    }
    if (r.kind !== "answer") {
      elapsed += BUSYBOX_TRY_MS;
      if (old)
        return endRun(run, {
          stdout: header,
          stderr: `nslookup: can't resolve '${name}'\n`,
          exitCode: 1,
          durationMs: elapsed,
        });
      return endRun(run, {
        stdout: `;; connection timed out; no servers could be reached\n\n`,
        exitCode: 1,
        durationMs: elapsed,
      });
    }
    elapsed += r.rttMs;
    if (r.answer.rcode === "NOERROR" && r.answer.answers.length > 0) {
      found = { kind: "answer", qname, answer: r.answer, server, elapsedMs: elapsed };
      break;
    }
    notFound.push(
      `** server can't find ${qname}: ${r.answer.rcode === "NOERROR" ? "NODATA" : r.answer.rcode}\n\n`,
    );
    // BIND's nslookup stops at the first answer and reports the name as typed.
  }
  if (found?.kind !== "answer") {
    if (old)
      return endRun(run, {
        stdout: header,
        stderr: `nslookup: can't resolve '${name}'\n`,
        exitCode: 1,
        durationMs: elapsed,
      });
    if (!busybox)
      return endRun(run, {
        stdout: `${header}** server can't find ${name}: NXDOMAIN\n\n`,
        exitCode: 1,
        durationMs: elapsed,
      });
    return endRun(run, { stdout: header + notFound.join(""), exitCode: 1, durationMs: elapsed });
  }
  const recs = found.answer.answers;
  let body = "";
  if (old) {
    const addrs = recs.filter((a) => a.type === "A");
    body = `Name:      ${name}\n${addrs.map((a, i) => `Address ${i + 1}: ${a.data} ${found.qname}`).join("\n")}\n`;
  } else if (qtype === "PTR") {
    body = `${recs
      .map((a) => `${a.name.replace(/\.$/, "")}\tname = ${a.data.replace(/\.$/, busybox ? "" : ".")}\n`)
      .join("")}\n`;
  } else {
    const lines: string[] = [];
    for (const a of recs) {
      if (a.type === "CNAME")
        lines.push(
          `${a.name.replace(/\.$/, "")}\tcanonical name = ${a.data.replace(/\.$/, busybox ? "" : ".")}`,
        );
      else if (a.type === "SRV") lines.push(`${a.name.replace(/\.$/, "")}\tservice = ${a.data}`);
      else lines.push(`Name:\t${a.name.replace(/\.$/, "")}`, `Address: ${a.data}`);
    }
    if (!found.answer.authoritative && !busybox) lines.unshift("Non-authoritative answer:");
    body = `${lines.join("\n")}\n\n`;
  }
  return endRun(run, { stdout: header + body, exitCode: 0, durationMs: Math.max(1, elapsed) });
}
