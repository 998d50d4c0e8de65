/**
 * Builds the `meta.k8s.io/v1` Table a kube-apiserver returns for a list or an object (its
 * TableConvertor, `pkg/printers/storage.TableConvertor` with `GenerateOptions{Wide: true}`): all
 * columns, wide ones included, and each row's object. A pure function of the objects and the
 * time, so the simulated apiserver can serve Table responses with it and kubectl can print
 * objects that came without one.
 */
import type { ResourcePrinter, Table, TableRow } from "./types";

/** Options of a Table: `includeObject` as the `includeObject` query parameter (Object|Metadata|None). */
export interface GenerateTableOptions {
  now: number;
  includeObject?: "Object" | "Metadata" | "None";
  resourceVersion?: string;
  continue?: string;
}

/** Row conditions printers.go sets for finished pods. */
function rowConditions(obj: { kind?: string; status?: { phase?: string } }): TableRow["conditions"] {
  if (obj.kind !== "Pod") return undefined;
  if (obj.status?.phase === "Succeeded")
    return [
      {
        type: "Completed",
        status: "True",
        reason: "Succeeded",
        message: "The pod has completed successfully.",
      },
    ];
  if (obj.status?.phase === "Failed")
    return [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }];
  return undefined;
}

/** A Table of `objects` printed by `printer`. */
export function generateTable(
  printer: ResourcePrinter,
  objects: unknown[],
  options: GenerateTableOptions,
): Table {
  const include = options.includeObject ?? "Metadata";
  const rows: TableRow[] = objects.map((obj) => {
    const row: TableRow = { cells: printer.cells(obj, { now: options.now }) };
    const conditions = rowConditions(obj as Parameters<typeof rowConditions>[0]);
    if (conditions) row.conditions = conditions;
    if (include === "Object") row.object = obj;
    else if (include === "Metadata")
      row.object = {
        kind: "PartialObjectMetadata",
        apiVersion: "meta.k8s.io/v1",
        metadata: (obj as { metadata?: unknown } | null)?.metadata ?? {},
      };
    return row;
  });
  const metadata: Table["metadata"] = {};
  if (options.resourceVersion !== undefined) metadata.resourceVersion = options.resourceVersion;
  if (options.continue) metadata.continue = options.continue;
  return { kind: "Table", apiVersion: "meta.k8s.io/v1", metadata, columnDefinitions: printer.columns, rows };
}
