/**
 * `kubectl create -f FILE` and the generators `create deployment|namespace|configmap|secret
 * generic|service clusterip|nodeport|job|cronjob` (kubectl `pkg/cmd/create`), with
 * `--dry-run=client|server` and `-o`.
 */
import { type ResourceMapping, resourcePath } from "../../client/discovery";
import { ApiError, CommandError } from "../../client/errors";
import {
  generateConfigMap,
  generateCronJob,
  generateDeployment,
  generateJob,
  generateNamespace,
  generateSecretGeneric,
  generateService,
  type Ordered,
} from "../../generators/generators";
import type { Command } from "../command";
import { type CommandContext, kindPrefix } from "../context";
import { type FlagSpec, list, num, str } from "../flags";
import { objectNamespace, readManifests } from "../manifests";
import { parseOutput, printObjects } from "../output";

/** `--dry-run` (`--dry-run` alone means `unchanged`, refused as kubectl 1.32 does). */
export const DRY_RUN_FLAG: FlagSpec = {
  name: "dry-run",
  type: "string",
  default: "none",
  noOptDefault: "unchanged",
};

/** Output and dry-run flags every writing command has. */
export const WRITE_FLAGS: FlagSpec[] = [
  DRY_RUN_FLAG,
  { name: "output", short: "o", type: "string", default: "" },
  { name: "field-manager", type: "string", default: "" },
  { name: "validate", type: "string", default: "strict", noOptDefault: "strict" },
  { name: "save-config", type: "bool", default: false },
  { name: "show-managed-fields", type: "bool", default: false },
  { name: "allow-missing-template-keys", type: "bool", default: true },
  { name: "template", type: "string", default: "" },
];

