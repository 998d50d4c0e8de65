/**
 * Commands that change one field of existing objects through PATCH, as kubectl does:
 * `scale` (the scale subresource), `label`, `annotate`, `cordon`, `uncordon`, `taint`,
 * `set image` (strategic merge patch on the pod template), `rollout pause|resume|restart`.
 */
import { type ResourceMapping, resourcePath } from "../../client/discovery";
import { CommandError, RawError } from "../../client/errors";
import type { Command } from "../command";
import { type CommandContext, kindPrefix } from "../context";
import { bool, num, str } from "../flags";
import { parseOutput, printObjects } from "../output";
import { DRY_RUN_FLAG, dryRun, verbText } from "./create";

const MERGE = "application/merge-patch+json";
const STRATEGIC = "application/strategic-merge-patch+json";

/** Each `TYPE NAME…` / `TYPE/NAME…` target of a command. */
async function targets(
  ctx: CommandContext,
  args: string[],
): Promise<{ m: ResourceMapping; ns?: string; name: string }[]> {
  const out: { m: ResourceMapping; ns?: string; name: string }[] = [];
  for (const g of await ctx.resolveArgs(args)) {
    const ns = g.mapping.namespaced ? ctx.namespace : undefined;
    for (const n of g.names) out.push(ns ? { m: g.mapping, ns, name: n } : { m: g.mapping, name: n });
  }
  return out;
}

async function patch(
  ctx: CommandContext,
  t: { m: ResourceMapping; ns?: string; name: string },
  body: unknown,
  contentType: string,
  subresource?: string,
  fieldManager = "kubectl",
): Promise<Record<string, unknown>> {
  const query: Record<string, string> = { fieldManager };
  if (dryRun(ctx) === "server") query.dryRun = "All";
  const res = (await ctx.rest.send("PATCH", resourcePath(t.m, t.ns, t.name, subresource), body, {
    query,
    contentType,
  })) as Record<string, unknown>;
  ctx.flushWarnings();
  return res;
}

function report(
  ctx: CommandContext,
  t: { m: ResourceMapping; name: string },
  obj: Record<string, unknown>,
  verb: string,
): void {
  const o = str(ctx.flags, "output");
  if (o) {
    ctx.out(
      printObjects(parseOutput(o, false), [obj], { single: true, names: [`${kindPrefix(t.m)}/${t.name}`] }),
    );
    return;
  }
  ctx.out(`${kindPrefix(t.m)}/${t.name} ${verbText(verb, dryRun(ctx))}\n`);
}

const OUTPUT_FLAGS = [DRY_RUN_FLAG, { name: "output", short: "o", type: "string" as const, default: "" }];

/** `kubectl scale`. */
export const scaleCommand: Command = {
  path: ["scale"],
  required: ["replicas"],
  flags: [
    ...OUTPUT_FLAGS,
    { name: "replicas", type: "int", default: 0 },
    { name: "current-replicas", type: "int", default: -1 },
    { name: "resource-version", type: "string", default: "" },
    { name: "selector", short: "l", type: "string", default: "" },
    { name: "all", type: "bool", default: false },
    { name: "filename", short: "f", type: "stringSlice", default: [] },
    { name: "timeout", type: "string", default: "0s" },
  ],
  async run(ctx, args) {
    const replicas = num(ctx.flags, "replicas");
    if (replicas < 0)
      throw new CommandError(
        "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
      );
    for (const t of await targets(ctx, args)) {
      const current = num(ctx.flags, "current-replicas");
      if (current >= 0) {
        const scale = (await ctx.rest.getJson(resourcePath(t.m, t.ns, t.name, "scale"))) as {
          spec?: { replicas?: number };
        };
        if ((scale.spec?.replicas ?? 0) !== current) {
          throw new CommandError(`Expected replicas to be ${current}, was ${scale.spec?.replicas ?? 0}`);
        }
      }
      const body: Record<string, unknown> = { spec: { replicas } };
      const rv = str(ctx.flags, "resource-version");
      if (rv) body.metadata = { resourceVersion: rv };
      if (dryRun(ctx) === "client") {
        ctx.out(`${kindPrefix(t.m)}/${t.name} scaled (dry run)\n`);
        continue;
      }
      await patch(ctx, t, body, MERGE, "scale", "kubectl-scale");
      ctx.out(`${kindPrefix(t.m)}/${t.name} ${verbText("scaled", dryRun(ctx))}\n`);
    }
    return 0;
  },
};

