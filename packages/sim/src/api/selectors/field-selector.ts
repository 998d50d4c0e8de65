/**
 * Field selectors (`?fieldSelector=`), as apimachinery `pkg/fields/selector.go` parses them
 * (`a=b`, `a==b`, `a!=b`, comma-separated, `\,` `\=` `\\` escapes), with the field labels each
 * kind supports (kubernetes `pkg/apis/core/v1/conversion.go` AddFieldLabelConversionFunc and
 * the registries' GetAttrs; every other kind: `metadata.name` and `metadata.namespace`) and
 * the real "field label not supported: x" error.
 */

/** One term of a field selector. */
export interface FieldRequirement {
  field: string;
  operator: "=" | "!=";
  value: string;
}

/** A field selector that cannot be parsed or uses an unsupported field; `message` is the real text. */
export class FieldSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FieldSelectorError";
  }
}

function splitTerms(selector: string): string[] {
  if (selector === "") return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (escaped) escaped = false;
    else if (ch === "\\") escaped = true;
    else if (ch === ",") {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

function splitTerm(term: string): { lhs: string; op: string; rhs: string } | null {
  for (let i = 0; i < term.length; i++) {
    const rest = term.slice(i);
    for (const op of ["!=", "==", "="]) {
      if (rest.startsWith(op)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return null;
}

function unescapeValue(s: string): string {
  if (!/[\\=,]/.test(s)) return s;
  let out = "";
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === "\\" || c === "," || c === "=") out += c;
      else throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
    } else if (c === "\\") inSlash = true;
    else if (c === "," || c === "=") {
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c}`);
    } else out += c;
  }
  if (inSlash) throw new FieldSelectorError("invalid field selector: invalid escape sequence: \\");
  return out;
}

/** `fields.ParseSelector`: terms sorted as Go sorts them. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  const parts = splitTerms(selector).sort();
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === "") continue;
    const t = splitTerm(part);
    if (t === null)
      throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    reqs.push({ field: t.lhs, operator: t.op === "!=" ? "!=" : "=", value: unescapeValue(t.rhs) });
  }
  return reqs;
}

const META = ["metadata.name", "metadata.namespace"];
const EVENT_FIELDS = [
  "involvedObject.kind",
  "involvedObject.namespace",
  "involvedObject.name",
  "involvedObject.uid",
  "involvedObject.apiVersion",
  "involvedObject.resourceVersion",
  "involvedObject.fieldPath",
  "reason",
  "reportingComponent",
  "source",
  "type",
  ...META,
];

/** Supported field labels per `group/Kind` (core group written as "/Kind"); others: metadata.name/namespace. */
const SUPPORTED_FIELDS: Record<string, readonly string[]> = {
  "/Pod": [
    ...META,
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.podIPs",
    "status.nominatedNodeName",
  ],
  "/Node": ["metadata.name", "spec.unschedulable"],
  "/ReplicationController": [...META, "status.replicas"],
  "/Event": EVENT_FIELDS,
  "/Namespace": ["status.phase", "metadata.name"],
  "/Secret": ["type", ...META],
  "/Service": [...META, "spec.clusterIP", "spec.type"],
  // apps/v1 and batch/v1 conversion.go
  "apps/ReplicaSet": [...META, "status.replicas"],
  "batch/Job": [...META, "status.successful"],
  "certificates.k8s.io/CertificateSigningRequest": [...META, "spec.signerName"],
  // events.k8s.io serves the internal Event type, whose field set uses the core names.
  "events.k8s.io/Event": EVENT_FIELDS,
};

/** Field labels a kind accepts in a field selector (`extra`: a CRD's selectableFields). */
export function supportedFieldLabels(
  group: string,
  kind: string,
  extra: readonly string[] = [],
): readonly string[] {
  const base = SUPPORTED_FIELDS[`${group}/${kind}`] ?? META;
  return extra.length === 0 ? base : [...base, ...extra];
}

/**
 * Checks every term against the kind's supported labels (the apiserver's ConvertFieldLabel);
 * throws `FieldSelectorError("field label not supported: x")`, which the apiserver answers as 400.
 * `spec.host` on pods is accepted as the old name of `spec.nodeName`.
 */
export function checkFieldSelector(
  reqs: FieldRequirement[],
  group: string,
  kind: string,
  extra: readonly string[] = [],
): FieldRequirement[] {
  const supported = supportedFieldLabels(group, kind, extra);
  return reqs.map((r) => {
    if (group === "" && kind === "Pod" && r.field === "spec.host") return { ...r, field: "spec.nodeName" };
    if (!supported.includes(r.field)) throw new FieldSelectorError(`field label not supported: ${r.field}`);
    return r;
  });
}

function readPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/**
 * The value a field label has on an object, as the registries' GetAttrs/ToSelectableFields
 * compute it: strings as is, booleans "true"/"false", numbers in decimal, absent "".
 */
export function fieldValue(obj: unknown, field: string): string {
  switch (field) {
    case "status.podIP": {
      // The pod field set uses the first of status.podIPs.
      const ips = readPath(obj, "status.podIPs");
      if (Array.isArray(ips) && ips.length > 0) return String((ips[0] as { ip?: string }).ip ?? "");
      return String(readPath(obj, "status.podIP") ?? "");
    }
    case "spec.hostNetwork":
    case "spec.unschedulable":
      return readPath(obj, field) === true ? "true" : "false";
    case "source": {
      // Event's "source" is source.component.
      return String(readPath(obj, "source.component") ?? readPath(obj, "reportingController") ?? "");
    }
    case "status.replicas":
    case "status.successful": {
      const v = readPath(obj, field);
      return typeof v === "number" ? String(v) : "0";
    }
    default: {
      const v = readPath(obj, field);
      if (v === undefined || v === null) return "";
      if (typeof v === "boolean") return v ? "true" : "false";
      if (typeof v === "string" || typeof v === "number") return String(v);
      return "";
    }
  }
}

/** True when the object satisfies every term. */
export function fieldsMatch(reqs: readonly FieldRequirement[], obj: unknown): boolean {
  for (const r of reqs) {
    const v = fieldValue(obj, r.field);
    if (r.operator === "=" ? v !== r.value : v === r.value) return false;
  }
  return true;
}

/** `Selector.String()`: terms joined by commas, values re-escaped. */
export function formatFieldSelector(reqs: readonly FieldRequirement[]): string {
  const esc = (v: string) => v.replace(/\\/g, "\\\\").replace(/,/g, "\\,").replace(/=/g, "\\=");
  return reqs.map((r) => `${r.field}${r.operator === "=" ? "=" : "!="}${esc(r.value)}`).join(",");
}
