/**
 * The StatefulSet controller (`pkg/controller/statefulset/stateful_set.go`,
 * `stateful_set_control.go`, `stateful_pod_control.go`, v1.32) on the controller framework:
 * stable pods `<set>-<ordinal>` created in order (OrderedReady) or all at once (Parallel), their
 * PVCs from `volumeClaimTemplates` created first, scale-down from the highest ordinal, rolling
 * updates from the highest ordinal down to the partition, ControllerRevisions and history limit,
 * and the status (`currentRevision`, `updateRevision`, replica counts).
 */
import { type LabelSelectorRequirements, labelSelectorFromObject, labelsMatch } from "../../api/selectors";
import type { KubeObject } from "../../api/types";
import {
  CONTROLLER_UID_INDEX,
  claimResults,
  claimsPending,
  defineController,
  errorMessage,
  getControllerOf,
  type HandlerContext,
  isSuccess,
  issueClaims,
  keyOf,
  ORPHAN_INDEX,
  planClaims,
  type SyncContext,
  splitKey,
  type WriteResult,
} from "../framework";
import { isPodReady } from "../framework/pod-util";
import { equalRevision, newRevision, podRevision } from "./stateful-pods";
import {
  completeRollingUpdate,
  planStatefulSetUpdate,
  type StatefulSetAction,
  type StatefulSetStatus,
} from "./statefulset-plan";

/** The controller's canonical name (`names.StatefulSetController`); alias `statefulset`. */
export const STATEFULSET_CONTROLLER = "statefulset-controller";

const STS = "statefulsets.apps";
const CR = "controllerrevisions.apps";
const PODS = "pods";
const PVCS = "persistentvolumeclaims";

type Ctx = SyncContext<Record<string, never>>;
type HCtx = HandlerContext<Record<string, never>>;

/** Carried between steps (plain data). */
interface Round {
  pods: KubeObject[];
  revisions: KubeObject[];
  currentName?: string;
  updateName?: string;
  collisionCount: number;
  status?: StatefulSetStatus;
  /** Pods whose claims were being created; the pod follows once they exist. */
  pending?: KubeObject[];
  error: string | null;
}

function safeSelector(set: KubeObject): LabelSelectorRequirements {
  try {
    return labelSelectorFromObject(set.spec?.selector);
  } catch {
    return null;
  }
}

function current(c: Ctx): KubeObject | undefined {
  const { namespace, name } = splitKey(c.key);
  return c.get(STS, namespace, name);
}

// ---- handlers --------------------------------------------------------------------------------

function ownerOf(c: HCtx, pod: KubeObject): KubeObject | undefined {
  const ref = getControllerOf(pod);
  if (ref?.kind !== "StatefulSet") return undefined;
  const set = c.get(STS, pod.metadata.namespace ?? "", ref.name);
  return set?.metadata.uid === ref.uid ? set : undefined;
}

function setsForPod(c: HCtx, pod: KubeObject): KubeObject[] {
  return c.list(STS, pod.metadata.namespace ?? "").filter((s) => {
    const sel = safeSelector(s);
    return sel !== null && sel.length > 0 && labelsMatch(sel, pod.metadata.labels);
  });
}

function onPod(c: HCtx, d: { type: string; object: KubeObject; old?: KubeObject }): void {
  const pod = d.object;
  if (d.type === "MODIFIED" && d.old?.metadata.resourceVersion === pod.metadata.resourceVersion) return;
  const set = ownerOf(c, pod);
  if (set) {
    c.enqueue(keyOf(set));
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (d.old && !isPodReady(d.old) && isPodReady(pod) && minReady > 0)
      c.enqueueAfter(keyOf(set), minReady * 1000);
  } else if (!getControllerOf(pod) && d.type !== "DELETED")
    for (const s of setsForPod(c, pod)) c.enqueue(keyOf(s));
  // A pod that changed owner: the old owner looks again too.
  if (d.old && getControllerOf(d.old)?.uid !== getControllerOf(pod)?.uid) {
    const old = ownerOf(c, d.old);
    if (old) c.enqueue(keyOf(old));
  }
}

