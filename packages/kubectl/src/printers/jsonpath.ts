/**
 * kubectl's JSONPath dialect, a port of client-go `util/jsonpath` (parser.go, jsonpath.go):
 * templates mix literal text with `{…}` actions — field paths (`.a.b`, `['a.b']`, escaped dots
 * `a\.b`), array indices and slices (`[0]`, `[-1]`, `[1:3]`, `[*]`), recursive descent (`..name`),
 * unions (`[0,2]`, `['a','b']`), filters (`[?(@.type=="Ready")]`, `[?(@.x)]`), string literals
 * (`{"\n"}`) and `{range …}…{end}` blocks.
 *
 * Printing follows `JSONPath.PrintResults`: the values of one action are separated by a space;
 * maps and lists print as compact JSON; nothing separates actions.
 */
import { goJsonCompact, goJsonIndent } from "./json";

type Node =
  | { kind: "text"; text: string }
  | { kind: "list"; steps: Step[] }
  | { kind: "range"; steps: Step[] }
  | { kind: "end" };

type Step =
  | { kind: "field"; names: string[] }
  | { kind: "wildcard" }
  | { kind: "recursive" }
  | { kind: "array"; items: ArraySelector[] }
  | { kind: "filter"; left: Operand; op: string; right: Operand | null };

type ArraySelector = {
  kind: "index";
  start?: number;
  end?: number;
  step?: number;
  single: boolean;
  all: boolean;
};

type Operand = { kind: "path"; steps: Step[] } | { kind: "literal"; value: string | number | boolean };

/** A parsed template. */
export interface JsonPathTemplate {
  nodes: Node[];
  source: string;
}

/** A parse or evaluation error, with client-go's wording. */
export class JsonPathError extends Error {}

const TERMINATORS = new Set([" ", "\t", "\n", ".", ",", "{", "}", "[", "]", "(", ")", "=", "!", "<", ">"]);

/** Unquote a Go string literal (`"a\n"`), as strconv.Unquote. */
function unquote(s: string): string {
  // client-go reads single-quoted names raw, except escaped dots (`'a\.b'` is the key `a.b`).
  if (s.startsWith("'") || s.startsWith("`")) return s.slice(1, -1).replaceAll("\\.", ".");
  try {
    return JSON.parse(s) as string;
  } catch {
    throw new JsonPathError(`invalid string literal ${s}`);
  }
}

/** Split a template into literal text and `{…}` actions (quotes may contain braces). */
function splitActions(template: string): Node[] {
  const nodes: Node[] = [];
  let i = 0;
  let text = "";
  while (i < template.length) {
    const c = template[i]!;
    if (c !== "{") {
      text += c;
      i++;
      continue;
    }
    if (text) nodes.push({ kind: "text", text });
    text = "";
    let j = i + 1;
    let quote = "";
    let depth = 0;
    for (; j < template.length; j++) {
      const d = template[j]!;
      if (quote) {
        if (d === "\\") j++;
        else if (d === quote) quote = "";
        continue;
      }
      if (d === '"' || d === "'") quote = d;
      else if (d === "[" || d === "(") depth++;
      else if (d === "]" || d === ")") depth--;
      else if (d === "}" && depth <= 0) break;
    }
    if (j >= template.length) throw new JsonPathError(`unclosed action`);
    nodes.push(parseAction(template.slice(i + 1, j).trim()));
    i = j + 1;
  }
  if (text) nodes.push({ kind: "text", text });
  return nodes;
}

function parseAction(action: string): Node {
  if (action === "end") return { kind: "end" };
  if (action.startsWith("range ") || action.startsWith("range\t")) {
    return { kind: "range", steps: parseSteps(action.slice(5).trim()) };
  }
  if (action.startsWith('"') || action.startsWith("'")) return { kind: "text", text: unquote(action) };
  return { kind: "list", steps: parseSteps(action) };
}

/** Parse a path expression into steps. */
function parseSteps(expr: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const n = expr.length;
  if (expr[0] === "$" || expr[0] === "@") i = 1;
  while (i < n) {
    const c = expr[i]!;
    if (c === " ") {
      i++;
      continue;
    }
    if (c === ".") {
      if (expr[i + 1] === ".") {
        steps.push({ kind: "recursive" });
        i += 2;
        continue;
      }
      i++;
      if (expr[i] === "*") {
        steps.push({ kind: "wildcard" });
        i++;
        continue;
      }
      let name = "";
      while (i < n && !TERMINATORS.has(expr[i]!)) {
        if (expr[i] === "\\" && expr[i + 1] === ".") {
          name += ".";
          i += 2;
          continue;
        }
        name += expr[i];
        i++;
      }
      if (name !== "") steps.push({ kind: "field", names: [name] });
      continue;
    }
    if (c === "[") {
      // Find the matching ']' outside quotes.
      let j = i + 1;
      let quote = "";
      let depth = 0;
      for (; j < n; j++) {
        const d = expr[j]!;
        if (quote) {
          if (d === "\\") j++;
          else if (d === quote) quote = "";
          continue;
        }
        if (d === '"' || d === "'") quote = d;
        else if (d === "(") depth++;
        else if (d === ")") depth--;
        else if (d === "]" && depth === 0) break;
      }
      if (j >= n) throw new JsonPathError(`unterminated array`);
      const inner = expr.slice(i + 1, j).trim();
      steps.push(parseBracket(inner));
      i = j + 1;
      continue;
    }
    if (!TERMINATORS.has(c)) {
      // A bare leading field name (relaxed expressions like `metadata.name` are made `.metadata.name` by callers).
      let name = "";
      while (i < n && !TERMINATORS.has(expr[i]!)) {
        name += expr[i];
        i++;
      }
      steps.push({ kind: "field", names: [name] });
      continue;
    }
    throw new JsonPathError(
      `unrecognized character in action: U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} '${c}'`,
    );
  }
  return steps;
}

