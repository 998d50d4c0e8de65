/**
 * Cell formatting helpers shared by the printers (ports of apimachinery `labels.FormatLabels`,
 * `metav1.FormatLabelSelector`, printers.go `layoutContainerCells`, `listWithMoreString`).
 */
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { humanDuration, translateTimestampSince } from "../human-duration";

export { humanDuration, translateTimestampSince };

/** `labels.FormatLabels`: `a=b,c=d` sorted by key, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return "<none>";
  return keys.map((k) => `${k}=${labels![k]}`).join(",");
}

/**
 * `metav1.FormatLabelSelector`: `app=web,tier in (a,b)`; `<none>` for an empty selector, `<error>`
 * for an invalid one. matchLabels first (sorted), then expressions in order (labels.Selector.String
 * sorts all requirements by key).
 */
export function formatLabelSelector(sel: LabelSelector | null | undefined): string {
  if (!sel) return "<none>";
  const reqs: { key: string; text: string }[] = [];
  for (const k of Object.keys(sel.matchLabels ?? {}))
    reqs.push({ key: k, text: `${k}=${sel.matchLabels![k]}` });
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort();
    switch (e.operator) {
      case "In":
        reqs.push({ key: e.key, text: `${e.key} in (${values.join(",")})` });
        break;
      case "NotIn":
        reqs.push({ key: e.key, text: `${e.key} notin (${values.join(",")})` });
        break;
      case "Exists":
        reqs.push({ key: e.key, text: e.key });
        break;
      case "DoesNotExist":
        reqs.push({ key: e.key, text: `!${e.key}` });
        break;
      default:
        return "<error>";
    }
  }
  // labels.internalSelector is sorted by key (stable for equal keys).
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const s = reqs.map((r) => r.text).join(",");
  return s === "" ? "<none>" : s;
}

/** `layoutContainerCells`: container names and images, comma-joined. */
export function layoutContainerCells(
  containers: { name: string; image?: string }[] | undefined,
): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(","), list.map((c) => c.image ?? "").join(",")];
}

/** `listWithMoreString`: `a,b,c + 2 more...`, `<unset>` when empty. */
export function listWithMoreString(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(",");
  if (more) return `${ret} + ${count - max} more...`;
  return ret === "" ? "<unset>" : ret;
}

/** The elapsed time since a timestamp (AGE), `<unknown>` when unset. */
export function age(timestamp: string | null | undefined, now: number): string {
  return translateTimestampSince(timestamp, now);
}
