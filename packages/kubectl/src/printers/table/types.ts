/**
 * The `meta.k8s.io/v1` Table a server answers `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`
 * with (apimachinery `pkg/apis/meta/v1/types.go` Table, TableColumnDefinition, TableRow).
 */

/** One column: `priority` 0 columns show by default, higher ones only with `-o wide`. */
export interface TableColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** A cell: a string, a number (`integer`/`number` columns), a boolean, or null. */
export type TableCell = string | number | boolean | null;

/** One row: its cells and the object (or its PartialObjectMetadata) it was made from. */
export interface TableRow {
  cells: TableCell[];
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
  // biome-ignore lint/suspicious/noExplicitAny: rows carry the unstructured object
  object?: any;
}

/** A `meta.k8s.io/v1` Table. */
export interface Table {
  kind: "Table";
  apiVersion: "meta.k8s.io/v1";
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** What a row function gets besides the object: the current time (ms since the epoch). */
export interface RowContext {
  now: number;
}

/**
 * The printer of one resource, a port of one `AddHandlers` entry of kubernetes
 * `pkg/printers/internalversion/printers.go`: column definitions and a pure function from an
 * object (and the time) to its cells, all of them, wide ones included (as a server computes them;
 * the client drops the priority > 0 columns unless `-o wide`).
 */
export interface ResourcePrinter {
  columns: TableColumnDefinition[];
  // biome-ignore lint/suspicious/noExplicitAny: objects are unstructured JSON
  cells(obj: any, ctx: RowContext): TableCell[];
}

/** A column definition with the defaults filled in. */
export function column(
  name: string,
  type: string,
  description = "",
  extra: { priority?: number; format?: string } = {},
): TableColumnDefinition {
  return { name, type, format: extra.format ?? "", description, priority: extra.priority ?? 0 };
}

/** ObjectMeta's swagger doc for `name` (apimachinery `meta/v1/types_swagger_doc_generated.go`). */
export const NAME_DOC =
  "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

/** ObjectMeta's swagger doc for `creationTimestamp`. */
export const CREATION_TIMESTAMP_DOC =
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/** The Name column every printer starts with. */
export const NAME_COLUMN = column("Name", "string", NAME_DOC, { format: "name" });

/** The Age column. */
export const AGE_COLUMN = column("Age", "string", CREATION_TIMESTAMP_DOC);
