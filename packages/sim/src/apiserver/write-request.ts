/**
 * What a write handler reads from the request before the object: the options in the query
 * (`CreateOptions`, `UpdateOptions`, `PatchOptions`: fieldManager, fieldValidation, force,
 * dryRun), validated as apimachinery's `ValidateCreateOptions` / `ValidateUpdateOptions` /
 * `ValidatePatchOptions` do (apimachinery `pkg/apis/meta/v1/validation/validation.go`), the
 * field manager (`managerOrUserAgent`, apiserver `endpoints/handlers/rest.go`) and the body
 * (a JSON text, as an HTTP body is, or an already parsed object).
 */
import { parse as parseYaml } from "yaml";
import { fieldManagerFromUserAgent } from "../api/apply";
import {
  type FieldErrorList,
  forbidden,
  invalid,
  notSupported,
  required,
  tooLong,
} from "../api/field-errors";
import type { FieldValidation } from "../api/schema/decode";
import { newBadRequest, newInvalid } from "../api/status";
import type { Status } from "../api/types";
import { type ApiRequest, defaultUserAgent } from "./http";

/** The options of a write, once validated. */
export interface WriteRequestOptions {
  fieldValidation: FieldValidation;
  /** The field manager: `?fieldManager=`, else the User-Agent's first segment. */
  manager: string;
  /** `?force=true` (server-side apply only). */
  force: boolean;
  /** `?dryRun=All`: everything but the write to etcd. */
  dryRun: boolean;
}

/** The kinds of options each verb decodes its query into. */
export type WriteOptionsKind = "CreateOptions" | "UpdateOptions" | "PatchOptions";

/** `FieldManagerMaxLength`. */
const FIELD_MANAGER_MAX_LENGTH = 128;

/** `ValidateFieldManager`: at most 128 bytes, printable characters only (Go's unicode.IsPrint). */
function validateFieldManager(manager: string, path: string): FieldErrorList {
  const errs: FieldErrorList = [];
  if (new TextEncoder().encode(manager).length > FIELD_MANAGER_MAX_LENGTH)
    errs.push(tooLong(path, FIELD_MANAGER_MAX_LENGTH));
  let i = 0;
  for (const ch of manager) {
    // IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
    if (ch !== " " && !/[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch)) {
      const cp = ch.codePointAt(0)!;
      errs.push(
        invalid(
          path,
          manager,
          `invalid character U+${cp.toString(16).toUpperCase().padStart(4, "0")} (at position ${i})`,
        ),
      );
    }
    i += new TextEncoder().encode(ch).length;
  }
  return errs;
}

/**
 * Reads and validates the write options of a request. Invalid options are a 422 on the
 * options kind (`CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value…`).
 * `patchType` is the Content-Type of a PATCH.
 */
export function writeOptions(
  req: ApiRequest,
  kind: WriteOptionsKind,
  patchType = "",
): WriteRequestOptions | Status {
  const q = req.query ?? {};
  const errs: FieldErrorList = [];
  const apply = patchType === "application/apply-patch+yaml";
  if (kind === "PatchOptions") {
    if (!apply && q.force !== undefined)
      errs.push(forbidden("force", "may not be specified for non-apply patch"));
    if (apply && !q.fieldManager) errs.push(required("fieldManager", "is required for apply patch"));
  }
  errs.push(...validateFieldManager(q.fieldManager ?? "", "fieldManager"));
  if (q.dryRun !== undefined && q.dryRun !== "All")
    errs.push(notSupported("dryRun", q.dryRun.split(","), ["All"]));
  const fv = q.fieldValidation ?? "";
  // sets.NewString("", "Ignore", "Warn", "Strict").List(): sorted, the empty string first.
  if (fv !== "" && fv !== "Ignore" && fv !== "Warn" && fv !== "Strict")
    errs.push(notSupported("fieldValidation", fv, ["", "Ignore", "Strict", "Warn"]));
  if (errs.length > 0) return newInvalid({ group: "meta.k8s.io", kind }, "", errs);
  return {
    fieldValidation: fv === "" ? "Warn" : (fv as FieldValidation),
    manager: fieldManagerOf(req),
    force: q.force === "true" || q.force === "1",
    dryRun: q.dryRun === "All",
  };
}

/** The field manager of a write (`managerOrUserAgent`): `?fieldManager=`, else the User-Agent's first segment. */
export function fieldManagerOf(req: ApiRequest): string {
  if (req.query?.fieldManager) return req.query.fieldManager;
  const ua = req.userAgent ?? defaultUserAgent(req.user);
  let manager = managerByUserAgent.get(ua);
  if (manager === undefined) {
    manager = fieldManagerFromUserAgent(ua);
    // A handful of user agents repeat: remember them (bounded, for arbitrary client strings).
    if (managerByUserAgent.size > 1000) managerByUserAgent.clear();
    managerByUserAgent.set(ua, manager);
  }
  return manager;
}

const managerByUserAgent = new Map<string, string>();

/** A request body as a value, with its JSON text when it came as one (for duplicate-field reports). */
export interface ParsedBody {
  value: unknown;
  raw?: string;
}

/**
 * The body as a value. A string is an HTTP body's JSON text: parsed, with a syntax error
 * answered as the apiserver's decoder does (400, "couldn't get version/kind; json parse error: …",
 * the Go message approximated from the JavaScript one).
 */
