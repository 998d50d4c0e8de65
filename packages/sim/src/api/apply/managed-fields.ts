/**
 * `metadata.managedFields` as the apiserver keeps them (apimachinery
 * `pkg/util/managedfields/internal`, v1.32): one entry per field manager, identified by
 * manager name, operation, API version (Update entries only) and subresource; sets stored
 * as fieldsV1; entries sorted by operation (Apply before Update), time, manager, apiVersion,
 * subresource; at most 10 Update managers, older ones folded into "ancient-changes".
 */
import type { ManagedFieldsEntry } from "kubernetes-types/meta/v1";
import { type FieldSetNode, fromFieldsV1, isEmptySet, toFieldsV1, unionSets } from "./field-set";

/** One manager's entry, decoded. */
export interface ManagerEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSetNode;
}

/** `DefaultMaxUpdateManagers`. */
export const MAX_UPDATE_MANAGERS = 10;

/**
 * The identifier structured-merge-diff keys managers by (`BuildManagerIdentifier`): the
 * entry without fields and time, and without apiVersion for appliers.
 */
export function managerIdentifier(
  e: Pick<ManagerEntry, "manager" | "operation" | "apiVersion" | "subresource">,
): string {
  const id: Record<string, string> = { manager: e.manager, operation: e.operation };
  if (e.operation === "Update") id.apiVersion = e.apiVersion;
  if (e.subresource) id.subresource = e.subresource;
  return JSON.stringify(id);
}

/** Decodes `metadata.managedFields`. */
export function decodeManagedFields(entries: ManagedFieldsEntry[] | undefined): Map<string, ManagerEntry> {
  const out = new Map<string, ManagerEntry>();
  for (const e of entries ?? []) {
    const entry: ManagerEntry = {
      manager: e.manager ?? "",
      operation: e.operation === "Apply" ? "Apply" : "Update",
      apiVersion: e.apiVersion ?? "",
      set: fromFieldsV1(e.fieldsV1),
    };
    if (e.subresource) entry.subresource = e.subresource;
    if (e.time) entry.time = e.time;
    out.set(managerIdentifier(entry), entry);
  }
  return out;
}

/** Folds the oldest Update managers beyond the cap into "ancient-changes" (`capManagersManager`). */
function capUpdateManagers(managers: ManagerEntry[]): ManagerEntry[] {
  const updates = managers.filter((m) => m.operation === "Update" && m.manager !== "ancient-changes");
  if (updates.length <= MAX_UPDATE_MANAGERS) return managers;
  const byTime = [...updates].sort((a, b) => (a.time ?? "").localeCompare(b.time ?? ""));
  const excess = byTime.slice(0, updates.length - MAX_UPDATE_MANAGERS);
  let ancient = managers.find((m) => m.manager === "ancient-changes");
  const kept = managers.filter((m) => !excess.includes(m) && m !== ancient);
  for (const m of excess) {
    ancient = ancient
      ? { ...ancient, set: unionSets(ancient.set, m.set), time: m.time ?? ancient.time }
      : { ...m, manager: "ancient-changes" };
  }
  return ancient ? [...kept, ancient] : kept;
}

/** Encodes managers into `metadata.managedFields`, sorted as the apiserver sorts them; empty sets are dropped. */
export function encodeManagedFields(managers: Iterable<ManagerEntry>): ManagedFieldsEntry[] {
  const list = capUpdateManagers([...managers].filter((m) => !isEmptySet(m.set)));
  list.sort((p, q) => {
    if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
    const pt = p.time ?? "";
    const qt = q.time ?? "";
    if (pt !== qt) return pt < qt ? -1 : 1;
    if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
    if (p.apiVersion !== q.apiVersion) return p.apiVersion < q.apiVersion ? -1 : 1;
    return (p.subresource ?? "") < (q.subresource ?? "")
      ? -1
      : (p.subresource ?? "") > (q.subresource ?? "")
        ? 1
        : 0;
  });
  return list.map((m) => {
    const e: ManagedFieldsEntry = {
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
    };
    if (m.time) e.time = m.time;
    e.fieldsType = "FieldsV1";
    e.fieldsV1 = toFieldsV1(m.set);
    if (m.subresource) e.subresource = m.subresource;
    return e;
  });
}

/**
 * The default field manager name from a User-Agent (`prefixFromUserAgent`): the part before
 * the first "/", printable characters only, at most 128 bytes.
 */
export function fieldManagerFromUserAgent(userAgent: string): string {
  let out = "";
  for (const ch of userAgent.split("/")[0] ?? "") {
    if (/\p{C}/u.test(ch)) continue;
    if (utf8Length(out + ch) > 128) break;
    out += ch;
  }
  return out;
}

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** `printManager`: how conflicts name a manager. */
export function describeManager(
  e: Pick<ManagerEntry, "manager" | "operation" | "apiVersion" | "subresource">,
): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === "Update") s += ` using ${e.apiVersion}`;
  return s;
}
