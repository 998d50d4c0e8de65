/**
 * The container process interpreter: runs a container's command (`argv`, or `sh -c <script>`)
 * in virtual time as a stack machine over plain data, so a process can be advanced lazily to any
 * later instant, cloned to look ahead (when will it exit? when does /tmp/healthy disappear?),
 * signalled, and serialised with the simulation. Built-ins and coreutils follow the messages of
 * the image's userland (busybox ash, Debian dash, bash, GNU coreutils).
 */
import { deepClone } from "../../core/clone";
import { formatLogTime, type LogTimeFormat } from "./log-time";
import { IGNORES_SIGNALS, type ProgramRun, startProgram } from "./programs";
import type { ShellNode, Word } from "./shell-ast";
import { literalWord, parseScript, ShellSyntaxError } from "./shell-parser";
import type { Frame, LogLine, ProcessEnv, ProcessState } from "./types";

/** Work bound per advance: a busy loop fast-forwards instead of burning host CPU. */
const STEP_BUDGET = 200_000;
/** Work bound of one look-ahead (about 400 iterations of a typical logging loop). */
const FORECAST_STEPS = 4_000;
/** Each external command costs about a millisecond (fork + exec) of virtual time. */
const EXEC_COST_MS = 1;

type ShellFlavour = "ash" | "dash" | "bash";

const SHELLS = new Set([
  "sh",
  "/bin/sh",
  "bash",
  "/bin/bash",
  "/usr/bin/bash",
  "ash",
  "/bin/ash",
  "dash",
  "/bin/dash",
]);

/** The coreutils-style commands every userland but distroless/scratch has. */
const COREUTILS = new Set([
  "echo",
  "printf",
  "sleep",
  "touch",
  "rm",
  "mkdir",
  "cat",
  "date",
  "true",
  "false",
  "hostname",
  "env",
  "printenv",
  "test",
  "[",
  "seq",
  "ls",
  "pwd",
  "id",
  "whoami",
  "expr",
  "head",
  "tail",
  "wc",
  "uname",
  "kill",
  "yes",
  "tee",
  "grep",
  "sh",
  "basename",
  "dirname",
  "ps",
]);

/** Commands the shell itself implements. */
const SHELL_BUILTINS = new Set([
  "exit",
  ":",
  "true",
  "false",
  "echo",
  "printf",
  "test",
  "[",
  "cd",
  "export",
  "set",
  "unset",
  "trap",
  "wait",
  "exec",
  "read",
  "shift",
  "break",
  "continue",
  "return",
  "kill",
  "pwd",
  "local",
]);

/** Extra commands other parts of the simulation may implement (wget, curl, nslookup…). */
export type CommandHandler = (
  argv: string[],
  ctx: { env: ProcessEnv; at: number },
) => { status: number; stdout?: string[]; stderr?: string[]; durationMs?: number };

const EXTRA_COMMANDS: Record<string, CommandHandler> = {};

/**
 * Register a command (at module load), e.g. the networking layer's `wget`/`curl`/`nslookup`. A
 * handler is code, not state; it returns the output and how long the command took.
 */
export function registerCommand(name: string, handler: CommandHandler): void {
  EXTRA_COMMANDS[name] = handler;
}

function hasShell(env: ProcessEnv, exe: string): boolean {
  const name = exe.slice(exe.lastIndexOf("/") + 1);
  if (env.os === "distroless" || env.os === "scratch") return false;
  if (name === "bash") return env.os === "debian" || env.os === "ubuntu" || env.binaries.includes("bash");
  if (name === "dash") return env.os === "debian" || env.os === "ubuntu";
  return true;
}

function flavourOf(env: ProcessEnv, exe: string): ShellFlavour {
  const name = exe.slice(exe.lastIndexOf("/") + 1);
  if (name === "bash") return "bash";
  return env.os === "debian" || env.os === "ubuntu" ? "dash" : "ash";
}

function gnu(env: ProcessEnv): boolean {
  return env.os === "debian" || env.os === "ubuntu";
}

/** Result of creating a process: it runs, or the runtime cannot start it (runc's error). */
export type ProcessStart = { proc: ProcessState; lines: LogLine[] } | { startError: string };

function emptyProcess(at: number, vars: Record<string, string>): ProcessState {
  return {
    frames: [],
    vars,
    status: 0,
    clock: at,
    wakeAt: at,
    running: null,
    shellIsPid1: false,
    exited: null,
    files: {},
    removed: {},
    listening: [],
    rss: 0,
    rssSince: at,
    rssSlope: 0,
    cpuMilli: 0,
    traps: {},
    signal: null,
    steps: 0,
  };
}

/** runc's message when the entrypoint cannot be executed (containerd wraps it; see runtime). */
function execNotFound(exe: string): string {
  return exe.includes("/")
    ? `exec: "${exe}": stat ${exe}: no such file or directory`
    : `exec: "${exe}": executable file not found in $PATH`;
}

/**
 * Create the process of a container at virtual time `at` from its effective argv (image
 * entrypoint/cmd overridden by the pod's command/args, as the runtime computes it).
 */
