/**
 * Label selectors, as apimachinery `pkg/labels/selector.go` and `pkg/apis/meta/v1/helpers.go`
 * (kubernetes-1.32.0) parse, print and match them: the string syntax of `?labelSelector=`
 * (equality `a=b`, `a==b`, `a!=b`; set-based `a in (x,y)`, `a notin (x)`, `a`, `!a`; `a>1`,
 * `a<1`) with the real error texts, and `LabelSelector` objects (matchLabels/matchExpressions).
 */
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { aggregateFieldErrors, type FieldErrorList, FieldPath, invalid, notSupported } from "../field-errors";
import { isQualifiedName, isValidLabelValue } from "../validation/names";

/** `selection.Operator` values. */
export type SelectorOperator = "in" | "notin" | "=" | "==" | "!=" | "exists" | "!" | "gt" | "lt";

/** One requirement of a selector. */
export interface LabelRequirement {
  key: string;
  operator: SelectorOperator;
  values: string[];
}

/**
 * A parsed selector: requirements sorted by key, all of which must match; an empty list
 * matches everything. `null` is `labels.Nothing()` (what a nil LabelSelector converts to).
 */
export type LabelSelectorRequirements = LabelRequirement[] | null;

/** A label selector that could not be parsed; `message` is the apimachinery text. */
export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LabelSelectorError";
  }
}

/** `validRequirementOperators`: binary then unary operators. */
const VALID_OPERATORS = ["in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"];

