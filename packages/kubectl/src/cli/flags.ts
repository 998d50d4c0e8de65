/**
 * Command-line parsing as cobra/pflag do it for kubectl: flags anywhere among the arguments,
 * `--name=value`, `--name value`, `-n value`, `-nvalue`, `-n=value`, grouped boolean shorthands,
 * `--` ending flags, and pflag's error texts.
 */

/** A flag's type (pflag value types kubectl uses). */
export type FlagType = "bool" | "string" | "int" | "stringArray" | "stringSlice" | "duration";

/** One flag. */
export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  default?: string | number | boolean | string[];
  /** For bool flags given without a value (`--dry-run` means `--dry-run=unchanged`): the implied value. */
  noOptDefault?: string;
}

/** Parsed flags by long name. */
export type Flags = Record<string, string | number | boolean | string[]>;

/** A usage error (`Error: unknown flag: --foo`), printed with cobra's `See '… --help' for usage.` line. */
export class FlagError extends Error {}

/** The flags every kubectl command accepts (kubectl `genericclioptions.ConfigFlags` and klog's `-v`). */
export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: "namespace", short: "n", type: "string", default: "" },
  { name: "context", type: "string", default: "" },
  { name: "cluster", type: "string", default: "" },
  { name: "user", type: "string", default: "" },
  { name: "kubeconfig", type: "string", default: "" },
  { name: "server", short: "s", type: "string", default: "" },
  { name: "token", type: "string", default: "" },
  { name: "as", type: "string", default: "" },
  { name: "as-group", type: "stringArray", default: [] },
  { name: "as-uid", type: "string", default: "" },
  { name: "request-timeout", type: "string", default: "0" },
  { name: "insecure-skip-tls-verify", type: "bool", default: false },
  { name: "tls-server-name", type: "string", default: "" },
  { name: "certificate-authority", type: "string", default: "" },
  { name: "client-certificate", type: "string", default: "" },
  { name: "client-key", type: "string", default: "" },
  { name: "username", type: "string", default: "" },
  { name: "password", type: "string", default: "" },
  { name: "cache-dir", type: "string", default: "" },
  { name: "disable-compression", type: "bool", default: false },
  { name: "match-server-version", type: "bool", default: false },
  { name: "warnings-as-errors", type: "bool", default: false },
  { name: "v", short: "v", type: "string", default: "0" },
  { name: "help", short: "h", type: "bool", default: false },
];

/** The result of parsing: flags, positional arguments, and the arguments after `--`. */
export interface ParsedArgs {
  flags: Flags;
  args: string[];
  /** Positional arguments after `--` (ArgsLenAtDash ≥ 0 when `--` was given). */
  afterDash: string[] | null;
  /** Flags the user set explicitly. */
  changed: Set<string>;
}

function flagDisplay(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
}

function setValue(spec: FlagSpec, raw: string, flags: Flags): void {
  switch (spec.type) {
    case "bool": {
      const v = raw.toLowerCase();
      if (["1", "t", "true"].includes(v)) flags[spec.name] = true;
      else if (["0", "f", "false"].includes(v)) flags[spec.name] = false;
      else if (spec.noOptDefault !== undefined) flags[spec.name] = raw;
      else
        throw new FlagError(
          `invalid argument "${raw}" for "${flagDisplay(spec)}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`,
        );
      return;
    }
    case "int": {
      if (!/^[-+]?\d+$/.test(raw)) {
        throw new FlagError(
          `invalid argument "${raw}" for "${flagDisplay(spec)}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`,
        );
      }
      flags[spec.name] = Number(raw);
      return;
    }
    case "stringArray":
      flags[spec.name] = [...((flags[spec.name] as string[]) ?? []), raw];
      return;
    case "stringSlice":
      // pflag's stringSlice reads its value as CSV.
      flags[spec.name] = [...((flags[spec.name] as string[]) ?? []), ...(raw === "" ? [] : raw.split(","))];
      return;
    default:
      flags[spec.name] = raw;
  }
}

/** Parse `argv` (without the command path) against the command's flags plus the global ones. */
export function parseFlags(argv: string[], specs: FlagSpec[]): ParsedArgs {
  const all = [...specs, ...GLOBAL_FLAGS];
  const byName = new Map(all.map((s) => [s.name, s]));
  const byShort = new Map(all.filter((s) => s.short).map((s) => [s.short!, s]));
  const flags: Flags = {};
  for (const s of all) {
    if (s.default !== undefined) flags[s.name] = Array.isArray(s.default) ? [...s.default] : s.default;
  }
  // Arrays given by the user replace the default (pflag's first Set clears it).
  const touchedArrays = new Set<string>();
  const changed = new Set<string>();
  const args: string[] = [];
  let afterDash: string[] | null = null;
  const set = (spec: FlagSpec, raw: string) => {
    if ((spec.type === "stringArray" || spec.type === "stringSlice") && !touchedArrays.has(spec.name)) {
      flags[spec.name] = [];
      touchedArrays.add(spec.name);
    }
    setValue(spec, raw, flags);
    changed.add(spec.name);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (afterDash) {
      afterDash.push(a);
      continue;
    }
    if (a === "--") {
      afterDash = [];
      continue;
    }
    if (a.startsWith("--") && a.length > 2) {
      const eq = a.indexOf("=");
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const spec = byName.get(name);
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
      if (eq >= 0) set(spec, a.slice(eq + 1));
      else if (spec.type === "bool") set(spec, spec.noOptDefault ?? "true");
      // pflag NoOptDefVal: `--dry-run` alone takes its implied value and leaves the next argument.
      else if (spec.noOptDefault !== undefined) set(spec, spec.noOptDefault);
      else {
        if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`);
        set(spec, argv[++i]!);
      }
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      let rest = a.slice(1);
      while (rest.length > 0) {
        const c = rest[0]!;
        const spec = byShort.get(c);
        if (!spec) throw new FlagError(`unknown shorthand flag: '${c}' in ${a}`);
        rest = rest.slice(1);
        if (spec.type === "bool") {
          if (rest.startsWith("=")) {
            set(spec, rest.slice(1));
            rest = "";
          } else set(spec, spec.noOptDefault ?? "true");
          continue;
        }
        if (rest.startsWith("=")) set(spec, rest.slice(1));
        else if (rest.length > 0) set(spec, rest);
        else {
          if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
          set(spec, argv[++i]!);
        }
        rest = "";
      }
      continue;
    }
    args.push(a);
  }
  return { flags, args, afterDash, changed };
}

/** The long names of flags that take a value (for finding the command path among the arguments). */
export function valueFlagNames(specs: FlagSpec[]): { long: Set<string>; short: Set<string> } {
  const all = [...specs, ...GLOBAL_FLAGS].filter((s) => s.type !== "bool");
  return {
    long: new Set(all.map((s) => s.name)),
    short: new Set(all.filter((s) => s.short).map((s) => s.short!)),
  };
}

/** Typed accessors. */
export function str(flags: Flags, name: string): string {
  const v = flags[name];
  return typeof v === "string" ? v : v === undefined ? "" : String(v);
}
export function bool(flags: Flags, name: string): boolean {
  return flags[name] === true;
}
export function num(flags: Flags, name: string): number {
  const v = flags[name];
  return typeof v === "number" ? v : Number(v ?? 0);
}
export function list(flags: Flags, name: string): string[] {
  const v = flags[name];
  return Array.isArray(v) ? v : [];
}