export function createProcess(argv: string[], env: ProcessEnv, at: number): ProcessStart {
  const exe = argv[0];
  if (exe === undefined) return { startError: "no command specified" };
  const vars: Record<string, string> = {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOSTNAME: env.hostname,
    HOME: "/root",
    ...env.vars,
  };
  const proc = emptyProcess(at, vars);
  proc.rss = Math.round(env.profile.idleMemoryMiB * 1024 * 1024);
  const lines: LogLine[] = [];
  if (SHELLS.has(exe)) {
    if (!hasShell(env, exe)) return { startError: execNotFound(exe) };
    const flavour = flavourOf(env, exe);
    proc.vars.__shell = flavour;
    proc.shellIsPid1 = true;
    const c = argv.indexOf("-c");
    if (c < 0) {
      const script = argv.slice(1).find((a) => !a.startsWith("-"));
      if (script) {
        // `sh /script.sh`: the file is not in the image.
        const msg =
          flavour === "ash"
            ? `sh: can't open '${script}': No such file or directory`
            : flavour === "dash"
              ? `sh: 0: cannot open ${script}: No such file`
              : `bash: ${script}: No such file or directory`;
        lines.push({ t: at, s: 1, text: msg });
        proc.exited = { at: at + 2, code: flavour === "bash" ? 127 : 2, reason: "Error" };
        return { proc, lines };
      }
      // An interactive shell: with stdin closed it reads EOF and exits 0 at once.
      if (env.stdin) proc.wakeAt = null;
      else proc.exited = { at: at + 2, code: 0, reason: "Completed" };
      return { proc, lines };
    }
    const src = argv[c + 1] ?? "";
    argv.slice(c + 2).forEach((a, i) => {
      proc.vars[String(i)] = a;
    });
    try {
      const ast = parseScript(src);
      // `sh -c "one command"` execs it: that program becomes PID 1 (dash and ash both do this).
      if (ast.t === "cmd" && ast.assigns.length === 0 && !ast.bg && ast.redirs.length === 0)
        proc.shellIsPid1 = false;
      proc.frames.push({ k: "node", n: ast });
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      const prefix = flavour === "ash" ? "sh" : flavour === "dash" ? "sh: 1" : "bash: -c: line 1";
      lines.push({ t: at, s: 1, text: `${prefix}: ${e.message}` });
      proc.exited = { at: at + 2, code: 2, reason: "Error" };
    }
    return { proc, lines };
  }
  // Not a shell: the program itself is PID 1.
  const known =
    COREUTILS.has(exe.slice(exe.lastIndexOf("/") + 1)) && env.os !== "distroless" && env.os !== "scratch";
  if (!known && startProgram(argv, env).kind === "not-found" && !EXTRA_COMMANDS[exe])
    return { startError: execNotFound(exe) };
  proc.vars.__shell = env.os === "debian" || env.os === "ubuntu" ? "dash" : "ash";
  proc.frames.push({ k: "node", n: { t: "cmd", words: argv.map(literalWord), assigns: [], redirs: [] } });
  return { proc, lines };
}

// ---- advancing -----------------------------------------------------------------------------------

/** Memory the process uses at time t (bytes). */
export function processRss(p: ProcessState, t: number): number {
  return p.rss + (p.rssSlope > 0 ? (p.rssSlope * Math.max(0, t - p.rssSince)) / 1000 : 0);
}

function checkOom(p: ProcessState, limit: number, until: number): boolean {
  if (limit <= 0 || p.exited) return false;
  let at: number | null = null;
  if (p.rss > limit) at = p.rssSince;
  else if (p.rssSlope > 0) at = p.rssSince + Math.ceil(((limit - p.rss) / p.rssSlope) * 1000);
  if (at === null || at > until) return false;
  at = Math.max(at, p.rssSince);
  // The kernel's OOM killer sends SIGKILL: exit code 137, reported as OOMKilled.
  p.exited = { at, code: 137, reason: "OOMKilled" };
  p.clock = at;
  p.listening = [];
  return true;
}

function exit(p: ProcessState, at: number, code: number): void {
  p.exited = { at, code, reason: code === 0 ? "Completed" : "Error" };
  p.clock = at;
  p.wakeAt = null;
  p.running = null;
  p.frames = [];
  p.listening = [];
}

/**
 * Run the process up to virtual time `until`, appending what it writes to `out`. `limitBytes`
 * is the container's memory limit (0: none): passing it makes the process OOM-killed in time.
 */
export function advanceProcess(
  p: ProcessState,
  env: ProcessEnv,
  until: number,
  out: LogLine[],
  limitBytes = 0,
  stepBudget = STEP_BUDGET,
): boolean {
  let budget = stepBudget;
  while (!p.exited) {
    if (checkOom(p, limitBytes, until)) return true;
    if (p.wakeAt === null) {
      p.clock = Math.max(p.clock, until);
      return true;
    }
    if (p.wakeAt > until) {
      p.clock = Math.max(p.clock, until);
      return true;
    }
    if (p.wakeAt > p.clock) p.clock = p.wakeAt;
    if (p.running) {
      // The foreground program ended by itself (or after handling the stop signal).
      const r = p.running;
      p.running = null;
      p.status = r.exitCode;
      p.rss = Math.round(env.profile.idleMemoryMiB * 1024 * 1024);
      p.rssSlope = 0;
      p.rssSince = p.clock;
      p.cpuMilli = 0;
      p.listening = p.listening.filter((l) => l.since < 0);
      if (p.signal && !p.shellIsPid1) {
        exit(p, p.clock, r.exitCode);
        return true;
      }
      if (p.signal && p.shellIsPid1 && p.traps.TERM !== undefined) {
        // The trap runs once the foreground command has finished.
        const code = p.traps.TERM;
        if (code !== null) {
          exit(p, p.clock, code);
          return true;
        }
      }
    }
    const frame = p.frames.pop();
    if (!frame) {
      exit(p, p.clock, p.status);
      return true;
    }
    if (--budget <= 0) {
      p.frames.push(frame);
      if (stepBudget !== STEP_BUDGET) return false;
      // A busy loop: fast-forward (its output in the skipped interval is not produced).
      p.clock = Math.max(p.clock, until);
      p.wakeAt = p.clock;
      return true;
    }
    p.steps++;
    step(p, env, frame, out);
  }
  return true;
}

