/**
 * DaemonSet history (`pkg/controller/daemon/update.go` `constructHistory`, `snapshot`,
 * `getPatch`, `Match`, `cleanupHistory`, v1.32): one ControllerRevision per template, named
 * `<ds>-<hash>`, labelled `controller-revision-hash`, whose `data` is the patch that restores the
 * template; `kubectl rollout history/undo daemonset` read them.
 */
import type { KubeObject } from "../../api/types";
import { canonicalJson, computeHash } from "../deployment/hash";
import { newControllerRef } from "../framework";
import { CONTROLLER_REVISION_HASH_LABEL } from "./daemon-pods";

/** `getPatch`: `{"spec":{"template":{…,"$patch":"replace"}}}`. */
export function revisionPatch(ds: KubeObject): Record<string, unknown> {
  return { spec: { template: { ...(ds.spec?.template ?? {}), $patch: "replace" } } };
}

/** `Match`: the revision stores this template. */
export function matchRevision(ds: KubeObject, cr: KubeObject): boolean {
  return canonicalJson(revisionPatch(ds)) === canonicalJson(cr.data ?? null);
}

/** The template hash (`controller.ComputeHash(&ds.Spec.Template, ds.Status.CollisionCount)`). */
export function templateHash(ds: KubeObject): string {
  return computeHash(ds.spec?.template ?? {}, ds.status?.collisionCount ?? null);
}

/** `snapshot`: the ControllerRevision for the DaemonSet's current template. */
export function newRevision(ds: KubeObject, revision: number): KubeObject {
  const hash = templateHash(ds);
  const meta: KubeObject["metadata"] = {
    name: `${ds.metadata.name}-${hash}`,
    namespace: ds.metadata.namespace ?? "",
    labels: { ...(ds.spec?.template?.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
    ownerReferences: [newControllerRef(ds)],
  };
  if (ds.metadata.annotations && Object.keys(ds.metadata.annotations).length > 0)
    meta.annotations = { ...ds.metadata.annotations };
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: meta,
    data: revisionPatch(ds),
    revision,
  };
}

/** `maxRevision`. */
export function maxRevision(revisions: readonly KubeObject[]): number {
  let m = 0;
  for (const r of revisions) m = Math.max(m, r.revision ?? 0);
  return m;
}

/**
 * `cleanupHistory`: the old revisions to delete beyond `revisionHistoryLimit` (default 10),
 * oldest first, sparing those a live pod still runs.
 */
export function revisionsToDelete(
  ds: KubeObject,
  old: readonly KubeObject[],
  livePodHashes: ReadonlySet<string>,
): KubeObject[] {
  const limit = ds.spec?.revisionHistoryLimit ?? 10;
  const toKill = old.length - limit;
  if (toKill <= 0) return [];
  const candidates = old
    .filter((r) => !livePodHashes.has(r.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? ""))
    .sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  return candidates.slice(0, toKill);
}