// ---- sync ------------------------------------------------------------------------------------

function syncStatefulSet(c: Ctx, key: string): void {
  const { namespace, name } = splitKey(key);
  const set = c.get(STS, namespace, name);
  if (!set) return;
  const selector = safeSelector(set);
  if (selector === null || selector.length === 0) return;
  const candidates = [
    ...c.byIndex(PODS, CONTROLLER_UID_INDEX, set.metadata.uid ?? ""),
    ...c.byIndex(PODS, ORPHAN_INDEX, namespace),
  ];
  const plan = planClaims(set, selector, candidates);
  if (claimsPending(plan)) {
    issueClaims(c, PODS, set, plan);
    c.continueWith("claimed", { plan });
    return;
  }
  revisions(c, set, plan.claimed);
}

/** `getStatefulSetRevisions`: find or create the update revision. */
function revisions(c: Ctx, set: KubeObject, pods: KubeObject[]): void {
  const revs = [...c.byIndex(CR, CONTROLLER_UID_INDEX, set.metadata.uid ?? "")].sort(
    (a, b) =>
      (a.revision ?? 0) - (b.revision ?? 0) || String(a.metadata.name).localeCompare(String(b.metadata.name)),
  );
  const collisionCount = set.status?.collisionCount ?? 0;
  const next = (revs.length > 0 ? (revs[revs.length - 1]!.revision ?? 0) : 0) + 1;
  const candidate = newRevision(set, next, collisionCount);
  const equal = revs.filter((r) => equalRevision(r, candidate));
  const round: Round = { pods, revisions: revs, collisionCount, error: null };
  const last = revs[revs.length - 1];
  if (equal.length > 0 && last && equalRevision(last, equal[equal.length - 1]!)) {
    round.updateName = last.metadata.name ?? "";
    update(c, set, round);
    return;
  }
  if (equal.length > 0) {
    // A rollback to an earlier template: that revision becomes the newest.
    c.update(CR, { ...equal[equal.length - 1]!, revision: next });
  } else c.create(CR, set.metadata.namespace ?? "", candidate);
  c.continueWith("revision", round);
}

function revisionWritten(c: Ctx, results: WriteResult[], data: unknown): void {
  const round = data as Round;
  const set = current(c);
  const r = results[0]!;
  if (!set) return;
  if (!isSuccess(r)) {
    // AlreadyExists with another template is a hash collision: count it so the name changes.
    const candidate = newRevision(set, 0, round.collisionCount);
    const existing = c.get(CR, set.metadata.namespace ?? "", candidate.metadata.name ?? "");
    if (r.code === 409 && existing && !equalRevision(existing, candidate))
      c.updateStatus(STS, {
        ...set,
        status: { ...(set.status ?? {}), collisionCount: round.collisionCount + 1 },
      });
    c.fail(`ControllerRevision: ${errorMessage(r)}`);
    return;
  }
  const rev = r.body as KubeObject;
  round.updateName = rev.metadata.name ?? "";
  round.revisions = [...round.revisions.filter((x) => x.metadata.name !== rev.metadata.name), rev];
  update(c, set, round);
}

/** `updateStatefulSet` + issue the plan's writes. */
function update(c: Ctx, set: KubeObject, round: Round): void {
  const byName = (n: string | undefined) => round.revisions.find((r) => r.metadata.name === n);
  const updateRev = byName(round.updateName)!;
  const currentRev = byName(set.status?.currentRevision) ?? updateRev;
  round.currentName = currentRev.metadata.name ?? "";
  const ns = set.metadata.namespace ?? "";
  const plan = planStatefulSetUpdate(
    set,
    currentRev,
    updateRev,
    round.collisionCount,
    round.pods,
    (n) => c.get(PVCS, ns, n),
    c.unixMs,
  );
  round.status = plan.status;
  const pending: KubeObject[] = [];
  for (const a of plan.actions) issue(c, set, a, pending);
  round.pending = pending;
  c.continueWith("applied", round);
}

