/**
 * kubectl's human-readable printer over a Table (cli-runtime `pkg/printers/tableprinter.go`):
 * decorate (NAMESPACE first with `-A`, `-L` label columns, LABELS last with `--show-labels`,
 * `kind/name` with `--show-kind`), upper-case headers, priority > 0 columns only with `-o wide`,
 * cells cut at the first line break with `...`, watch EVENT column.
 */
import { formatLabels } from "./table/helpers";
import type { Table, TableCell, TableColumnDefinition } from "./table/types";
import type { TabWriter } from "./tabwriter";

/** Options of the table printer (cli-runtime PrintOptions). */
export interface TablePrintOptions {
  noHeaders?: boolean;
  wide?: boolean;
  withNamespace?: boolean;
  /** `--show-kind` / several types: the name cell becomes `<kind>/<name>` (kind lower-case, `kind.group`). */
  withKind?: string;
  showLabels?: boolean;
  columnLabels?: string[];
}

/** formatLabelHeaders: the last path segment of each label key, upper-cased. */
function labelHeader(label: string): string {
  const parts = label.split("/");
  return parts[parts.length - 1]!.toUpperCase();
}

/** Go's fmt.Sprint of a cell. */
function cellText(cell: TableCell | undefined): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell === "number") return String(cell);
  return String(cell);
}

/** Cut a cell at the first `\f`, `\n` or `\r` (cellBreakChars) and add `...`. */
function sanitize(value: string): string {
  const idx = value.search(/[\f\n\r]/);
  return idx >= 0 ? `${value.slice(0, idx)}...` : value;
}

/** Columns and cells after decorateTable. */
export function decorateTable(table: Table, options: TablePrintOptions): Table {
  const cols: TableColumnDefinition[] = [];
  const blank = (name: string): TableColumnDefinition => ({
    name,
    type: "string",
    format: "",
    description: "",
    priority: 0,
  });
  if (options.withNamespace) cols.push(blank("Namespace"));
  cols.push(...table.columnDefinitions);
  for (const l of options.columnLabels ?? []) cols.push(blank(labelHeader(l)));
  if (options.showLabels) cols.push(blank("Labels"));
  const nameColumn = options.withKind
    ? table.columnDefinitions.findIndex((c) => c.format === "name" && c.type === "string")
    : -1;
  const rows = table.rows.map((row) => {
    const cells = [...row.cells];
    if (nameColumn >= 0) cells[nameColumn] = `${options.withKind}/${cellText(cells[nameColumn])}`;
    const meta = row.object?.metadata as { namespace?: string; labels?: Record<string, string> } | undefined;
    const out: TableCell[] = [];
    if (options.withNamespace) out.push(meta?.namespace ?? "");
    out.push(...cells);
    while (out.length < (options.withNamespace ? 1 : 0) + table.columnDefinitions.length) out.push(null);
    for (const l of options.columnLabels ?? []) out.push(meta?.labels?.[l] ?? "");
    if (options.showLabels) out.push(formatLabels(meta?.labels));
    return { ...row, cells: out };
  });
  return { ...table, columnDefinitions: cols, rows };
}

/**
 * Write a (decorated) table into a tabwriter: the header unless `noHeaders` or the table is
 * empty, then one line per row. `eventType` adds the watch EVENT column (`ADDED   `, …).
 */
export function writeTable(w: TabWriter, table: Table, options: TablePrintOptions, eventType?: string): void {
  const visible = table.columnDefinitions.map((c) => options.wide || c.priority === 0);
  if (!options.noHeaders && table.rows.length > 0) {
    const headers = table.columnDefinitions.filter((_, i) => visible[i]).map((c) => c.name.toUpperCase());
    if (eventType !== undefined) headers.unshift("EVENT");
    w.write(`${headers.join("\t")}\n`);
  }
  for (const row of table.rows) {
    const cells: string[] = [];
    if (eventType !== undefined) cells.push(formatEventType(eventType));
    row.cells.forEach((cell, i) => {
      if (i >= table.columnDefinitions.length || !visible[i]) return;
      cells.push(sanitize(cellText(cell)));
    });
    w.write(`${cells.join("\t")}\n`);
  }
}

/** formatEventType: fixed-width watch event names. */
export function formatEventType(t: string): string {
  return (
    (
      { ADDED: "ADDED   ", MODIFIED: "MODIFIED", DELETED: "DELETED ", ERROR: "ERROR   " } as Record<
        string,
        string
      >
    )[t] ?? t
  );
}
