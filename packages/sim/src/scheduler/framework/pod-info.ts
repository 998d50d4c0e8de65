/**
 * `framework.NewPodInfo`: precomputes what every plugin reads about a pod (requests, affinity
 * terms, host ports, volumes), once per pod version.
 */
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from "kubernetes-types/core/v1";
import { compileLabelSelector, selectorMatches } from "../internal/label-selector";
import { NON_MISSING_DEFAULTS, podRequests, resourceFromNumeric } from "./resource";
import type { AffinityTerm, HostPort, PodInfo, WeightedAffinityTerm } from "./types";

/** `GetPodKey`: pods are keyed by UID; a pod without one (tests) falls back to namespace/name. */
export function podKey(pod: Pod): string {
  return pod.metadata?.uid || `${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}`;
}

/** `corev1helpers.PodPriority`. */
export function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}

/** `newAffinityTerm` with `GetNamespacesFromPodAffinityTerm`. Throws on an invalid selector. */
function newAffinityTerm(pod: Pod, term: PodAffinityTerm): AffinityTerm {
  const namespace = pod.metadata?.namespace ?? "";
  const namespaces =
    (term.namespaces?.length ?? 0) === 0 && term.namespaceSelector == null
      ? [namespace]
      : [...(term.namespaces ?? [])];
  const selector = compileLabelSelector(term.labelSelector);
  const namespaceSelector = compileLabelSelector(term.namespaceSelector);
  if (selector === null || namespaceSelector === null) {
    throw new Error(
      `invalid label selector in pod affinity term with topologyKey ${JSON.stringify(term.topologyKey)}`,
    );
  }
  return { namespaces, namespaceSelector, selector, topologyKey: term.topologyKey };
}

function newWeightedTerms(pod: Pod, terms: WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] {
  const out: WeightedAffinityTerm[] = [];
  for (const t of terms ?? []) out.push({ ...newAffinityTerm(pod, t.podAffinityTerm), weight: t.weight });
  return out;
}

/** `schedutil.GetHostPorts`: container ports with a hostPort, sanitised as `HostPortInfo` stores them. */
function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ hostIP: p.hostIP || "0.0.0.0", protocol: p.protocol || "TCP", port: p.hostPort });
    }
  }
  return out;
}

/** Builds the PodInfo of a pod. Affinity parse errors are recorded, not thrown (as the Go code). */
export function newPodInfo(pod: Pod): PodInfo {
  const affinity = pod.spec?.affinity;
  let parseError: string | null = null;
  let requiredAffinityTerms: AffinityTerm[] = [];
  let requiredAntiAffinityTerms: AffinityTerm[] = [];
  let preferredAffinityTerms: WeightedAffinityTerm[] = [];
  let preferredAntiAffinityTerms: WeightedAffinityTerm[] = [];
  try {
    requiredAffinityTerms = (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(
      (t) => newAffinityTerm(pod, t),
    );
    requiredAntiAffinityTerms = (
      affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []
    ).map((t) => newAffinityTerm(pod, t));
    preferredAffinityTerms = newWeightedTerms(
      pod,
      affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
    );
    preferredAntiAffinityTerms = newWeightedTerms(
      pod,
      affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
    );
  } catch (e) {
    parseError = (e as Error).message;
  }
  const requests = resourceFromNumeric(podRequests(pod, null));
  const nonZero = podRequests(pod, NON_MISSING_DEFAULTS);
  const pvcKeys: string[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim)
      pvcKeys.push(`${pod.metadata?.namespace ?? ""}/${v.persistentVolumeClaim.claimName}`);
  }
  return {
    key: podKey(pod),
    pod,
    namespace: pod.metadata?.namespace ?? "",
    name: pod.metadata?.name ?? "",
    priority: podPriority(pod),
    requests,
    nonZeroCPU: nonZero.get("cpu") ?? 0,
    nonZeroMem: nonZero.get("memory") ?? 0,
    requiredAffinityTerms,
    requiredAntiAffinityTerms,
    preferredAffinityTerms,
    preferredAntiAffinityTerms,
    hasAffinity: affinity != null && (affinity.podAffinity != null || affinity.podAntiAffinity != null),
    hasRequiredAntiAffinity:
      (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0,
    hostPorts: hostPortsOf(pod),
    pvcKeys,
    parseError,
  };
}

/**
 * `AffinityTerm.Matches(pod, nsLabels)`: the pod's namespace is listed, or its namespace labels
 * match the term's namespace selector (an empty selector `{}` matches every namespace); and the
 * pod's labels match the term's label selector.
 */
export function affinityTermMatches(
  term: AffinityTerm,
  pod: Pod,
  podNamespaceLabels: Record<string, string> | null,
): boolean {
  const ns = pod.metadata?.namespace ?? "";
  if (!term.namespaces.includes(ns)) {
    const sel = term.namespaceSelector;
    if (sel.nothing) return false;
    if (
      sel.requirements.length > 0 &&
      (podNamespaceLabels === null || !selectorMatches(sel, podNamespaceLabels))
    )
      return false;
  }
  return selectorMatches(term.selector, pod.metadata?.labels);
}
