/**
 * What a hosted cluster is built from: the variant a user picks when creating it. Validated
 * here (the simulation imports no validation library) so the service, the tRPC procedures and
 * the quotas all read the same normalised spec.
 */
import { PRESET_NAMES, PRESET_SPECS, type PresetName } from "./presets";
import { type ClusterVariant, defaultVariant, parseVariant } from "./variant";

/** The control plane of a cluster (kubeadm's words: control-plane nodes, stacked etcd). */
export interface ControlPlaneNodesSpec {
  /** Control-plane nodes, each running one kube-apiserver (kubeadm HA: 1 or 3+). */
  replicas: number;
  /** Members of the etcd cluster (stacked: usually one per control-plane node). */
  etcdMembers: number;
}

/** A cluster as it is created. Every field has a default, so `{}` is the small default cluster. */
export interface ClusterSpec {
  controlPlane: ControlPlaneNodesSpec;
  /**
   * Worker nodes the cluster is meant to have. Counted by quotas now; the nodes themselves join
   * when kubelets are assembled (see `assembleCluster`).
   */
  workerNodes: number;
  /** RFC 3339 UTC instant that virtual time 0 maps to. */
  epoch: string;
  /** Collect trace records (every message between components) for the live map. */
  trace: boolean;
  /** Resources the dashboard watches (plural names in the core or a named group/version). */
  observe: ObservedResource[];
  /** How the cluster is built (deployment mode, etcd topology, runtime, CNI, cloud, …): `variant.ts`. */
  variant: ClusterVariant;
}

/** A resource the dashboard keeps a watch on: `{ group: "apps", version: "v1", resource: "deployments" }`. */
export interface ObservedResource {
  group: string;
  version: string;
  resource: string;
}

/** The resources a dashboard watches by default (what the live map draws). */
export const DEFAULT_OBSERVED: readonly ObservedResource[] = [
  { group: "", version: "v1", resource: "namespaces" },
  { group: "", version: "v1", resource: "nodes" },
  { group: "", version: "v1", resource: "pods" },
  { group: "", version: "v1", resource: "services" },
  { group: "apps", version: "v1", resource: "deployments" },
  { group: "apps", version: "v1", resource: "replicasets" },
];

/** The default small cluster: one control-plane node with stacked etcd (what `kubeadm init` makes). */
export function defaultClusterSpec(): ClusterSpec {
  return {
    controlPlane: { replicas: 1, etcdMembers: 1 },
    workerNodes: 0,
    epoch: "2025-01-01T00:00:00Z",
    trace: true,
    observe: DEFAULT_OBSERVED.map((r) => ({ ...r })),
    variant: defaultVariant(),
  };
}

/** Limits of what one simulated cluster may be made of (beyond these it stops being a sandbox). */
export const SPEC_LIMITS = { maxControlPlane: 7, maxEtcdMembers: 7, maxWorkerNodes: 500 } as const;

/** Why a spec was refused: the field and what is wrong with it. */
export interface SpecError {
  field: string;
  message: string;
}

/** Deep merge of two raw JSON specs (objects merged key by key; arrays and scalars replaced). */
function mergeRaw(base: unknown, over: unknown): unknown {
  if (
    typeof base !== "object" ||
    base === null ||
    Array.isArray(base) ||
    typeof over !== "object" ||
    over === null ||
    Array.isArray(over)
  )
    return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = mergeRaw(out[k], v);
  return out;
}

const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * Normalise a spec given as untrusted JSON: fills defaults and returns every problem found.
 * Unknown fields are refused rather than ignored, so a typo is not silently a different cluster.
 */
