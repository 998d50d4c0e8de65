/**
 * `kubectl apply -f` (kubectl `pkg/cmd/apply`): client-side apply with the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation and a three-way strategic merge
 * patch (JSON merge patch for custom resources), or `--server-side` apply
 * (`application/apply-patch+yaml`, field manager `kubectl`). Prints `created`, `configured`,
 * `unchanged` or `serverside-applied`.
 */
import { type ResourceMapping, resourcePath } from "../../client/discovery";
import { ApiError, CommandError } from "../../client/errors";
import { goJsonCompact } from "../../printers/json";
import type { Command } from "../command";
import { kindPrefix } from "../context";
import { bool, list, str } from "../flags";
import { objectNamespace, readManifests } from "../manifests";
import { addSource, DRY_RUN_FLAG, dryRun, printResult, verbText } from "./create";
import { createThreeWayPatch } from "./three-way-patch";

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** Groups whose kinds have strategic merge metadata (built-in types). */
const BUILTIN = new Set([
  "",
  "apps",
  "batch",
  "autoscaling",
  "policy",
  "networking.k8s.io",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "scheduling.k8s.io",
  "apiextensions.k8s.io",
  "admissionregistration.k8s.io",
  "certificates.k8s.io",
  "node.k8s.io",
  "events.k8s.io",
  "flowcontrol.apiserver.k8s.io",
]);

/** GetModifiedConfiguration: the object with the annotation holding its own JSON (sorted, compact, newline). */
function modifiedConfiguration(obj: Record<string, unknown>): {
  modified: Record<string, unknown>;
  applied: string;
} {
  const meta = { ...((obj.metadata as Record<string, unknown>) ?? {}) };
  const annotations = { ...((meta.annotations as Record<string, string>) ?? {}) };
  delete annotations[LAST_APPLIED];
  const without = { ...obj, metadata: { ...meta, annotations } };
  const applied = `${goJsonCompact(without)}\n`;
  return {
    modified: { ...obj, metadata: { ...meta, annotations: { ...annotations, [LAST_APPLIED]: applied } } },
    applied,
  };
}