function parseBracket(inner: string): Step {
  if (inner.startsWith("?(")) {
    if (!inner.endsWith(")")) throw new JsonPathError(`unclosed filter`);
    return parseFilter(inner.slice(2, -1).trim());
  }
  if (inner.startsWith("'") || inner.startsWith('"')) {
    const names: string[] = [];
    const re = /\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*(,|$)/y;
    let m: RegExpExecArray | null = re.exec(inner);
    while (m) {
      names.push(unquote(m[1]!));
      if (m[2] === "") break;
      m = re.exec(inner);
    }
    return { kind: "field", names };
  }
  if (inner === "*") return { kind: "array", items: [{ kind: "index", single: false, all: true }] };
  const items: ArraySelector[] = inner.split(",").map((part) => {
    const p = part.trim();
    const nums = p.split(":").map((x) => x.trim());
    const num = (s: string | undefined) => {
      if (s === undefined || s === "") return undefined;
      if (!/^-?\d+$/.test(s)) throw new JsonPathError(`invalid array index ${p}`);
      return Number(s);
    };
    if (nums.length === 1) return { kind: "index" as const, start: num(nums[0]), single: true, all: false };
    return {
      kind: "index" as const,
      start: num(nums[0]),
      end: num(nums[1]),
      step: num(nums[2]),
      single: false,
      all: false,
    };
  });
  return { kind: "array", items };
}

function parseOperand(s: string): Operand {
  const t = s.trim();
  if (t.startsWith("@") || t.startsWith("$") || t.startsWith("."))
    return { kind: "path", steps: parseSteps(t) };
  if (t.startsWith('"') || t.startsWith("'")) return { kind: "literal", value: unquote(t) };
  if (t === "true" || t === "false") return { kind: "literal", value: t === "true" };
  if (/^-?\d+(\.\d+)?$/.test(t)) return { kind: "literal", value: Number(t) };
  throw new JsonPathError(`unrecognized filter operand ${t}`);
}

function parseFilter(f: string): Step {
  // Find a comparison operator outside quotes.
  let quote = "";
  for (let i = 0; i < f.length; i++) {
    const c = f[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      continue;
    }
    for (const op of ["==", "!=", "<=", ">=", "=~", "<", ">"]) {
      if (f.startsWith(op, i)) {
        if (op === "=~") throw new JsonPathError(`regular expression is not supported`);
        return {
          kind: "filter",
          left: parseOperand(f.slice(0, i)),
          op,
          right: parseOperand(f.slice(i + op.length)),
        };
      }
    }
  }
  return { kind: "filter", left: parseOperand(f), op: "exists", right: null };
}

/** Parse a JSONPath template (`{.items[*].metadata.name}`, `{range .items[*]}{.name}{"\n"}{end}`). */
export function parseJsonPath(template: string): JsonPathTemplate {
  return { nodes: splitActions(template), source: template };
}

