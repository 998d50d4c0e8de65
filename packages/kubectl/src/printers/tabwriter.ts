/**
 * A port of Go's `text/tabwriter` (the elastic-tabstops algorithm) with the `RememberWidths`
 * extension of `github.com/liggitt/tabwriter`, which kubectl uses so that `get -w` keeps its
 * columns aligned across flushes.
 *
 * Cells are tab-terminated; the text after a line's last tab is not part of any column. A column
 * block is a run of consecutive lines that have a cell in that column; its width is the widest
 * cell plus `padding`, at least `minWidth`.
 */

/** Options of `tabwriter.NewWriter(out, minwidth, tabwidth, padding, padchar, flags)`. */
export interface TabWriterOptions {
  minWidth: number;
  padding: number;
  /** Keep each column's widest width across `flush()` calls (liggitt/tabwriter RememberWidths). */
  rememberWidths?: boolean;
}

/** kubectl's table settings: cli-runtime `pkg/printers/tabwriter.go` (minwidth 6, tabwidth 4, padding 3, ' ', RememberWidths). */
export const KUBECTL_TABLE: TabWriterOptions = { minWidth: 6, padding: 3, rememberWidths: true };

/** `kubectl describe` settings: kubectl `pkg/describe/describe.go` tabbedString (`w.Init(out, 0, 8, 2, ' ', 0)`). */
export const KUBECTL_DESCRIBE: TabWriterOptions = { minWidth: 0, padding: 2 };

interface Cell {
  text: string;
  width: number;
}

/** Width of a string as tabwriter counts it: UTF-8 runes. */
function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** A tabwriter: `write` text, then `flush` to get the aligned output. */
export class TabWriter {
  private buffer = "";
  private maxWidths: number[] = [];

  constructor(private readonly options: TabWriterOptions) {}

  /** Buffer text (cells separated by `\t`, lines by `\n`). */
  write(text: string): void {
    this.buffer += text;
  }

  /** Format everything buffered so far and return it; remembered widths survive. */
  flush(): string {
    const text = this.buffer;
    this.buffer = "";
    if (text === "") return "";
    const rawLines = text.split("\n");
    // A trailing newline terminates the last line; Go keeps no empty line after it.
    const endsWithNewline = rawLines[rawLines.length - 1] === "";
    if (endsWithNewline) rawLines.pop();
    const lines: Cell[][] = rawLines.map((l) => l.split("\t").map((t) => ({ text: t, width: runeCount(t) })));
    const out: string[] = [];
    const widths: number[] = [];
    const writeLines = (line0: number, line1: number): void => {
      for (let i = line0; i < line1; i++) {
        const line = lines[i]!;
        let s = "";
        for (let j = 0; j < line.length; j++) {
          const c = line[j]!;
          s += c.text;
          if (j < widths.length) s += " ".repeat(Math.max(0, widths[j]! - c.width));
        }
        out.push(s);
      }
    };
    const format = (line0: number, line1: number): void => {
      const column = widths.length;
      for (let t = line0; t < line1; t++) {
        if (column >= lines[t]!.length - 1) continue;
        // A cell in this column: print the lines before the block, then measure the block.
        writeLines(line0, t);
        line0 = t;
        let width = this.options.minWidth;
        for (; t < line1; t++) {
          const line = lines[t]!;
          if (column >= line.length - 1) break;
          const w = line[column]!.width + this.options.padding;
          if (w > width) width = w;
        }
        if (this.options.rememberWidths) {
          const remembered = this.maxWidths[column];
          if (remembered === undefined) this.maxWidths[column] = width;
          else if (remembered > width) width = remembered;
          else this.maxWidths[column] = width;
        }
        widths.push(width);
        format(line0, t);
        widths.pop();
        // Go's loop then steps past line `t`, which has no cell in this column.
        line0 = t;
      }
      writeLines(line0, line1);
    };
    format(0, lines.length);
    return out.join("\n") + (endsWithNewline ? "\n" : "");
  }
}

/** Align a whole text at once (a fresh writer, flushed). */
export function tabwrite(text: string, options: TabWriterOptions = KUBECTL_TABLE): string {
  const w = new TabWriter(options);
  w.write(text);
  return w.flush();
}