/** `labels.NewRequirement`: validates key, operator and values; returns the field errors. */
export function validateRequirement(
  key: string,
  operator: string,
  values: string[],
  path?: FieldPath,
): FieldErrorList {
  const errs: FieldErrorList = [];
  const keyPath = path ? path.child("key") : FieldPath.root("key");
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(invalid(keyPath, key, keyErrs.join("; ")));
  const valuePath = path ? path.child("values") : FieldPath.root("values");
  switch (operator) {
    case "in":
    case "notin":
      if (values.length === 0)
        errs.push(invalid(valuePath, values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case "=":
    case "==":
    case "!=":
      if (values.length !== 1)
        errs.push(invalid(valuePath, values, "exact-match compatibility requires one single value"));
      break;
    case "exists":
    case "!":
      if (values.length !== 0)
        errs.push(invalid(valuePath, values, "values set must be empty for exists and does not exist"));
      break;
    case "gt":
    case "lt":
      if (values.length !== 1) {
        errs.push(invalid(valuePath, values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      values.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v)) {
          errs.push(invalid(valuePath.index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errs.push(
        notSupported(path ? path.child("operator") : FieldPath.root("operator"), operator, VALID_OPERATORS),
      );
  }
  values.forEach((v, i) => {
    const vErrs = isValidLabelValue(v);
    if (vErrs.length > 0) errs.push(invalid(valuePath.index(i).key(key), v, vErrs.join("; ")));
  });
  return errs;
}

function newRequirement(key: string, operator: SelectorOperator, values: string[]): LabelRequirement {
  const errs = validateRequirement(key, operator, values);
  if (errs.length > 0) throw new LabelSelectorError(aggregateFieldErrors(errs));
  return { key, operator, values };
}

// --- the lexer and parser of selector.go ---------------------------------------------------

type Token = "error" | "eos" | ")" | "," | "!" | "==" | "=" | ">" | "id" | "in" | "<" | "!=" | "notin" | "(";

const STRING_TO_TOKEN: Record<string, Token> = {
  ")": ")",
  ",": ",",
  "!": "!",
  "==": "==",
  "=": "=",
  ">": ">",
  in: "in",
  "<": "<",
  "!=": "!=",
  notin: "notin",
  "(": "(",
};

const isWhitespace = (ch: string) => ch === " " || ch === "\t" || ch === "\r" || ch === "\n";
const isSpecial = (ch: string) => "=!(),><".includes(ch) && ch !== "";

function lex(s: string): { tok: Token; lit: string }[] {
  const items: { tok: Token; lit: string }[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos]!)) pos++;
    if (pos >= s.length) {
      items.push({ tok: "eos", lit: "" });
      return items;
    }
    const ch = s[pos]!;
    if (isSpecial(ch)) {
      // Longest special-symbol token ("!=" over "!").
      let buffer = "";
      let last: { tok: Token; lit: string } | null = null;
      while (pos < s.length && isSpecial(s[pos]!)) {
        buffer += s[pos];
        const t = STRING_TO_TOKEN[buffer];
        if (t !== undefined) {
          last = { tok: t, lit: buffer };
          pos++;
        } else if (last !== null) {
          break;
        } else {
          pos++;
        }
      }
      items.push(last ?? { tok: "error", lit: `error expected: keyword found '${buffer}'` });
    } else {
      let buffer = "";
      while (pos < s.length && !isSpecial(s[pos]!) && !isWhitespace(s[pos]!)) buffer += s[pos++];
      items.push({ tok: STRING_TO_TOKEN[buffer] ?? "id", lit: buffer });
    }
  }
}

/** `labels.Parse`: parses the string syntax. Throws `LabelSelectorError` with the real text. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  const items = lex(selector);
  let position = 0;
  // In value context, "in" and "notin" are plain identifiers.
  const asValue = (t: Token): Token => (t === "in" || t === "notin" ? "id" : t);
  const lookahead = (values: boolean) => {
    const it = items[position]!;
    return { tok: values ? asValue(it.tok) : it.tok, lit: it.lit };
  };
  const consume = (values: boolean) => {
    const it = items[position++]!;
    return { tok: values ? asValue(it.tok) : it.tok, lit: it.lit };
  };
  const fail = (msg: string): never => {
    throw new LabelSelectorError(msg);
  };

  const parseValues = (): string[] => {
    const open = consume(true);
    if (open.tok !== "(") fail(`found '${open.lit}' expected: '('`);
    const next = lookahead(true);
    if (next.tok === "id" || next.tok === ",") {
      const set = new Set<string>();
      for (;;) {
        const t = consume(true);
        if (t.tok === "id") {
          set.add(t.lit);
          const t2 = lookahead(true);
          if (t2.tok === ",") continue;
          if (t2.tok === ")") break;
          fail(`found '${t2.lit}', expected: ',' or ')'`);
        } else if (t.tok === ",") {
          if (set.size === 0) set.add("");
          const t2 = lookahead(true);
          if (t2.tok === ")") {
            set.add("");
            break;
          }
          if (t2.tok === ",") {
            consume(true);
            set.add("");
          }
        } else {
          fail(`found '${t.lit}', expected: ',', or identifier`);
        }
      }
      if (consume(true).tok !== ")") fail(`found '${next.lit}', expected: ')'`);
      return [...set].sort();
    }
    if (next.tok === ")") {
      consume(true);
      return [""];
    }
    return fail(`found '${next.lit}', expected: ',', ')' or identifier`);
  };

  const parseExactValue = (): string[] => {
    const t = lookahead(true);
    if (t.tok === "eos" || t.tok === ",") return [""];
    const c = consume(true);
    if (c.tok === "id") return [c.lit];
    return fail(`found '${c.lit}', expected: identifier`);
  };

  const parseRequirement = (): LabelRequirement => {
    let operator: SelectorOperator | "" = "";
    let t = consume(true);
    if (t.tok === "!") {
      operator = "!";
      t = consume(true);
    }
    if (t.tok !== "id") fail(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const keyErrs = isQualifiedName(key);
    // validateLabelKey with a nil path: Go prints the field as "<nil>".
    if (keyErrs.length > 0) fail(aggregateFieldErrors([invalid("<nil>", key, keyErrs.join("; "))]));
    const after = lookahead(true).tok;
    if (after === "eos" || after === ",") {
      return newRequirement(key, operator === "!" ? "!" : "exists", []);
    }
    const opTok = consume(false);
    let op: SelectorOperator;
    switch (opTok.tok) {
      case "in":
        op = "in";
        break;
      case "=":
        op = "=";
        break;
      case "==":
        op = "==";
        break;
      case ">":
        op = "gt";
        break;
      case "<":
        op = "lt";
        break;
      case "notin":
        op = "notin";
        break;
      case "!=":
        op = "!=";
        break;
      default:
        return fail(`found '${opTok.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    const values = op === "in" || op === "notin" ? parseValues() : parseExactValue();
    return newRequirement(key, op, values);
  };

  const reqs: LabelRequirement[] = [];
  for (;;) {
    const { tok, lit } = lookahead(true);
    if (tok === "id" || tok === "!") {
      let r: LabelRequirement;
      try {
        r = parseRequirement();
      } catch (e) {
        if (e instanceof LabelSelectorError)
          throw new LabelSelectorError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      reqs.push(r);
      const t = consume(true);
      if (t.tok === "eos") break;
      if (t.tok === ",") {
        const t2 = lookahead(true);
        if (t2.tok !== "id" && t2.tok !== "!") fail(`found '${t2.lit}', expected: identifier after ','`);
      } else {
        fail(`found '${t.lit}', expected: ',' or 'end of string'`);
      }
    } else if (tok === "eos") {
      break;
    } else {
      fail(`found '${lit}', expected: !, identifier, or 'end of string'`);
    }
  }
  return sortRequirements(reqs);
}

function sortRequirements(reqs: LabelRequirement[]): LabelRequirement[] {
  // sort.Sort(ByKey) is not stable; requirements on equal keys keep input order here.
  return reqs
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.key < b.r.key ? -1 : a.r.key > b.r.key ? 1 : a.i - b.i))
    .map(({ r }) => r);
}

/**
 * `metav1.LabelSelectorAsSelector`: a nil selector selects nothing (`null`), an empty one
 * everything (`[]`). Throws `LabelSelectorError` for invalid keys, values or operators.
 */
export function labelSelectorFromObject(ls: LabelSelector | null | undefined): LabelSelectorRequirements {
  if (ls === null || ls === undefined) return null;
  const reqs: LabelRequirement[] = [];
  for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push(newRequirement(k, "=", [v]));
  for (const expr of ls.matchExpressions ?? []) {
    let op: SelectorOperator;
    switch (expr.operator) {
      case "In":
        op = "in";
        break;
      case "NotIn":
        op = "notin";
        break;
      case "Exists":
        op = "exists";
        break;
      case "DoesNotExist":
        op = "!";
        break;
      default:
        throw new LabelSelectorError(`"${expr.operator}" is not a valid label selector operator`);
    }
    reqs.push(newRequirement(expr.key, op, [...(expr.values ?? [])]));
  }
  return sortRequirements(reqs);
}

/** `metav1.LabelSelectorAsMap`-free equality selector from a plain map (`labels.SelectorFromSet`). */
export function labelSelectorFromSet(set: Record<string, string>): LabelRequirement[] {
  return sortRequirements(Object.entries(set).map(([key, v]) => ({ key, operator: "=", values: [v] })));
}

/** `Requirement.Matches`. */
export function requirementMatches(r: LabelRequirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  const value = has ? labels![r.key]! : "";
  switch (r.operator) {
    case "in":
    case "=":
    case "==":
      return has && r.values.includes(value);
    case "notin":
    case "!=":
      return !has || !r.values.includes(value);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      if (!has || !/^[+-]?\d+$/.test(value) || r.values.length !== 1) return false;
      const lv = BigInt(value);
      const rv = BigInt(r.values[0]!);
      return r.operator === "gt" ? lv > rv : lv < rv;
    }
  }
}

/** True when the labels satisfy every requirement (`null` matches nothing). */
export function labelsMatch(
  selector: LabelSelectorRequirements,
  labels: Record<string, string> | undefined,
): boolean {
  if (selector === null) return false;
  for (const r of selector) if (!requirementMatches(r, labels)) return false;
  return true;
}

/** `Requirement.String()`. */
export function formatRequirement(r: LabelRequirement): string {
  let s = r.operator === "!" ? `!${r.key}` : r.key;
  switch (r.operator) {
    case "exists":
    case "!":
      return s;
    case "=":
    case "==":
    case "!=":
      s += r.operator;
      break;
    case "in":
    case "notin":
      s += ` ${r.operator} (`;
      break;
    case "gt":
      s += ">";
      break;
    case "lt":
      s += "<";
      break;
  }
  s += r.values.length === 1 ? r.values[0] : [...r.values].sort().join(",");
  if (r.operator === "in" || r.operator === "notin") s += ")";
  return s;
}

/** `Selector.String()`: "app=web,tier in (a,b)"; "" for everything (and for nothing). */
export function formatLabelSelector(selector: LabelSelectorRequirements): string {
  if (selector === null) return "";
  return selector.map(formatRequirement).join(",");
}

/** `metav1.FormatLabelSelector` (what kubectl prints): "<none>" for an empty selector, "<error>" when invalid. */
export function describeLabelSelector(ls: LabelSelector | null | undefined): string {
  try {
    const s = formatLabelSelector(labelSelectorFromObject(ls));
    return s === "" ? "<none>" : s;
  } catch {
    return "<error>";
  }
}
