/**
 * `kubectl delete` (kubectl `pkg/cmd/delete`): by name, `TYPE/NAME`, `-l`, `--all`, `-f`;
 * `--cascade` (background by default), `--grace-period`, `--now`, `--force`, `--wait` (default true:
 * watch until the object is gone), `--ignore-not-found`, `--dry-run`. Prints `pod "x" deleted`.
 */
import { type ResourceMapping, resourcePath } from "../../client/discovery";
import { ApiError, CommandError } from "../../client/errors";
import type { Command } from "../command";
import type { CommandContext } from "../context";
import { bool, list, num, str } from "../flags";
import { objectNamespace, readManifests } from "../manifests";
import { parseDuration, waitForObject } from "../watch-until";
import { DRY_RUN_FLAG, dryRun, verbText } from "./create";

/** `pod`, `deployment.apps`: the resource as delete names it (lower-case kind, with its group). */
function kindText(m: ResourceMapping): string {
  return m.group ? `${m.kind.toLowerCase()}.${m.group}` : m.kind.toLowerCase();
}

async function deleteOne(
  ctx: CommandContext,
  m: ResourceMapping,
  ns: string | undefined,
  name: string,
  errors: unknown[],
): Promise<{ uid?: string } | null> {
  const mode = dryRun(ctx);
  const body: Record<string, unknown> = { kind: "DeleteOptions", apiVersion: "v1" };
  const cascade = str(ctx.flags, "cascade");
  body.propagationPolicy =
    cascade === "orphan" ? "Orphan" : cascade === "foreground" ? "Foreground" : "Background";
  let grace = num(ctx.flags, "grace-period");
  if (bool(ctx.flags, "now")) grace = 1;
  if (bool(ctx.flags, "force") && grace < 0) grace = 0;
  if (grace >= 0) body.gracePeriodSeconds = grace;
  if (mode === "server") body.dryRun = ["All"];
  try {
    if (mode === "client") {
      await ctx.rest.getJson(resourcePath(m, ns, name));
      ctx.out(`${kindText(m)} "${name}" ${verbText("deleted", mode)}\n`);
      return null;
    }
    const res = (await ctx.rest.send("DELETE", resourcePath(m, ns, name), body)) as {
      kind?: string;
      metadata?: { uid?: string };
      details?: { uid?: string };
    };
    ctx.flushWarnings();
    ctx.out(`${kindText(m)} "${name}" ${verbText("deleted", mode)}\n`);
    const uid = res.kind === "Status" ? res.details?.uid : res.metadata?.uid;
    return mode === "none" ? (uid ? { uid } : {}) : null;
  } catch (e) {
    if (e instanceof ApiError && e.status.reason === "NotFound" && bool(ctx.flags, "ignore-not-found"))
      return null;
    errors.push(e);
    return null;
  }
}

/** The `delete` command. */
export const deleteCommand: Command = {
  path: ["delete"],
  flags: [
    DRY_RUN_FLAG,
    { name: "output", short: "o", type: "string", default: "" },
    { name: "filename", short: "f", type: "stringSlice", default: [] },
    { name: "recursive", short: "R", type: "bool", default: false },
    { name: "kustomize", short: "k", type: "string", default: "" },
    { name: "selector", short: "l", type: "string", default: "" },
    { name: "field-selector", type: "string", default: "" },
    { name: "all", type: "bool", default: false },
    { name: "all-namespaces", short: "A", type: "bool", default: false },
    { name: "cascade", type: "string", default: "background", noOptDefault: "background" },
    { name: "grace-period", type: "int", default: -1 },
    { name: "now", type: "bool", default: false },
    { name: "force", type: "bool", default: false },
    { name: "wait", type: "bool", default: true },
    { name: "timeout", type: "string", default: "0s" },
    { name: "ignore-not-found", type: "bool", default: false },
    { name: "interactive", short: "i", type: "bool", default: false },
    { name: "raw", type: "string", default: "" },
  ],
  async run(ctx, args) {
    const targets: { m: ResourceMapping; ns: string | undefined; name: string }[] = [];
    const files = list(ctx.flags, "filename");
    const selector = str(ctx.flags, "selector");
    const all = bool(ctx.flags, "all");
    const allNs = bool(ctx.flags, "all-namespaces");
    if (files.length > 0) {
      for (const { obj } of await readManifests(ctx, files)) {
        const m = await ctx.discovery.mappingForKind(String(obj.apiVersion), String(obj.kind));
        targets.push({
          m,
          ns: objectNamespace(ctx, obj, m.namespaced),
          name: String((obj.metadata as { name?: string })?.name ?? ""),
        });
      }
    } else {
      if (args.length === 0) {
        throw new CommandError(
          `You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'`,
        );
      }
      const groups = await ctx.resolveArgs(args);
      for (const g of groups) {
        const ns = g.mapping.namespaced ? (allNs ? undefined : ctx.namespace) : undefined;
        if (g.names.length > 0) {
          if (selector || all) throw new CommandError("name cannot be provided when a selector is specified");
          for (const n of g.names) targets.push({ m: g.mapping, ns, name: n });
          continue;
        }
        if (!selector && !all && !str(ctx.flags, "field-selector")) {
          throw new CommandError(`resource(s) were provided, but no name was specified`);
        }
        const q: Record<string, string> = {};
        if (selector) q.labelSelector = selector;
        if (str(ctx.flags, "field-selector")) q.fieldSelector = str(ctx.flags, "field-selector");
        const listed = (await ctx.rest.getJson(resourcePath(g.mapping, ns), q)) as {
          items?: { metadata?: { name?: string; namespace?: string } }[];
        };
        for (const i of listed.items ?? [])
          targets.push({ m: g.mapping, ns: i.metadata?.namespace ?? ns, name: i.metadata?.name ?? "" });
      }
      if (targets.length === 0) {
        ctx.out("No resources found\n");
        return 0;
      }
    }
    if (bool(ctx.flags, "force") && num(ctx.flags, "grace-period") <= 0) {
      ctx.err(
        "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n",
      );
    }
    const errors: unknown[] = [];
    const deleted: { m: ResourceMapping; ns: string | undefined; name: string; uid?: string }[] = [];
    for (const t of targets) {
      const r = await deleteOne(ctx, t.m, t.ns, t.name, errors);
      if (r) deleted.push({ ...t, ...r });
    }
    if (bool(ctx.flags, "wait") && dryRun(ctx) === "none") {
      const timeout = parseDuration(str(ctx.flags, "timeout"));
      for (const d of deleted) {
        const opts: { uid?: string; timeoutMs: number } = {
          timeoutMs: timeout > 0 ? timeout : 7 * 24 * 3_600_000,
        };
        if (d.uid) opts.uid = d.uid;
        const outcome = await waitForObject(ctx, d.m, d.ns, d.name, null, opts);
        if (outcome.kind === "timeout") {
          errors.push(new CommandError(`timed out waiting for the condition on ${d.m.resource}/${d.name}`));
        }
      }
    }
    if (errors.length > 0) throw new AggregateError(errors);
    return 0;
  },
};
