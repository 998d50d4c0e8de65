/**
 * `-o custom-columns=HEADER:.path,…` (cli-runtime `CustomColumnsPrinter`): headers as given,
 * each cell the JSONPath results joined by `,` (Go `%v` formatting), `<none>` when there are
 * none, aligned by the same tabwriter as tables.
 */
import { findResults, type JsonPathTemplate, parseJsonPath } from "./jsonpath";
import { KUBECTL_TABLE, TabWriter } from "./tabwriter";

/** One column: a header and its JSONPath. */
export interface CustomColumn {
  header: string;
  template: JsonPathTemplate;
}

/** RelaxedJSONPathExpression: `{.a}`, `.a` and `a` all mean `{.a}`. */
export function relaxedJsonPath(expr: string): string {
  if (expr === "") return expr;
  let e = expr;
  if (e.startsWith("{") && e.endsWith("}")) e = e.slice(1, -1);
  if (!e.startsWith(".") && !e.startsWith("[") && !e.startsWith("$") && !e.startsWith("@")) e = `.${e}`;
  return `{${e}}`;
}

/** Parse `NAME:.metadata.name,IMAGE:.spec.containers[*].image`. */
export function parseCustomColumns(spec: string): CustomColumn[] {
  if (spec.length === 0) throw new Error("custom-columns format specified but no custom columns given");
  return spec.split(",").map((part) => {
    const idx = part.indexOf(":");
    if (idx < 0) {
      throw new Error(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    }
    return { header: part.slice(0, idx), template: parseJsonPath(relaxedJsonPath(part.slice(idx + 1))) };
  });
}

/** Go's `%v` of an unstructured value (maps as `map[k:v]`, slices as `[a b]`). */
export function goFormatV(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goFormatV).join(" ")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goFormatV(o[k])}`)
      .join(" ")}]`;
  }
  return String(v);
}

/** Print objects with custom columns. */
export function printCustomColumns(columns: CustomColumn[], objects: unknown[], noHeaders: boolean): string {
  const w = new TabWriter(KUBECTL_TABLE);
  if (!noHeaders) w.write(`${columns.map((c) => c.header).join("\t")}\n`);
  for (const obj of objects) {
    const cells = columns.map((c) => {
      const values = findResults(c.template, obj, { allowMissingKeys: true }).flat();
      if (values.length === 0) return "<none>";
      return values.map(goFormatV).join(",");
    });
    w.write(`${cells.join("\t")}\n`);
  }
  return w.flush();
}
