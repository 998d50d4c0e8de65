/**
 * kubectl describe's output machinery (kubectl `pkg/describe/describe.go`): a PrefixWriter that
 * indents by two spaces per level into a tabwriter (`tabbedString`: minwidth 0, tabwidth 8,
 * padding 2), and the shared helpers — multi-line labels, annotations, tolerations, the Events
 * table, RFC 1123 times.
 */
import { humanDuration, translateTimestampSince } from "../printers/human-duration";
import { KUBECTL_DESCRIBE, TabWriter } from "../printers/tabwriter";

/** LEVEL_0 … LEVEL_4. */
export class PrefixWriter {
  private readonly tw = new TabWriter(KUBECTL_DESCRIBE);
  private out = "";

  /** `Write(level, text)`: the text after 2×level spaces. */
  write(level: number, text: string): void {
    this.tw.write("  ".repeat(level) + text);
  }

  /** `WriteLine`: text and a newline. */
  writeLine(text: string): void {
    this.tw.write(`${text}\n`);
  }

  /** Flush the tabwriter (columns before and after align independently). */
  flush(): void {
    this.out += this.tw.flush();
  }

  /** The whole output. */
  toString(): string {
    this.flush();
    return this.out;
  }
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Go's `time.RFC1123Z` in UTC: `Mon, 02 Jan 2006 15:04:05 +0000`; the zero time for unset. */
export function rfc1123z(ts: string | null | undefined): string {
  if (!ts) return "Mon, 01 Jan 0001 00:00:00 +0000";
  const d = new Date(Date.parse(ts));
  const p = (n: number) => String(n).padStart(2, "0");
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(
    d.getUTCMinutes(),
  )}:${p(d.getUTCSeconds())} +0000`;
}

/** printLabelsMultilineWithIndent. */
export function printLabelsMultiline(
  w: PrefixWriter,
  title: string,
  labels: Record<string, string> | undefined,
  initialIndent = "",
  innerIndent = "\t",
): void {
  w.write(0, `${initialIndent}${title}:${innerIndent}`);
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) {
    w.writeLine("<none>");
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, `${initialIndent}${innerIndent}`);
    w.write(0, `${k}=${labels![k]}\n`);
  });
}

/** maxAnnotationLen. */
const MAX_ANNOTATION_LEN = 140;

/** printAnnotationsMultiline: last-applied-configuration skipped, long values on their own lines. */
export function printAnnotationsMultiline(
  w: PrefixWriter,
  title: string,
  annotations: Record<string, string> | undefined,
): void {
  w.write(0, `${title}:\t`);
  const keys = Object.keys(annotations ?? {})
    .filter((k) => k !== "kubectl.kubernetes.io/last-applied-configuration")
    .sort();
  if (keys.length === 0) {
    w.writeLine("<none>");
    return;
  }
  const indent = "\t";
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, indent);
    const value = annotations![k]!.replace(/\n$/, "");
    if (value.length + k.length + 2 > MAX_ANNOTATION_LEN || value.includes("\n")) {
      w.write(0, `${k}:\n`);
      for (const s of value.split("\n")) {
        const short = s.length > MAX_ANNOTATION_LEN - 2 ? `${s.slice(0, MAX_ANNOTATION_LEN - 2)}...` : s;
        w.write(0, `${indent}  ${short}\n`);
      }
    } else w.write(0, `${k}: ${value}\n`);
  });
}

/** A toleration as printTolerationsMultilineWithIndent writes it. */
interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** printTolerationsMultilineWithIndent (sorted by key). */
export function printTolerationsMultiline(
  w: PrefixWriter,
  title: string,
  tolerations: Toleration[] | undefined,
  initialIndent = "",
  innerIndent = "\t",
): void {
  w.write(0, `${initialIndent}${title}:${innerIndent}`);
  const list = [...(tolerations ?? [])];
  if (list.length === 0) {
    w.writeLine("<none>");
    return;
  }
  // sort.Slice is not stable; equal keys keep their order here.
  list.sort((a, b) => ((a.key ?? "") < (b.key ?? "") ? -1 : (a.key ?? "") > (b.key ?? "") ? 1 : 0));
  list.forEach((t, i) => {
    if (i !== 0) w.write(0, `${initialIndent}${innerIndent}`);
    let s = t.key ?? "";
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === "Exists" && !t.value) s += t.key || t.effect ? " op=Exists" : "op=Exists";
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null)
      s += ` for ${t.tolerationSeconds}s`;
    w.write(0, `${s}\n`);
  });
}

/** An Event as DescribeEvents reads it. */
export interface DescribedEvent {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string } | null;
  source?: { component?: string };
  reportingComponent?: string;
}

/** DescribeEvents: `Events:  <none>` or the Type/Reason/Age/From/Message table (sorted by last timestamp). */
export function describeEvents(events: DescribedEvent[], w: PrefixWriter, now: number): void {
  if (events.length === 0) {
    w.write(0, "Events:\t<none>\n");
    return;
  }
  w.flush();
  // event.SortableEvents: by lastTimestamp (unset sorts first).
  const ts = (e: DescribedEvent) => Date.parse(e.lastTimestamp ?? "") || 0;
  const sorted = [...events].sort((a, b) => ts(a) - ts(b));
  w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
  w.write(1, "----\t------\t----\t----\t-------\n");
  for (const e of sorted) {
    let first = translateTimestampSince(e.eventTime, now);
    if (!e.eventTime) first = translateTimestampSince(e.firstTimestamp, now);
    let interval: string;
    if (e.series)
      interval = `${translateTimestampSince(e.series.lastObservedTime, now)} (x${e.series.count ?? 0} over ${first})`;
    else if ((e.count ?? 0) > 1)
      interval = `${translateTimestampSince(e.lastTimestamp, now)} (x${e.count} over ${first})`;
    else interval = first;
    const source = e.source?.component || e.reportingComponent || "";
    w.write(1, `${e.type ?? ""}\t${e.reason ?? ""}\t${interval}\t${source}\t${(e.message ?? "").trim()}\n`);
  }
}

export { humanDuration, translateTimestampSince };
