/**
 * The namespace controller (pkg/controller/namespace/deletion/namespaced_resources_deleter.go):
 * when a namespace is deleted (phase Terminating, the `kubernetes` finalizer in
 * `spec.finalizers`), it deletes every namespaced resource in it (deletecollection per
 * resource), lists what remains, waits for graceful terminations and finalizers, reports the
 * deletion conditions, and finally removes its finalizer so the apiserver deletes the namespace.
 */
import { BUILTIN_RESOURCES } from "../../api/resources";
import type { KubeObject } from "../../api/types";
import { defineController, errorMessage, isSuccess, type SyncContext } from "../framework/controller";
import { resourcePath } from "../framework/resources";

/** `v1.FinalizerKubernetes`. */
export const KUBERNETES_FINALIZER = "kubernetes";
/** `finalizerEstimateSeconds`: the wait assumed for content held by finalizers. */
const FINALIZER_ESTIMATE_SECONDS = 15;

/**
 * Whether to write the deletion conditions while content remains. Off while the simulated
 * apiserver deletes a Terminating namespace on any update (its shouldDeleteDuringUpdate ignores
 * `spec.finalizers`); the conditions are written once the namespace is empty.
 */
const WRITE_PROGRESS_CONDITIONS = false;

/** Namespaced resources the deleter empties, in discovery order (list + deletecollection). */
export const NAMESPACED_RESOURCES: readonly string[] = BUILTIN_RESOURCES.filter(
  (r) => r.preferred && r.namespaced && r.verbs.includes("deletecollection") && r.verbs.includes("list"),
).map((r) => (r.group ? `${r.resource}.${r.group}` : r.resource));

/** The conditions' ok reasons and messages (`okReasons`, `okMessages`). */
const OK: Record<string, [string, string]> = {
  NamespaceDeletionDiscoveryFailure: ["ResourcesDiscovered", "All resources successfully discovered"],
  NamespaceDeletionGroupVersionParsingFailure: [
    "ParsedGroupVersions",
    "All legacy kube types successfully parsed",
  ],
  NamespaceDeletionContentFailure: [
    "ContentDeleted",
    "All content successfully deleted, may be waiting on finalization",
  ],
  NamespaceContentRemaining: ["ContentRemoved", "All content successfully removed"],
  NamespaceFinalizersRemaining: ["ContentHasNoFinalizers", "All content-preserving finalizers finished"],
};

type Ctx = SyncContext<null>;