function issue(c: Ctx, set: KubeObject, a: StatefulSetAction, pending: KubeObject[]): void {
  const ns = set.metadata.namespace ?? "";
  switch (a.kind) {
    case "createPod":
      // createPersistentVolumeClaims first; the pod follows once they exist.
      if (a.claims.length > 0) {
        for (const cl of a.claims)
          c.create(PVCS, ns, cl as KubeObject, {
            label: { claim: cl.metadata?.name, pod: a.pod.metadata.name },
          });
        pending.push(a.pod);
      } else c.create(PODS, ns, a.pod, { label: { create: a.pod.metadata.name } });
      break;
    case "createClaims":
      for (const cl of a.claims)
        c.create(PVCS, ns, cl as KubeObject, {
          label: { claim: cl.metadata?.name, pod: a.pod.metadata.name },
        });
      break;
    case "deletePod":
      c.delete(PODS, ns, a.pod.metadata.name ?? "", undefined, { label: { delete: a.pod.metadata.name } });
      break;
    case "updatePod":
      c.update(PODS, a.pod, { label: { update: a.pod.metadata.name } });
      break;
    case "updateClaimOwners":
      c.patch(
        PVCS,
        ns,
        a.claim.metadata.name ?? "",
        { metadata: { ownerReferences: a.ownerReferences } },
        "merge",
        {
          label: { owners: a.claim.metadata.name },
        },
      );
      break;
  }
}

/** Record the answers as `recordPodEvent` / `recordClaimEvent` do; create pods whose claims now exist. */
function applied(c: Ctx, results: WriteResult[], data: unknown): void {
  const round = data as Round;
  const set = current(c);
  if (!set) return;
  const setName = set.metadata.name ?? "";
  const claimFailed: Record<string, true> = {};
  for (const r of results) {
    const l = r.label as {
      create?: string;
      delete?: string;
      update?: string;
      claim?: string;
      pod?: string;
      owners?: string;
    };
    const ok = isSuccess(r);
    if (l.claim !== undefined) {
      // An existing claim is fine (createPersistentVolumeClaims ignores AlreadyExists).
      if (ok)
        c.event(
          set,
          "Normal",
          "SuccessfulCreate",
          `create Claim ${l.claim} Pod ${l.pod} in StatefulSet ${setName} success`,
        );
      else if (r.code !== 409) {
        claimFailed[l.pod ?? ""] = true;
        c.event(
          set,
          "Warning",
          "FailedCreate",
          `create Claim ${l.claim} for Pod ${l.pod} in StatefulSet ${setName} failed error: ${errorMessage(r)}`,
        );
        round.error ??= errorMessage(r);
      }
      continue;
    }
    const verb =
      l.create !== undefined
        ? "create"
        : l.delete !== undefined
          ? "delete"
          : l.update !== undefined
            ? "update"
            : null;
    if (verb === null) {
      if (!ok) round.error ??= errorMessage(r);
      continue;
    }
    const pod = l.create ?? l.delete ?? l.update ?? "";
    const reason = `${ok ? "Successful" : "Failed"}${verb[0]!.toUpperCase()}${verb.slice(1)}`;
    if (ok) c.event(set, "Normal", reason, `${verb} Pod ${pod} in StatefulSet ${setName} successful`);
    else if (!(verb === "delete" && r.code === 404)) {
      c.event(
        set,
        "Warning",
        reason,
        `${verb} Pod ${pod} in StatefulSet ${setName} failed error: ${errorMessage(r)}`,
      );
      round.error ??= errorMessage(r);
    }
  }
  const pending = round.pending ?? [];
  round.pending = [];
  let created = false;
  for (const pod of pending) {
    if (claimFailed[pod.metadata.name ?? ""]) continue;
    c.create(PODS, set.metadata.namespace ?? "", pod, { label: { create: pod.metadata.name } });
    created = true;
  }
  if (created) {
    c.continueWith("applied", round);
    return;
  }
  finish(c, set, round);
}

