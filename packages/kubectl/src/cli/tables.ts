/**
 * Tables for `kubectl get`: asked from the server (`Accept: …;as=Table;…`), or — when the server
 * answers with plain objects — built here with the same printers the server uses
 * (`generateTable`), custom resources with their CRD's additionalPrinterColumns.
 */
import type { ResourceMapping } from "../client/discovery";
import { TABLE_ACCEPT } from "../client/rest";
import {
  type CustomResourceColumnDefinition,
  customResourcePrinter,
} from "../printers/table/columns/default";
import { generateTable } from "../printers/table/generate-table";
import { hasPrinter, printerFor } from "../printers/table/registry";
import type { ResourcePrinter, Table } from "../printers/table/types";
import type { CommandContext } from "./context";

const BUILTIN_GROUPS = new Set([
  "",
  "apps",
  "batch",
  "autoscaling",
  "policy",
  "networking.k8s.io",
  "discovery.k8s.io",
  "coordination.k8s.io",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "scheduling.k8s.io",
  "apiextensions.k8s.io",
  "admissionregistration.k8s.io",
  "certificates.k8s.io",
  "events.k8s.io",
  "flowcontrol.apiserver.k8s.io",
  "node.k8s.io",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "apiregistration.k8s.io",
  "resource.k8s.io",
  "storagemigration.k8s.io",
  "internal.apiserver.k8s.io",
]);

/** The printer for a mapping: built-in, or the CRD's columns for a custom resource. */
export async function printerForMapping(ctx: CommandContext, m: ResourceMapping): Promise<ResourcePrinter> {
  if (hasPrinter(m.resource, m.group) || BUILTIN_GROUPS.has(m.group)) return printerFor(m.resource, m.group);
  try {
    const crd = (await ctx.rest.getJson(
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${m.resource}.${m.group}`,
    )) as {
      spec?: { versions?: { name: string; additionalPrinterColumns?: CustomResourceColumnDefinition[] }[] };
    };
    const v = crd.spec?.versions?.find((x) => x.name === m.version);
    return customResourcePrinter(v?.additionalPrinterColumns);
  } catch {
    return customResourcePrinter(undefined);
  }
}

/** Convert a server answer (a Table, a list, or one object) to a Table. */
export async function toTable(ctx: CommandContext, m: ResourceMapping, body: unknown): Promise<Table> {
  const b = body as { kind?: string; items?: unknown[]; metadata?: { resourceVersion?: string } };
  if (b.kind === "Table") {
    const t = body as Table;
    return { ...t, rows: t.rows ?? [], columnDefinitions: t.columnDefinitions ?? [] };
  }
  const printer = await printerForMapping(ctx, m);
  const items = Array.isArray(b.items) ? b.items : [body];
  return generateTable(printer, items, { now: ctx.now(), includeObject: "Object" });
}

/** GET a list or object as a Table. */
export async function getTable(
  ctx: CommandContext,
  m: ResourceMapping,
  path: string,
  query: Record<string, string>,
): Promise<{ table: Table; resourceVersion: string; continue: string }> {
  const res = await ctx.rest.do({ method: "GET", path, query, headers: { accept: TABLE_ACCEPT } });
  const body = JSON.parse(res.body) as { metadata?: { resourceVersion?: string; continue?: string } };
  return {
    table: await toTable(ctx, m, body),
    resourceVersion: body.metadata?.resourceVersion ?? "",
    continue: body.metadata?.continue ?? "",
  };
}