interface Condition {
  type: string;
  status: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** The namespace controller. */
export const namespaceController = defineController<null>({
  name: "namespace-controller",
  aliases: ["namespace"],
  component: "namespace-controller",
  // --concurrent-namespace-syncs (pkg/controller/namespace/config/v1alpha1/defaults.go).
  workers: 10,
  // nsControllerRateLimiter: per item 5 ms → 60 s ("retry at least every minute"), 10 qps / 100.
  rateLimiter: { baseDelayMs: 5, maxDelayMs: 60_000, bucket: { qps: 10, burst: 100 } },
  informers: [{ resource: "namespaces" }],
  init: () => null,
  handlers: {
    namespaces: (c, d) => {
      if (d.type !== "DELETED" && d.object.metadata.deletionTimestamp)
        c.enqueue(d.object.metadata.name ?? "");
    },
  },
  sync(c, key) {
    const ns = c.get("namespaces", "", key);
    if (!ns?.metadata.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes(KUBERNETES_FINALIZER)) return;
    // deleteAllContent: one deletecollection per namespaced resource.
    for (const resource of NAMESPACED_RESOURCES)
      c.request({ method: "DELETE", path: resourcePath(resource, key) }, { label: resource });
    c.continueWith("deleted");
  },
  steps: {
    deleted(c, results) {
      const failures: string[] = [];
      for (const r of results) if (!isSuccess(r) && r.code !== 404) failures.push(errorMessage(r));
      // Then list what remains of each resource.
      for (const resource of NAMESPACED_RESOURCES)
        c.request({ method: "GET", path: resourcePath(resource, c.key) }, { label: resource });
      c.continueWith("listed", { failures });
    },
    listed(c, results, data) {
      const { failures } = data as { failures: string[] };
      const remaining: [string, number][] = [];
      const finalizers: Record<string, number> = {};
      let estimate = 0;
      for (const r of results) {
        if (!isSuccess(r)) {
          failures.push(errorMessage(r));
          continue;
        }
        const items = (r.body as { items?: KubeObject[] }).items ?? [];
        if (items.length === 0) continue;
        const resource = r.label as string;
        remaining.push([resource, items.length]);
        let resourceEstimate = 0;
        for (const o of items) {
          for (const f of o.metadata.finalizers ?? []) finalizers[f] = (finalizers[f] ?? 0) + 1;
          // Pods: the time their graceful termination may still take.
          if (resource === "pods")
            resourceEstimate = Math.max(resourceEstimate, o.spec?.terminationGracePeriodSeconds ?? 0);
        }
        if (resourceEstimate === 0 && Object.keys(finalizers).length > 0)
          resourceEstimate = FINALIZER_ESTIMATE_SECONDS;
        estimate = Math.max(estimate, resourceEstimate);
      }
      const ns = c.get("namespaces", "", c.key);
      if (!ns) return;
      const conditions = deletionConditions(c, ns, failures, remaining, finalizers);
      if (remaining.length > 0 || failures.length > 0) {
        if (WRITE_PROGRESS_CONDITIONS && conditions)
          c.updateStatus("namespaces", { ...ns, status: { ...ns.status, conditions } });
        if (failures.length > 0) c.fail(failures[0]!);
        // ResourcesRemainingError: look again after half the estimate (+1 s).
        else c.enqueueAfter(c.key, (Math.floor(estimate / 2) + 1) * 1000);
        return;
      }
      if (conditions) c.updateStatus("namespaces", { ...ns, status: { ...ns.status, conditions } });
      c.continueWith("conditionsWritten");
    },
    conditionsWritten(c) {
      const ns = c.get("namespaces", "", c.key);
      if (!ns) return;
      finalize(c, ns);
    },
    finalized(c, results) {
      const r = results[0]!;
      if (isSuccess(r)) return;
      const ns = c.get("namespaces", "", c.key);
      if (r.code === 404 && ns) {
        // Workaround: the simulated apiserver does not serve namespaces/finalize yet; an update
        // of spec.finalizers has the same effect there.
        c.update("namespaces", {
          ...ns,
          spec: {
            ...ns.spec,
            finalizers: (ns.spec?.finalizers ?? []).filter((f: string) => f !== KUBERNETES_FINALIZER),
          },
        });
        return;
      }
      if (r.code !== 404) c.fail(`finalizing namespace: ${errorMessage(r)}`);
    },
  },
});

/** `finalizeNamespace`: PUT /finalize without the `kubernetes` finalizer. */
function finalize(c: Ctx, ns: KubeObject): void {
  const finalizers = (ns.spec?.finalizers ?? []).filter((f: string) => f !== KUBERNETES_FINALIZER);
  c.request(
    {
      method: "PUT",
      path: `${resourcePath("namespaces", "", ns.metadata.name ?? "")}/finalize`,
      body: { ...ns, spec: { ...ns.spec, finalizers } },
    },
    { label: "finalize" },
  );
  c.continueWith("finalized");
}

/** The five deletion conditions (`namespaceConditionUpdater`), or null when unchanged. */
function deletionConditions(
  c: Ctx,
  ns: KubeObject,
  failures: string[],
  remaining: [string, number][],
  finalizers: Record<string, number>,
): Condition[] | null {
  const now = c.timestamp();
  const existing = (ns.status?.conditions as Condition[] | undefined) ?? [];
  const want: Record<string, { status: string; reason: string; message: string }> = {};
  for (const [type, [reason, message]] of Object.entries(OK))
    want[type] = { status: "False", reason, message };
  if (failures.length > 0)
    want.NamespaceDeletionContentFailure = {
      status: "True",
      reason: "ContentDeletionFailed",
      message: `Failed to delete all resource types, ${failures.length} remaining: ${failures.join(", ")}`,
    };
  if (remaining.length > 0)
    want.NamespaceContentRemaining = {
      status: "True",
      reason: "SomeResourcesRemain",
      message: `Some resources are remaining: ${remaining
        .map(([r, n]) => `${r} has ${n} resource instances`)
        .sort()
        .join(", ")}`,
    };
  const f = Object.entries(finalizers);
  if (f.length > 0)
    want.NamespaceFinalizersRemaining = {
      status: "True",
      reason: "SomeFinalizersRemain",
      message: `Some content in the namespace has finalizers remaining: ${f
        .map(([name, n]) => `${name} in ${n} resource instances`)
        .sort()
        .join(", ")}`,
    };
  let changed = false;
  const out: Condition[] = [];
  for (const [type, w] of Object.entries(want)) {
    const cur = existing.find((x) => x.type === type);
    if (cur && cur.status === w.status && cur.reason === w.reason && cur.message === w.message) {
      out.push(cur);
      continue;
    }
    changed = true;
    out.push({ type, status: w.status, lastTransitionTime: now, reason: w.reason, message: w.message });
  }
  return changed ? out : null;
}
