/**
 * `-o` formats other than the tables: json, yaml, name, jsonpath, custom-columns (cli-runtime
 * `PrintFlags`). Several objects print as a `List` for json/yaml (what `kubectl get` does), one per
 * line for name.
 */
import { CommandError } from "../client/errors";
import { parseCustomColumns, printCustomColumns } from "../printers/custom-columns";
import { printJson } from "../printers/json";
import { executeJsonPath, executeJsonPathAsJson, parseJsonPath } from "../printers/jsonpath";
import { printYaml } from "../printers/yaml";

/** A parsed `-o` value. */
export type OutputFormat =
  | { kind: "table"; wide: boolean }
  | { kind: "json" }
  | { kind: "yaml" }
  | { kind: "name" }
  | { kind: "jsonpath"; template: string; asJson: boolean }
  | { kind: "custom-columns"; spec: string };

const ALLOWED =
  "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/** The formats of commands that print objects they wrote (PrintFlags without the human printers). */
const WRITE_ALLOWED =
  "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";

/** Parse `-o`. `humanReadable` is false for commands without tables (create, apply, label …). */
export function parseOutput(o: string, humanReadable = true): OutputFormat {
  const allowed = humanReadable ? ALLOWED : WRITE_ALLOWED;
  const refuse = () =>
    new CommandError(
      `unable to match a printer suitable for the output format "${o}", allowed formats are: ${allowed}`,
    );
  if (!humanReadable && (o === "wide" || o.startsWith("custom-columns"))) throw refuse();
  if (o === "" || o === "wide") return { kind: "table", wide: o === "wide" };
  if (o === "json") return { kind: "json" };
  if (o === "yaml") return { kind: "yaml" };
  if (o === "name") return { kind: "name" };
  const eq = o.indexOf("=");
  const head = eq >= 0 ? o.slice(0, eq) : o;
  const arg = eq >= 0 ? o.slice(eq + 1) : "";
  if (head === "jsonpath" || head === "jsonpath-as-json") {
    if (arg === "") throw new CommandError("template format specified but no template given");
    return { kind: "jsonpath", template: arg, asJson: head === "jsonpath-as-json" };
  }
  if (head === "custom-columns") return { kind: "custom-columns", spec: arg };
  throw refuse();
}

/** The `List` kubectl wraps several objects in. */
export function asList(items: unknown[]): unknown {
  return { apiVersion: "v1", items, kind: "List", metadata: { resourceVersion: "" } };
}

/**
 * Print objects in a non-table format. `single` prints the object itself (one named object);
 * otherwise json/yaml/jsonpath see a List. `names` gives each object's `-o name` text.
 */
export function printObjects(
  format: OutputFormat,
  objects: unknown[],
  opts: { single: boolean; names: string[]; noHeaders?: boolean; sortKeys?: boolean },
): string {
  const data = opts.single && objects.length === 1 ? objects[0] : asList(objects);
  switch (format.kind) {
    case "json":
      return printJson(data, opts.sortKeys ?? true);
    case "yaml":
      return printYaml(data);
    case "name":
      return opts.names.map((n) => `${n}\n`).join("");
    case "jsonpath": {
      let t: ReturnType<typeof parseJsonPath>;
      try {
        t = parseJsonPath(format.template);
      } catch (e) {
        throw new CommandError(`error parsing jsonpath ${format.template}, ${(e as Error).message}`);
      }
      return format.asJson ? executeJsonPathAsJson(t, data) : executeJsonPath(t, data);
    }
    case "custom-columns":
      return printCustomColumns(parseCustomColumns(format.spec), objects, opts.noHeaders ?? false);
    case "table":
      throw new CommandError("table output is printed by the table printer");
  }
}