function lineOut(p: ProcessState, out: LogLine[], s: 0 | 1, text: string): void {
  out.push({ t: p.clock, s, text });
}

function step(p: ProcessState, env: ProcessEnv, f: Frame, out: LogLine[]): void {
  switch (f.k) {
    case "node":
      enter(p, env, f.n, out);
      return;
    case "seq":
      if (f.i < f.n.items.length) {
        p.frames.push({ k: "seq", n: f.n, i: f.i + 1 });
        p.frames.push({ k: "node", n: f.n.items[f.i]! });
      }
      return;
    case "and":
    case "or":
      if ((f.k === "and") === (p.status === 0)) p.frames.push({ k: "node", n: f.n.r });
      return;
    case "not":
      p.status = p.status === 0 ? 1 : 0;
      return;
    case "loop": {
      if (f.stage === "cond") {
        const go = f.n.until ? p.status !== 0 : p.status === 0;
        if (!go) {
          p.status = 0;
          return;
        }
        p.frames.push({ k: "loop", n: f.n, stage: "body", at: f.at });
        p.frames.push({ k: "node", n: f.n.body });
        return;
      }
      // An iteration that took no time at all still costs a millisecond (a shell loop is not free).
      if (p.clock <= f.at) p.wakeAt = p.clock + EXEC_COST_MS;
      p.frames.push({ k: "loop", n: f.n, stage: "cond", at: Math.max(p.clock, p.wakeAt ?? p.clock) });
      p.frames.push({ k: "node", n: f.n.cond });
      return;
    }
    case "for":
      if (f.i < f.values.length) {
        p.vars[f.n.name] = f.values[f.i]!;
        p.frames.push({ k: "for", n: f.n, values: f.values, i: f.i + 1 });
        p.frames.push({ k: "node", n: f.n.body });
      }
      return;
    case "if":
      if (p.status === 0) p.frames.push({ k: "node", n: f.n.then });
      else if (f.n.else) p.frames.push({ k: "node", n: f.n.else });
      else p.status = 0;
      return;
    case "subshell-end":
      p.vars = f.vars;
      return;
  }
}

function enter(p: ProcessState, env: ProcessEnv, n: ShellNode, out: LogLine[]): void {
  switch (n.t) {
    case "seq":
      p.frames.push({ k: "seq", n, i: 0 });
      return;
    case "and":
    case "or":
      p.frames.push({ k: n.t, n });
      p.frames.push({ k: "node", n: n.l });
      return;
    case "not":
      p.frames.push({ k: "not" });
      p.frames.push({ k: "node", n: n.n });
      return;
    case "pipe":
      // Without real pipes: earlier stages run with their output discarded; the last one is shown.
      for (let i = n.cmds.length - 1; i >= 0; i--)
        p.frames.push({
          k: "node",
          n: i === n.cmds.length - 1 ? n.cmds[i]! : { t: "group", body: n.cmds[i]!, subshell: true },
        });
      return;
    case "while":
      p.frames.push({ k: "loop", n, stage: "cond", at: p.clock });
      p.frames.push({ k: "node", n: n.cond });
      return;
    case "for": {
      const values = n.items === null ? positional(p) : n.items.flatMap((w) => expandWord(p, env, w));
      p.frames.push({ k: "for", n, values, i: 0 });
      return;
    }
    case "if":
      p.frames.push({ k: "if", n });
      p.frames.push({ k: "node", n: n.cond });
      return;
    case "group":
      if (n.subshell) p.frames.push({ k: "subshell-end", vars: { ...p.vars } });
      p.frames.push({ k: "node", n: n.body });
      return;
    case "cmd":
      runSimple(p, env, n, out);
      return;
  }
}

function positional(p: ProcessState): string[] {
  const out: string[] = [];
  for (let i = 1; p.vars[String(i)] !== undefined; i++) out.push(p.vars[String(i)]!);
  return out;
}

// ---- expansion -------------------------------------------------------------------------------------

function varValue(p: ProcessState, name: string): string {
  switch (name) {
    case "?":
      return String(p.status);
    case "$":
      return "1";
    case "#":
      return String(positional(p).length);
    case "@":
    case "*":
      return positional(p).join(" ");
    case "RANDOM":
      return String((p.steps * 1103515245 + 12345) % 32768);
    default: {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(:?[-=+])(.*)$/.exec(name);
      if (m) {
        const v = p.vars[m[1]!];
        const empty = v === undefined || (m[2]!.startsWith(":") && v === "");
        if (m[2]!.endsWith("+")) return empty ? "" : m[3]!;
        return empty ? m[3]! : v!;
      }
      if (name.startsWith("#")) return String((p.vars[name.slice(1)] ?? "").length);
      return p.vars[name] ?? "";
    }
  }
}

