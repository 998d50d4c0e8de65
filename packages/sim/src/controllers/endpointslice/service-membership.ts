/**
 * Which Services a pod change concerns (`staging/src/k8s.io/endpointslice/util/controller_utils.go`
 * `GetPodServiceMemberships`, `GetServicesToUpdateOnPodChange`, `podEndpointsChanged`), and a
 * label index so a Service finds its pods without scanning its namespace.
 */
import type { Pod, Service } from "kubernetes-types/core/v1";
import type { KubeObject } from "../../api/types";
import { registerIndexFunction } from "../../apiserver/client/informer";
import type { HandlerContext } from "../framework";
import { isPodReady } from "../node-lifecycle/pod-conditions";

/** Index of pods by `namespace/key=value` for each of their labels. */
export const POD_LABEL_INDEX = "namespaceLabel";
registerIndexFunction(POD_LABEL_INDEX, (o) => {
  const ns = o.metadata.namespace ?? "";
  return Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${ns}/${k}=${v}`);
});

/**
 * Index of Services by `namespace/key=value` for each pair of their selector (`namespace/*` for
 * an empty selector): a pod change finds the Services that may select it from its own labels
 * instead of testing every Service of the namespace.
 */
export const SERVICE_SELECTOR_INDEX = "serviceSelectorPair";
registerIndexFunction(SERVICE_SELECTOR_INDEX, (o) => {
  const selector = o.spec?.selector as Record<string, string> | undefined;
  if (!selector) return [];
  const ns = o.metadata.namespace ?? "";
  const pairs = Object.entries(selector);
  return pairs.length === 0 ? [`${ns}/*`] : pairs.map(([k, v]) => `${ns}/${k}=${v}`);
});

/** `labels.Set(selector).AsSelectorPreValidated().Matches(labels)`. */
export function selectorMatches(
  selector: Record<string, string>,
  labels: Record<string, string> | undefined,
): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels?.[k] !== v) return false;
  return true;
}

/**
 * The pods a Service selects: through the label index (the smallest candidate set of its
 * selector's pairs), then filtered. An empty selector selects every pod of the namespace.
 */
export function podsForService<D>(c: HandlerContext<D>, service: Service): KubeObject[] {
  const ns = service.metadata?.namespace ?? "";
  const selector = service.spec?.selector ?? {};
  const pairs = Object.entries(selector);
  if (pairs.length === 0) return c.list("pods", ns);
  let best: KubeObject[] | null = null;
  for (const [k, v] of pairs) {
    const candidates = c.byIndex("pods", POD_LABEL_INDEX, `${ns}/${k}=${v}`);
    if (best === null || candidates.length < best.length) best = candidates;
    if (best.length === 0) return [];
  }
  return (best ?? []).filter((p) => selectorMatches(selector, p.metadata.labels));
}

/** `GetPodServiceMemberships`: keys of the Services (with a selector) in the pod's namespace that select it. */
export function podServiceMemberships<D>(c: HandlerContext<D>, pod: KubeObject): string[] {
  const ns = pod.metadata.namespace ?? "";
  const seen: Record<string, true> = {};
  const out: string[] = [];
  const consider = (svc: KubeObject) => {
    const key = `${ns}/${svc.metadata.name}`;
    if (seen[key]) return;
    seen[key] = true;
    // A Service without a selector gets no endpoints from these controllers (never indexed).
    if (selectorMatches(svc.spec?.selector ?? {}, pod.metadata.labels)) out.push(key);
  };
  for (const svc of c.byIndex("services", SERVICE_SELECTOR_INDEX, `${ns}/*`)) consider(svc);
  for (const [k, v] of Object.entries(pod.metadata.labels ?? {}))
    for (const svc of c.byIndex("services", SERVICE_SELECTOR_INDEX, `${ns}/${k}=${v}`)) consider(svc);
  return out.sort();
}

function ips(p: KubeObject): string {
  return ((p as Pod).status?.podIPs ?? []).map((x) => x.ip).join(",");
}

/** `podEndpointsChanged`: whether the pod's endpoint changed, and whether its labels (membership) did. */
export function podEndpointsChanged(
  oldPod: KubeObject,
  newPod: KubeObject,
): { podChanged: boolean; labelsChanged: boolean } {
  const labelsChanged =
    JSON.stringify(oldPod.metadata.labels ?? {}) !== JSON.stringify(newPod.metadata.labels ?? {}) ||
    oldPod.spec?.hostname !== newPod.spec?.hostname ||
    oldPod.spec?.subdomain !== newPod.spec?.subdomain;
  const podChanged =
    oldPod.metadata.deletionTimestamp !== newPod.metadata.deletionTimestamp ||
    isPodReady(oldPod as Pod) !== isPodReady(newPod as Pod) ||
    ips(oldPod) !== ips(newPod);
  return { podChanged, labelsChanged };
}

/** `GetServicesToUpdateOnPodChange`. */
export function servicesToUpdateOnPodChange<D>(
  c: HandlerContext<D>,
  oldPod: KubeObject,
  newPod: KubeObject,
): string[] {
  if (oldPod.metadata.resourceVersion === newPod.metadata.resourceVersion) return [];
  const { podChanged, labelsChanged } = podEndpointsChanged(oldPod, newPod);
  if (!podChanged && !labelsChanged) return [];
  const current = podServiceMemberships(c, newPod);
  if (!labelsChanged) return current;
  const old = podServiceMemberships(c, oldPod);
  // determineNeededServiceUpdates: with an unchanged endpoint, only services it joined or left.
  if (podChanged) return [...new Set([...old, ...current])];
  const a = new Set(old);
  const b = new Set(current);
  return [...old.filter((s) => !b.has(s)), ...current.filter((s) => !a.has(s))];
}

/** The pod event handler both endpoints controllers use. */
export function enqueueServicesForPod<D>(
  c: HandlerContext<D>,
  d: { type: string; object: KubeObject; old?: KubeObject },
): void {
  const keys =
    d.type === "MODIFIED" && d.old
      ? servicesToUpdateOnPodChange(c, d.old, d.object)
      : podServiceMemberships(c, d.object);
  for (const k of keys) c.enqueue(k);
}
