/**
 * The Go type model of every built-in API type, read from the official JavaScript client
 * `@kubernetes/client-node` 1.1.3, whose models are generated from the Kubernetes v1.32.0
 * OpenAPI document ("OpenAPI spec version: v1.32.0" in each file). Each model class carries
 * `attributeTypeMap`: the JSON field names with their OpenAPI types and formats. That is what
 * the apiserver's JSON decoder knows about a Go struct, so it drives decoding: type errors,
 * unknown fields for `fieldValidation`, and pruning of fields the type does not have.
 */
import * as models from "@kubernetes/client-node/dist/gen/models/all";

/** The type of a field. */
export type FieldType =
  | { kind: "string" }
  | { kind: "bytes" }
  | { kind: "int32" }
  | { kind: "int64" }
  | { kind: "float64" }
  | { kind: "bool" }
  | { kind: "time" }
  | { kind: "intOrString" }
  | { kind: "quantity" }
  | { kind: "any" }
  | { kind: "struct"; type: string }
  | { kind: "array"; items: FieldType }
  | { kind: "map"; values: FieldType };

/** A struct type: its Go name (`v1.DeploymentSpec`) and its fields by JSON name. */
export interface StructType {
  /** The client model name ("V1DeploymentSpec"). */
  name: string;
  /** The Go struct name without package ("DeploymentSpec"). */
  goName: string;
  /** The Go package alias used in type names ("v1", "v2", "v1beta1"). */
  goPackage: string;
  fields: Map<string, FieldType>;
}

interface Attribute {
  baseName: string;
  type: string;
  format: string;
}

/**
 * Fields whose Go type is `resource.Quantity` (or a ResourceList of them); the client models
 * type them as strings. Source: k8s.io/api types.go of each struct.
 */
const QUANTITY_FIELDS: Record<string, readonly string[]> = {
  V1ResourceRequirements: ["limits", "requests"],
  V1VolumeResourceRequirements: ["limits", "requests"],
  V1LimitRangeItem: ["default", "defaultRequest", "max", "maxLimitRequestRatio", "min"],
  V1ResourceQuotaSpec: ["hard"],
  V1ResourceQuotaStatus: ["hard", "used"],
  V1NodeStatus: ["allocatable", "capacity"],
  V1PersistentVolumeSpec: ["capacity"],
  V1PersistentVolumeClaimStatus: ["capacity", "allocatedResources"],
  V1PodSpec: ["overhead"],
  V1Overhead: ["podFixed"],
  V1ContainerStatus: ["allocatedResources"],
  V1EmptyDirVolumeSource: ["sizeLimit"],
  V1ResourceFieldSelector: ["divisor"],
  V1CSIStorageCapacity: ["capacity", "maximumVolumeSize"],
  V2MetricTarget: ["value", "averageValue"],
  V2MetricValueStatus: ["value", "averageValue"],
};

const MODEL_NAME = /^([A-Z][a-z]+)*?V(\d+)((?:alpha|beta)\d+)?([A-Z].*)$/;

function parseFieldType(type: string, format: string): FieldType {
  if (type.startsWith("Array<") && type.endsWith(">")) {
    return { kind: "array", items: parseFieldType(type.slice(6, -1), "") };
  }
  const mapMatch = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (mapMatch) return { kind: "map", values: parseFieldType(mapMatch[1]!, "") };
  switch (type) {
    case "string":
      return format === "byte" ? { kind: "bytes" } : { kind: "string" };
    case "number":
      return format === "int32"
        ? { kind: "int32" }
        : format === "int64"
          ? { kind: "int64" }
          : { kind: "float64" };
    case "boolean":
      return { kind: "bool" };
    case "Date":
    // metav1.MicroTime (Lease acquireTime/renewTime, Event eventTime) is an RFC 3339 string too.
    case "V1MicroTime":
      return { kind: "time" };
    case "IntOrString":
      return { kind: "intOrString" };
    case "any":
    case "object":
      return { kind: "any" };
    default:
      return { kind: "struct", type };
  }
}

let catalog: Map<string, StructType> | null = null;

/** Every struct type of the v1.32 API by client model name, built once. */
export function structTypes(): Map<string, StructType> {
  if (catalog) return catalog;
  catalog = new Map();
  for (const [name, value] of Object.entries(models)) {
    const attrs = (value as { attributeTypeMap?: Attribute[] }).attributeTypeMap;
    if (!Array.isArray(attrs)) continue;
    const m = MODEL_NAME.exec(name);
    const goName = m ? m[4]! : name;
    const goPackage = m ? `v${m[2]}${m[3] ?? ""}` : "v1";
    const quantity = new Set(QUANTITY_FIELDS[name] ?? []);
    const fields = new Map<string, FieldType>();
    for (const a of attrs) {
      let t = parseFieldType(a.type, a.format);
      if (quantity.has(a.baseName))
        t = t.kind === "map" ? { kind: "map", values: { kind: "quantity" } } : { kind: "quantity" };
      fields.set(a.baseName, t);
    }
    catalog.set(name, { name, goName, goPackage, fields });
  }
  return catalog;
}

/** The Go spelling of a field type, as decode errors print it ("int32", "[]v1.Container", "map[string]string"). */
export function goTypeName(t: FieldType): string {
  switch (t.kind) {
    case "string":
      return "string";
    case "bytes":
      return "[]uint8";
    case "int32":
      return "int32";
    case "int64":
      return "int64";
    case "float64":
      return "float64";
    case "bool":
      return "bool";
    case "time":
      return "v1.Time";
    case "intOrString":
      return "intstr.IntOrString";
    case "quantity":
      return "resource.Quantity";
    case "any":
      return "interface {}";
    case "array":
      return `[]${goTypeName(t.items)}`;
    case "map":
      return `map[string]${goTypeName(t.values)}`;
    case "struct": {
      const s = structTypes().get(t.type);
      return s ? `${s.goPackage}.${s.goName}` : t.type;
    }
  }
}

/** Group prefixes the client uses to tell apart same-named kinds ("CoreV1Event", "EventsV1Event"). */
function groupPrefix(group: string): string {
  const first = group === "" ? "core" : group.split(".")[0]!;
  return first.charAt(0).toUpperCase() + first.slice(1);
}

const rootCache = new Map<string, StructType | null>();

/** The struct type of a top-level kind (`apps/v1 Deployment` -> V1Deployment), if the API has it. */
export function rootStructType(group: string, version: string, kind: string): StructType | undefined {
  const key = `${group}/${version}/${kind}`;
  let st = rootCache.get(key);
  if (st === undefined) {
    const types = structTypes();
    const v = version.charAt(0).toUpperCase() + version.slice(1);
    st = types.get(`${groupPrefix(group)}${v}${kind}`) ?? types.get(`${v}${kind}`) ?? null;
    rootCache.set(key, st);
  }
  return st ?? undefined;
}
