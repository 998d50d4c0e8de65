/**
 * Field errors as `k8s.io/apimachinery/pkg/util/validation/field` (errors.go, path.go at
 * kubernetes-1.32.0) builds them: a type ("Required value", "Invalid value", ...), the
 * field path (`spec.template.spec.containers[0].image`), the bad value rendered the way
 * Go's fmt renders it, and a detail. `Invalid` Status causes and messages are made from these.
 */

/** `field.ErrorType`: the cause type string stored in `StatusCause.reason`. */
export type FieldErrorType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "InternalError"
  | "FieldValueTypeInvalid";

/** `ErrorType.String()`: the words users read. */
const ERROR_TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: "Not found",
  FieldValueRequired: "Required value",
  FieldValueDuplicate: "Duplicate value",
  FieldValueInvalid: "Invalid value",
  FieldValueNotSupported: "Unsupported value",
  FieldValueForbidden: "Forbidden",
  FieldValueTooLong: "Too long",
  FieldValueTooMany: "Too many",
  InternalError: "Internal error",
  FieldValueTypeInvalid: "Invalid value",
};

/** Returns the human text of a field error type ("Required value"). */
export function fieldErrorTypeText(type: FieldErrorType): string {
  return ERROR_TYPE_TEXT[type];
}

/**
 * A value that renders as given, like a Go `fmt.Stringer` (e.g. a `resource.Quantity`,
 * which Go prints without quotes).
 */
export class RenderedValue {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** `field.OmitValueType{}`: the error body shows only the type, no value. */
export const OMIT_VALUE: unique symbol = Symbol("omitValue");

/** One field error. `badValue` is the offending value (or OMIT_VALUE). */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  badValue: unknown;
  detail: string;
}

/** The list of errors a validation returns (`field.ErrorList`). Empty means valid. */
export type FieldErrorList = FieldError[];

/**
 * A field path (`field.Path`): `root("spec").child("containers").index(0).child("image")`
 * prints as `spec.containers[0].image`; `key("app")` prints as `[app]`.
 */
export class FieldPath {
  private constructor(
    private readonly parent: FieldPath | null,
    private readonly segment: string,
    private readonly isIndex: boolean,
  ) {}

  /** `field.NewPath(name, moreNames...)`. */
  static root(name: string, ...more: string[]): FieldPath {
    let p = new FieldPath(null, name, false);
    for (const m of more) p = p.child(m);
    return p;
  }

  /** `Path.Child(name, moreNames...)`. */
  child(name: string, ...more: string[]): FieldPath {
    let p = new FieldPath(this, name, false);
    for (const m of more) p = p.child(m);
    return p;
  }

  /** `Path.Index(i)`: `[0]`. */
  index(i: number): FieldPath {
    return new FieldPath(this, String(i), true);
  }

  /** `Path.Key(k)`: `[k]` (map keys are printed unquoted, as Go does). */
  key(k: string): FieldPath {
    return new FieldPath(this, k, true);
  }

  /** `Path.String()`. */
  toString(): string {
    const parts: FieldPath[] = [];
    for (let p: FieldPath | null = this; p !== null; p = p.parent) parts.push(p);
    let out = "";
    for (let i = parts.length - 1; i >= 0; i--) {
      const p = parts[i]!;
      if (p.isIndex) out += `[${p.segment}]`;
      else out += out === "" ? p.segment : `.${p.segment}`;
    }
    return out;
  }
}

type PathLike = FieldPath | string;
const pathText = (p: PathLike): string => (typeof p === "string" ? p : p.toString());

/** `field.Required(path, detail)`. */
export function required(path: PathLike, detail = ""): FieldError {
  return { type: "FieldValueRequired", field: pathText(path), badValue: "", detail };
}

/** `field.Invalid(path, value, detail)`. */
export function invalid(path: PathLike, value: unknown, detail: string): FieldError {
  return { type: "FieldValueInvalid", field: pathText(path), badValue: value, detail };
}

/** `field.NotSupported(path, value, validValues)`: detail `supported values: "a", "b"`. */
export function notSupported(path: PathLike, value: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? `supported values: ${validValues.map(goQuote).join(", ")}` : "";
  return { type: "FieldValueNotSupported", field: pathText(path), badValue: value, detail };
}

/** `field.Duplicate(path, value)`. */
export function duplicate(path: PathLike, value: unknown): FieldError {
  return { type: "FieldValueDuplicate", field: pathText(path), badValue: value, detail: "" };
}

