/**
 * `iptables-save` output for a node's ruleset, as the `iptables` 1.8 tools print it: a header
 * with the time, each table with its built-in chains (policy and counters), its user chains
 * sorted by name, then every rule chain by chain in canonical form: `-s`/`-d` with a prefix
 * length, `-p`, the matches in order with their options as each extension saves them, and the
 * target. Values the kernel stores differently come back changed: a statistic probability is
 * kept as a 31-bit fraction (0.3333333333 prints as 0.33333333349), `--or-mark 0x4000` is saved
 * as `--set-xmark 0x4000/0x4000`, `--xor-mark` as `--set-xmark 0x4000/0x0`.
 */
import { type ParsedRule, parseRule } from "./parse-rule";
import type { IptablesRuleset, IptablesTable, TableName } from "./ruleset";

/** `xtables_save_string`: quote unless the value is only [A-Za-z0-9_-]. */
function saveString(v: string): string {
  return /^[A-Za-z0-9_-]+$/.test(v) ? v : `"${v.replace(/(["\\'])/g, "\\$1")}"`;
}

/** An address as the kernel keeps it: a bare IPv4 gets `/32`. */
function saveAddr(a: string): string {
  return a.includes("/") ? a : `${a}/32`;
}

/** A hex mark without leading zeros (`0x004000` → `0x4000`). */
function saveHex(v: string): string {
  return v
    .split("/")
    .map((x) => `0x${Number.parseInt(x, 16).toString(16)}`)
    .join("/");
}

/** libxt_statistic: the probability kept as lround(p × 2^31) and printed `%.11f`. */
export function savedProbability(p: string): string {
  return (Math.round(Number(p) * 0x80000000) / 0x80000000).toFixed(11);
}

function saveMatch(m: ParsedRule["matches"][number]): string {
  const opt = (k: string) => m.opts.find((o) => o.key === k);
  const neg = (o: { neg: boolean } | undefined) => (o?.neg ? " !" : "");
  switch (m.name) {
    case "comment": {
      const o = opt("--comment");
      return ` -m comment --comment ${saveString(o?.value ?? "")}`;
    }
    case "tcp":
    case "udp":
    case "sctp": {
      let s = ` -m ${m.name}`;
      const sport = opt("--sport");
      const dport = opt("--dport");
      if (sport) s += `${neg(sport)} --sport ${sport.value}`;
      if (dport) s += `${neg(dport)} --dport ${dport.value}`;
      return s;
    }
    case "statistic":
      return ` -m statistic --mode random --probability ${savedProbability(opt("--probability")?.value ?? "1")}`;
    case "recent": {
      let s = " -m recent";
      if (opt("--set")) s += " --set";
      if (opt("--rcheck")) s += " --rcheck";
      const secs = opt("--seconds");
      if (secs) s += ` --seconds ${secs.value}`;
      if (opt("--reap")) s += " --reap";
      s += ` --name ${opt("--name")?.value ?? "DEFAULT"} --mask 255.255.255.255 --rsource`;
      return s;
    }
    case "addrtype": {
      let s = " -m addrtype";
      const src = opt("--src-type");
      const dst = opt("--dst-type");
      if (src) s += `${neg(src)} --src-type ${src.value}`;
      if (dst) s += `${neg(dst)} --dst-type ${dst.value}`;
      return s;
    }
    case "mark": {
      const o = opt("--mark");
      return ` -m mark${neg(o)} --mark ${saveHex(o?.value ?? "0")}`;
    }
    case "conntrack": {
      const o = opt("--ctstate");
      return ` -m conntrack${neg(o)} --ctstate ${o?.value ?? ""}`;
    }
    case "nfacct":
      // libxt_nfacct prints the option with its trailing space and then " name": two spaces.
      return ` -m nfacct --nfacct-name  ${opt("--nfacct-name")?.value ?? ""}`;
    default:
      return ` -m ${m.name}${m.opts.map((o) => `${o.neg ? " !" : ""} ${o.key}${o.value === null ? "" : ` ${o.value}`}`).join("")}`;
  }
}

function saveTarget(r: ParsedRule): string {
  if (!r.target) return "";
  const o = (k: string) => r.targetOpts.find((x) => x.key === k)?.value ?? null;
  switch (r.target) {
    case "MARK": {
      const or = o("--or-mark");
      const xor = o("--xor-mark");
      if (or !== null) return ` -j MARK --set-xmark ${saveHex(`${or}/${or}`)}`;
      if (xor !== null) return ` -j MARK --set-xmark ${saveHex(xor)}/0x0`;
      return " -j MARK";
    }
    case "REJECT":
      return ` -j REJECT --reject-with ${o("--reject-with") ?? "icmp-port-unreachable"}`;
    case "DNAT":
      return ` -j DNAT --to-destination ${o("--to-destination") ?? ""}`;
    case "MASQUERADE":
      return r.targetOpts.some((x) => x.key === "--random-fully")
        ? " -j MASQUERADE --random-fully"
        : " -j MASQUERADE";
    default:
      return ` -j ${r.target}`;
  }
}

/** One rule in `iptables-save` form. */
export function saveRule(tokens: readonly string[]): string {
  const r = parseRule(tokens);
  let s = `-A ${r.chain}`;
  if (r.src) s += `${r.src.neg ? " !" : ""} -s ${saveAddr(r.src.addr)}`;
  if (r.dst) s += `${r.dst.neg ? " !" : ""} -d ${saveAddr(r.dst.addr)}`;
  if (r.proto) s += ` -p ${r.proto}`;
  for (const m of r.matches) s += saveMatch(m);
  return s + saveTarget(r);
}

/** C `ctime` of a Unix time in ms (UTC): `Wed Jan  1 00:00:00 2025`. */
export function ctime(unixMs: number): string {
  const d = new Date(unixMs);
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const p2 = (n: number) => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** Options of `iptablesSave`. */
export interface IptablesSaveOptions {
  /** Only this table (`iptables-save -t nat`). */
  table?: TableName;
  /** Unix ms for the header lines. */
  unixMs: number;
  /** The tool's version line (`iptables-save --version`); the kube-proxy image ships 1.8.9 (nf_tables). */
  version?: string;
}

function saveTable(t: IptablesTable, header: string, footer: string): string[] {
  const lines = [header, `*${t.name}`];
  for (const c of t.builtins) lines.push(`:${c} ACCEPT [0:0]`);
  const chains = [...t.chains].sort();
  for (const c of chains) lines.push(`:${c} - [0:0]`);
  for (const c of [...t.builtins, ...chains])
    for (const r of t.rules) if (r[1] === c) lines.push(saveRule(r));
  lines.push("COMMIT", footer);
  return lines;
}

/** The whole `iptables-save` text of a node (mangle, filter, nat, as iptables-nft-save orders them). */
export function iptablesSave(rs: IptablesRuleset, opts: IptablesSaveOptions): string {
  const version = opts.version ?? "v1.8.9 (nf_tables)";
  const when = ctime(opts.unixMs);
  const header = `# Generated by iptables-save ${version} on ${when}`;
  const footer = `# Completed on ${when}`;
  const tables: IptablesTable[] = [rs.mangle, rs.filter, rs.nat];
  const lines: string[] = [];
  for (const t of tables)
    if (!opts.table || opts.table === t.name) lines.push(...saveTable(t, header, footer));
  return `${lines.join("\n")}\n`;
}
