/**
 * `kubectl get` (kubectl `pkg/cmd/get/get.go`): server-side Tables for human output, objects for
 * `-o json|yaml|name|jsonpath|custom-columns`, `-A`, `-l`, `--field-selector`, `--show-labels`,
 * `-L`, `--no-headers`, `--show-kind`, `--sort-by`, `-w` / `--watch-only` / `--output-watch-events`,
 * `No resources found in <ns> namespace.` on stderr, NotFound errors collected per name.
 */
import type { ResourceMapping } from "../../client/discovery";
import { resourcePath } from "../../client/discovery";
import { ApiError, CommandError, RawError } from "../../client/errors";
import { TABLE_ACCEPT } from "../../client/rest";
import { findResults, parseJsonPath } from "../../printers/jsonpath";
import type { Table } from "../../printers/table/types";
import { decorateTable, type TablePrintOptions, writeTable } from "../../printers/table-printer";
import { KUBECTL_TABLE, TabWriter } from "../../printers/tabwriter";
import type { Command } from "../command";
import { type CommandContext, kindPrefix } from "../context";
import { bool, list, str } from "../flags";
import { readManifests } from "../manifests";
import { parseOutput, printObjects } from "../output";
import { toTable } from "../tables";

/** Objects of one resource type as fetched. */
interface Fetched {
  mapping: ResourceMapping;
  objects: Record<string, unknown>[];
  table: Table | null;
  resourceVersion: string;
  named: boolean;
}

/** A list's items with the apiVersion/kind unstructured decoding gives them. */
function itemsOf(body: Record<string, unknown>, m: ResourceMapping): Record<string, unknown>[] {
  const items = (body.items as Record<string, unknown>[] | undefined) ?? [];
  return items.map((i) => ({
    apiVersion: m.group ? `${m.group}/${m.version}` : m.version,
    kind: m.kind,
    ...i,
  }));
}

/** kubectl hides metadata.managedFields unless --show-managed-fields (since 1.21). */
function withoutManagedFields(ctx: CommandContext, obj: Record<string, unknown>): Record<string, unknown> {
  if (bool(ctx.flags, "show-managed-fields")) return obj;
  const meta = obj.metadata as Record<string, unknown> | undefined;
  if (!meta || !("managedFields" in meta)) return obj;
  const { managedFields: _, ...rest } = meta;
  return { ...obj, metadata: rest };
}

function selectorQuery(ctx: CommandContext): Record<string, string> {
  const q: Record<string, string> = {};
  const l = str(ctx.flags, "selector");
  const f = str(ctx.flags, "field-selector");
  if (l) q.labelSelector = l;
  if (f) q.fieldSelector = f;
  return q;
}

async function fetchAll(
  ctx: CommandContext,
  m: ResourceMapping,
  names: string[],
  human: boolean,
  errors: unknown[],
): Promise<Fetched> {
  const allNs = bool(ctx.flags, "all-namespaces");
  const ns = m.namespaced ? (allNs ? undefined : ctx.namespace) : undefined;
  const accept = human ? TABLE_ACCEPT : "application/json";
  const fetched: Fetched = {
    mapping: m,
    objects: [],
    table: null,
    resourceVersion: "",
    named: names.length > 0,
  };
  const addTable = (t: Table) => {
    if (!fetched.table) fetched.table = t;
    else fetched.table = { ...fetched.table, rows: [...fetched.table.rows, ...t.rows] };
  };
  if (names.length > 0) {
    for (const name of names) {
      try {
        const res = await ctx.rest.do({
          method: "GET",
          path: resourcePath(m, ns, name),
          query: {},
          headers: { accept },
        });
        const body = JSON.parse(res.body) as Record<string, unknown>;
        if (human) addTable(await toTable(ctx, m, body));
        else fetched.objects.push(withoutManagedFields(ctx, body));
      } catch (e) {
        if (e instanceof ApiError && e.status.reason === "NotFound" && bool(ctx.flags, "ignore-not-found"))
          continue;
        errors.push(e);
      }
    }
    return fetched;
  }
  let cont = "";
  do {
    const query: Record<string, string> = {
      ...selectorQuery(ctx),
      limit: String(Number(ctx.flags["chunk-size"] ?? 500)),
    };
    if (cont) query.continue = cont;
    // transformRequests: sorting a Table needs whole objects in its rows.
    if (human && str(ctx.flags, "sort-by")) query.includeObject = "Object";
    const res = await ctx.rest.do({ method: "GET", path: resourcePath(m, ns), query, headers: { accept } });
    const body = JSON.parse(res.body) as Record<string, unknown>;
    const meta = (body.metadata as { resourceVersion?: string; continue?: string } | undefined) ?? {};
    fetched.resourceVersion = meta.resourceVersion ?? "";
    cont = meta.continue ?? "";
    if (human) addTable(await toTable(ctx, m, body));
    else fetched.objects.push(...itemsOf(body, m).map((o) => withoutManagedFields(ctx, o)));
  } while (cont);
  return fetched;
}