/** The `apply` command. */
export const applyCommand: Command = {
  path: ["apply"],
  flags: [
    DRY_RUN_FLAG,
    { name: "output", short: "o", type: "string", default: "" },
    { name: "filename", short: "f", type: "stringSlice", default: [] },
    { name: "recursive", short: "R", type: "bool", default: false },
    { name: "kustomize", short: "k", type: "string", default: "" },
    { name: "server-side", type: "bool", default: false },
    { name: "force-conflicts", type: "bool", default: false },
    { name: "field-manager", type: "string", default: "" },
    { name: "validate", type: "string", default: "strict", noOptDefault: "strict" },
    { name: "prune", type: "bool", default: false },
    { name: "selector", short: "l", type: "string", default: "" },
    { name: "force", type: "bool", default: false },
    { name: "overwrite", type: "bool", default: true },
    { name: "wait", type: "bool", default: false },
    { name: "timeout", type: "string", default: "0s" },
    { name: "grace-period", type: "int", default: -1 },
    { name: "cascade", type: "string", default: "background" },
    { name: "show-managed-fields", type: "bool", default: false },
  ],
  async run(ctx) {
    const files = list(ctx.flags, "filename");
    if (files.length === 0 && !str(ctx.flags, "kustomize")) {
      throw new CommandError("must specify one of -f and -k");
    }
    const mode = dryRun(ctx);
    const serverSide = bool(ctx.flags, "server-side");
    const errors: unknown[] = [];
    for (const { obj, source } of await readManifests(ctx, files)) {
      try {
        const m = await ctx.discovery.mappingForKind(String(obj.apiVersion), String(obj.kind));
        const ns = objectNamespace(ctx, obj, m.namespaced);
        const named = {
          ...obj,
          metadata: { ...((obj.metadata as object) ?? {}), ...(ns ? { namespace: ns } : {}) },
        };
        const name = String((named.metadata as { name?: string }).name ?? "");
        if (!name)
          throw new CommandError(
            `error when retrieving current configuration of:\nResource: "${m.group ? `${m.group}/` : ""}${m.version}, Resource=${m.resource}", GroupVersionKind: "${String(obj.apiVersion)}, Kind=${String(obj.kind)}"\nName: "", Namespace: "${ns ?? ""}"\nfrom server for: "${source}": resource name may not be empty`,
          );
        if (serverSide) await serverSideApply(m, ns, name, named);
        else await clientSideApply(m, ns, name, named);
      } catch (e) {
        errors.push(addSource(e, "applying patch", source));
      }
    }
    if (errors.length > 0) throw new AggregateError(errors);
    return 0;

    async function serverSideApply(
      m: ResourceMapping,
      ns: string | undefined,
      name: string,
      obj: Record<string, unknown>,
    ) {
      const query: Record<string, string> = { fieldManager: str(ctx.flags, "field-manager") || "kubectl" };
      if (bool(ctx.flags, "force-conflicts")) query.force = "true";
      if (mode === "server") query.dryRun = "All";
      if (mode === "client")
        throw new CommandError(
          "--dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)",
        );
      const res = (await ctx.rest.send("PATCH", resourcePath(m, ns, name), JSON.stringify(obj), {
        query,
        contentType: "application/apply-patch+yaml",
      })) as Record<string, unknown>;
      ctx.flushWarnings();
      printResult(ctx, m, res, verbText("serverside-applied", mode), false);
    }

    async function clientSideApply(
      m: ResourceMapping,
      ns: string | undefined,
      name: string,
      obj: Record<string, unknown>,
    ) {
      const { modified } = modifiedConfiguration(obj);
      let current: Record<string, unknown> | null = null;
      try {
        current = (await ctx.rest.getJson(resourcePath(m, ns, name))) as Record<string, unknown>;
      } catch (e) {
        if (!(e instanceof ApiError) || e.status.reason !== "NotFound") throw e;
      }
      const fieldManager = str(ctx.flags, "field-manager") || "kubectl-client-side-apply";
      if (!current) {
        if (mode === "client") {
          printResult(ctx, m, modified, verbText("created", mode), false);
          return;
        }
        const query: Record<string, string> = { fieldManager, fieldValidation: "Strict" };
        if (mode === "server") query.dryRun = "All";
        const created = (await ctx.rest.send("POST", resourcePath(m, ns), modified, { query })) as Record<
          string,
          unknown
        >;
        ctx.flushWarnings();
        printResult(ctx, m, created, verbText("created", mode), false);
        return;
      }
      const annotations = ((current.metadata as { annotations?: Record<string, string> }).annotations ??
        {}) as Record<string, string>;
      const originalText = annotations[LAST_APPLIED];
      if (originalText === undefined) {
        ctx.err(
          `Warning: resource ${m.group ? `${m.resource}.${m.group}` : m.resource}/${name} is missing the ${LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`,
        );
      }
      const original = originalText ? JSON.parse(originalText) : {};
      const strategic = BUILTIN.has(m.group);
      const patch = createThreeWayPatch(original, modified, current, strategic);
      if (Object.keys(patch).length === 0) {
        printResult(ctx, m, current, verbText("unchanged", mode), false);
        return;
      }
      if (mode === "client") {
        printResult(ctx, m, current, verbText("configured", mode), false);
        return;
      }
      const query: Record<string, string> = { fieldManager, fieldValidation: "Strict" };
      if (mode === "server") query.dryRun = "All";
      const res = (await ctx.rest.send("PATCH", resourcePath(m, ns, name), patch, {
        query,
        contentType: strategic ? "application/strategic-merge-patch+json" : "application/merge-patch+json",
      })) as Record<string, unknown>;
      ctx.flushWarnings();
      printResult(ctx, m, res, verbText("configured", mode), false);
    }
  },
};

export { kindPrefix };