/** `field.NotFound(path, value)`. */
export function notFound(path: PathLike, value: unknown): FieldError {
  return { type: "FieldValueNotFound", field: pathText(path), badValue: value, detail: "" };
}

/** `field.Forbidden(path, detail)`. */
export function forbidden(path: PathLike, detail: string): FieldError {
  return { type: "FieldValueForbidden", field: pathText(path), badValue: "", detail };
}

/** `field.TooLong(path, value, maxLength)`: "may not be more than N bytes" (1.32 wording). */
export function tooLong(path: PathLike, maxLength: number): FieldError {
  const detail = maxLength >= 0 ? `may not be more than ${maxLength} bytes` : "value is too long";
  return { type: "FieldValueTooLong", field: pathText(path), badValue: "<value omitted>", detail };
}

/** `field.TooMany(path, actual, max)`: "must have at most N items". */
export function tooMany(path: PathLike, actualQuantity: number, maxQuantity: number): FieldError {
  const detail = maxQuantity >= 0 ? `must have at most ${maxQuantity} items` : "has too many items";
  return {
    type: "FieldValueTooMany",
    field: pathText(path),
    badValue: actualQuantity >= 0 ? actualQuantity : OMIT_VALUE,
    detail,
  };
}

/** `field.TypeInvalid(path, value, detail)`. */
export function typeInvalid(path: PathLike, value: unknown, detail: string): FieldError {
  return { type: "FieldValueTypeInvalid", field: pathText(path), badValue: value, detail };
}

/** `field.InternalError(path, err)`. */
export function internalError(path: PathLike, message: string): FieldError {
  return { type: "InternalError", field: pathText(path), badValue: null, detail: message };
}

/**
 * Go's `strconv.Quote`: double quotes, with `"`, `\` and control characters escaped.
 * Printable Unicode is kept as is, as Go does.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\u0007") out += "\\a";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\v") out += "\\v";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Renders a bad value as `ErrorBody` does with Go's fmt: numbers and booleans with %v,
 * strings with %q, Stringers as their text, nil as "null", and other values with %#v
 * (string slices as `[]string{"a", "b"}`, anything else as JSON as the closest readable form).
 */
export function formatBadValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return goQuote(value);
  if (value instanceof RenderedValue) return value.text;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
    return `[]string{${value.map(goQuote).join(", ")}}`;
  }
  if (
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === "string")
  ) {
    const entries = Object.entries(value as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `map[string]string{${entries.map(([k, v]) => `${goQuote(k)}:${goQuote(v)}`).join(", ")}}`;
  }
  return JSON.stringify(value);
}

/** `Error.ErrorBody()`: "Invalid value: -1: must be greater than or equal to 0". */
export function fieldErrorBody(e: FieldError): string {
  const typeText = ERROR_TYPE_TEXT[e.type];
  let s: string;
  if (
    e.type === "FieldValueRequired" ||
    e.type === "FieldValueForbidden" ||
    e.type === "FieldValueTooLong" ||
    e.type === "InternalError" ||
    e.badValue === OMIT_VALUE
  ) {
    s = typeText;
  } else {
    s = `${typeText}: ${formatBadValue(e.badValue)}`;
  }
  if (e.detail.length > 0) s += `: ${e.detail}`;
  return s;
}

/** `Error.Error()`: "spec.replicas: Invalid value: -1: must be greater than or equal to 0". */
export function formatFieldError(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

/**
 * `ErrorList.ToAggregate().Error()`: duplicates (by message) dropped, one message printed
 * as is, several as `[a, b]`. Returns "" for an empty list.
 */
export function aggregateFieldErrors(errs: FieldErrorList): string {
  const seen = new Set<string>();
  const msgs: string[] = [];
  for (const e of errs) {
    const m = formatFieldError(e);
    if (seen.has(m)) continue;
    seen.add(m);
    msgs.push(m);
  }
  if (msgs.length === 0) return "";
  if (msgs.length === 1) return msgs[0]!;
  return `[${msgs.join(", ")}]`;
}

/** Prefixes every error's field with a parent path (used when validating nested parts separately). */
export function prefixFieldErrors(prefix: string, errs: FieldErrorList): FieldErrorList {
  return errs.map((e) => ({ ...e, field: e.field === "" ? prefix : `${prefix}.${e.field}` }));
}
