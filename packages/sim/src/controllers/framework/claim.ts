/**
 * Adoption and release (k8s.io/kubernetes pkg/controller/controller_ref_manager.go
 * `BaseControllerRefManager.ClaimObject`): a controller claims the objects its selector
 * matches. It keeps those it controls that still match, adopts matching orphans (patching its
 * controller reference onto them) and releases those it controls that no longer match. Objects
 * another controller controls are left alone.
 */
import type { LabelSelectorRequirements } from "../../api/selectors";
import { labelsMatch } from "../../api/selectors";
import type { KubeObject } from "../../api/types";
import type { SyncContext, WriteResult } from "./controller";
import { getControllerOf, newControllerRef } from "./controller-ref";

/** What claiming decided. */
export interface ClaimPlan {
  /** Objects the controller already controls and whose labels match. */
  claimed: KubeObject[];
  /** Matching orphans to adopt. */
  adopt: KubeObject[];
  /** Controlled objects that no longer match, to release. */
  release: KubeObject[];
}

/**
 * Decide the claims of `owner` over `candidates` (those it controls plus orphans of its
 * namespace). `match` is the selector test (labels by default).
 */
export function planClaims(
  owner: KubeObject,
  selector: LabelSelectorRequirements,
  candidates: readonly KubeObject[],
  match: (o: KubeObject) => boolean = (o) => labelsMatch(selector, o.metadata.labels),
): ClaimPlan {
  const plan: ClaimPlan = { claimed: [], adopt: [], release: [] };
  const ownerDeleting = !!owner.metadata.deletionTimestamp;
  const seen = new Set<string>();
  for (const o of candidates) {
    const uid = o.metadata.uid ?? "";
    if (seen.has(uid)) continue;
    seen.add(uid);
    const ref = getControllerOf(o);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (match(o)) plan.claimed.push(o);
      else if (!ownerDeleting) plan.release.push(o);
      continue;
    }
    if (ownerDeleting || !match(o) || o.metadata.deletionTimestamp) continue;
    if (owner.metadata.namespace && owner.metadata.namespace !== o.metadata.namespace) continue;
    plan.adopt.push(o);
  }
  return plan;
}

/** The strategic merge patch that adopts `obj` (`ownerRefControllerPatch` in the ref manager). */
export function adoptionPatch(owner: KubeObject, obj: KubeObject): unknown {
  return { metadata: { ownerReferences: [newControllerRef(owner)], uid: obj.metadata.uid } };
}

/** The strategic merge patch that releases `obj` (`GenerateDeleteOwnerRefStrategicMergeBytes`). */
export function releasePatch(owner: KubeObject, obj: KubeObject): unknown {
  return {
    metadata: { ownerReferences: [{ $patch: "delete", uid: owner.metadata.uid }], uid: obj.metadata.uid },
  };
}

/** Label of a claim call, so the step can tell its answers from others. */
interface ClaimLabel {
  claim: "adopt" | "release";
  index: number;
}

/** Issue the adoption and release patches of a plan (`resource`: the claimed objects' resource). */
export function issueClaims<D>(
  c: SyncContext<D>,
  resource: string,
  owner: KubeObject,
  plan: ClaimPlan,
): void {
  const send = (o: KubeObject, patch: unknown, label: ClaimLabel) =>
    c.patch(resource, o.metadata.namespace ?? "", o.metadata.name ?? "", patch, "strategic", { label });
  for (let i = 0; i < plan.adopt.length; i++)
    send(plan.adopt[i]!, adoptionPatch(owner, plan.adopt[i]!), { claim: "adopt", index: i });
  for (let i = 0; i < plan.release.length; i++)
    send(plan.release[i]!, releasePatch(owner, plan.release[i]!), { claim: "release", index: i });
}

/** Whether a plan needs any write. */
export function claimsPending(plan: ClaimPlan): boolean {
  return plan.adopt.length > 0 || plan.release.length > 0;
}

/**
 * After the claim patches were answered: the claimed objects (kept + adopted) and the first error
 * (a 404 means the object is gone and is not an error, as in `ClaimObject`).
 */
export function claimResults(
  plan: ClaimPlan,
  results: readonly WriteResult[],
): { claimed: KubeObject[]; error: string | null } {
  const claimed = [...plan.claimed];
  let error: string | null = null;
  for (const r of results) {
    const l = r.label as ClaimLabel | null;
    if (!l || (l.claim !== "adopt" && l.claim !== "release")) continue;
    const ok = r.code >= 200 && r.code < 300;
    if (ok && l.claim === "adopt") claimed.push(r.body as KubeObject);
    if (!ok && r.code !== 404 && error === null)
      error = (r.body as { message?: string } | undefined)?.message ?? r.error ?? `status ${r.code}`;
  }
  return { claimed, error };
}
