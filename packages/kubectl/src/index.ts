/**
 * @kubelab/kubectl: the kubectl command line of the browser terminal. It reaches a cluster only
 * through the Kubernetes REST API, over a transport the host provides (`KubeTransport`).
 *
 * - `runKubectl(argv, io)` runs one command line and resolves to its exit code.
 * - The printers are usable on their own: `generateTable` / `printerFor` build the
 *   `meta.k8s.io/v1` Table a kube-apiserver serves for `Accept: …;as=Table` (pure functions of
 *   objects and the time — the simulated apiserver can serve Tables with them), `printYaml`,
 *   `printJson`, `executeJsonPath`, the tabwriter.
 */
export type { KubeconfigView, KubectlIO } from "./cli/context";
export { ApiError, formatError, type Status } from "./client/errors";
export { runKubectl } from "./kubectl";
export { parseCustomColumns, printCustomColumns } from "./printers/custom-columns";
export { humanDuration, translateTimestampSince } from "./printers/human-duration";
export { goJsonIndent, printJson } from "./printers/json";
export { executeJsonPath, parseJsonPath } from "./printers/jsonpath";
export { customResourcePrinter } from "./printers/table/columns/default";
export { type GenerateTableOptions, generateTable } from "./printers/table/generate-table";
export { printerFor } from "./printers/table/registry";
export type { ResourcePrinter, Table, TableColumnDefinition, TableRow } from "./printers/table/types";
export { KUBECTL_TABLE, TabWriter, tabwrite } from "./printers/tabwriter";
export { printYaml } from "./printers/yaml";
export {
  ConnectionError,
  type ExecSession,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  type KubeTransport,
  type StreamResponse,
  type WatchEvent,
  type WatchStream,
} from "./transport";
