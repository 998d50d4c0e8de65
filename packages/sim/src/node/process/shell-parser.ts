/**
 * A parser for the shell scripts containers are started with (`sh -c "<script>"`): lists with
 * `;`, `&&`, `||`, `&`, pipelines, `while`/`until`/`for`/`if`, `{ }` and `( )`, assignments,
 * quoting, `$VAR`, `${VAR}`, `$(cmd)`, backquotes, `$((arith))` and output redirections. Enough
 * for the Kubernetes documentation's examples and everyday manifests; anything else is a syntax
 * error with the shell's own message.
 */
import type { Redirect, ShellNode, Word, WordPart } from "./shell-ast";

/** A syntax error, with the text `sh` prints (`sh: syntax error: unexpected "done"`). */
export class ShellSyntaxError extends Error {}

type Token = { k: "word"; w: Word; raw: string } | { k: "op"; v: string } | { k: "nl" } | { k: "eof" };

const OPS = ["&&", "||", ";;", ">>", ">&", "2>&1", ";", "|", "&", "(", ")", ">", "<"];

function isSpace(c: string): boolean {
  return c === " " || c === "\t";
}

/** Split a script into tokens; words keep their quoting so expansion knows what to split. */
function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (isSpace(c) || (c === "\\" && src[i + 1] === "\n")) {
      i += c === "\\" ? 2 : 1;
      continue;
    }
    if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }
    if (c === "\n") {
      out.push({ k: "nl" });
      i++;
      continue;
    }
    // "2>&1", "2>/dev/null": a digit immediately followed by a redirection.
    if (/[0-9]/.test(c) && (src[i + 1] === ">" || src[i + 1] === "<")) {
      const fd = c;
      i++;
      const op = src.startsWith(">>", i) ? ">>" : src.startsWith(">&", i) ? ">&" : src[i]!;
      i += op.length;
      out.push({ k: "op", v: `${fd}${op}` });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      out.push({ k: "op", v: op });
      i += op.length;
      continue;
    }
    const start = i;
    const [w, next] = readWord(src, i);
    i = next;
    out.push({ k: "word", w, raw: src.slice(start, next) });
  }
  out.push({ k: "eof" });
  return out;
}

function findClose(src: string, i: number, open: string, close: string): number {
  // i points just after the opening; returns the index of the matching close.
  let depth = 1;
  let quote: string | null = null;
  for (let j = i; j < src.length; j++) {
    const c = src[j]!;
    if (quote) {
      if (c === "\\" && quote === '"') j++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "\\") j++;
    else if (src.startsWith(open, j)) {
      depth++;
      j += open.length - 1;
    } else if (src.startsWith(close, j)) {
      depth--;
      if (depth === 0) return j;
      j += close.length - 1;
    }
  }
  throw new ShellSyntaxError(`unterminated ${open}`);
}

/** Read a `$…` expansion at src[i] === "$"; returns the part and the next index. */
function readDollar(src: string, i: number, q: boolean): [WordPart, number] {
  const n = src[i + 1];
  if (src.startsWith("$((", i)) {
    const end = findClose(src, i + 3, "((", "))");
    return [{ arith: src.slice(i + 3, end), q }, end + 2];
  }
  if (n === "(") {
    const end = findClose(src, i + 2, "(", ")");
    return [{ sub: parseScript(src.slice(i + 2, end)), q }, end + 1];
  }
  if (n === "{") {
    const end = src.indexOf("}", i + 2);
    if (end < 0) throw new ShellSyntaxError("bad substitution");
    return [{ var: src.slice(i + 2, end), q }, end + 1];
  }
  const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9?$#@*!-])/.exec(src.slice(i + 1));
  if (!m) return [{ lit: "$", q }, i + 1];
  return [{ var: m[1]!, q }, i + 1 + m[1]!.length];
}