/** Parse `key=value` and `key-` arguments (label/annotate). */
function parseKeyValues(items: string[], what: string): { set: Record<string, string>; remove: string[] } {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const i of items) {
    if (i.endsWith("-") && !i.includes("=")) remove.push(i.slice(0, -1));
    else if (i.includes("=")) {
      const idx = i.indexOf("=");
      set[i.slice(0, idx)] = i.slice(idx + 1);
    } else throw new CommandError(`invalid ${what} spec: ${i}`);
  }
  return { set, remove };
}

function metadataCommand(name: "label" | "annotate", field: "labels" | "annotations"): Command {
  const verb = name === "label" ? "labeled" : "annotated";
  return {
    path: [name],
    flags: [
      ...OUTPUT_FLAGS,
      { name: "overwrite", type: "bool", default: false },
      { name: "selector", short: "l", type: "string", default: "" },
      { name: "all", type: "bool", default: false },
      { name: "all-namespaces", short: "A", type: "bool", default: false },
      { name: "list", type: "bool", default: false },
      { name: "local", type: "bool", default: false },
      { name: "resource-version", type: "string", default: "" },
      { name: "filename", short: "f", type: "stringSlice", default: [] },
      { name: "field-manager", type: "string", default: `kubectl-${name}` },
    ],
    async run(ctx, args) {
      // Resources come first; key=value / key- pairs follow.
      const pairsStart = args.findIndex((a) => a.includes("=") || (a.endsWith("-") && !a.includes("/")));
      const resourceArgs = pairsStart < 0 ? args : args.slice(0, pairsStart);
      const pairs = pairsStart < 0 ? [] : args.slice(pairsStart);
      if (pairs.length === 0 && !bool(ctx.flags, "list"))
        throw new CommandError(
          `at least one ${name === "label" ? "label" : "annotation"} update is required`,
        );
      const { set, remove } = parseKeyValues(pairs, name === "label" ? "label" : "annotation");
      let ts = await targets(ctx, resourceArgs);
      const selector = str(ctx.flags, "selector");
      if (ts.length === 0 && resourceArgs.length > 0 && (selector || bool(ctx.flags, "all"))) {
        const m = await ctx.discovery.mappingFor(resourceArgs[0]!);
        const ns = m.namespaced ? ctx.namespace : undefined;
        const listed = (await ctx.rest.getJson(
          resourcePath(m, ns),
          selector ? { labelSelector: selector } : {},
        )) as {
          items?: { metadata?: { name?: string } }[];
        };
        ts = (listed.items ?? []).map((i) =>
          ns ? { m, ns, name: i.metadata?.name ?? "" } : { m, name: i.metadata?.name ?? "" },
        );
      }
      for (const t of ts) {
        const obj = (await ctx.rest.getJson(resourcePath(t.m, t.ns, t.name))) as {
          metadata?: Record<string, unknown>;
        };
        const current = (obj.metadata?.[field] as Record<string, string> | undefined) ?? {};
        if (bool(ctx.flags, "list")) {
          for (const k of Object.keys(current).sort()) ctx.out(`${k}=${current[k]}\n`);
          continue;
        }
        const changes: Record<string, string | null> = {};
        for (const [k, v] of Object.entries(set)) {
          if (k in current && current[k] !== v && !bool(ctx.flags, "overwrite")) {
            throw new CommandError(`'${k}' already has a value (${current[k]}), and --overwrite is false`);
          }
          if (current[k] !== v) changes[k] = v;
        }
        for (const k of remove) if (k in current) changes[k] = null;
        if (Object.keys(changes).length === 0) {
          ctx.out(`${kindPrefix(t.m)}/${t.name} not ${verb}\n`);
          continue;
        }
        const body: Record<string, unknown> = { metadata: { [field]: changes } };
        const rv = str(ctx.flags, "resource-version");
        if (rv) (body.metadata as Record<string, unknown>).resourceVersion = rv;
        const onlyRemovals = Object.values(changes).every((v) => v === null);
        const word = onlyRemovals && name === "label" ? "unlabeled" : verb;
        if (dryRun(ctx) === "client") {
          ctx.out(`${kindPrefix(t.m)}/${t.name} ${word} (dry run)\n`);
          continue;
        }
        const res = await patch(ctx, t, body, MERGE, undefined, str(ctx.flags, "field-manager"));
        report(ctx, t, res, word);
      }
      return 0;
    },
  };
}

/** `kubectl label`. */
export const labelCommand = metadataCommand("label", "labels");
/** `kubectl annotate`. */
export const annotateCommand = metadataCommand("annotate", "annotations");

