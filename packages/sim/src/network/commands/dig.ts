/**
 * `dig` (BIND 9.18, debian/ubuntu images): no search list unless `+search`, the full
 * HEADER/QUESTION/ANSWER layout or `+short`; `;; communications error to 10.96.0.10#53: timed
 * out` three times then `;; no servers could be reached` (exit 9) when nothing answers.
 */
import type { DnsQueryType } from "../../addons/coredns/records";
import { ctime } from "../../kube-proxy/iptables/save";
import { dnsQuery, searchCandidates } from "../dns-client";
import { beginRun, endRun, isIPv4, type NetworkCommandResult, type NetworkExecContext } from "./common";

/** dig's defaults: +time=5 +tries=3. */
const DIG_TRY_MS = 5_000;
const DIG_TRIES = 3;

/** Run `dig argv…`. */
export function dig(ctx: NetworkExecContext, argv: string[]): NetworkCommandResult {
  const run = beginRun(ctx);
  let short = false;
  let search = false;
  let qtype: DnsQueryType = "A";
  let name = "";
  let server = run.rc.nameservers[0] ?? "127.0.0.1";
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "+short") short = true;
    else if (a === "+search") search = true;
    else if (a.startsWith("@")) server = a.slice(1);
    else if (a === "-x") {
      const ip = argv[++i] ?? "";
      name = `${ip.split(".").reverse().join(".")}.in-addr.arpa`;
      qtype = "PTR";
    } else if (a === "-t") qtype = (argv[++i] ?? "A").toUpperCase() as DnsQueryType;
    else if (/^(A|AAAA|SRV|PTR|CNAME|ANY)$/i.test(a)) qtype = a.toUpperCase() as DnsQueryType;
    else if (!a.startsWith("+") && !a.startsWith("-")) name = a;
  }
  if (!name) name = ".";
  if (isIPv4(name) && qtype === "A") {
    // dig treats an address as a name to look up, like any other.
  }
  const candidates = search ? searchCandidates(name, run.rc) : [name.replace(/\.$/, "")];
  let elapsed = 0;
  for (const [idx, qname] of candidates.entries()) {
    let r = dnsQuery(ctx.view, run.src, server, qname, qtype, ctx.rnd, run.trace);
    const errors: string[] = [];
    for (let t = 1; t < DIG_TRIES && r.kind !== "answer"; t++) {
      errors.push(
        `;; communications error to ${server}#53: ${r.kind === "refused" ? "connection refused" : "timed out"}`,
      );
      elapsed += r.kind === "refused" ? r.rttMs : DIG_TRY_MS;
      r = dnsQuery(ctx.view, run.src, server, qname, qtype, ctx.rnd, run.trace);
    }
    if (r.kind !== "answer") {
      errors.push(
        `;; communications error to ${server}#53: ${r.kind === "refused" ? "connection refused" : "timed out"}`,
      );
      elapsed += r.kind === "refused" ? r.rttMs : DIG_TRY_MS;
      const head = short
        ? ""
        : `\n; <<>> DiG 9.18.33-1~deb12u2-Debian <<>> ${argv.slice(1).join(" ")}\n;; global options: +cmd\n`;
      return endRun(run, {
        stdout: `${head}${errors.join("\n")}\n;; no servers could be reached\n`,
        exitCode: 9,
        durationMs: elapsed,
      });
    }
    elapsed += r.rttMs;
    const a = r.answer;
    const last = idx === candidates.length - 1;
    if (search && !last && (a.rcode !== "NOERROR" || a.answers.length === 0)) continue;
    if (short)
      return endRun(run, {
        stdout: a.answers.map((x) => `${x.data}\n`).join(""),
        exitCode: 0,
        durationMs: elapsed,
      });
    const fq = `${qname}.`.replace(/\.\.$/, ".");
    const id = ctx.rnd.randomInt(65536);
    const flags = `qr${a.authoritative ? " aa" : ""} rd${a.authoritative ? "" : " ra"}`;
    const lines = [
      "",
      `; <<>> DiG 9.18.33-1~deb12u2-Debian <<>> ${argv.slice(1).join(" ")}`,
      ";; global options: +cmd",
      ";; Got answer:",
      `;; ->>HEADER<<- opcode: QUERY, status: ${a.rcode}, id: ${id}`,
      `;; flags: ${flags}; QUERY: 1, ANSWER: ${a.answers.length}, AUTHORITY: ${a.answers.length === 0 ? 1 : 0}, ADDITIONAL: 1`,
    ];
    if (a.authoritative) lines.push(";; WARNING: recursion requested but not available");
    lines.push(
      "",
      ";; OPT PSEUDOSECTION:",
      "; EDNS: version: 0, flags:; udp: 1232",
      ";; QUESTION SECTION:",
      `;${fq}\t\tIN\t${qtype}`,
      "",
    );
    if (a.answers.length > 0) {
      lines.push(";; ANSWER SECTION:");
      for (const x of a.answers) lines.push(`${x.name}\t${x.ttl}\tIN\t${x.type}\t${x.data}`);
      lines.push("");
    }
    const when = ctime(ctx.view.epochMs + ctx.view.now).replace(/ (\d{4})$/, " UTC $1");
    lines.push(
      `;; Query time: ${Math.max(0, Math.round(r.rttMs))} msec`,
      `;; SERVER: ${server}#53(${server}) (UDP)`,
      `;; WHEN: ${when}`,
      `;; MSG SIZE  rcvd: ${60 + a.answers.length * 16 + fq.length}`,
      "",
    );
    return endRun(run, { stdout: `${lines.join("\n")}\n`, exitCode: 0, durationMs: Math.max(1, elapsed) });
  }
  return endRun(run, { exitCode: 0, durationMs: elapsed });
}