function readWord(src: string, start: number): [Word, number] {
  const parts: WordPart[] = [];
  let lit = "";
  let litQ = false;
  const flush = () => {
    if (lit !== "") parts.push(litQ ? { lit, q: true } : { lit });
    lit = "";
  };
  const addLit = (s: string, q: boolean) => {
    if (q !== litQ) flush();
    litQ = q;
    lit += s;
  };
  let i = start;
  while (i < src.length) {
    const c = src[i]!;
    if (
      isSpace(c) ||
      c === "\n" ||
      c === ";" ||
      c === "&" ||
      c === "|" ||
      c === "(" ||
      c === ")" ||
      c === ">" ||
      c === "<"
    )
      break;
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("unterminated quoted string");
      addLit(src.slice(i + 1, end), true);
      // An empty '' still makes a (quoted, empty) word.
      if (end === i + 1) {
        flush();
        parts.push({ lit: "", q: true });
      }
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i++;
      let any = false;
      while (i < src.length && src[i] !== '"') {
        const d = src[i]!;
        any = true;
        if (d === "\\" && i + 1 < src.length && '$`"\\\n'.includes(src[i + 1]!)) {
          addLit(src[i + 1]!, true);
          i += 2;
        } else if (d === "$") {
          flush();
          const [p, next] = readDollar(src, i, true);
          parts.push(p);
          i = next;
        } else if (d === "`") {
          flush();
          const end = src.indexOf("`", i + 1);
          if (end < 0) throw new ShellSyntaxError("unterminated quoted string");
          parts.push({ sub: parseScript(src.slice(i + 1, end)), q: true });
          i = end + 1;
        } else {
          addLit(d, true);
          i++;
        }
      }
      if (i >= src.length) throw new ShellSyntaxError("unterminated quoted string");
      if (!any) {
        flush();
        parts.push({ lit: "", q: true });
      }
      i++;
      continue;
    }
    if (c === "\\") {
      addLit(src[i + 1] ?? "", true);
      i += 2;
      continue;
    }
    if (c === "$") {
      flush();
      const [p, next] = readDollar(src, i, false);
      parts.push(p);
      i = next;
      continue;
    }
    if (c === "`") {
      flush();
      const end = src.indexOf("`", i + 1);
      if (end < 0) throw new ShellSyntaxError("unterminated quoted string");
      parts.push({ sub: parseScript(src.slice(i + 1, end)) });
      i = end + 1;
      continue;
    }
    addLit(c, false);
    i++;
  }
  flush();
  return [parts, i];
}

/** The literal text of a word when it has no expansions (keywords, names). */
function plain(w: Word): string | null {
  let s = "";
  for (const p of w) {
    if (!("lit" in p) || p.q) return null;
    s += p.lit;
  }
  return s;
}