/** Evaluate `$((…))` integer arithmetic (+ - * / % comparisons, parentheses, variables). */
export function evalArith(p: ProcessState, expr: string): number {
  const toks = expr.match(/\d+|[A-Za-z_][A-Za-z0-9_]*|==|!=|<=|>=|&&|\|\||[-+*/%()<>!]/g) ?? [];
  let i = 0;
  const peek = () => toks[i];
  const primary = (): number => {
    const t = toks[i++];
    if (t === undefined) return 0;
    if (t === "(") {
      const v = or();
      i++;
      return v;
    }
    if (t === "-") return -primary();
    if (t === "+") return primary();
    if (t === "!") return primary() === 0 ? 1 : 0;
    if (/^\d+$/.test(t)) return Number(t);
    const v = Number.parseInt(p.vars[t] ?? "0", 10);
    return Number.isNaN(v) ? 0 : v;
  };
  const mul = (): number => {
    let v = primary();
    while (peek() === "*" || peek() === "/" || peek() === "%") {
      const op = toks[i++];
      const r = primary();
      v = op === "*" ? v * r : r === 0 ? 0 : op === "/" ? Math.trunc(v / r) : v % r;
    }
    return v;
  };
  const add = (): number => {
    let v = mul();
    while (peek() === "+" || peek() === "-") v = toks[i++] === "+" ? v + mul() : v - mul();
    return v;
  };
  const cmp = (): number => {
    let v = add();
    for (;;) {
      const op = peek();
      if (op !== "<" && op !== ">" && op !== "<=" && op !== ">=" && op !== "==" && op !== "!=") return v;
      i++;
      const r = add();
      v = Number(
        op === "<"
          ? v < r
          : op === ">"
            ? v > r
            : op === "<="
              ? v <= r
              : op === ">="
                ? v >= r
                : op === "=="
                  ? v === r
                  : v !== r,
      );
    }
  };
  const and = (): number => {
    let v = cmp();
    while (peek() === "&&") {
      i++;
      const r = cmp();
      v = Number(v !== 0 && r !== 0);
    }
    return v;
  };
  const or = (): number => {
    let v = and();
    while (peek() === "||") {
      i++;
      const r = and();
      v = Number(v !== 0 || r !== 0);
    }
    return v;
  };
  return or();
}

/** Run a command substitution synchronously (its sleeps take no time) and capture stdout. */
function captureOutput(p: ProcessState, env: ProcessEnv, n: ShellNode): string {
  const sub = emptyProcess(p.clock, { ...p.vars });
  sub.files = p.files;
  sub.removed = p.removed;
  sub.frames.push({ k: "node", n });
  const out: LogLine[] = [];
  let guard = 10_000;
  while (!sub.exited && guard-- > 0) {
    if (sub.wakeAt === null || sub.running) {
      sub.running = null;
      sub.wakeAt = sub.clock;
    }
    advanceProcess(sub, env, sub.wakeAt ?? sub.clock, out);
    if (sub.wakeAt !== null && sub.wakeAt > sub.clock) sub.clock = sub.wakeAt;
  }
  p.status = sub.exited?.code ?? 0;
  return out
    .filter((l) => l.s === 0)
    .map((l) => l.text)
    .join("\n");
}

function expandWord(p: ProcessState, env: ProcessEnv, w: Word): string[] {
  // Quoted parts join into the current field; unquoted expansions are split on whitespace.
  const fields: string[] = [];
  let cur = "";
  let has = false;
  for (const part of w) {
    if ("lit" in part) {
      cur += part.lit;
      has = true;
      continue;
    }
    const value =
      "var" in part
        ? varValue(p, part.var)
        : "sub" in part
          ? captureOutput(p, env, part.sub)
          : String(evalArith(p, part.arith));
    if (part.q) {
      cur += value;
      has = true;
      continue;
    }
    const pieces = value.split(/[ \t\n]+/);
    pieces.forEach((piece, i) => {
      if (i > 0) {
        if (has || cur !== "") fields.push(cur);
        cur = "";
        has = false;
      }
      cur += piece;
      if (piece !== "") has = true;
    });
  }
  if (has || cur !== "") fields.push(cur);
  // Brace ranges {1..5} in an unquoted literal word (bash only; ash prints them as is).
  return fields;
}

function expandWords(p: ProcessState, env: ProcessEnv, words: Word[]): string[] {
  const out: string[] = [];
  for (const w of words) out.push(...expandWord(p, env, w));
  return out;
}

// ---- simple commands --------------------------------------------------------------------------------

interface Io {
  /** Where stdout goes: the log (0/1), a file, or nowhere. */
  stdout: { to: "log"; s: 0 | 1 } | { to: "file"; path: string; append: boolean } | { to: "null" };
  stderr: { to: "log"; s: 0 | 1 } | { to: "file"; path: string; append: boolean } | { to: "null" };
}

function openIo(p: ProcessState, env: ProcessEnv, n: ShellNode & { t: "cmd" }): Io {
  const io: Io = { stdout: { to: "log", s: 0 }, stderr: { to: "log", s: 1 } };
  for (const r of n.redirs) {
    const target = expandWord(p, env, r.target).join(" ");
    if (r.op === "<") continue;
    if (r.op === ">&") {
      const dest = target === "1" ? io.stdout : target === "2" ? io.stderr : null;
      if (!dest) continue;
      if (r.fd === 2) io.stderr = { ...dest };
      else io.stdout = { ...dest };
      continue;
    }
    const sink: Io["stdout"] =
      target === "/dev/null"
        ? { to: "null" }
        : target === "/dev/stdout" || target === "/proc/1/fd/1"
          ? { to: "log", s: 0 }
          : target === "/dev/stderr" || target === "/proc/1/fd/2"
            ? { to: "log", s: 1 }
            : { to: "file", path: target, append: r.op === ">>" };
    if (sink.to === "file" && !sink.append) p.files[sink.path] = p.clock;
    if (sink.to === "file") p.files[sink.path] = p.clock;
    if (r.fd === 2) io.stderr = sink;
    else io.stdout = sink;
  }
  return io;
}

