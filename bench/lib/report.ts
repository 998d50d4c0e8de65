import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** One measured figure: the median of its runs, with the target it is held to. */
export interface Figure {
  name: string;
  unit: string;
  runs: number[];
  /** e.g. "≥ 5,000" or "≤ 10 ms"; shown beside the median. */
  target?: string;
  /** Whether the median meets the target (undefined: no target). */
  meets?: boolean;
}

/** The middle value (mean of the two middle values for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The given percentile (0–100) by nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  return `${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

function commit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString("en-US") : n.toPrecision(3));

/**
 * Prints the figures and replaces this benchmark's section of BENCHMARKS.md
 * (between `<!-- bench:<id> -->` markers), keeping the other sections.
 */
export function report(id: string, title: string, command: string, figures: Figure[], notes = ""): void {
  const rows = figures.map(
    (f) =>
      `| ${f.name} | ${fmt(median(f.runs))} ${f.unit} | ${f.runs.map(fmt).join(", ")} | ${f.target ?? "—"} | ${
        f.meets === undefined ? "—" : f.meets ? "yes" : "**no**"
      } |`,
  );
  const section = [
    `<!-- bench:${id} -->`,
    `## ${title}`,
    "",
    `Command: \`${command}\` · machine: ${machine()} · commit ${commit()} · ${new Date().toISOString().slice(0, 10)}`,
    "",
    "| figure | median | runs | target | meets |",
    "|---|---|---|---|---|",
    ...rows,
    ...(notes ? ["", notes] : []),
    `<!-- /bench:${id} -->`,
  ].join("\n");
  console.log(section);
  const file = path.resolve(process.cwd(), "BENCHMARKS.md");
  const text = readFileSync(file, "utf8");
  const start = text.indexOf(`<!-- bench:${id} -->`);
  const end = text.indexOf(`<!-- /bench:${id} -->`);
  const next =
    start >= 0 && end > start
      ? text.slice(0, start) + section + text.slice(end + `<!-- /bench:${id} -->`.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}
