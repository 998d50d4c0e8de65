/**
 * YAML as `kubectl -o yaml` prints it: sigs.k8s.io/yaml converts the JSON to YAML with go-yaml v2,
 * so this is a port of go-yaml v2's encoder (encode.go, resolve.go, sorter.go) and emitter
 * (emitterc.go): keys in go-yaml's "natural" order, strings quoted only when they would read back
 * as something else (`"true"`, `"80"`, `"2024-01-01T00:00:00Z"`, `""`) or cannot be plain
 * (single quotes for `a: b`, double quotes for tabs and control characters), multi-line strings
 * as literal blocks (`|`, `|-`, `|+`), long plain and quoted strings folded past column 80,
 * sequences inside mappings not indented, `{}` and `[]` for empty collections.
 */

// ---- resolve.go: would a plain scalar read back as a string? -----------------------------------

const RESOLVE_MAP = new Set([
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "true",
  "True",
  "TRUE",
  "on",
  "On",
  "ON",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "false",
  "False",
  "FALSE",
  "off",
  "Off",
  "OFF",
  "",
  "~",
  "null",
  "Null",
  "NULL",
  ".nan",
  ".NaN",
  ".NAN",
  ".inf",
  ".Inf",
  ".INF",
  "+.inf",
  "+.Inf",
  "+.INF",
  "-.inf",
  "-.Inf",
  "-.INF",
  "<<",
]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** Go's time.Parse with the layouts go-yaml accepts for timestamps ("2006-1-2T15:4:5.999999999Z07:00", ...). */
function isTimestamp(s: string): boolean {
  let i = 0;
  while (i < s.length && s[i]! >= "0" && s[i]! <= "9") i++;
  if (i !== 4 || i === s.length || s[i] !== "-") return false;
  const date = "\\d{4}-\\d{1,2}-\\d{1,2}";
  const time = "\\d{1,2}:\\d{1,2}:\\d{1,2}(\\.\\d+)?";
  const zone = "(Z|[+-]\\d{2}:\\d{2})";
  return (
    new RegExp(`^${date}[Tt]${time}${zone}$`).test(s) ||
    new RegExp(`^${date} ${time}$`).test(s) ||
    new RegExp(`^${date}$`).test(s)
  );
}

/** strconv.ParseInt / ParseUint with base 0 (after go-yaml removed underscores). */
function isGoInt(s: string): boolean {
  return /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]*|0[bB][01]+|[1-9][0-9]*)$/.test(s);
}

/** Whether go-yaml's `resolve("", s)` gives `!!str`, and the string is not a base-60 float. */
function resolvesToString(s: string): boolean {
  const c = s[0];
  const hint =
    s === ""
      ? "N"
      : c === "+" || c === "-"
        ? "S"
        : c !== undefined && c >= "0" && c <= "9"
          ? "D"
          : c !== undefined && "yYnNtTfFoO~".includes(c)
            ? "M"
            : c === "."
              ? "."
              : "";
  if (hint !== "") {
    if (RESOLVE_MAP.has(s)) return false;
    if (hint === "." && YAML_STYLE_FLOAT.test(s)) return false;
    if (hint === "D" || hint === "S") {
      if (isTimestamp(s)) return false;
      const plain = s.replaceAll("_", "");
      if (isGoInt(plain)) return false;
      if (YAML_STYLE_FLOAT.test(plain)) return false;
      if (/^-?0b[01]+$/.test(plain)) return false;
    }
  }
  return !BASE60_FLOAT.test(s);
}

// ---- sorter.go ---------------------------------------------------------------------------------

function isLetter(c: string): boolean {
  return /\p{L}/u.test(c);
}
function isDigit(c: string | undefined): boolean {
  return c !== undefined && /\p{Nd}/u.test(c);
}

/** go-yaml v2 `keyList.Less` for string keys: letters after other runes, digit runs numerically. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== "0") {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + (ar[ai]!.charCodeAt(0) - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + (br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

// ---- emitterc.go -------------------------------------------------------------------------------

const BEST_WIDTH = 80;
const BEST_INDENT = 2;

function isBreak(c: string | undefined): boolean {
  return c === "\r" || c === "\n" || c === "\u0085" || c === "\u2028" || c === "\u2029";
}
function isSpace(c: string | undefined): boolean {
  return c === " ";
}
function isBlankz(c: string | undefined): boolean {
  return c === undefined || c === " " || c === "\t" || isBreak(c) || c === "\0";
}
/** libyaml is_printable over a rune. */
function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0)!;
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