function write(p: ProcessState, out: LogLine[], io: Io, err: boolean, text: string): void {
  const sink = err ? io.stderr : io.stdout;
  if (sink.to === "log") for (const l of text.split("\n")) lineOut(p, out, sink.s, l);
  else if (sink.to === "file") {
    p.files[sink.path] = p.clock;
    delete p.removed[sink.path];
    p.vars[`__file:${sink.path}`] = `${sink.append ? (p.vars[`__file:${sink.path}`] ?? "") : ""}${text}\n`;
    sink.append = true;
  }
}

/** Files every image has (for `cat`, `test -f` and exec probes). */
function imageFile(env: ProcessEnv, path: string): string | null {
  switch (path) {
    case "/etc/hostname":
      return `${env.hostname}\n`;
    case "/etc/hosts":
      return `127.0.0.1\tlocalhost\n${env.podIP}\t${env.hostname}\n`;
    case "/etc/resolv.conf":
      return "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n";
    case "/usr/share/nginx/html/index.html":
      return env.repository === "docker.io/library/nginx"
        ? "<!DOCTYPE html>\n<title>Welcome to nginx!</title>\n"
        : null;
    case "/dev/null":
      return "";
    default:
      return null;
  }
}

/** The content of a file at the process's current time, or null when it does not exist. */
export function readFile(p: ProcessState, env: ProcessEnv, path: string): string | null {
  if (p.files[path] !== undefined) return p.vars[`__file:${path}`] ?? "";
  if (p.removed[path]) return null;
  for (const dir of ["/tmp", "/", "/etc", "/var", "/usr", "/bin", "/dev", "/proc", "/root", "/home"])
    if (path === dir) return "";
  return imageFile(env, path);
}

function isDir(path: string, p: ProcessState): boolean {
  return (
    ["/", "/tmp", "/etc", "/var", "/usr", "/bin", "/root", "/home", "/dev", "/proc"].includes(path) ||
    p.vars[`__dir:${path}`] === "1"
  );
}

function fileExists(p: ProcessState, env: ProcessEnv, path: string): boolean {
  return readFile(p, env, path) !== null || isDir(path, p);
}

/** Parse `sleep` arguments (busybox and GNU accept s/m/h/d suffixes and sum several). */
function sleepMs(args: string[]): number | "forever" | { bad: string } {
  let total = 0;
  if (args.length === 0) return { bad: "" };
  for (const a of args) {
    if (a === "infinity" || a === "inf") return "forever";
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m) return { bad: a };
    total += Number(m[1]) * { "": 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]!]!;
  }
  return Math.round(total);
}

function notFoundMessage(p: ProcessState, name: string): string {
  switch (p.vars.__shell) {
    case "bash":
      return `bash: line 1: ${name}: command not found`;
    case "dash":
      return `sh: 1: ${name}: not found`;
    default:
      return `sh: ${name}: not found`;
  }
}

function evalTest(p: ProcessState, env: ProcessEnv, a: string[]): boolean | null {
  if (a.length === 0) return false;
  if (a[0] === "!") {
    const r = evalTest(p, env, a.slice(1));
    return r === null ? null : !r;
  }
  if (a.length === 1) return a[0] !== "";
  if (a.length === 2) {
    const [op, x] = a as [string, string];
    switch (op) {
      case "-f":
      case "-r":
      case "-s":
        return (
          readFile(p, env, x) !== null && !isDir(x, p) && (op !== "-s" || (readFile(p, env, x) ?? "") !== "")
        );
      case "-e":
        return fileExists(p, env, x);
      case "-d":
        return isDir(x, p);
      case "-z":
        return x === "";
      case "-n":
        return x !== "";
      case "-x":
        return false;
      default:
        return null;
    }
  }
  const [x, op, y] = a as [string, string, string];
  const nx = Number(x);
  const ny = Number(y);
  switch (op) {
    case "=":
    case "==":
      return x === y;
    case "!=":
      return x !== y;
    case "-eq":
      return nx === ny;
    case "-ne":
      return nx !== ny;
    case "-lt":
      return nx < ny;
    case "-le":
      return nx <= ny;
    case "-gt":
      return nx > ny;
    case "-ge":
      return nx >= ny;
    default:
      return null;
  }
}

function runSimple(p: ProcessState, env: ProcessEnv, n: ShellNode & { t: "cmd" }, out: LogLine[]): void {
  const argv = expandWords(p, env, n.words);
  if (argv.length === 0) {
    for (const a of n.assigns) p.vars[a.name] = expandWord(p, env, a.value).join(" ");
    p.status = 0;
    return;
  }
  const saved: Record<string, string | undefined> = {};
  for (const a of n.assigns) {
    saved[a.name] = p.vars[a.name];
    p.vars[a.name] = expandWord(p, env, a.value).join(" ");
  }
  const io = openIo(p, env, n);
  runCommand(p, env, argv, io, out, n.bg === true);
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete p.vars[k];
    else p.vars[k] = v;
  }
}

function fail(p: ProcessState, out: LogLine[], io: Io, msg: string, code = 1): void {
  write(p, out, io, true, msg);
  p.status = code;
}

