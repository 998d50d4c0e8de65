/**
 * What a DaemonSet's pods look like and where they belong (`pkg/controller/daemon/util/
 * daemonset_util.go`, `daemon_controller.go` `NodeShouldRunDaemonPod`, v1.32): the default
 * tolerations every daemon pod gets, the node affinity that pins it to its node (the default
 * scheduler binds it, since 1.12), and the placement rules (node name, node affinity /
 * nodeSelector, taints).
 */
import type { Affinity, Node, Pod, PodSpec, PodTemplateSpec, Toleration } from "kubernetes-types/core/v1";
import type { KubeObject } from "../../api/types";
import {
  getRequiredNodeAffinity,
  type RequiredNodeAffinity,
  requiredNodeAffinityMatchesNode,
} from "../../scheduler/internal/node-affinity";
import { findMatchingUntoleratedTaint } from "../../scheduler/internal/taints";

/** `apps.DefaultDaemonSetUniqueLabelKey` (= `ControllerRevisionHashLabelKey`). */
export const CONTROLLER_REVISION_HASH_LABEL = "controller-revision-hash";
/** `extensions.DaemonSetTemplateGenerationKey`: the deprecated generation label still written. */
export const POD_TEMPLATE_GENERATION_LABEL = "pod-template-generation";
/** The annotation holding the template generation on apps/v1 DaemonSets. */
export const TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";

/** `Toleration.MatchToleration`: same key, operator, value and effect. */
function sameToleration(a: Toleration, b: Toleration): boolean {
  return (
    (a.key ?? "") === (b.key ?? "") &&
    (a.operator ?? "") === (b.operator ?? "") &&
    (a.value ?? "") === (b.value ?? "") &&
    (a.effect ?? "") === (b.effect ?? "")
  );
}

/** `AddOrUpdateTolerationInPodSpec`. */
function addOrUpdateToleration(spec: PodSpec, t: Toleration): void {
  const list = spec.tolerations ?? [];
  let updated = false;
  const out: Toleration[] = [];
  for (const x of list) {
    if (sameToleration(t, x)) {
      if (JSON.stringify(x) === JSON.stringify(t)) return;
      out.push(t);
      updated = true;
      continue;
    }
    out.push(x);
  }
  if (!updated) out.push(t);
  spec.tolerations = out;
}

/**
 * `AddOrUpdateDaemonPodTolerations`: daemon pods survive node problems — not-ready and
 * unreachable NoExecute forever, and the NoSchedule condition taints (disk/memory/pid pressure,
 * unschedulable; network-unavailable for host-network pods).
 */
export function addDaemonPodTolerations(spec: PodSpec): void {
  const exists = (key: string, effect: "NoExecute" | "NoSchedule"): Toleration => ({
    key,
    operator: "Exists",
    effect,
  });
  addOrUpdateToleration(spec, exists("node.kubernetes.io/not-ready", "NoExecute"));
  addOrUpdateToleration(spec, exists("node.kubernetes.io/unreachable", "NoExecute"));
  addOrUpdateToleration(spec, exists("node.kubernetes.io/disk-pressure", "NoSchedule"));
  addOrUpdateToleration(spec, exists("node.kubernetes.io/memory-pressure", "NoSchedule"));
  addOrUpdateToleration(spec, exists("node.kubernetes.io/pid-pressure", "NoSchedule"));
  addOrUpdateToleration(spec, exists("node.kubernetes.io/unschedulable", "NoSchedule"));
  if (spec.hostNetwork)
    addOrUpdateToleration(spec, exists("node.kubernetes.io/network-unavailable", "NoSchedule"));
}

/** `GetTemplateGeneration`: the generation annotation, or null. */
export function templateGeneration(ds: KubeObject): number | null {
  const v = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
}

/** `CreatePodTemplate`: the template with daemon tolerations and the generation and hash labels. */
export function createPodTemplate(ds: KubeObject, hash: string): PodTemplateSpec {
  const template = JSON.parse(JSON.stringify(ds.spec?.template ?? {})) as PodTemplateSpec;
  template.spec ??= { containers: [] };
  addDaemonPodTolerations(template.spec);
  template.metadata ??= {};
  const labels = { ...(template.metadata.labels ?? {}) };
  const gen = templateGeneration(ds);
  if (gen !== null) labels[POD_TEMPLATE_GENERATION_LABEL] = String(gen);
  if (hash) labels[CONTROLLER_REVISION_HASH_LABEL] = hash;
  template.metadata.labels = labels;
  return template;
}