/** --sort-by: order objects (or table rows by their objects) by a JSONPath value. */
function sortByField<T>(items: T[], objectOf: (t: T) => unknown, expr: string): T[] {
  const path = expr.startsWith("{") ? expr : `{${expr.startsWith(".") ? expr : `.${expr}`}}`;
  const t = parseJsonPath(path);
  const key = (x: T) => findResults(t, objectOf(x), { allowMissingKeys: true }).flat()[0];
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === undefined) return kb === undefined ? 0 : -1;
    if (kb === undefined) return 1;
    if (typeof ka === "number" && typeof kb === "number") return ka - kb;
    return String(ka) < String(kb) ? -1 : String(ka) > String(kb) ? 1 : 0;
  });
}

async function runGet(ctx: CommandContext, args: string[]): Promise<number> {
  const raw = str(ctx.flags, "raw");
  if (raw) {
    // --raw: the path as given, the body as the server sent it.
    const [path, q] = raw.split("?");
    const query = Object.fromEntries(new URLSearchParams(q ?? ""));
    const res = await ctx.rest.do({
      method: "GET",
      path: path!,
      query,
      headers: { accept: "application/json, */*" },
    });
    ctx.out(res.body);
    return 0;
  }
  if (args.length === 0 && list(ctx.flags, "filename").length === 0) {
    throw new RawError(
      `You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples`,
    );
  }
  const format = parseOutput(str(ctx.flags, "output"));
  const human = format.kind === "table";
  const groups = await ctx.resolveArgs(args);
  // -f: the objects the files name.
  for (const { obj } of list(ctx.flags, "filename").length > 0
    ? await readManifests(ctx, list(ctx.flags, "filename"))
    : []) {
    const mapping = await ctx.discovery.mappingForKind(String(obj.apiVersion), String(obj.kind));
    const name = String((obj.metadata as { name?: string } | undefined)?.name ?? "");
    const last = groups[groups.length - 1];
    if (last && last.mapping === mapping) last.names.push(name);
    else groups.push({ mapping, names: [name], slashForm: true });
  }
  if (str(ctx.flags, "selector") && groups.some((g) => g.names.length > 0)) {
    throw new CommandError("name cannot be provided when a selector is specified");
  }
  const errors: unknown[] = [];
  const watch = bool(ctx.flags, "watch") || bool(ctx.flags, "watch-only");
  const fetched: Fetched[] = [];
  for (const g of groups) fetched.push(await fetchAll(ctx, g.mapping, g.names, human, errors));
  ctx.flushWarnings();
  const allNs = bool(ctx.flags, "all-namespaces");
  const distinctKinds = new Set(fetched.map((f) => `${f.mapping.group}/${f.mapping.kind}`));
  const withKind = bool(ctx.flags, "show-kind") || distinctKinds.size > 1;
  const sortBy = str(ctx.flags, "sort-by");
  let written = 0;
  // -w continues in the list's tabwriter, so its remembered widths keep the columns aligned.
  let listWriter: TabWriter | undefined;
  if (!bool(ctx.flags, "watch-only")) {
    if (human) {
      let printedGroups = 0;
      for (const f of fetched) {
        // get.go: a new printer per resource type, the remembered widths reset.
        const w = new TabWriter(KUBECTL_TABLE);
        listWriter = w;
        if (!f.table) continue;
        let table = f.table;
        if (sortBy) table = { ...table, rows: sortByField(table.rows, (r) => r.object, sortBy) };
        const opts: TablePrintOptions = {
          noHeaders: bool(ctx.flags, "no-headers"),
          wide: format.wide,
          withNamespace: allNs && f.mapping.namespaced,
          showLabels: bool(ctx.flags, "show-labels"),
          columnLabels: list(ctx.flags, "label-columns"),
        };
        if (withKind) opts.withKind = kindPrefix(f.mapping);
        if (table.rows.length === 0) continue;
        // A blank line between resource types (get.go: not the first group, with headers).
        if (printedGroups > 0 && !opts.noHeaders) ctx.out("\n");
        writeTable(w, decorateTable(table, opts), opts);
        const text = w.flush();
        written += text.length;
        ctx.out(text);
        printedGroups++;
      }
    } else {
      // printGeneric: one named object prints as itself, anything else as a List (even empty).
      const singleItemImplied = groups.length === 1 && groups[0]!.names.length === 1;
      if (singleItemImplied && errors.length > 0) throw errors[0];
      let objects = fetched.flatMap((f) => f.objects.map((o) => ({ o, m: f.mapping })));
      if (sortBy) objects = sortByField(objects, (x) => x.o, sortBy);
      if (!(objects.length === 0 && bool(ctx.flags, "ignore-not-found"))) {
        ctx.out(
          printObjects(
            format,
            objects.map((x) => x.o),
            {
              single: singleItemImplied,
              names: objects.map(
                (x) => `${kindPrefix(x.m)}/${(x.o.metadata as { name?: string })?.name ?? ""}`,
              ),
              noHeaders: bool(ctx.flags, "no-headers"),
            },
          ),
        );
      }
      written = 1;
    }
  }
  if (errors.length > 0) {
    throw new AggregateError(errors);
  }
  if (written === 0 && !watch && !bool(ctx.flags, "ignore-not-found")) {
    const namespaced = fetched.every((f) => f.mapping.namespaced) && !allNs;
    ctx.err(namespaced ? `No resources found in ${ctx.namespace} namespace.\n` : "No resources found\n");
  }
  if (watch) {
    await watchLoop(
      ctx,
      fetched,
      human,
      format.kind === "table" ? format.wide : false,
      written > 0,
      listWriter,
    );
  }
  return 0;
}