/** The dry-run strategy: none, client or server (`--dry-run` must have a value in 1.32). */
export function dryRun(ctx: CommandContext): "none" | "client" | "server" {
  const v = str(ctx.flags, "dry-run");
  if (v === "none" || v === "" || v === "false") return "none";
  if (v === "client" || v === "server") return v;
  if (v === "true" || v === "unchanged") {
    throw new CommandError(`--dry-run is deprecated and can be replaced with --dry-run=client.`);
  }
  throw new CommandError(`Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
}

/** `created`, `created (dry run)`, `created (server dry run)`. */
export function verbText(verb: string, mode: "none" | "client" | "server"): string {
  return mode === "client" ? `${verb} (dry run)` : mode === "server" ? `${verb} (server dry run)` : verb;
}

/** Print the result of a write: `-o` output, or `<kind>/<name> <verb>`. */
export function printResult(
  ctx: CommandContext,
  m: ResourceMapping,
  obj: Record<string, unknown>,
  verb: string,
  typedOrder: boolean,
): void {
  const o = str(ctx.flags, "output");
  const name = (obj.metadata as { name?: string } | undefined)?.name ?? "";
  if (o === "") {
    ctx.out(`${kindPrefix(m)}/${name} ${verb}\n`);
    return;
  }
  const format = parseOutput(o, false);
  ctx.out(
    printObjects(format, [obj], { single: true, names: [`${kindPrefix(m)}/${name}`], sortKeys: !typedOrder }),
  );
}

/** POST an object (with `dryRun=All` for server dry runs). */
export async function postObject(
  ctx: CommandContext,
  m: ResourceMapping,
  ns: string | undefined,
  obj: unknown,
  mode: "none" | "client" | "server",
  fieldManager: string,
): Promise<Record<string, unknown>> {
  const query: Record<string, string> = { fieldManager: str(ctx.flags, "field-manager") || fieldManager };
  if (str(ctx.flags, "validate") !== "false") query.fieldValidation = "Strict";
  if (mode === "server") query.dryRun = "All";
  const created = (await ctx.rest.send("POST", resourcePath(m, ns), obj, { query })) as Record<
    string,
    unknown
  >;
  ctx.flushWarnings();
  return created;
}

/** Write a generated object: print it (client dry run) or create it. */
async function writeGenerated(
  ctx: CommandContext,
  resource: string,
  obj: Ordered,
  wrap?: string,
): Promise<number> {
  const mode = dryRun(ctx);
  if (mode === "client") {
    // The generators know their own mapping; no discovery is needed for a client dry run.
    const kind = obj.kind as string;
    const apiVersion = obj.apiVersion as string;
    const group = apiVersion.includes("/") ? apiVersion.split("/")[0]! : "";
    const m = {
      group,
      version: apiVersion.split("/").pop()!,
      resource,
      kind,
      singular: kind.toLowerCase(),
      namespaced: kind !== "Namespace",
      shortNames: [],
      verbs: [],
      categories: [],
      preferred: true,
    };
    printResult(ctx, m, obj, verbText("created", mode), true);
    return 0;
  }
  const m = await ctx.discovery.mappingForKind(obj.apiVersion as string, obj.kind as string);
  try {
    const created = await postObject(
      ctx,
      m,
      m.namespaced ? ctx.namespace : undefined,
      obj,
      mode,
      "kubectl-create",
    );
    printResult(ctx, m, created, verbText("created", mode), false);
  } catch (e) {
    if (wrap && e instanceof ApiError && e.status.reason !== "Invalid")
      throw new CommandError(`${wrap}: ${e.status.message}`);
    throw e;
  }
  return 0;
}

/** Names from `NAME` arguments (exactly one). */
function nameArg(args: string[], usage: string): string {
  if (args.length === 0)
    throw new CommandError(`exactly one NAME is required, got 0\nSee '${usage} -h' for help and examples`);
  if (args.length > 1)
    throw new CommandError(
      `exactly one NAME is required, got ${args.length}\nSee '${usage} -h' for help and examples`,
    );
  return args[0]!;
}

function enforcedNamespace(ctx: CommandContext): string | undefined {
  return ctx.namespaceExplicit ? ctx.namespace : undefined;
}

/** `--from-literal=k=v` pairs. */
function literals(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const idx = v.indexOf("=");
    if (idx <= 0) throw new CommandError(`invalid literal source ${v}, expected key=value`);
    const k = v.slice(0, idx);
    if (k in out)
      throw new CommandError(
        `cannot add key ${k}, another key by that name already exists in Data for ConfigMap "x"`,
      );
    out[k] = v.slice(idx + 1);
  }
  return out;
}

/** `--from-file=[key=]path` and `--from-env-file=path` through the terminal's files. */
async function fileSources(
  ctx: CommandContext,
  files: string[],
  envFiles: string[],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of files) {
    const idx = f.indexOf("=");
    const key = idx > 0 ? f.slice(0, idx) : f.split("/").pop()!;
    const path = idx > 0 ? f.slice(idx + 1) : f;
    if (!ctx.io.readFile) throw new CommandError(`error reading ${path}: no such file or directory`);
    out[key] = await ctx.io.readFile(path);
  }
  for (const f of envFiles) {
    if (!ctx.io.readFile) throw new CommandError(`error reading ${f}: no such file or directory`);
    for (const line of (await ctx.io.readFile(f)).split("\n")) {
      const t = line.trim();
      if (t === "" || t.startsWith("#")) continue;
      const idx = t.indexOf("=");
      if (idx < 0) out[t] = "";
      else out[t.slice(0, idx)] = t.slice(idx + 1);
    }
  }
  return out;
}

const createFromFile: Command = {
  path: ["create"],
  flags: [
    ...WRITE_FLAGS,
    { name: "filename", short: "f", type: "stringSlice", default: [] },
    { name: "recursive", short: "R", type: "bool", default: false },
    { name: "kustomize", short: "k", type: "string", default: "" },
    { name: "selector", short: "l", type: "string", default: "" },
    { name: "edit", type: "bool", default: false },
    { name: "raw", type: "string", default: "" },
    { name: "windows-line-endings", type: "bool", default: false },
  ],
  async run(ctx) {
    const files = list(ctx.flags, "filename");
    if (files.length === 0) throw new CommandError("must specify one of -f and -k");
    const mode = dryRun(ctx);
    const objects = await readManifests(ctx, files);
    const errors: unknown[] = [];
    for (const { obj, source } of objects) {
      try {
        const m = await ctx.discovery.mappingForKind(String(obj.apiVersion), String(obj.kind));
        const ns = objectNamespace(ctx, obj, m.namespaced);
        if (mode === "client") {
          printResult(ctx, m, obj, verbText("created", mode), false);
          continue;
        }
        const created = await postObject(ctx, m, ns, obj, mode, "kubectl-create");
        printResult(ctx, m, created, verbText("created", mode), false);
      } catch (e) {
        errors.push(addSource(e, "creating", source));
      }
    }
    if (errors.length > 0) throw new AggregateError(errors);
    return 0;
  },
};

/** cmdutil.AddSourceToErr: `error when creating "f.yaml": <message>` in the Status message. */
export function addSource(e: unknown, verb: string, source: string): unknown {
  if (e instanceof ApiError && e.status.reason !== "Invalid") {
    return new ApiError({
      ...e.status,
      message: `error when ${verb} "${source}": ${e.status.message ?? ""}`,
    });
  }
  return e;
}

const createDeployment: Command = {
  path: ["create", "deployment"],
  aliases: ["deploy"],
  required: ["image"],
  flags: [
    ...WRITE_FLAGS,
    { name: "image", type: "stringSlice", default: [] },
    { name: "replicas", short: "r", type: "int", default: 1 },
    { name: "port", type: "int", default: -1 },
  ],
  async run(ctx, args, afterDash) {
    const name = nameArg(args, "kubectl create deployment");
    const images = list(ctx.flags, "image");
    if (images.length > 1 && (afterDash ?? []).length > 0) {
      throw new CommandError("cannot specify multiple --image options and command");
    }
    const obj = generateDeployment({
      name,
      namespace: enforcedNamespace(ctx),
      images,
      replicas: num(ctx.flags, "replicas"),
      port: num(ctx.flags, "port"),
      command: afterDash ?? [],
    });
    return writeGenerated(ctx, "deployments", obj, "failed to create deployment");
  },
};

const createNamespace: Command = {
  path: ["create", "namespace"],
  aliases: ["ns"],
  flags: WRITE_FLAGS,
  async run(ctx, args) {
    return writeGenerated(
      ctx,
      "namespaces",
      generateNamespace({ name: nameArg(args, "kubectl create namespace") }),
    );
  },
};

const createConfigMap: Command = {
  path: ["create", "configmap"],
  aliases: ["cm"],
  flags: [
    ...WRITE_FLAGS,
    { name: "from-literal", type: "stringArray", default: [] },
    { name: "from-file", type: "stringSlice", default: [] },
    { name: "from-env-file", type: "stringSlice", default: [] },
    { name: "append-hash", type: "bool", default: false },
  ],
  async run(ctx, args) {
    const name = nameArg(args, "kubectl create configmap");
    const data = {
      ...(await fileSources(ctx, list(ctx.flags, "from-file"), list(ctx.flags, "from-env-file"))),
      ...literals(list(ctx.flags, "from-literal")),
    };
    return writeGenerated(
      ctx,
      "configmaps",
      generateConfigMap({ name, namespace: enforcedNamespace(ctx), data }),
    );
  },
};

const createSecretGeneric: Command = {
  path: ["create", "secret", "generic"],
  flags: [
    ...WRITE_FLAGS,
    { name: "from-literal", type: "stringArray", default: [] },
    { name: "from-file", type: "stringSlice", default: [] },
    { name: "from-env-file", type: "stringSlice", default: [] },
    { name: "type", type: "string", default: "" },
    { name: "append-hash", type: "bool", default: false },
  ],
  async run(ctx, args) {
    const name = nameArg(args, "kubectl create secret generic");
    const data = {
      ...(await fileSources(ctx, list(ctx.flags, "from-file"), list(ctx.flags, "from-env-file"))),
      ...literals(list(ctx.flags, "from-literal")),
    };
    const obj = generateSecretGeneric({
      name,
      namespace: enforcedNamespace(ctx),
      type: str(ctx.flags, "type"),
      data,
    });
    return writeGenerated(ctx, "secrets", obj);
  },
};

function serviceCommand(sub: "clusterip" | "nodeport"): Command {
  return {
    path: ["create", "service", sub],
    flags: [
      ...WRITE_FLAGS,
      { name: "tcp", type: "stringSlice", default: [] },
      ...(sub === "clusterip"
        ? [{ name: "clusterip", type: "string" as const, default: "" }]
        : [{ name: "node-port", type: "int" as const, default: 0 }]),
    ],
    async run(ctx, args) {
      const name = nameArg(args, `kubectl create service ${sub}`);
      const clusterIP = sub === "clusterip" ? str(ctx.flags, "clusterip") : "";
      const tcp = list(ctx.flags, "tcp");
      if (tcp.length === 0 && clusterIP !== "None")
        throw new CommandError("at least one tcp port specifier must be provided");
      const obj = generateService({
        name,
        namespace: enforcedNamespace(ctx),
        type: sub === "clusterip" ? "ClusterIP" : "NodePort",
        tcp,
        clusterIP,
        nodePort: sub === "nodeport" ? num(ctx.flags, "node-port") : 0,
      });
      return writeGenerated(ctx, "services", obj);
    },
  };
}

const createJob: Command = {
  path: ["create", "job"],
  flags: [
    ...WRITE_FLAGS,
    { name: "image", type: "string", default: "" },
    { name: "from", type: "string", default: "" },
  ],
  async run(ctx, args, afterDash) {
    const name = nameArg(args, "kubectl create job");
    const image = str(ctx.flags, "image");
    if (!image && !str(ctx.flags, "from"))
      throw new CommandError("either --image or --from must be specified");
    if (str(ctx.flags, "from")) throw new CommandError("--from is not supported here yet");
    const obj = generateJob({ name, namespace: enforcedNamespace(ctx), image, command: afterDash ?? [] });
    return writeGenerated(ctx, "jobs", obj);
  },
};

const createCronJob: Command = {
  path: ["create", "cronjob"],
  aliases: ["cj"],
  required: ["image", "schedule"],
  flags: [
    ...WRITE_FLAGS,
    { name: "image", type: "string", default: "" },
    { name: "schedule", type: "string", default: "" },
    { name: "restart", type: "string", default: "" },
  ],
  async run(ctx, args, afterDash) {
    const name = nameArg(args, "kubectl create cronjob");
    const obj = generateCronJob({
      name,
      namespace: enforcedNamespace(ctx),
      image: str(ctx.flags, "image"),
      schedule: str(ctx.flags, "schedule"),
      command: afterDash ?? [],
      restart: str(ctx.flags, "restart"),
    });
    return writeGenerated(ctx, "cronjobs", obj);
  },
};

/** The create commands. */
export const createCommands: Command[] = [
  createFromFile,
  createDeployment,
  createNamespace,
  createConfigMap,
  createSecretGeneric,
  serviceCommand("clusterip"),
  serviceCommand("nodeport"),
  createJob,
  createCronJob,
];
