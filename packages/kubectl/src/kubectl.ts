/**
 * The kubectl command line: finds the command in the arguments as cobra does, parses its flags,
 * runs it, prints errors as kubectl does and returns the exit code (0, or 1 on errors).
 */

import type { Command } from "./cli/command";
import { commands } from "./cli/commands";
import { CommandContext, type KubectlIO } from "./cli/context";
import { FlagError, GLOBAL_FLAGS, parseFlags, valueFlagNames } from "./cli/flags";
import { HELP_TEXTS } from "./cli/help-texts";
import { ApiError, formatError } from "./client/errors";
import { ConnectionError } from "./transport";

export type { KubectlIO } from "./cli/context";

/** Parent commands that only group subcommands (their help is printed when run alone). */
const GROUPS = new Map<string, string[]>([
  ["create", ["deployment", "namespace", "configmap", "secret", "service", "job", "cronjob"]],
  ["create secret", ["generic"]],
  ["create service", ["clusterip", "nodeport"]],
  ["rollout", ["status", "history", "undo", "restart", "pause", "resume"]],
  ["top", ["node", "pod"]],
  ["set", ["image"]],
  ["auth", ["can-i"]],
  ["config", ["view"]],
]);

/** Cobra's suggestions: commands within Levenshtein distance 2 or with the typed prefix. */
function suggestions(typed: string, names: string[]): string[] {
  const dist = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i]![j] = Math.min(
          d[i - 1]![j]! + 1,
          d[i]![j - 1]! + 1,
          d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
    return d[a.length]![b.length]!;
  };
  return names.filter(
    (n) => dist(typed.toLowerCase(), n.toLowerCase()) <= 2 || n.startsWith(typed.toLowerCase()),
  );
}

/** Every top-level command name kubectl has (for "unknown command" suggestions, in cobra's order). */
// The order kubectl adds them (root help order); cobra suggests in that order.
const ALL_COMMANDS = [
  "create",
  "expose",
  "run",
  "set",
  "explain",
  "get",
  "edit",
  "delete",
  "rollout",
  "scale",
  "autoscale",
  "certificate",
  "cluster-info",
  "top",
  "cordon",
  "uncordon",
  "drain",
  "taint",
  "describe",
  "logs",
  "attach",
  "exec",
  "port-forward",
  "proxy",
  "cp",
  "auth",
  "debug",
  "events",
  "diff",
  "apply",
  "patch",
  "replace",
  "wait",
  "kustomize",
  "label",
  "annotate",
  "completion",
  "api-resources",
  "api-versions",
  "config",
  "plugin",
  "version",
  "options",
];

function findCommand(argv: string[]): { command: Command | null; path: string[]; rest: string[] } {
  const { long, short } = valueFlagNames(commands.flatMap((c) => c.flags));
  const positions: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") break;
    if (a.startsWith("--")) {
      if (!a.includes("=") && long.has(a.slice(2))) i++;
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      if (a.length === 2 && short.has(a[1]!)) i++;
      continue;
    }
    positions.push(i);
    if (positions.length >= 3) break;
  }
  const path: string[] = [];
  const used: number[] = [];
  for (const p of positions) {
    let word = argv[p]!;
    // An alias names the command it stands for (`create ns` is `create namespace`).
    const aliased = commands.find(
      (c) =>
        c.path.length === path.length + 1 &&
        c.path.slice(0, -1).join(" ") === path.join(" ") &&
        c.aliases?.includes(word),
    );
    if (aliased) word = aliased.path[aliased.path.length - 1]!;
    else if (path.join(" ") === "create" && word === "svc") word = "service";
    const candidate = [...path, word].join(" ");
    const isGroupChild = path.length === 0 || (GROUPS.get(path.join(" ")) ?? []).includes(word);
    if (isGroupChild && (commands.some((c) => c.path.join(" ") === candidate) || GROUPS.has(candidate))) {
      path.push(word);
      used.push(p);
    } else break;
  }
  const command = commands.find((c) => c.path.join(" ") === path.join(" ")) ?? null;
  const rest = argv.filter((_, i) => !used.includes(i));
  return { command, path, rest };
}

/** Run `kubectl <argv…>`; resolves to the exit code. */
export async function runKubectl(argv: string[], io: KubectlIO): Promise<number> {
  const { command, path, rest } = findCommand(argv);
  const pathText = ["kubectl", ...path].join(" ");
  if (path.length === 0) {
    const first = argv.find((a) => !a.startsWith("-"));
    if (first !== undefined && first !== "help") {
      const s = suggestions(first, ALL_COMMANDS);
      io.stderr(`Error: unknown command "${first}" for "kubectl"\n`);
      if (s.length > 0) io.stderr(`\nDid you mean this?\n${s.map((x) => `\t${x}\n`).join("")}\n`);
      return 1;
    }
    io.stdout(HELP_TEXTS[""] ?? "");
    return 0;
  }
  if (!command) {
    // A group run alone (`kubectl rollout`): its help text, exit 0 (cobra runs Help); an unknown
    // subcommand is kubectl's DefaultSubCommandRun error.
    const next = rest.find((a) => !a.startsWith("-"));
    if (next !== undefined && !rest.includes("--help") && !rest.includes("-h")) {
      io.stderr(`error: unknown command "${next}"\nSee '${pathText} -h' for help and examples\n`);
      return 1;
    }
    io.stdout(HELP_TEXTS[path.join(" ")] ?? "");
    return 0;
  }
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(rest, command.flags);
  } catch (e) {
    if (e instanceof FlagError) {
      io.stderr(`Error: ${e.message}\nSee '${pathText} --help' for usage.\n`);
      return 1;
    }
    throw e;
  }
  if (parsed.flags.help === true) {
    io.stdout(HELP_TEXTS[path.join(" ")] ?? "");
    return 0;
  }
  const missing = (command.required ?? []).filter((f) => !parsed.changed.has(f));
  if (missing.length > 0) {
    io.stderr(`error: required flag(s) ${missing.map((m) => `"${m}"`).join(", ")} not set\n`);
    return 1;
  }
  const ctx = new CommandContext(io, parsed.flags, parsed.changed);
  try {
    return await command.run(ctx, parsed.args, parsed.afterDash);
  } catch (e) {
    ctx.flushWarnings();
    io.stderr(formatCommandError(e, io));
    return 1;
  }
}

function formatCommandError(e: unknown, io: KubectlIO): string {
  if (e instanceof AggregateError) return e.errors.map((x) => formatCommandError(x, io)).join("");
  if (e instanceof ConnectionError) {
    const host = io.transport.server.replace(/^https?:\/\//, "");
    if (e.refused)
      return `The connection to the server ${host} was refused - did you specify the right host or port?\n`;
    return `Unable to connect to the server: ${e.message}\n`;
  }
  if (e instanceof ApiError || e instanceof Error) return formatError(e);
  return formatError(e);
}

export { GLOBAL_FLAGS };