/** Execute one command with its expanded argv. */
function runCommand(
  p: ProcessState,
  env: ProcessEnv,
  argv: string[],
  io: Io,
  out: LogLine[],
  bg: boolean,
): void {
  const exe = argv[0]!;
  const name = exe.slice(exe.lastIndexOf("/") + 1);
  const args = argv.slice(1);
  const busybox = !gnu(env);
  const hasUtils = env.os !== "distroless" && env.os !== "scratch";
  const builtin = SHELL_BUILTINS.has(name) && !exe.includes("/");
  if (!builtin && !(hasUtils && COREUTILS.has(name))) {
    runExternal(p, env, argv, io, out, bg);
    return;
  }
  if (!builtin) p.wakeAt = p.clock + EXEC_COST_MS;
  p.status = 0;
  switch (name) {
    case ":":
    case "true":
    case "cd":
    case "export":
    case "unset":
    case "local":
    case "shift":
    case "continue":
    case "return":
    case "kill":
      return;
    case "set":
      if (args.includes("-e")) p.vars.__errexit = "1";
      return;
    case "false":
      p.status = 1;
      return;
    case "exit": {
      const code = args[0] === undefined ? p.status : Number.parseInt(args[0], 10) & 255;
      exit(p, p.clock, Number.isNaN(code) ? 2 : code);
      return;
    }
    case "break": {
      // Unwind to the innermost loop and drop it.
      while (p.frames.length > 0) {
        const f = p.frames.pop()!;
        if (f.k === "loop" || f.k === "for") break;
      }
      return;
    }
    case "trap": {
      // trap 'exit 0' TERM / trap "echo bye; exit" SIGTERM
      const action = args[0] ?? "";
      const m = /exit\s*(\d+)?/.exec(action);
      for (const sig of args.slice(1)) {
        const s = sig.replace(/^SIG/, "");
        p.traps[s] = m ? Number(m[1] ?? 0) : null;
      }
      return;
    }
    case "wait":
      if (p.listening.length > 0 || p.vars.__bgForever === "1") p.wakeAt = null;
      return;
    case "read":
      p.status = 1; // stdin is closed
      if (env.stdin) p.wakeAt = null;
      return;
    case "exec":
      if (args.length > 0) {
        if (p.frames.length === 0 || p.frames.every((f) => f.k === "seq" || f.k === "subshell-end"))
          p.shellIsPid1 = false;
        p.frames = [];
        runCommand(p, env, args, io, out, false);
      }
      return;
    case "echo": {
      let rest = args;
      let escapes = false;
      while (rest[0] && /^-[neE]+$/.test(rest[0])) {
        if (rest[0].includes("e")) escapes = true;
        rest = rest.slice(1);
      }
      let text = rest.join(" ");
      if (escapes || p.vars.__shell !== "bash") text = text.replace(/\\n/g, "\n").replace(/\\t/g, "\t");
      for (const l of text.split("\n")) write(p, out, io, false, l);
      return;
    }
    case "printf": {
      const fmt = args[0] ?? "";
      let ai = 1;
      const text = fmt
        .replace(/%(-?\d*)([sdf%])/g, (_m, _w, c) =>
          c === "%" ? "%" : String(args[ai++] ?? (c === "s" ? "" : "0")),
        )
        .replace(/\\n/g, "\n")
        .replace(/\\t/g, "\t");
      const lines = text.split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      for (const l of lines) write(p, out, io, false, l);
      return;
    }
    case "sleep": {
      const ms = sleepMs(args);
      if (typeof ms === "object") {
        if (ms.bad === "") {
          fail(
            p,
            out,
            io,
            busybox
              ? "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: sleep [N]..."
              : "sleep: missing operand\nTry 'sleep --help' for more information.",
          );
          return;
        }
        fail(
          p,
          out,
          io,
          busybox
            ? `sleep: invalid number '${ms.bad}'`
            : `sleep: invalid time interval '${ms.bad}'\nTry 'sleep --help' for more information.`,
        );
        return;
      }
      if (bg) return;
      p.running = {
        name: "sleep",
        since: p.clock,
        exitCode: 0,
        stop: p.shellIsPid1 ? IGNORES_SIGNALS : { handles: false, exitAfterMs: 0, exitCode: 137 },
      };
      p.wakeAt = ms === "forever" ? null : p.clock + ms;
      return;
    }
    case "date": {
      const unix = env.epochMs + p.clock;
      const plus = args.find((a) => a.startsWith("+"));
      if (plus === "+%s") write(p, out, io, false, String(Math.floor(unix / 1000)));
      else if (plus) write(p, out, io, false, formatDate(plus.slice(1), unix));
      else write(p, out, io, false, formatLogTime("date", unix));
      return;
    }
    case "touch":
      for (const f of args.filter((a) => !a.startsWith("-"))) {
        if (p.files[f] === undefined) p.vars[`__file:${f}`] = readFile(p, env, f) ?? "";
        p.files[f] = p.clock;
        delete p.removed[f];
      }
      return;
    case "mkdir":
      for (const d of args.filter((a) => !a.startsWith("-"))) p.vars[`__dir:${d}`] = "1";
      return;
    case "rm": {
      const force = args.some((a) => /^-[a-zA-Z]*f/.test(a));
      for (const f of args.filter((a) => !a.startsWith("-"))) {
        if (!fileExists(p, env, f)) {
          if (!force)
            fail(
              p,
              out,
              io,
              busybox
                ? `rm: can't remove '${f}': No such file or directory`
                : `rm: cannot remove '${f}': No such file or directory`,
            );
          continue;
        }
        delete p.files[f];
        delete p.vars[`__file:${f}`];
        delete p.vars[`__dir:${f}`];
        p.removed[f] = true;
      }
      return;
    }
    case "cat":
    case "tail":
    case "head": {
      if (name === "tail" && args.includes("-f")) {
        if (bg) return;
        p.running = {
          name: "tail",
          since: p.clock,
          exitCode: 0,
          stop: p.shellIsPid1 ? IGNORES_SIGNALS : { handles: false, exitAfterMs: 0, exitCode: 137 },
        };
        p.wakeAt = null;
        return;
      }
      for (const f of args.filter((a) => !a.startsWith("-") && !/^\d+$/.test(a))) {
        const content = readFile(p, env, f);
        if (content === null) {
          fail(
            p,
            out,
            io,
            busybox
              ? `${name}: can't open '${f}': No such file or directory`
              : `${name}: ${f}: No such file or directory`,
          );
          continue;
        }
        if (isDir(f, p) && content === "") {
          fail(p, out, io, `${name}: ${busybox ? "read error: " : `${f}: `}Is a directory`);
          continue;
        }
        const lines = content.split("\n");
        if (lines[lines.length - 1] === "") lines.pop();
        for (const l of lines) write(p, out, io, false, l);
      }
      return;
    }
    case "hostname":
      write(p, out, io, false, env.hostname);
      return;
    case "env":
    case "printenv":
      for (const [k, v] of Object.entries(p.vars))
        if (!k.startsWith("__") && !/^\d+$/.test(k)) write(p, out, io, false, `${k}=${v}`);
      return;
    case "pwd":
      write(p, out, io, false, "/");
      return;
    case "id":
      write(
        p,
        out,
        io,
        false,
        busybox
          ? "uid=0(root) gid=0(root) groups=0(root),10(wheel)"
          : "uid=0(root) gid=0(root) groups=0(root)",
      );
      return;
    case "whoami":
      write(p, out, io, false, "root");
      return;
    case "uname":
      write(
        p,
        out,
        io,
        false,
        args.includes("-a")
          ? `Linux ${env.hostname} 6.8.0-1019-aws #21-Ubuntu SMP Wed Nov  6 21:21:49 UTC 2024 x86_64 ${busybox ? "GNU/Linux" : "GNU/Linux"}`
          : "Linux",
      );
      return;
    case "seq": {
      const nums = args.map(Number);
      const [from, to] = nums.length >= 2 ? [nums[0]!, nums[nums.length - 1]!] : [1, nums[0] ?? 0];
      for (let i = from; i <= to && i - from < 100_000; i++) write(p, out, io, false, String(i));
      return;
    }
    case "expr": {
      const v = evalArith(p, args.join(" ").replace(/\\\*/g, "*"));
      write(p, out, io, false, String(v));
      p.status = v === 0 ? 1 : 0;
      return;
    }
    case "test":
    case "[": {
      const a = name === "[" ? args.slice(0, args[args.length - 1] === "]" ? -1 : undefined) : args;
      const r = evalTest(p, env, a);
      p.status = r === null ? 2 : r ? 0 : 1;
      return;
    }
    case "ls":
      for (const f of Object.keys(p.files).filter(
        (f) => args.length === 0 || args.some((d) => f.startsWith(d)),
      ))
        write(p, out, io, false, f.slice(f.lastIndexOf("/") + 1));
      return;
    case "yes":
      p.running = { name: "yes", since: p.clock, exitCode: 0, stop: IGNORES_SIGNALS };
      p.wakeAt = null;
      return;
    default:
      // wc, tee, grep, basename, dirname, ps without input: succeed quietly.
      return;
  }
}

