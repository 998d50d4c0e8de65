/**
 * `crictl ps` and `crictl images` on a node: what an administrator sees when they SSH to a node
 * and ask its container runtime (crictl 1.32 columns and formats: ids cut to 13 characters,
 * docker/go-units "2 minutes ago", tabwriter with minimum width 20 and padding 3).
 */
import { catchUp } from "./runtime";
import type { RuntimeState } from "./state";

/** docker/go-units HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.floor(ms / 3_600_000 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(20, ...rows.map((r) => (r[i] ?? "").length + 3)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join("")
        .trimEnd(),
    )
    .join("\n");
}

const STATE: Record<string, string> = {
  CONTAINER_RUNNING: "Running",
  CONTAINER_EXITED: "Exited",
  CONTAINER_CREATED: "Created",
  CONTAINER_UNKNOWN: "Unknown",
};

/** The rows of `crictl ps` (`all`: `crictl ps -a`), newest first. */
export function crictlPsRows(s: RuntimeState, now: number, all = false): string[][] {
  const header = ["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD"];
  const list = Object.values(s.containers)
    .map((c) => {
      catchUp(s, c, now);
      return c;
    })
    .filter((c) => all || c.state === "CONTAINER_RUNNING")
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  return [
    header,
    ...list.map((c) => [
      c.id.slice(0, 13),
      c.imageId.replace(/^sha256:/, "").slice(0, 13),
      `${humanDuration(now - c.createdAt)} ago`,
      STATE[c.state]!,
      c.config.name,
      String(c.config.attempt),
      c.sandboxId.slice(0, 13),
      c.config.podName,
    ]),
  ];
}

/** `crictl ps` as printed. */
export function crictlPs(s: RuntimeState, now: number, all = false): string {
  return table(crictlPsRows(s, now, all));
}

/** `crictl images` as printed (IMAGE, TAG, IMAGE ID, SIZE). */
export function crictlImages(s: RuntimeState): string {
  const size = (b: number) =>
    b >= 1e9
      ? `${(b / 1e9).toFixed(3).replace(/\.?0+$/, "")}GB`
      : b >= 1e6
        ? `${(b / 1e6).toFixed(3).replace(/\.?0+$/, "")}MB`
        : `${(b / 1e3).toFixed(3).replace(/\.?0+$/, "")}kB`;
  const rows = [["IMAGE", "TAG", "IMAGE ID", "SIZE"]];
  for (const i of Object.values(s.images).sort((a, b) =>
    a.repository + a.tag < b.repository + b.tag ? -1 : 1,
  ))
    rows.push([i.repository, i.tag, i.id.replace(/^sha256:/, "").slice(0, 13), size(i.sizeBytes)]);
  return table(rows);
}