export function parseClusterSpec(
  raw: unknown,
): { ok: true; spec: ClusterSpec } | { ok: false; errors: SpecError[] } {
  const errors: SpecError[] = [];
  const spec = defaultClusterSpec();
  if (raw === undefined || raw === null) return { ok: true, spec };
  if (typeof raw !== "object" || Array.isArray(raw)) {
    return { ok: false, errors: [{ field: "spec", message: "must be an object" }] };
  }
  let r = raw as Record<string, unknown>;
  let presetName: PresetName | null = null;
  if (r.preset !== undefined) {
    // A preset is a spec to start from: the fields given beside it override its own.
    const preset = typeof r.preset === "string" ? PRESET_SPECS[r.preset as PresetName] : undefined;
    if (!preset) {
      return {
        ok: false,
        errors: [{ field: "preset", message: `must be one of ${PRESET_NAMES.join(", ")}` }],
      };
    }
    presetName = r.preset as PresetName;
    r = mergeRaw(preset, r) as Record<string, unknown>;
    delete r.preset;
  }
  for (const key of Object.keys(r)) {
    if (!["preset", "controlPlane", "workerNodes", "epoch", "trace", "observe", "variant"].includes(key))
      errors.push({ field: key, message: "unknown field" });
  }
  const int = (field: string, value: unknown, min: number, max: number): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      errors.push({ field, message: `must be an integer from ${min} to ${max}` });
      return undefined;
    }
    return value;
  };
  if (r.controlPlane !== undefined) {
    const cp = r.controlPlane as Record<string, unknown>;
    if (typeof cp !== "object" || cp === null || Array.isArray(cp)) {
      errors.push({ field: "controlPlane", message: "must be an object" });
    } else {
      for (const key of Object.keys(cp))
        if (key !== "replicas" && key !== "etcdMembers")
          errors.push({ field: `controlPlane.${key}`, message: "unknown field" });
      spec.controlPlane.replicas =
        int("controlPlane.replicas", cp.replicas, 1, SPEC_LIMITS.maxControlPlane) ??
        spec.controlPlane.replicas;
      // Stacked etcd by default: one member per control-plane node.
      spec.controlPlane.etcdMembers =
        int("controlPlane.etcdMembers", cp.etcdMembers, 1, SPEC_LIMITS.maxEtcdMembers) ??
        spec.controlPlane.replicas;
    }
  }
  spec.workerNodes = int("workerNodes", r.workerNodes, 0, SPEC_LIMITS.maxWorkerNodes) ?? spec.workerNodes;
  const variant = parseVariant(r.variant, spec, errors, r.workerNodes !== undefined);
  if (variant) spec.variant = variant;
  if (presetName) spec.variant.preset = presetName;
  if (r.epoch !== undefined) {
    if (typeof r.epoch !== "string" || !RFC3339_UTC.test(r.epoch) || Number.isNaN(Date.parse(r.epoch)))
      errors.push({ field: "epoch", message: "must be an RFC 3339 UTC timestamp (2025-01-01T00:00:00Z)" });
    else spec.epoch = r.epoch;
  }
  if (r.trace !== undefined) {
    if (typeof r.trace !== "boolean") errors.push({ field: "trace", message: "must be true or false" });
    else spec.trace = r.trace;
  }
  if (r.observe !== undefined) {
    if (!Array.isArray(r.observe) || r.observe.length > 32) {
      errors.push({ field: "observe", message: "must be a list of at most 32 resources" });
    } else {
      spec.observe = [];
      r.observe.forEach((o, i) => {
        const x = o as Record<string, unknown>;
        const ok =
          typeof x === "object" &&
          x !== null &&
          typeof x.group === "string" &&
          (x.group === "" || /^[a-z0-9.-]+$/.test(x.group)) &&
          typeof x.version === "string" &&
          DNS_LABEL.test(x.version) &&
          typeof x.resource === "string" &&
          DNS_LABEL.test(x.resource);
        if (!ok) errors.push({ field: `observe[${i}]`, message: "must be { group, version, resource }" });
        else
          spec.observe.push({
            group: x.group as string,
            version: x.version as string,
            resource: x.resource as string,
          });
      });
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, spec };
}

/** Nodes the cluster has (control plane and workers): what the nodes quota counts. */
export function nodeCount(spec: ClusterSpec): number {
  return spec.controlPlane.replicas + spec.workerNodes;
}

/** The REST collection path of an observed resource (`/api/v1/pods`, `/apis/apps/v1/deployments`). */
export function collectionPath(r: ObservedResource): string {
  return r.group === "" ? `/api/${r.version}/${r.resource}` : `/apis/${r.group}/${r.version}/${r.resource}`;
}