function cordonCommand(name: "cordon" | "uncordon"): Command {
  const unschedulable = name === "cordon";
  return {
    path: [name],
    flags: [DRY_RUN_FLAG, { name: "selector", short: "l", type: "string", default: "" }],
    async run(ctx, args) {
      if (args.length === 0 && !str(ctx.flags, "selector")) {
        throw new RawError(
          `error: USAGE: ${name} NODE [flags]\nSee 'kubectl ${name} -h' for help and examples`,
        );
      }
      const m = await ctx.discovery.mappingFor("nodes");
      for (const node of args) {
        const obj = (await ctx.rest.getJson(resourcePath(m, undefined, node))) as {
          spec?: { unschedulable?: boolean };
        };
        if ((obj.spec?.unschedulable ?? false) === unschedulable) {
          ctx.out(`node/${node} already ${name}ed\n`);
          continue;
        }
        if (dryRun(ctx) !== "client") {
          await patch(
            ctx,
            { m, name: node },
            { spec: { unschedulable: unschedulable ? true : null } },
            STRATEGIC,
          );
        }
        ctx.out(`node/${node} ${verbText(`${name}ed`, dryRun(ctx))}\n`);
      }
      return 0;
    },
  };
}

/** `kubectl cordon` / `kubectl uncordon`. */
export const cordonCommands = [cordonCommand("cordon"), cordonCommand("uncordon")];

/** `kubectl taint nodes NODE key[=value]:Effect[-]`. */
export const taintCommand: Command = {
  path: ["taint"],
  flags: [
    ...OUTPUT_FLAGS,
    { name: "overwrite", type: "bool", default: false },
    { name: "all", type: "bool", default: false },
    { name: "selector", short: "l", type: "string", default: "" },
  ],
  async run(ctx, args) {
    if (args.length < 2) throw new CommandError(`at least one taint update is required`);
    const m = await ctx.discovery.mappingFor(args[0]!);
    if (m.resource !== "nodes")
      throw new CommandError(`invalid resource type ${args[0]}, only node types are supported`);
    const nodes: string[] = [];
    const specs: string[] = [];
    for (const a of args.slice(1))
      (a.includes(":") || a.endsWith("-") || a.includes("=") ? specs : nodes).push(a);
    for (const node of nodes) {
      const obj = (await ctx.rest.getJson(resourcePath(m, undefined, node))) as {
        spec?: { taints?: { key: string; value?: string; effect: string }[] };
      };
      let taints = [...(obj.spec?.taints ?? [])];
      let removed = false;
      let added = false;
      for (const s of specs) {
        if (s.endsWith("-")) {
          const body = s.slice(0, -1);
          const [kv, effect] = body.split(":");
          const key = kv!.split("=")[0]!;
          const before = taints.length;
          taints = taints.filter((t) => !(t.key === key && (!effect || t.effect === effect)));
          if (taints.length === before) throw new CommandError(`taint "${body}" not found`);
          removed = true;
          continue;
        }
        const m2 = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(s);
        if (!m2) throw new CommandError(`invalid taint spec: ${s}, unknown taint effect`);
        const [, key, value, effect] = m2;
        const existing = taints.find((t) => t.key === key && t.effect === effect);
        if (existing && !bool(ctx.flags, "overwrite")) {
          throw new CommandError(
            `node ${node} already has ${key} taint(s) with same effect(s) and --overwrite is false`,
          );
        }
        taints = taints.filter((t) => !(t.key === key && t.effect === effect));
        taints.push(
          value !== undefined && value !== ""
            ? { key: key!, value, effect: effect! }
            : { key: key!, effect: effect! },
        );
        added = true;
      }
      if (dryRun(ctx) !== "client") {
        await patch(
          ctx,
          { m, name: node },
          { spec: { taints: taints.length > 0 ? taints : null } },
          MERGE,
          undefined,
          "kubectl-taint",
        );
      }
      const verb = added && !removed ? "tainted" : removed && !added ? "untainted" : "modified";
      ctx.out(`node/${node} ${verbText(verb, dryRun(ctx))}\n`);
    }
    return 0;
  },
};

/** The pod template of a workload (`spec.template`, CronJob's `spec.jobTemplate.spec.template`, a Pod's own spec). */
function podSpecPath(kind: string): string[] {
  if (kind === "Pod") return ["spec"];
  if (kind === "CronJob") return ["spec", "jobTemplate", "spec", "template", "spec"];
  return ["spec", "template", "spec"];
}

function nest(path: string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((acc, key) => ({ [key]: acc }), value) as Record<string, unknown>;
}