interface ScalarAnalysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** yaml_emitter_analyze_scalar. */
function analyzeScalar(value: string): ScalarAnalysis {
  const v = [...value];
  if (v.length === 0)
    return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  let blockIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  if (value.startsWith("---") || value.startsWith("...")) blockIndicators = true;
  let precededByWhitespace = true;
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    const followedByWhitespace =
      i + 1 >= v.length || v[i + 1] === " " || v[i + 1] === "\t" || isBreak(v[i + 1]);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) blockIndicators = true;
      else if ((c === "?" || c === ":") && followedByWhitespace) blockIndicators = true;
      else if (c === "-" && followedByWhitespace) blockIndicators = true;
    } else {
      if (c === ":" && followedByWhitespace) blockIndicators = true;
      else if (c === "#" && precededByWhitespace) blockIndicators = true;
    }
    if (!isPrintable(c)) specialCharacters = true;
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true;
      if (i === v.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === v.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankz(c);
  }
  const a: ScalarAnalysis = {
    multiline: lineBreaks,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.blockPlainAllowed = false;
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
    a.blockAllowed = false;
  }
  if (lineBreaks) a.blockPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

type Style = "plain" | "single" | "double" | "literal";

class Emitter {
  out = "";
  column = 0;
  whitespace = true;
  indention = true;
  indent = -1;
  private indents: number[] = [];

