/**
 * `kubectl top nodes` / `kubectl top pods` output (`k8s.io/kubectl/pkg/metricsutil/
 * metrics_printer.go`): CPU in millicores (`135m`), memory in Mi (`1024Mi`), node percentages
 * of allocatable, columns padded as kubectl's tabwriter does (3 spaces).
 */
import { parseMilliValue } from "../../api/quantity";
import type { KubeObject } from "../../api/types";
import type { NodeMetrics, PodMetrics } from "./metrics-types";

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `${r.map((c, i) => c.padEnd(widths[i]! + 3)).join("")}\n`).join("");
}

const cpu = (q: string) => `${Math.round(parseMilliValue(q))}m`;
const mem = (q: string) => `${Math.floor(parseMilliValue(q) / 1000 / 1_048_576)}Mi`;

/** `kubectl top nodes`. */
export function formatTopNodes(metrics: readonly NodeMetrics[], nodes: readonly KubeObject[]): string {
  const rows = [["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]];
  for (const m of [...metrics].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    const node = nodes.find((n) => n.metadata.name === m.metadata.name);
    const alloc = node?.status?.allocatable ?? {};
    const pct = (used: string, total?: string) =>
      total ? `${Math.floor((parseMilliValue(used) * 100) / parseMilliValue(total))}%` : "<unknown>";
    rows.push([
      m.metadata.name,
      cpu(m.usage.cpu),
      pct(m.usage.cpu, alloc.cpu),
      mem(m.usage.memory),
      pct(m.usage.memory, alloc.memory),
    ]);
  }
  return table(rows);
}

/** `kubectl top pods` (`-A` adds NAMESPACE). */
export function formatTopPods(metrics: readonly PodMetrics[], allNamespaces = false): string {
  const rows = [
    allNamespaces
      ? ["NAMESPACE", "NAME", "CPU(cores)", "MEMORY(bytes)"]
      : ["NAME", "CPU(cores)", "MEMORY(bytes)"],
  ];
  for (const m of [...metrics].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))) {
    let c = 0;
    let b = 0;
    for (const x of m.containers) {
      c += parseMilliValue(x.usage.cpu);
      b += parseMilliValue(x.usage.memory) / 1000;
    }
    const row = [m.metadata.name, `${Math.round(c)}m`, `${Math.floor(b / 1_048_576)}Mi`];
    rows.push(allNamespaces ? [m.metadata.namespace, ...row] : row);
  }
  return table(rows);
}