function formatDate(fmt: string, unix: number): string {
  const iso = formatLogTime("rfc3339", unix);
  return fmt
    .replace(/%Y/g, iso.slice(0, 4))
    .replace(/%m/g, iso.slice(5, 7))
    .replace(/%d/g, iso.slice(8, 10))
    .replace(/%H/g, iso.slice(11, 13))
    .replace(/%M/g, iso.slice(14, 16))
    .replace(/%S/g, iso.slice(17, 19))
    .replace(/%T/g, iso.slice(11, 19))
    .replace(/%F/g, iso.slice(0, 10))
    .replace(/%s/g, String(Math.floor(unix / 1000)));
}

function formatLine(text: string, fmt: LogTimeFormat | undefined, unixMs: number): string {
  let t = text;
  if (fmt && t.includes("{ts}")) t = t.split("{ts}").join(formatLogTime(fmt, unixMs));
  if (t.includes("{unix}")) t = t.split("{unix}").join(String(Math.floor(unixMs / 1000)));
  return t;
}

function runExternal(
  p: ProcessState,
  env: ProcessEnv,
  argv: string[],
  io: Io,
  out: LogLine[],
  bg: boolean,
): void {
  const exe = argv[0]!;
  const extra = EXTRA_COMMANDS[exe.slice(exe.lastIndexOf("/") + 1)];
  if (extra && env.os !== "distroless" && env.os !== "scratch") {
    const r = extra(argv, { env, at: p.clock });
    for (const l of r.stdout ?? []) write(p, out, io, false, l);
    for (const l of r.stderr ?? []) write(p, out, io, true, l);
    p.status = r.status;
    p.wakeAt = p.clock + (r.durationMs ?? EXEC_COST_MS);
    return;
  }
  const start = startProgram(argv, env);
  if (start.kind === "not-found") {
    fail(p, out, io, notFoundMessage(p, exe), 127);
    return;
  }
  if (start.kind === "exec") {
    for (const l of start.lines)
      out.push({
        t: p.clock + l.after,
        s: l.err ? 1 : 0,
        text: formatLine(l.text, start.timeFormat, env.epochMs + p.clock + l.after),
      });
    // The wrapper execs the real program: it replaces the wrapper at the same PID.
    p.frames.push({
      k: "node",
      n: { t: "cmd", words: start.argv.map(literalWord), assigns: [], redirs: [] },
    });
    p.wakeAt = p.clock + start.afterMs;
    return;
  }
  startRun(p, env, start, io, out, bg);
}