/** `updateStatefulSetStatus` + `truncateHistory`. */
function finish(c: Ctx, set: KubeObject, round: Round): void {
  const status = round.status!;
  completeRollingUpdate(set, status);
  const old = set.status ?? {};
  const next: Record<string, unknown> = {
    observedGeneration: status.observedGeneration,
    replicas: status.replicas,
    readyReplicas: status.readyReplicas,
    currentReplicas: status.currentReplicas,
    updatedReplicas: status.updatedReplicas,
    currentRevision: status.currentRevision,
    updateRevision: status.updateRevision,
    collisionCount: status.collisionCount,
    availableReplicas: status.availableReplicas,
  };
  // Zero-valued omitempty fields are not written (readyReplicas, currentReplicas, updatedReplicas).
  for (const k of ["readyReplicas", "currentReplicas", "updatedReplicas"]) if (next[k] === 0) delete next[k];
  if (old.conditions) next.conditions = old.conditions;
  const inconsistent = JSON.stringify(sortKeys(old)) !== JSON.stringify(sortKeys(next));
  if (inconsistent) c.updateStatus(STS, { ...set, status: next }, { label: { status: true } });
  // truncateHistory: non-live revisions beyond revisionHistoryLimit, oldest first.
  const live = new Set<string>([round.currentName ?? "", round.updateName ?? ""]);
  for (const p of round.pods) live.add(podRevision(p));
  const history = round.revisions.filter((r) => !live.has(r.metadata.name ?? ""));
  const limit = set.spec?.revisionHistoryLimit ?? 10;
  if (limit >= 0 && history.length > limit)
    for (const r of history.slice(0, history.length - limit))
      c.delete(CR, r.metadata.namespace ?? "", r.metadata.name ?? "", undefined, {
        label: { history: true },
      });
  const minReady = set.spec?.minReadySeconds ?? 0;
  if (minReady > 0 && status.readyReplicas !== status.availableReplicas)
    c.enqueueAfter(c.key, minReady * 1000);
  c.continueWith("finished", { error: round.error });
}

function sortKeys(o: Record<string, unknown>): [string, unknown][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The StatefulSet controller. */
export const statefulSetController = defineController<Record<string, never>>({
  name: STATEFULSET_CONTROLLER,
  aliases: ["statefulset"],
  component: "statefulset-controller",
  // --concurrent-statefulset-syncs
  workers: 5,
  informers: [
    { resource: STS },
    { resource: PODS, indexers: [CONTROLLER_UID_INDEX, ORPHAN_INDEX] },
    { resource: CR, indexers: [CONTROLLER_UID_INDEX] },
    { resource: PVCS },
  ],
  init: () => ({}),
  handlers: {
    [STS]: (c, d) => c.enqueue(keyOf(d.object)),
    [PODS]: onPod,
  },
  sync: syncStatefulSet,
  steps: {
    claimed(c, results, data) {
      const { plan } = data as { plan: ReturnType<typeof planClaims> };
      const { claimed, error } = claimResults(plan, results);
      if (error !== null) {
        c.fail(error);
        return;
      }
      const set = current(c);
      if (set) revisions(c, set, claimed);
    },
    revision: revisionWritten,
    applied,
    finished(c, results, data) {
      const { error } = data as { error: string | null };
      const s = results.find((r) => (r.label as { status?: boolean } | null)?.status);
      if (s && !isSuccess(s)) {
        c.fail(`updating status: ${errorMessage(s)}`);
        return;
      }
      if (error !== null) c.fail(error);
    },
  },
});
