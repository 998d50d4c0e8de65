/**
 * The printers for resources without a dedicated one: the apiserver's default table convertor
 * (apiserver `pkg/registry/rest/table.go`: NAME, CREATED AT as RFC 3339 UTC — roles, cluster
 * roles, CRDs...) and the custom-resource convertor (apiextensions-apiserver
 * `pkg/registry/customresource/tableconvertor`: NAME plus the CRD's additionalPrinterColumns,
 * AGE when it declares none).
 */
import { findResults, formatJsonPathValue, parseJsonPath } from "../../jsonpath";
import { age } from "../helpers";
import {
  CREATION_TIMESTAMP_DOC,
  column,
  NAME_COLUMN,
  NAME_DOC,
  type ResourcePrinter,
  type TableCell,
} from "../types";

/** Format a timestamp as Go's `time.RFC3339` in UTC (no fractional seconds). */
function rfc3339(ts: string | undefined): string {
  if (!ts) return "0001-01-01T00:00:00Z";
  return `${new Date(Date.parse(ts)).toISOString().slice(0, 19)}Z`;
}

/** The default table convertor: NAME, CREATED AT. */
export const defaultPrinter: ResourcePrinter = {
  columns: [
    column("Name", "string", NAME_DOC, { format: "name" }),
    column("Created At", "date", CREATION_TIMESTAMP_DOC),
  ],
  cells: (obj, _ctx) => [obj?.metadata?.name ?? "", rfc3339(obj?.metadata?.creationTimestamp)],
};

/** A CRD version's `additionalPrinterColumns` entry. */
export interface CustomResourceColumnDefinition {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** The column a CRD gets when it declares none (apiextensions `v1` defaults: Age of type date). */
const DEFAULT_CUSTOM_COLUMNS: CustomResourceColumnDefinition[] = [
  { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: CREATION_TIMESTAMP_DOC },
];

/** cellForJSONValue: typed cells; dates become an age. */
function cellForJSONValue(type: string, value: unknown, now: number): TableCell {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "integer":
      return typeof value === "number" && Number.isInteger(value) ? value : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "string":
      return typeof value === "string" ? value : null;
    case "date":
      if (typeof value === "string") return Number.isNaN(Date.parse(value)) ? "<invalid>" : age(value, now);
      return null;
  }
  return null;
}

/** The printer of a custom resource from its CRD version's additionalPrinterColumns. */
export function customResourcePrinter(
  columns: CustomResourceColumnDefinition[] | undefined,
): ResourcePrinter {
  const cols = columns && columns.length > 0 ? columns : DEFAULT_CUSTOM_COLUMNS;
  const paths = cols.map((c) => {
    try {
      return parseJsonPath(`{${c.jsonPath}}`);
    } catch {
      return null;
    }
  });
  return {
    columns: [
      NAME_COLUMN,
      ...cols.map((c) =>
        column(c.name, c.type, c.description ?? "", { priority: c.priority ?? 0, format: c.format ?? "" }),
      ),
    ],
    cells(obj, { now }) {
      const cells: TableCell[] = [obj?.metadata?.name ?? ""];
      cols.forEach((c, i) => {
        const p = paths[i];
        const results = p ? findResults(p, obj, { allowMissingKeys: true }) : [];
        const value = results[0]?.[0];
        if (value === undefined) cells.push(null);
        else if (c.type === "string") cells.push(formatJsonPathValue(value));
        else cells.push(cellForJSONValue(c.type, value, now));
      });
      return cells;
    },
  };
}