const RESERVED = new Set(["then", "else", "elif", "fi", "do", "done", "}", "in"]);

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token {
    return this.toks[this.i]!;
  }
  private next(): Token {
    return this.toks[this.i++]!;
  }
  private peekWord(): string | null {
    const t = this.peek();
    return t.k === "word" ? plain(t.w) : null;
  }
  private skipNewlines(): void {
    while (this.peek().k === "nl") this.i++;
  }
  private unexpected(): never {
    const t = this.peek();
    const what = t.k === "eof" ? "end of file" : t.k === "nl" ? "newline" : t.k === "op" ? t.v : t.raw;
    throw new ShellSyntaxError(`syntax error: unexpected ${t.k === "eof" ? what : `"${what}"`}`);
  }
  private expectWord(w: string): void {
    this.skipNewlines();
    if (this.peekWord() !== w) this.unexpected();
    this.i++;
  }

  /** list: and_or ((';' | '&' | newline) and_or)* until a terminator keyword. */
  list(stops: string[]): ShellNode {
    const items: ShellNode[] = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (t.k === "eof") break;
      if (t.k === "op" && (t.v === ")" || t.v === ";;")) break;
      const w = this.peekWord();
      if (w !== null && stops.includes(w)) break;
      const node = this.andOr();
      const sep = this.peek();
      if (sep.k === "op" && sep.v === "&") {
        this.i++;
        if (node.t === "cmd") node.bg = true;
        items.push(node);
        continue;
      }
      items.push(node);
      if (sep.k === "op" && sep.v === ";") this.i++;
      else if (sep.k === "nl") this.i++;
      else if (sep.k === "eof") break;
      else if (sep.k === "op" && sep.v === ")") break;
      else if (sep.k === "word" && stops.includes(plain(sep.w) ?? "")) break;
      else this.unexpected();
    }
    return items.length === 1 ? items[0]! : { t: "seq", items };
  }

  private andOr(): ShellNode {
    let left = this.pipeline();
    for (;;) {
      const t = this.peek();
      if (t.k !== "op" || (t.v !== "&&" && t.v !== "||")) return left;
      this.i++;
      this.skipNewlines();
      const right = this.pipeline();
      left = t.v === "&&" ? { t: "and", l: left, r: right } : { t: "or", l: left, r: right };
    }
  }

  private pipeline(): ShellNode {
    let negate = false;
    if (this.peekWord() === "!") {
      this.i++;
      negate = true;
    }
    const cmds = [this.command()];
    while (this.peek().k === "op" && (this.peek() as { v: string }).v === "|") {
      this.i++;
      this.skipNewlines();
      cmds.push(this.command());
    }
    const node: ShellNode = cmds.length === 1 ? cmds[0]! : { t: "pipe", cmds };
    return negate ? { t: "not", n: node } : node;
  }

  private command(): ShellNode {
    const t = this.peek();
    if (t.k === "op" && t.v === "(") {
      this.i++;
      const body = this.list([]);
      if (this.peek().k !== "op" || (this.peek() as { v: string }).v !== ")") this.unexpected();
      this.i++;
      return { t: "group", body, subshell: true };
    }
    const w = this.peekWord();
    switch (w) {
      case "{": {
        this.i++;
        const body = this.list(["}"]);
        this.expectWord("}");
        return { t: "group", body, subshell: false };
      }
      case "while":
      case "until": {
        this.i++;
        const cond = this.list(["do"]);
        this.expectWord("do");
        const body = this.list(["done"]);
        this.expectWord("done");
        return { t: "while", cond, body, until: w === "until" };
      }
      case "for": {
        this.i++;
        const nameTok = this.next();
        const name = nameTok.k === "word" ? plain(nameTok.w) : null;
        if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
          throw new ShellSyntaxError("syntax error: bad for loop variable");
        let items: Word[] | null = null;
        this.skipNewlines();
        if (this.peekWord() === "in") {
          this.i++;
          items = [];
          while (this.peek().k === "word") items.push((this.next() as { w: Word }).w);
        }
        if (this.peek().k === "op" && (this.peek() as { v: string }).v === ";") this.i++;
        this.expectWord("do");
        const body = this.list(["done"]);
        this.expectWord("done");
        return { t: "for", name, items, body };
      }
      case "if":
        return this.ifClause();
      default:
        if (w !== null && RESERVED.has(w)) this.unexpected();
        return this.simple();
    }
  }

  private ifClause(): ShellNode {
    this.i++; // if / elif
    const cond = this.list(["then"]);
    this.expectWord("then");
    const then = this.list(["else", "elif", "fi"]);
    this.skipNewlines();
    const w = this.peekWord();
    if (w === "elif") return { t: "if", cond, then, else: this.ifClause() };
    let els: ShellNode | null = null;
    if (w === "else") {
      this.i++;
      els = this.list(["fi"]);
    }
    this.expectWord("fi");
    return { t: "if", cond, then, else: els };
  }

  private simple(): ShellNode {
    const words: Word[] = [];
    const assigns: { name: string; value: Word }[] = [];
    const redirs: Redirect[] = [];
    for (;;) {
      const t = this.peek();
      if (t.k === "op" && /^[0-9]?(>>|>&|>|<)$/.test(t.v)) {
        this.i++;
        const m = /^([0-9]?)(.*)$/.exec(t.v)!;
        const op = m[2] as Redirect["op"];
        const fd = m[1] ? Number(m[1]) : op === "<" ? 0 : 1;
        const target = this.next();
        if (target.k !== "word") this.unexpected();
        redirs.push({ fd, op, target: (target as { w: Word }).w });
        continue;
      }
      if (t.k === "op" && t.v === "2>&1") {
        this.i++;
        redirs.push({ fd: 2, op: ">&", target: [{ lit: "1" }] });
        continue;
      }
      if (t.k !== "word") break;
      if (words.length === 0) {
        const first = t.w[0];
        const m = first && "lit" in first && !first.q ? /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.lit) : null;
        if (m) {
          this.i++;
          const rest: Word = [];
          const tail = (first as { lit: string }).lit.slice(m[0].length);
          if (tail) rest.push({ lit: tail });
          rest.push(...t.w.slice(1));
          assigns.push({ name: m[1]!, value: rest });
          continue;
        }
      }
      this.i++;
      words.push(t.w);
    }
    if (words.length === 0 && assigns.length === 0 && redirs.length === 0) this.unexpected();
    return { t: "cmd", words, assigns, redirs };
  }

  done(): void {
    this.skipNewlines();
    if (this.peek().k !== "eof") this.unexpected();
  }
}

/** Parse a script. Throws `ShellSyntaxError` with the shell's message. */
export function parseScript(src: string): ShellNode {
  const p = new Parser(tokenize(src));
  const node = p.list([]);
  p.done();
  return node;
}

/** A word made of one literal (for argv elements given as a list, which are never re-split). */
export function literalWord(s: string): Word {
  return [{ lit: s, q: true }];
}