/** `-w`: stream changes after the list, one row per event (RememberWidths keeps the columns). */
async function watchLoop(
  ctx: CommandContext,
  fetched: Fetched[],
  human: boolean,
  wide: boolean,
  headersPrinted: boolean,
  writer?: TabWriter,
): Promise<void> {
  if (fetched.length !== 1) throw new CommandError("you may only specify a single resource type");
  const f = fetched[0]!;
  const m = f.mapping;
  const allNs = bool(ctx.flags, "all-namespaces");
  const ns = m.namespaced ? (allNs ? undefined : ctx.namespace) : undefined;
  const query: Record<string, string> = { ...selectorQuery(ctx), watch: "true", allowWatchBookmarks: "true" };
  if (f.resourceVersion) query.resourceVersion = f.resourceVersion;
  const stream = await ctx.io.transport.watch({
    method: "GET",
    path: resourcePath(m, ns),
    query,
    headers: { accept: human ? TABLE_ACCEPT : "application/json" },
  });
  if (stream.status < 200 || stream.status > 299) {
    const { statusFromResponse } = await import("../../client/errors");
    throw new ApiError(statusFromResponse(stream.status, stream.errorBody ?? ""));
  }
  const abort = () => stream.cancel();
  ctx.io.signal?.addEventListener("abort", abort);
  const w = writer ?? new TabWriter(KUBECTL_TABLE);
  let printedHeaders = headersPrinted || bool(ctx.flags, "no-headers");
  const outputEvents = bool(ctx.flags, "output-watch-events");
  const format = parseOutput(str(ctx.flags, "output"));
  let lastColumns: Table["columnDefinitions"] | null = null;
  try {
    for await (const ev of stream.events) {
      if (ev.type === "BOOKMARK") continue;
      if (ev.type === "ERROR") {
        throw new ApiError(ev.object as import("../../client/errors").Status);
      }
      if (human) {
        let table = await toTable(ctx, m, ev.object);
        // Table watch events after the first may omit the column definitions (tableprinter reuses the last ones).
        if (table.columnDefinitions.length === 0 && lastColumns)
          table = { ...table, columnDefinitions: lastColumns };
        else lastColumns = table.columnDefinitions;
        const opts: TablePrintOptions = {
          noHeaders: printedHeaders,
          wide,
          withNamespace: allNs && m.namespaced,
          showLabels: bool(ctx.flags, "show-labels"),
          columnLabels: list(ctx.flags, "label-columns"),
        };
        writeTable(w, decorateTable(table, opts), opts, outputEvents ? ev.type : undefined);
        printedHeaders = true;
        ctx.out(w.flush());
      } else {
        const obj = ev.object as Record<string, unknown>;
        const o = { apiVersion: m.group ? `${m.group}/${m.version}` : m.version, kind: m.kind, ...obj };
        const data = outputEvents ? { type: ev.type, object: o } : o;
        ctx.out(
          printObjects(format, [data], {
            single: true,
            names: [`${kindPrefix(m)}/${(obj.metadata as { name?: string })?.name ?? ""}`],
          }),
        );
      }
      if (ctx.io.signal?.aborted) break;
    }
  } finally {
    ctx.io.signal?.removeEventListener("abort", abort);
    stream.cancel();
  }
}

/** The `get` command. */
export const getCommand: Command = {
  path: ["get"],
  flags: [
    { name: "output", short: "o", type: "string", default: "" },
    { name: "selector", short: "l", type: "string", default: "" },
    { name: "field-selector", type: "string", default: "" },
    { name: "all-namespaces", short: "A", type: "bool", default: false },
    { name: "watch", short: "w", type: "bool", default: false },
    { name: "watch-only", type: "bool", default: false },
    { name: "output-watch-events", type: "bool", default: false },
    { name: "show-labels", type: "bool", default: false },
    { name: "label-columns", short: "L", type: "stringSlice", default: [] },
    { name: "no-headers", type: "bool", default: false },
    { name: "show-kind", type: "bool", default: false },
    { name: "sort-by", type: "string", default: "" },
    { name: "chunk-size", type: "int", default: 500 },
    { name: "ignore-not-found", type: "bool", default: false },
    { name: "filename", short: "f", type: "stringSlice", default: [] },
    { name: "recursive", short: "R", type: "bool", default: false },
    { name: "kustomize", short: "k", type: "string", default: "" },
    { name: "raw", type: "string", default: "" },
    { name: "subresource", type: "string", default: "" },
    { name: "server-print", type: "bool", default: true },
    { name: "show-managed-fields", type: "bool", default: false },
    { name: "allow-missing-template-keys", type: "bool", default: true },
    { name: "template", type: "string", default: "" },
  ],
  run: (ctx, args) => runGet(ctx, args),
};