export function parseJsonBody(body: unknown): ParsedBody | Status {
  if (typeof body !== "string") return { value: body };
  try {
    return { value: JSON.parse(body), raw: body };
  } catch (err) {
    return newBadRequest(`couldn't get version/kind; json parse error: ${goJsonSyntaxError(body, err)}`);
  }
}

/**
 * encoding/json's syntax error for the character at which JSON.parse stopped: "invalid
 * character 'x' looking for beginning of object key string", "unexpected end of JSON input"
 * (the position comes from the JavaScript error; the context from a small scan of what precedes it).
 */
export function goJsonSyntaxError(text: string, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/end of (JSON )?input|Unterminated/i.test(msg)) return "unexpected end of JSON input";
  const at = /position (\d+)/.exec(msg);
  // Some V8 messages name the token instead of its position: take its first occurrence.
  const token = /Unexpected token '(.)'/.exec(msg);
  const pos = at ? Number(at[1]) : token ? text.indexOf(token[1]!) : -1;
  if (pos < 0) return "unexpected end of JSON input";
  const ch = text[pos];
  if (ch === undefined) return "unexpected end of JSON input";
  return `invalid character ${goQuoteRune(ch)} ${scanContext(text, pos)}`;
}

/** Go's %q of a rune as the scanner prints it ('x', '\n'). */
function goQuoteRune(ch: string): string {
  if (ch === "'") return "'\\''";
  if (ch === "\n") return "'\\n'";
  if (ch === "\t") return "'\\t'";
  if (ch === "\r") return "'\\r'";
  return `'${ch}'`;
}

/** What the scanner was looking for at `pos` (the scanner's step names in encoding/json/scanner.go). */
function scanContext(text: string, pos: number): string {
  // Containers open before pos, and whether the last complete token was a key or a value.
  const stack: ("{" | "[")[] = [];
  let expect: "value" | "key" | "colon" | "after-value" = "value";
  let i = 0;
  while (i < pos) {
    const c = text[i]!;
    if (c === " " || c === "\n" || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "{" || c === "[") {
      stack.push(c);
      expect = c === "{" ? "key" : "value";
      i++;
    } else if (c === "}" || c === "]") {
      stack.pop();
      expect = "after-value";
      i++;
    } else if (c === ",") {
      expect = stack[stack.length - 1] === "{" ? "key" : "value";
      i++;
    } else if (c === ":") {
      expect = "value";
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < pos && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (j >= pos) return "in string literal";
      expect = expect === "key" ? "colon" : "after-value";
      i = j + 1;
    } else if (/[-0-9]/.test(c)) {
      // A number ends at the first character that cannot continue it.
      let j = i + 1;
      while (j < pos && /[-+.eE0-9]/.test(text[j]!)) j++;
      expect = "after-value";
      i = j;
    } else {
      // true, false, null: the scanner names the literal and the letter it expected.
      let j = i;
      while (j < pos && /[a-z]/.test(text[j]!)) j++;
      const word = ["true", "false", "null"].find((w) => w.startsWith(text.slice(i, j)));
      if (j >= pos && word && j - i < word.length) return `in literal ${word} (expecting '${word[j - i]}')`;
      expect = "after-value";
      i = j;
    }
  }
  if (expect === "key") return "looking for beginning of object key string";
  if (expect === "colon") return "after object key";
  if (expect === "value") return "looking for beginning of value";
  const top = stack[stack.length - 1];
  if (top === "{") return "after object key:value pair";
  if (top === "[") return "after array element";
  return "after top-level value";
}

/**
 * The body of a server-side apply (`application/apply-patch+yaml`): YAML or JSON text (JSON is
 * YAML), or an already parsed object. YAML is read as sigs.k8s.io/yaml reads it (YAML 1.1
 * scalars: `yes`/`on` are booleans; duplicate keys are an error); errors are the apiserver's
 * 400 "error decoding YAML: …" with go-yaml's wording for the common mistakes (others keep the
 * parser's own text).
 */
export function parseApplyBody(body: unknown): ParsedBody | Status {
  if (typeof body !== "string") return { value: body };
  try {
    return { value: JSON.parse(body), raw: body };
  } catch {
    // Not JSON: YAML.
  }
  try {
    return { value: parseYaml(body, { version: "1.1", uniqueKeys: true }) ?? {} };
  } catch (err) {
    return newBadRequest(`error decoding YAML: error converting YAML to JSON: ${goYamlError(body, err)}`);
  }
}

/** go-yaml's message for a YAML error reported by the `yaml` package. */
function goYamlError(text: string, err: unknown): string {
  const e = err as { message?: string; linePos?: { line: number }[] };
  const line = e.linePos?.[0]?.line ?? 1;
  const first = (e.message ?? String(err)).split(" at line ")[0] ?? "";
  if (first.startsWith("Map keys must be unique")) {
    const src = text.split("\n")[line - 1] ?? "";
    const k = src.trim().replace(/^- /, "").split(":")[0]?.trim() ?? "";
    return `yaml: unmarshal errors:\n  line ${line}: key ${JSON.stringify(k)} already set in map`;
  }
  if (first.startsWith("Nested mappings are not allowed"))
    return `yaml: line ${line}: mapping values are not allowed in this context`;
  return `yaml: line ${line}: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}