/** Options of evaluation: kubectl's `--allow-missing-template-keys` (default true). */
export interface JsonPathOptions {
  allowMissingKeys: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function evalStep(values: unknown[], step: Step, opts: JsonPathOptions): unknown[] {
  const out: unknown[] = [];
  switch (step.kind) {
    case "field":
      for (const v of values) {
        for (const name of step.names) {
          if (isObject(v) && name in v) {
            // Unstructured objects never hold undefined; a JSON null is a value.
            out.push(v[name]);
          } else if (!opts.allowMissingKeys) {
            throw new JsonPathError(`${name} is not found`);
          }
        }
      }
      return out;
    case "wildcard":
      for (const v of values) {
        if (Array.isArray(v)) out.push(...v);
        else if (isObject(v)) for (const k of Object.keys(v).sort()) out.push(v[k]);
      }
      return out;
    case "recursive": {
      const walk = (v: unknown) => {
        out.push(v);
        if (Array.isArray(v)) v.forEach(walk);
        else if (isObject(v)) for (const k of Object.keys(v).sort()) walk(v[k]);
      };
      values.forEach(walk);
      return out;
    }
    case "array":
      for (const v of values) {
        if (!Array.isArray(v)) {
          if (v === null || v === undefined) continue;
          throw new JsonPathError(`${goJsonCompact(v)} is not array or slice`);
        }
        for (const sel of step.items) {
          if (sel.all) {
            out.push(...v);
            continue;
          }
          const len = v.length;
          if (sel.single) {
            let idx = sel.start ?? 0;
            if (idx < 0) idx += len;
            if (idx < 0 || idx >= len) {
              if (opts.allowMissingKeys) continue;
              throw new JsonPathError(`array index out of bounds: index ${sel.start}, length ${len}`);
            }
            out.push(v[idx]);
            continue;
          }
          let start = sel.start ?? 0;
          let end = sel.end ?? len;
          if (start < 0) start += len;
          if (end < 0) end += len;
          start = Math.max(0, Math.min(start, len));
          end = Math.max(0, Math.min(end, len));
          const stepN = sel.step ?? 1;
          for (let i = start; i < end; i += stepN > 0 ? stepN : 1) out.push(v[i]);
        }
      }
      return out;
    case "filter":
      for (const v of values) {
        const items = Array.isArray(v)
          ? v
          : isObject(v)
            ? Object.keys(v)
                .sort()
                .map((k) => v[k])
            : [];
        for (const item of items) {
          const left = evalOperand(step.left, item, opts);
          if (step.op === "exists") {
            if (left.length > 0) out.push(item);
            continue;
          }
          const right = step.right ? evalOperand(step.right, item, opts) : [];
          if (left.length === 0 || right.length === 0) continue;
          if (compare(left[0], step.op, right[0])) out.push(item);
        }
      }
      return out;
  }
}

function evalOperand(op: Operand, item: unknown, opts: JsonPathOptions): unknown[] {
  if (op.kind === "literal") return [op.value];
  let cur: unknown[] = [item];
  for (const s of op.steps) cur = evalStep(cur, s, { ...opts, allowMissingKeys: true });
  return cur;
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case "==":
      return typeof a === typeof b && a === b;
    case "!=":
      return !(typeof a === typeof b && a === b);
  }
  if (typeof a === "number" && typeof b === "number") {
    if (op === "<") return a < b;
    if (op === ">") return a > b;
    if (op === "<=") return a <= b;
    if (op === ">=") return a >= b;
  }
  if (typeof a === "string" && typeof b === "string") {
    if (op === "<") return a < b;
    if (op === ">") return a > b;
    if (op === "<=") return a <= b;
    if (op === ">=") return a >= b;
  }
  return false;
}

/** Evaluate one path (a list of steps) against a value. */
function evalPath(steps: Step[], data: unknown, opts: JsonPathOptions): unknown[] {
  let cur: unknown[] = [data];
  for (const s of steps) cur = evalStep(cur, s, opts);
  return cur;
}

/**
 * `JSONPath.FindResults`: one list of values per top-level node, `range` blocks expanded per
 * item. Text nodes give their text.
 */
export function findResults(t: JsonPathTemplate, data: unknown, opts: JsonPathOptions): unknown[][] {
  const results: unknown[][] = [];
  const run = (nodes: Node[], start: number, value: unknown): number => {
    let i = start;
    while (i < nodes.length) {
      const node = nodes[i]!;
      if (node.kind === "end") return i;
      if (node.kind === "text") results.push([node.text]);
      else if (node.kind === "list") results.push(evalPath(node.steps, value, opts));
      else {
        const items = evalPath(node.steps, value, opts);
        let endAt = -1;
        if (items.length === 0) endAt = skipRange(nodes, i + 1);
        for (const item of items) endAt = run(nodes, i + 1, item);
        i = endAt;
      }
      i++;
    }
    return i;
  };
  run(t.nodes, 0, data);
  return results;
}

function skipRange(nodes: Node[], start: number): number {
  let depth = 0;
  for (let i = start; i < nodes.length; i++) {
    const n = nodes[i]!;
    if (n.kind === "range") depth++;
    else if (n.kind === "end") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return nodes.length;
}

/** `evalToText` / `PrintResults` for one value: strings raw, maps and lists as compact JSON. */
export function formatJsonPathValue(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "object") return goJsonCompact(v);
  return String(v);
}

/** Execute a template: what `kubectl get -o jsonpath=…` prints (no newline added). */
export function executeJsonPath(
  t: JsonPathTemplate,
  data: unknown,
  opts: JsonPathOptions = { allowMissingKeys: true },
): string {
  let out = "";
  for (const list of findResults(t, data, opts)) out += list.map(formatJsonPathValue).join(" ");
  return out;
}

/** `-o jsonpath-as-json=…`: each action's results as one indented JSON array (PrintResults with outputJSON). */
export function executeJsonPathAsJson(
  t: JsonPathTemplate,
  data: unknown,
  opts: JsonPathOptions = { allowMissingKeys: true },
): string {
  let out = "";
  for (const list of findResults(t, data, opts)) out += `${goJsonIndent(list)}\n`;
  return out;
}