/** `kubectl set image TYPE/NAME container=image …` (`*=image` sets every container). */
export const setImageCommand: Command = {
  path: ["set", "image"],
  flags: [
    ...OUTPUT_FLAGS,
    { name: "all", type: "bool", default: false },
    { name: "selector", short: "l", type: "string", default: "" },
    { name: "local", type: "bool", default: false },
    { name: "filename", short: "f", type: "stringSlice", default: [] },
  ],
  async run(ctx, args) {
    const pairsStart = args.findIndex((a) => a.includes("="));
    if (pairsStart < 0) throw new CommandError("at least one image update is required");
    const images: Record<string, string> = {};
    for (const p of args.slice(pairsStart)) {
      const idx = p.indexOf("=");
      images[p.slice(0, idx)] = p.slice(idx + 1);
    }
    for (const t of await targets(ctx, args.slice(0, pairsStart))) {
      const obj = (await ctx.rest.getJson(resourcePath(t.m, t.ns, t.name))) as Record<string, unknown>;
      const path = podSpecPath(String(obj.kind));
      let spec: Record<string, unknown> | undefined = obj;
      for (const k of path) spec = spec?.[k] as Record<string, unknown> | undefined;
      const containers = (spec?.containers as { name: string; image: string }[] | undefined) ?? [];
      const initContainers = (spec?.initContainers as { name: string; image: string }[] | undefined) ?? [];
      const patchContainers: { name: string; image: string }[] = [];
      const patchInit: { name: string; image: string }[] = [];
      for (const [name, image] of Object.entries(images)) {
        let found = false;
        for (const c of containers)
          if (name === "*" || c.name === name) {
            patchContainers.push({ name: c.name, image });
            found = true;
          }
        for (const c of initContainers)
          if (name === "*" || c.name === name) {
            patchInit.push({ name: c.name, image });
            found = true;
          }
        if (!found) throw new CommandError(`unable to find container named "${name}"`);
      }
      const specPatch: Record<string, unknown> = {};
      if (patchContainers.length > 0) specPatch.containers = patchContainers;
      if (patchInit.length > 0) specPatch.initContainers = patchInit;
      if (dryRun(ctx) === "client") {
        ctx.out(`${kindPrefix(t.m)}/${t.name} image updated (dry run)\n`);
        continue;
      }
      const res = await patch(ctx, t, nest(path, specPatch), STRATEGIC, undefined, "kubectl-set");
      report(ctx, t, res, "image updated");
    }
    return 0;
  },
};

function rolloutSimple(name: "pause" | "resume" | "restart"): Command {
  return {
    path: ["rollout", name],
    flags: [
      ...OUTPUT_FLAGS,
      { name: "selector", short: "l", type: "string", default: "" },
      { name: "filename", short: "f", type: "stringSlice", default: [] },
    ],
    async run(ctx, args) {
      if (args.length === 0) {
        throw new CommandError(`required resource not specified`);
      }
      for (const t of await targets(ctx, args)) {
        const obj = (await ctx.rest.getJson(resourcePath(t.m, t.ns, t.name))) as {
          spec?: { paused?: boolean };
        };
        const res = t.m.group ? `${t.m.resource}.${t.m.group}` : t.m.resource;
        if (name === "restart") {
          if (obj.spec?.paused)
            throw new CommandError(
              `can't restart paused ${t.m.kind.toLowerCase()} (run rollout resume first)`,
            );
          const now = new Date(ctx.now()).toISOString().replace(/\.\d{3}Z$/, "Z");
          const body = {
            spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": now } } } },
          };
          if (dryRun(ctx) !== "client") await patch(ctx, t, body, STRATEGIC, undefined, "kubectl-rollout");
          ctx.out(`${kindPrefix(t.m)}/${t.name} ${verbText("restarted", dryRun(ctx))}\n`);
          continue;
        }
        if (t.m.kind !== "Deployment") {
          throw new CommandError(`${name === "pause" ? "pausing" : "resuming"} is not supported`);
        }
        const paused = obj.spec?.paused ?? false;
        if (name === "pause" && paused) throw new CommandError(`${res} "${t.name}" is already paused`);
        if (name === "resume" && !paused) throw new CommandError(`${res} "${t.name}" is not paused`);
        if (dryRun(ctx) !== "client") {
          await patch(
            ctx,
            t,
            { spec: { paused: name === "pause" ? true : null } },
            STRATEGIC,
            undefined,
            "kubectl-rollout",
          );
        }
        ctx.out(
          `${kindPrefix(t.m)}/${t.name} ${verbText(name === "pause" ? "paused" : "resumed", dryRun(ctx))}\n`,
        );
      }
      return 0;
    },
  };
}

/** `kubectl rollout pause|resume|restart`. */
export const rolloutSimpleCommands = [
  rolloutSimple("pause"),
  rolloutSimple("resume"),
  rolloutSimple("restart"),
];