function startRun(
  p: ProcessState,
  env: ProcessEnv,
  run: ProgramRun,
  io: Io,
  out: LogLine[],
  bg: boolean,
): void {
  for (const l of run.lines) {
    const t = p.clock + l.after;
    if (!run.forever && l.after > run.durationMs) continue;
    const text = formatLine(l.text, run.timeFormat, env.epochMs + t);
    const sink = l.err ? io.stderr : io.stdout;
    if (sink.to === "log") out.push({ t, s: sink.s, text });
    else if (sink.to === "file") p.files[sink.path] = t;
  }
  if (run.listen)
    for (const port of run.listen.ports) p.listening.push({ ...port, since: p.clock + run.listen.after });
  p.rss = Math.max(p.rss, run.rssBytes);
  p.rssSince = p.clock + (run.rssAfter ?? 0);
  p.rssSlope = run.rssSlopePerSec ?? 0;
  p.cpuMilli = run.cpuMilli ?? 0;
  if (bg) {
    if (run.forever) p.vars.__bgForever = "1";
    p.status = 0;
    p.wakeAt = p.clock + EXEC_COST_MS;
    return;
  }
  p.running = {
    name: run.name,
    since: p.clock,
    exitCode: run.exitCode,
    // A program under a shell that is PID 1 never sees the signal (the shell does not forward it).
    stop: run.stop,
    ...(run.http ? { http: run.http } : {}),
    ...(run.detail ? { detail: run.detail } : {}),
  };
  p.wakeAt = run.forever ? null : p.clock + Math.max(EXEC_COST_MS, run.durationMs);
}

// ---- signals and look-ahead ---------------------------------------------------------------------

/**
 * Deliver the stop signal at `at` (the process has been advanced to `at` first). What happens
 * depends on PID 1: a program with a handler stops on its own after its shutdown time; a shell
 * (or `sleep`) as PID 1 ignores SIGTERM, unless a `trap` set an exit, which runs after the
 * current foreground command. Returns when it will exit by itself, or null (only SIGKILL).
 */
export function signalProcess(p: ProcessState, env: ProcessEnv, at: number, out: LogLine[]): number | null {
  if (p.exited) return p.exited.at;
  p.signal = { name: env.stopSignal, at };
  if (!p.shellIsPid1 && p.running) {
    const stop = p.running.stop;
    if (!stop.handles) return null;
    const fmt =
      p.running.name === "nginx"
        ? "nginx"
        : p.running.name === "redis-server"
          ? "redis"
          : p.running.name === "postgres"
            ? "postgres"
            : p.running.name === "mysqld"
              ? "mysql"
              : p.running.name.startsWith("httpd") || p.running.name.startsWith("apache")
                ? "apache"
                : undefined;
    (stop.lines ?? []).forEach((l, i) => {
      const t = at + Math.min(stop.exitAfterMs, i);
      out.push({ t, s: l.err ? 1 : 0, text: formatLine(l.text, fmt, env.epochMs + t) });
    });
    p.running = { ...p.running, exitCode: stop.exitCode };
    p.listening = [];
    p.frames = [];
    p.wakeAt = at + stop.exitAfterMs;
    return p.wakeAt;
  }
  if (p.shellIsPid1 && p.traps.TERM !== undefined && p.traps.TERM !== null) {
    // The trap's `exit` runs when the foreground command returns.
    if (p.wakeAt === null) return null;
    return Math.max(at, p.wakeAt);
  }
  return null;
}

/** SIGKILL at `at`: exit code 137. */
export function killProcess(p: ProcessState, at: number): void {
  if (p.exited) return;
  p.exited = { at, code: 137, reason: "Error" };
  p.clock = at;
  p.frames = [];
  p.running = null;
  p.wakeAt = null;
  p.listening = [];
}

/** What a look-ahead found: when the process exits (and how), or that it runs on. */
export interface ExitForecast {
  exit: { at: number; code: number; reason: "Completed" | "Error" | "OOMKilled" | "Killed" } | null;
  /** When to look again (the look-ahead horizon was reached while still busy); null: runs for ever. */
  recheckAt: number | null;
}

/**
 * Look ahead (on a copy) to find when the process exits, up to `horizon` ms after `from`. Used
 * by the runtime to set one timer per container exit instead of advancing running processes.
 */
export function forecastExit(
  p: ProcessState,
  env: ProcessEnv,
  from: number,
  horizonMs: number,
  limitBytes = 0,
): ExitForecast {
  if (p.exited) return { exit: p.exited, recheckAt: null };
  const copy = deepClone(p);
  const sink: LogLine[] = [];
  const until = from + horizonMs;
  // A bounded amount of work: a long loop is looked at again later rather than run far ahead now.
  const reached = advanceProcess(copy, env, until, sink, limitBytes, FORECAST_STEPS);
  if (copy.exited) return { exit: copy.exited, recheckAt: null };
  if (!reached) return { exit: null, recheckAt: Math.max(copy.clock, from + 1000) };
  const foreverBlocked = copy.wakeAt === null && (limitBytes <= 0 || copy.rssSlope <= 0);
  if (foreverBlocked) return { exit: null, recheckAt: null };
  if (copy.wakeAt === null) {
    // Growing memory: will it cross the limit?
    const oomAt = copy.rssSince + Math.ceil(((limitBytes - copy.rss) / copy.rssSlope) * 1000);
    return { exit: { at: oomAt, code: 137, reason: "OOMKilled" }, recheckAt: null };
  }
  return { exit: null, recheckAt: until };
}