/** `ReplaceDaemonSetPodNodeNameNodeAffinity`: require `metadata.name` In [node] (replacing any required terms). */
export function replaceNodeNameNodeAffinity(affinity: Affinity | undefined, nodeName: string): Affinity {
  const term = { matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] };
  const out: Affinity = JSON.parse(JSON.stringify(affinity ?? {}));
  out.nodeAffinity ??= {};
  out.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [term] };
  return out;
}

/** What decides where a DaemonSet's pods go, computed once per DaemonSet object (`NewPod`). */
interface DaemonPlacement {
  templateNodeName: string;
  affinity: RequiredNodeAffinity;
  tolerations: Toleration[];
}

/**
 * Placement by DaemonSet object. Cached objects are immutable (a change is a new object), so a
 * weak cache keyed by identity is safe, and a sync over 5,000 nodes builds the pod only once.
 */
const placements = new WeakMap<KubeObject, DaemonPlacement>();

function daemonPlacement(ds: KubeObject): DaemonPlacement {
  let p = placements.get(ds);
  if (p) return p;
  const template = (ds.spec?.template ?? {}) as PodTemplateSpec;
  const spec: PodSpec = JSON.parse(JSON.stringify(template.spec ?? { containers: [] }));
  addDaemonPodTolerations(spec);
  const pod: Pod = { metadata: { ...(template.metadata ?? {}), namespace: ds.metadata.namespace }, spec };
  p = {
    templateNodeName: template.spec?.nodeName ?? "",
    affinity: getRequiredNodeAffinity(pod),
    tolerations: spec.tolerations ?? [],
  };
  placements.set(ds, p);
  return p;
}

/**
 * `NodeShouldRunDaemonPod`: whether a daemon pod should be created on the node, and whether an
 * existing one may keep running (it may when only NoSchedule taints are untolerated).
 */
export function nodeShouldRunDaemonPod(
  node: Node,
  ds: KubeObject,
): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const name = node.metadata?.name ?? "";
  const p = daemonPlacement(ds);
  if (p.templateNodeName !== "" && p.templateNodeName !== name)
    return { shouldRun: false, shouldContinueRunning: false };
  if (!requiredNodeAffinityMatchesNode(p.affinity, node))
    return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints ?? [];
  if (taints.length === 0) return { shouldRun: true, shouldContinueRunning: true };
  const untolerated = findMatchingUntoleratedTaint(
    taints,
    p.tolerations,
    (t) => t.effect === "NoExecute" || t.effect === "NoSchedule",
  );
  if (untolerated) {
    const noExecute = findMatchingUntoleratedTaint(taints, p.tolerations, (t) => t.effect === "NoExecute");
    return { shouldRun: false, shouldContinueRunning: noExecute === null };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/** `GetTargetNodeName`: the node a daemon pod is bound to, or pinned to by its node affinity. */
export function targetNodeName(pod: KubeObject): string | null {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms)
    for (const f of t.matchFields ?? [])
      if (f.key === "metadata.name" && f.operator === "In" && f.values?.length === 1) return f.values[0];
  return null;
}

/** `IsPodUpdated`: the pod carries the current revision hash (or template generation). */
export function isPodUpdated(pod: KubeObject, hash: string, generation: number | null): boolean {
  const labels = pod.metadata.labels ?? {};
  const templateMatches = generation !== null && labels[POD_TEMPLATE_GENERATION_LABEL] === String(generation);
  const hashMatches = hash.length > 0 && labels[CONTROLLER_REVISION_HASH_LABEL] === hash;
  return hashMatches || templateMatches;
}

/** `podByCreationTimestampAndPhase`: scheduled first, then oldest, then by name. */
export function comparePodsByCreation(a: KubeObject, b: KubeObject): number {
  const sa = !!a.spec?.nodeName;
  const sb = !!b.spec?.nodeName;
  if (sa !== sb) return sa ? -1 : 1;
  const ta = a.metadata.creationTimestamp ?? "";
  const tb = b.metadata.creationTimestamp ?? "";
  if (ta === tb) return (a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1;
  return ta < tb ? -1 : 1;
}

/** `intstr.GetScaledValueFromIntOrPercent(v, total, roundUp=true)`. */
export function scaledValue(v: number | string | undefined, total: number, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v === "number") return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  return /^\d+$/.test(v) ? Number(v) : fallback;
}