  private put(s: string): void {
    this.out += s;
    this.column++;
  }
  private putBreak(): void {
    this.out += "\n";
    this.column = 0;
  }
  /** write_break: a line feed ends the line; other breaks (CR, NEL, U+2028/9) are written as they are. */
  private writeBreak(c: string): void {
    if (c === "\n") this.putBreak();
    else {
      this.out += c;
      this.column = 0;
    }
  }
  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.putBreak();
    while (this.column < indent) this.put(" ");
    this.whitespace = true;
    this.indention = true;
  }
  private writeIndicator(
    ind: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.whitespace) this.put(" ");
    for (const c of ind) this.put(c);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }
  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }
  private popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  /** A scalar node; `simpleKey` for mapping keys. `style` is what the encoder asked for. */
  scalar(value: string, requested: Style, simpleKey: boolean): void {
    const a = analyzeScalar(value);
    let style = requested;
    if (simpleKey && a.multiline) style = "double";
    if (style === "plain") {
      if (!a.blockPlainAllowed) style = "single";
      if (value.length === 0 && simpleKey) style = "single";
    }
    if (style === "single" && !a.singleQuotedAllowed) style = "double";
    if (style === "literal" && (!a.blockAllowed || simpleKey)) style = "double";
    this.increaseIndent(true, false);
    const allowBreaks = !simpleKey;
    const v = [...value];
    switch (style) {
      case "plain":
        this.writePlain(v, allowBreaks);
        break;
      case "single":
        this.writeSingle(v, allowBreaks);
        break;
      case "double":
        this.writeDouble(v, allowBreaks);
        break;
      case "literal":
        this.writeLiteral(v);
        break;
    }
    this.popIndent();
  }

  private writePlain(v: string[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(" ");
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i]!;
      if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && !isSpace(v[i + 1])) this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === "\n") this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingle(v: string[], allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i]!;
      if (isSpace(c)) {
        if (
          allowBreaks &&
          !spaces &&
          this.column > BEST_WIDTH &&
          i > 0 &&
          i < v.length - 1 &&
          !isSpace(v[i + 1])
        )
          this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === "\n") this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === "'") this.put("'");
        this.put(c);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
  }

  private writeDouble(v: string[], allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    let spaces = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i]!;
      const cp = c.codePointAt(0)!;
      if (!isPrintable(c) || cp === 0xfeff || isBreak(c) || c === '"' || c === "\\") {
        this.put("\\");
        const short: Record<number, string> = {
          0: "0",
          7: "a",
          8: "b",
          9: "t",
          10: "n",
          11: "v",
          12: "f",
          13: "r",
          27: "e",
          34: '"',
          92: "\\",
          133: "N",
          160: "_",
          8232: "L",
          8233: "P",
        };
        const s = short[cp];
        if (s !== undefined) this.put(s);
        else {
          const hex = cp.toString(16).toUpperCase();
          const [prefix, width] = cp <= 0xff ? ["x", 2] : cp <= 0xffff ? ["u", 4] : ["U", 8];
          for (const ch of prefix + hex.padStart(width, "0")) this.put(ch);
        }
        spaces = false;
      } else if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== v.length - 1) {
          this.writeIndent();
          if (isSpace(v[i + 1])) this.put("\\");
        } else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
  }

  private writeLiteral(v: string[]): void {
    this.writeIndicator("|", true, false, false);
    // yaml_emitter_write_block_scalar_hints
    if (isSpace(v[0]) || isBreak(v[0])) this.writeIndicator(String(BEST_INDENT), false, false, false);
    let chomp = "";
    if (v.length === 0) chomp = "-";
    else {
      const last = v.length - 1;
      if (!isBreak(v[last])) chomp = "-";
      else if (last === 0) chomp = "+";
      else if (isBreak(v[last - 1])) chomp = "+";
    }
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of v) {
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        breaks = false;
      }
    }
  }

  /** A node: mappings and sequences in block style (flow `{}` / `[]` when empty). */
  node(value: unknown, ctx: { mapping: boolean; simpleKey: boolean; sequence: boolean }): void {
    if (Array.isArray(value)) {
      if (value.length === 0) {
        this.writeIndicator("[", true, true, false);
        this.writeIndicator("]", false, false, false);
        return;
      }
      this.increaseIndent(false, ctx.mapping && !this.indention);
      for (const item of value) {
        this.writeIndent();
        this.writeIndicator("-", true, false, true);
        this.node(item, { mapping: false, simpleKey: false, sequence: true });
      }
      this.popIndent();
      return;
    }
    if (value !== null && typeof value === "object") {
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o).filter((k) => o[k] !== undefined);
      if (keys.length === 0) {
        this.writeIndicator("{", true, true, false);
        this.writeIndicator("}", false, false, false);
        return;
      }
      keys.sort((a, b) => (yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0));
      this.increaseIndent(false, false);
      for (const k of keys) {
        this.writeIndent();
        this.scalar(k, resolvesToString(k) ? "plain" : "double", true);
        this.writeIndicator(":", false, false, false);
        this.node(o[k], { mapping: true, simpleKey: false, sequence: false });
      }
      this.popIndent();
      return;
    }
    this.scalar(...encodeScalar(value), false);
  }
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64). */
function formatFloatG(f: number): string {
  if (Number.isNaN(f)) return ".nan";
  if (f === Number.POSITIVE_INFINITY) return ".inf";
  if (f === Number.NEGATIVE_INFINITY) return "-.inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const exp = Math.floor(Math.log10(Math.abs(f)));
  if (exp < -4 || exp >= 21) {
    const [m, e] = f.toExponential().split("e");
    const en = Number(e);
    return `${m}e${en < 0 ? "-" : "+"}${String(Math.abs(en)).padStart(2, "0")}`;
  }
  return String(f);
}

/** The encoder's choice for a scalar value: its text and requested style (encode.go). */
function encodeScalar(value: unknown): [string, Style] {
  if (value === null || value === undefined) return ["null", "plain"];
  if (typeof value === "boolean") return [value ? "true" : "false", "plain"];
  if (typeof value === "number")
    return [Number.isInteger(value) ? String(value) : formatFloatG(value), "plain"];
  const s = String(value);
  if (s.includes("\n")) return [s, "literal"];
  return [s, resolvesToString(s) ? "plain" : "double"];
}

/** What `kubectl … -o yaml` prints for an object (sigs.k8s.io/yaml.Marshal). */
export function printYaml(obj: unknown): string {
  const e = new Emitter();
  e.node(obj, { mapping: false, simpleKey: false, sequence: false });
  return `${e.out}\n`;
}
