/**
 * BusyBox `wget` (the one in busybox and alpine images): `Connecting to web (10.96.0.50:80)`,
 * `writing to stdout` / `saving to 'index.html'`, the progress bar, and its failures —
 * `wget: bad address 'web'`, `wget: can't connect to remote host (IP): Connection refused`,
 * `… No route to host`, `… Connection timed out`, `wget: download timed out` (`-T`),
 * `wget: server returned error: HTTP/1.1 404 Not Found`.
 */
import { connect } from "../connect";
import { httpGet, parseUrl } from "../http";
import {
  beginRun,
  endRun,
  firstAddress,
  type NetworkCommandResult,
  type NetworkExecContext,
  resolveHost,
} from "./common";
import { statusText } from "./curl";

/** Run `wget argv…`. */
export function wget(ctx: NetworkExecContext, argv: string[]): NetworkCommandResult {
  const run = beginRun(ctx);
  let quiet = false;
  let output: string | null = null;
  let spider = false;
  let timeoutMs = 0;
  let url = "";
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-O") output = argv[++i] ?? "-";
    else if (a === "-T") timeoutMs = Number(argv[++i]) * 1000;
    else if (a === "--spider") spider = true;
    else if (a.startsWith("-") && !a.startsWith("--")) {
      const flags = a.slice(1);
      for (let j = 0; j < flags.length; j++) {
        const f = flags[j]!;
        if (f === "q") quiet = true;
        else if (f === "O") {
          output = flags.slice(j + 1) || argv[++i] || "-";
          break;
        } else if (f === "T") {
          timeoutMs = Number(flags.slice(j + 1) || argv[++i]) * 1000;
          break;
        }
      }
    } else if (!a.startsWith("-")) url = a;
  }
  if (!url)
    return endRun(run, {
      stderr:
        "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n",
      exitCode: 1,
      durationMs: 1,
    });
  const u = parseUrl(url);
  if (!u || (u.scheme !== "http" && u.scheme !== "https"))
    return endRun(run, { stderr: `wget: not an http or ftp url: ${url}\n`, exitCode: 1, durationMs: 1 });
  const r = resolveHost(run, u.host);
  const ip = firstAddress(r);
  const dnsMs = r.kind === "address" ? 0 : r.elapsedMs;
  if (!ip)
    return endRun(run, { stderr: `wget: bad address '${u.host}'\n`, exitCode: 1, durationMs: dnsMs + 1 });
  let err = quiet ? "" : `Connecting to ${u.host} (${ip}:${u.port})\n`;
  const c = connect(ctx.view, run.src, ip, u.port, "tcp", ctx.rnd, run.trace);
  const base = dnsMs + 1;
  if (c.kind === "refused")
    return endRun(run, {
      stderr: `${err}wget: can't connect to remote host (${ip}): Connection refused\n`,
      exitCode: 1,
      durationMs: base + c.rttMs,
    });
  if (c.kind === "unreachable")
    return endRun(run, {
      stderr: `${err}wget: can't connect to remote host (${ip}): No route to host\n`,
      exitCode: 1,
      durationMs: base + c.afterMs,
    });
  if (c.kind === "timeout") {
    if (timeoutMs > 0)
      return endRun(run, {
        stderr: `${err}wget: download timed out\n`,
        exitCode: 1,
        durationMs: base + timeoutMs,
      });
    return endRun(run, {
      stderr: `${err}wget: can't connect to remote host (${ip}): Connection timed out\n`,
      exitCode: 1,
      durationMs: base + 127_000,
    });
  }
  const at = ctx.view.now + Math.round(base + c.rttMs);
  const h = httpGet(ctx.view, c, { path: u.path, userAgent: "Wget", at });
  const total = base + c.rttMs * 2 + 0.5;
  if (h.kind === "empty-reply")
    return endRun(run, { stderr: `${err}wget: error getting response\n`, exitCode: 1, durationMs: total });
  if (h.log) run.effects.push(h.log);
  if (h.answer.status >= 400)
    return endRun(run, {
      stderr: `${err}wget: server returned error: HTTP/1.1 ${h.answer.status} ${statusText(h.answer.status)}\n`,
      exitCode: 1,
      durationMs: total,
    });
  if (spider)
    return endRun(run, { stderr: quiet ? "" : `${err}remote file exists\n`, exitCode: 0, durationMs: total });
  const toStdout = output === "-";
  const file = output ?? (u.path.split("/").pop() || "index.html");
  const bar = `${(toStdout ? "-" : file).padEnd(20).slice(0, 20)} 100% |********************************|  ${String(h.answer.bytes).padStart(4)}  0:00:00 ETA\n`;
  if (!quiet) err += toStdout ? "writing to stdout\n" : `saving to '${file}'\n`;
  if (!quiet) err += bar + (toStdout ? "written to stdout\n" : `'${file}' saved\n`);
  return endRun(run, { stdout: toStdout ? h.answer.body : "", stderr: err, exitCode: 0, durationMs: total });
}
