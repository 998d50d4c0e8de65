/**
 * `curl` (8.x messages): the URL's host resolved through the pod's resolver, the connection
 * through the data path, the backend's answer on stdout. Failures as curl prints them:
 * `(6) Could not resolve host: web`, `(7) Failed to connect to web port 80 after 2 ms:
 * Couldn't connect to server` (REJECT or a closed port), `(28) Connection timed out after 5001
 * milliseconds` (`-m`/`--connect-timeout`), `(22) The requested URL returned error: 404`
 * (`-f`), `(52) Empty reply from server`. Without `-s` the progress meter goes to stderr, as it
 * does when stdout is not a terminal (kubectl exec without -t).
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

/** Linux gives up a SYN after 6 retries: 1+2+4+8+16+32+64 s (tcp_syn_retries). */
const KERNEL_CONNECT_TIMEOUT_MS = 127_000;

function meter(bytes: number, ms: number): string {
  const speed = Math.round((bytes * 1000) / Math.max(ms, 1));
  const fmt = (n: number) =>
    n >= 1_048_576 ? `${Math.round(n / 1_048_576)}M` : n >= 10_000 ? `${Math.round(n / 1024)}k` : String(n);
  return [
    "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current",
    "                                 Dload  Upload   Total   Spent    Left  Speed",
    `100 ${fmt(bytes).padStart(5)}  100 ${fmt(bytes).padStart(5)}    0     0 ${fmt(speed).padStart(6)}      0 --:--:-- --:--:-- --:--:-- ${fmt(speed).padStart(6)}`,
    "",
  ].join("\n");
}

/** Run `curl argv…`. */
export function curl(ctx: NetworkExecContext, argv: string[]): NetworkCommandResult {
  const run = beginRun(ctx);
  let silent = false;
  let showError = false;
  let fail = false;
  let head = false;
  let maxTimeMs = 0;
  let connectTimeoutMs = 0;
  let url = "";
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-m" || a === "--max-time") maxTimeMs = Number(argv[++i]) * 1000;
    else if (a === "--connect-timeout") connectTimeoutMs = Number(argv[++i]) * 1000;
    else if (a === "-o" || a === "-H" || a === "-A" || a === "-w" || a === "-X" || a === "-d") i++;
    else if (a.startsWith("--")) {
      if (a === "--silent") silent = true;
      else if (a === "--show-error") showError = true;
      else if (a === "--fail") fail = true;
      else if (a === "--head") head = true;
    } else if (a.startsWith("-") && a.length > 1) {
      for (const f of a.slice(1)) {
        if (f === "s") silent = true;
        else if (f === "S") showError = true;
        else if (f === "f") fail = true;
        else if (f === "I") head = true;
      }
    } else url = a;
  }
  const progress = !silent;
  const errText = (code: number, msg: string) => (!silent || showError ? `curl: (${code}) ${msg}\n` : "");
  if (!url)
    return endRun(run, {
      stderr: "curl: try 'curl --help' or 'curl --manual' for more information\n",
      exitCode: 2,
      durationMs: 1,
    });
  const u = parseUrl(url);
  if (!u)
    return endRun(run, {
      stderr: errText(3, `URL rejected: Malformed input to a URL function`),
      exitCode: 3,
      durationMs: 1,
    });
  if (u.scheme !== "http" && u.scheme !== "https")
    return endRun(run, {
      stderr: errText(1, `Protocol "${u.scheme}" not supported`),
      exitCode: 1,
      durationMs: 1,
    });
  const limit = Math.min(...[maxTimeMs, connectTimeoutMs].filter((x) => x > 0), Number.POSITIVE_INFINITY);
  const startMeter = progress ? `${meter(0, 1).split("\n").slice(0, 2).join("\n")}\n` : "";
  const r = resolveHost(run, u.host);
  const ip = firstAddress(r);
  const dnsMs = r.kind === "address" ? 0 : r.elapsedMs;
  if (!ip) {
    if (dnsMs >= limit)
      return endRun(run, {
        stderr: startMeter + errText(28, `Resolving timed out after ${limit} milliseconds`),
        exitCode: 28,
        durationMs: limit,
      });
    return endRun(run, {
      stderr: startMeter + errText(6, `Could not resolve host: ${u.host}`),
      exitCode: 6,
      durationMs: dnsMs + 1,
    });
  }
  const c = connect(ctx.view, run.src, ip, u.port, "tcp", ctx.rnd, run.trace);
  // curl's own overhead (process start, happy eyeballs) is about a millisecond.
  const base = dnsMs + 1;
  if (c.kind === "refused" || c.kind === "unreachable") {
    const ms = Math.round(base + (c.kind === "refused" ? c.rttMs : c.afterMs));
    if (ms >= limit)
      return endRun(run, {
        stderr: startMeter + errText(28, `Connection timed out after ${limit + 1} milliseconds`),
        exitCode: 28,
        durationMs: limit,
      });
    return endRun(run, {
      stderr:
        startMeter +
        errText(
          7,
          `Failed to connect to ${u.host} port ${u.port} after ${Math.max(1, ms)} ms: Couldn't connect to server`,
        ),
      exitCode: 7,
      durationMs: ms,
    });
  }
  if (c.kind === "timeout") {
    if (limit < Number.POSITIVE_INFINITY)
      return endRun(run, {
        stderr: startMeter + errText(28, `Connection timed out after ${limit + 1} milliseconds`),
        exitCode: 28,
        durationMs: limit + 1,
      });
    const ms = Math.round(base + KERNEL_CONNECT_TIMEOUT_MS);
    return endRun(run, {
      stderr:
        startMeter +
        errText(28, `Failed to connect to ${u.host} port ${u.port} after ${ms} ms: Timeout was reached`),
      exitCode: 28,
      durationMs: ms,
    });
  }
  const at = ctx.view.now + Math.round(base + c.rttMs);
  const h = httpGet(ctx.view, c, { path: u.path, userAgent: "curl/8.11.1", at });
  const total = base + c.rttMs * 2 + 0.5;
  if (h.kind === "empty-reply")
    return endRun(run, {
      stderr: startMeter + errText(52, "Empty reply from server"),
      exitCode: 52,
      durationMs: total,
    });
  if (h.log) run.effects.push(h.log);
  if (fail && h.answer.status >= 400)
    return endRun(run, {
      stderr: startMeter + errText(22, `The requested URL returned error: ${h.answer.status}`),
      exitCode: 22,
      durationMs: total,
    });
  const body = head
    ? `HTTP/1.1 ${h.answer.status} ${statusText(h.answer.status)}\r\nContent-Length: ${h.answer.bytes}\r\n\r\n`
    : h.answer.body.endsWith("\n") || h.answer.body === ""
      ? h.answer.body
      : `${h.answer.body}\n`;
  return endRun(run, {
    stdout: body,
    stderr: progress ? meter(h.answer.bytes, total) : "",
    exitCode: 0,
    durationMs: total,
  });
}

/** The reason phrase of a status code. */
export function statusText(code: number): string {
  return (
    {
      200: "OK",
      301: "Moved Permanently",
      302: "Found",
      404: "Not Found",
      500: "Internal Server Error",
      503: "Service Unavailable",
    }[code] ?? ""
  );
}
