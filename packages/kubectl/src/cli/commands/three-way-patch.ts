/**
 * The patch `kubectl apply` sends (apimachinery `strategicpatch.CreateThreeWayMergePatch`): from
 * the last applied configuration (original), the new configuration (modified) and the live object
 * (current) — fields the user removed since the last apply are deleted (`null`, `$patch: delete`),
 * fields that differ from the live object are set, and merging lists are patched per element by
 * their merge key with a `$setElementOrder` directive. Merge keys come from the built-in types'
 * `patchMergeKey` tags, looked up by field name (with `ports` told apart by its elements).
 *
 * For custom resources (no strategic merge metadata) the same walk yields a JSON merge patch:
 * every list is replaced whole.
 */

type Json = unknown;
type JsonObj = Record<string, Json>;

function isObj(v: Json): v is JsonObj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** k8s.io/api patchMergeKey tags by field name (patchStrategy "merge"). */
const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  volumes: "name",
  env: "name",
  imagePullSecrets: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  hostAliases: "ip",
  topologySpreadConstraints: "topologyKey",
  ownerReferences: "uid",
  conditions: "type",
  resourceClaims: "name",
};

function mergeKeyFor(field: string, items: Json[]): string | undefined {
  if (field === "ports") {
    // ContainerPort merges on containerPort, ServicePort on port.
    const first = items.find(isObj);
    if (first && "containerPort" in first) return "containerPort";
    if (first && "port" in first) return "port";
    return undefined;
  }
  return MERGE_KEYS[field];
}

/** Compute the three-way patch. `strategic` false gives a JSON merge patch (custom resources). */
export function createThreeWayPatch(
  original: Json,
  modified: Json,
  current: Json,
  strategic: boolean,
): JsonObj {
  return diffObjects(
    isObj(original) ? original : {},
    isObj(modified) ? modified : {},
    isObj(current) ? current : {},
    strategic,
  );
}

function diffObjects(original: JsonObj, modified: JsonObj, current: JsonObj, strategic: boolean): JsonObj {
  const patch: JsonObj = {};
  // Deletions: in the last applied configuration, gone from the new one (and still live).
  for (const k of Object.keys(original)) {
    if (!(k in modified) && k in current) patch[k] = null;
  }
  for (const [k, m] of Object.entries(modified)) {
    const c = current[k];
    const o = original[k];
    if (isObj(m) && isObj(c)) {
      const sub = diffObjects(isObj(o) ? o : {}, m, c, strategic);
      if (Object.keys(sub).length > 0) patch[k] = sub;
      continue;
    }
    if (strategic && Array.isArray(m) && Array.isArray(c)) {
      const key = mergeKeyFor(k, m);
      if (key) {
        const list = diffMergingList(Array.isArray(o) ? o : [], m, c, key, strategic);
        if (list.length > 0) {
          patch[`$setElementOrder/${k}`] = m.filter(isObj).map((e) => ({ [key]: e[key] }));
          patch[k] = list;
        }
        continue;
      }
    }
    if (!deepEqual(m, c)) patch[k] = m;
  }
  return patch;
}

function diffMergingList(
  original: Json[],
  modified: Json[],
  current: Json[],
  key: string,
  strategic: boolean,
): Json[] {
  const out: Json[] = [];
  const find = (l: Json[], v: Json) => l.find((e) => isObj(e) && deepEqual(e[key], v));
  for (const m of modified) {
    if (!isObj(m)) continue;
    const c = find(current, m[key]);
    if (!isObj(c)) {
      out.push(m);
      continue;
    }
    const o = find(original, m[key]);
    const sub = diffObjects(isObj(o) ? o : {}, m, c, strategic);
    if (Object.keys(sub).length > 0) out.push({ [key]: m[key], ...sub });
  }
  for (const o of original) {
    if (!isObj(o)) continue;
    if (!find(modified, o[key]) && find(current, o[key])) out.push({ [key]: o[key], $patch: "delete" });
  }
  return out;
}
