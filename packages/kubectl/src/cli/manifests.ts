/**
 * Reading `-f` manifests: files or stdin (`-`), YAML streams (YAML 1.1, as sigs.k8s.io/yaml reads
 * them) or JSON, `List` kinds expanded, each object with its source name for error texts.
 */
import { parseAllDocuments } from "yaml";
import { CommandError } from "../client/errors";
import type { CommandContext } from "./context";

/** One object from a manifest. */
export interface ManifestObject {
  obj: Record<string, unknown>;
  source: string;
}

/** Parse a manifest text into objects. */
export function parseManifest(text: string, source: string): ManifestObject[] {
  const out: ManifestObject[] = [];
  const docs = parseAllDocuments(text, { version: "1.1" });
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      throw new CommandError(
        `error parsing ${source}: error converting YAML to JSON: yaml: ${doc.errors[0]!.message}`,
      );
    }
    const v = doc.toJS({ maxAliasCount: 100 }) as unknown;
    if (v === null || v === undefined) continue;
    if (typeof v !== "object" || Array.isArray(v)) {
      throw new CommandError(
        `error validating "${source}": error validating data: invalid object to validate`,
      );
    }
    const o = v as Record<string, unknown>;
    if (typeof o.kind === "string" && o.kind.endsWith("List") && Array.isArray(o.items)) {
      for (const item of o.items as Record<string, unknown>[]) out.push({ obj: item, source });
      continue;
    }
    if (!o.apiVersion || !o.kind) {
      const missing = !o.apiVersion ? "apiVersion" : "kind";
      throw new CommandError(`error validating "${source}": error validating data: ${missing} not set`);
    }
    out.push({ obj: o, source });
  }
  return out;
}

/** Read every `-f` argument. */
export async function readManifests(ctx: CommandContext, filenames: string[]): Promise<ManifestObject[]> {
  const out: ManifestObject[] = [];
  for (const f of filenames) {
    let text: string;
    if (f === "-") {
      if (!ctx.io.readStdin) throw new CommandError("reading from stdin is not supported here");
      text = await ctx.io.readStdin();
      out.push(...parseManifest(text, "STDIN"));
      continue;
    }
    if (!ctx.io.readFile) throw new CommandError(`the path "${f}" does not exist`);
    try {
      text = await ctx.io.readFile(f);
    } catch {
      throw new CommandError(`the path "${f}" does not exist`);
    }
    out.push(...parseManifest(text, f));
  }
  if (out.length === 0) throw new CommandError("no objects passed to create");
  return out;
}

/** The namespace an object goes to: its own, or the context's; a mismatch with an explicit `-n` is refused. */
export function objectNamespace(
  ctx: CommandContext,
  obj: Record<string, unknown>,
  namespaced: boolean,
): string | undefined {
  if (!namespaced) return undefined;
  const meta = (obj.metadata ?? {}) as { namespace?: string };
  if (meta.namespace && ctx.namespaceExplicit && meta.namespace !== ctx.namespace) {
    throw new CommandError(
      `the namespace from the provided object "${meta.namespace}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${meta.namespace}' to perform this operation.`,
    );
  }
  return meta.namespace || ctx.namespace;
}
