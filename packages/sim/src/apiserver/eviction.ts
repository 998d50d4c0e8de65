/**
 * The `pods/eviction` subresource (pkg/registry/core/pod/storage/eviction.go, v1.32): what
 * `kubectl drain` posts. A policy/v1 Eviction deletes the pod unless that would violate its
 * PodDisruptionBudget: the apiserver checks the budget's status, decrements
 * `disruptionsAllowed` and records the pod in `disruptedPods` (a compare-and-swap on the PDB,
 * retried on conflicts), then deletes the pod with the eviction's DeleteOptions. A budget that
 * allows no disruption answers 429 TooManyRequests with a `DisruptionBudget` cause; the
 * disruption controller (not the apiserver) keeps the budgets' status current.
 */
import { updateManagedFields } from "../api/apply";
import { labelSelectorFromObject, labelsMatch } from "../api/selectors";
import {
  newBadRequest,
  newConflict,
  newForbidden,
  newInternalError,
  newNotFound,
  newSuccessStatus,
} from "../api/status";
import type { KubeObject, Status } from "../api/types";
import { resetFieldsFor } from "../api/write-pipeline";
import type { Context } from "../core/component";
import type { TxnResult } from "../etcd/mvcc";
import { decode, encode } from "./codec";
import { etcdCall } from "./etcd-client";
import type { ApiServerState, EvictionRequest, Inflight } from "./state";
import { storageKey } from "./storage-keys";
import { handleDelete, respond } from "./store";

const PODS = "/registry/pods";
const PDBS = "/registry/poddisruptionbudgets";

/** `MaxDisruptedPodSize`: evictions the disruption controller has not confirmed yet. */
const MAX_DISRUPTED_POD_SIZE = 2000;
/** `EvictionsRetry`: attempts at the PDB's compare-and-swap (retry.DefaultRetry-like, 20 steps). */
const EVICTIONS_RETRY = 20;

/** A failure Status of `errors.NewTooManyRequests` (no "Too many requests:" prefix) with a DisruptionBudget cause. */
function tooManyRequests(message: string, retryAfterSeconds: number, cause: string): Status {
  const details: Status["details"] = { causes: [{ reason: "DisruptionBudget", message: cause }] };
  if (retryAfterSeconds > 0) details!.retryAfterSeconds = retryAfterSeconds;
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason: "TooManyRequests",
    details,
    code: 429,
  };
}

const VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";

/** POST pods/{name}/eviction. */
export function handleEviction(ctx: Context, s: ApiServerState, key: string, f: Inflight): void {
  const body = f.req.body as
    | {
        apiVersion?: string;
        kind?: string;
        metadata?: { name?: string };
        deleteOptions?: Record<string, unknown>;
      }
    | undefined;
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    respond(
      ctx,
      s,
      key,
      400,
      newBadRequest("the object provided is unrecognized (must be of type Eviction)"),
    );
    return;
  }
  if ((body.metadata?.name ?? "") !== f.info.name) {
    respond(ctx, s, key, 400, newBadRequest("name in URL does not match name in Eviction object"));
    return;
  }
  const deleteOptions = { ...(body.deleteOptions ?? {}) };
  const dryRun = Array.isArray(deleteOptions.dryRun) && deleteOptions.dryRun.includes("All");
  f.eviction = { deleteOptions, dryRun, attempts: 0 };
  const k = storageKey(PODS, f.info.namespace, f.info.name);
  const pod = s.ready ? s.cache.resources[PODS]?.items[k] : undefined;
  if (pod) evictPod(ctx, s, key, f, pod);
  else etcdCall(ctx, s, "evict-read", { verb: "Range", range: { key: k } }, key);
}

/** `canIgnorePDB`: terminal and pending pods, and pods already being deleted, are deleted without a budget check. */
function canIgnorePDB(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return (
    phase === "Succeeded" || phase === "Failed" || phase === "Pending" || !!pod.metadata.deletionTimestamp
  );
}

function isPodReady(pod: KubeObject): boolean {
  const conds = (pod.status?.conditions ?? []) as { type: string; status: string }[];
  return conds.some((c) => c.type === "Ready" && c.status === "True");
}

/** The budgets whose selector matches the pod (`getPodDisruptionBudgets`: an empty selector matches nothing here). */
function budgetsFor(s: ApiServerState, pod: KubeObject): KubeObject[] {
  const out: KubeObject[] = [];
  const items = s.cache.resources[PDBS]?.items ?? {};
  const prefix = `${PDBS}/${pod.metadata.namespace}/`;
  for (const k in items) {
    if (!k.startsWith(prefix)) continue;
    const pdb = items[k]!;
    let selector: ReturnType<typeof labelSelectorFromObject>;
    try {
      selector = labelSelectorFromObject(pdb.spec?.selector);
    } catch {
      continue;
    }
    if (selector === null || selector.length === 0) continue;
    if (labelsMatch(selector, pod.metadata.labels)) out.push(pdb);
  }
  return out;
}

/** Continues once the pod is read. */
export function evictPod(
  ctx: Context,
  s: ApiServerState,
  key: string,
  f: Inflight,
  pod: KubeObject | null,
): void {
  if (!pod) {
    respond(ctx, s, key, 404, newNotFound({ group: "", resource: "pods" }, f.info.name));
    return;
  }
  if (canIgnorePDB(pod)) {
    deleteEvicted(ctx, s, key, f, null);
    return;
  }
  const pdbs = budgetsFor(s, pod);
  if (pdbs.length > 1) {
    respond(
      ctx,
      s,
      key,
      500,
      newInternalError(
        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
      ),
    );
    return;
  }
  const pdb = pdbs[0];
  if (!pdb) {
    deleteEvicted(ctx, s, key, f, null);
    return;
  }
  // An unready pod does not count as healthy: evicting it costs the budget nothing, as long as
  // the policy allows it (the delete is conditioned on the pod not having become ready meanwhile).
  if (!isPodReady(pod)) {
    const status = pdb.status ?? {};
    if (
      pdb.spec?.unhealthyPodEvictionPolicy === "AlwaysAllow" ||
      ((status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0) && (status.desiredHealthy ?? 0) > 0)
    ) {
      deleteEvicted(ctx, s, key, f, pod.metadata.resourceVersion ?? null);
      return;
    }
  }
  checkAndDecrement(ctx, s, key, f, pod, pdb);
}

/** `checkAndDecrement`: refuse, or take one disruption from the budget and write its status. */
function checkAndDecrement(
  ctx: Context,
  s: ApiServerState,
  key: string,
  f: Inflight,
  pod: KubeObject,
  pdb: KubeObject,
): void {
  const name = pdb.metadata.name ?? "";
  const status = (pdb.status ?? {}) as Record<string, unknown> & {
    observedGeneration?: number;
    disruptionsAllowed?: number;
    disruptedPods?: Record<string, string>;
    desiredHealthy?: number;
    currentHealthy?: number;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
  };
  if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) {
    respond(
      ctx,
      s,
      key,
      429,
      tooManyRequests(VIOLATION, 10, `The disruption budget ${name} is still being processed by the server.`),
    );
    return;
  }
  const allowed = status.disruptionsAllowed ?? 0;
  if (allowed < 0) {
    respond(
      ctx,
      s,
      key,
      403,
      newForbidden(
        { group: "policy", resource: "poddisruptionbudget" },
        name,
        "pdb disruptions allowed is negative",
      ),
    );
    return;
  }
  if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
    respond(
      ctx,
      s,
      key,
      403,
      newForbidden(
        { group: "policy", resource: "poddisruptionbudget" },
        name,
        "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
      ),
    );
    return;
  }
  if (allowed === 0) {
    respond(
      ctx,
      s,
      key,
      429,
      tooManyRequests(
        VIOLATION,
        0,
        `The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`,
      ),
    );
    return;
  }
  const ev = f.eviction!;
  if (ev.dryRun) {
    deleteEvicted(ctx, s, key, f, null);
    return;
  }
  const next: Record<string, unknown> = { ...status, disruptionsAllowed: allowed - 1 };
  if (allowed - 1 === 0) {
    // pdbhelper.UpdateDisruptionAllowedCondition: DisruptionAllowed=False, InsufficientPods.
    const conds = [...(status.conditions ?? [])];
    const at = conds.findIndex((c) => c.type === "DisruptionAllowed");
    const prev = at >= 0 ? conds[at]! : undefined;
    const cond = {
      type: "DisruptionAllowed",
      status: "False",
      observedGeneration: status.observedGeneration ?? 0,
      lastTransitionTime: prev && prev.status === "False" ? prev.lastTransitionTime : ctx.timestamp(),
      reason: "InsufficientPods",
      message: "",
    };
    if (at >= 0) conds[at] = cond;
    else conds.push(cond);
    next.conditions = conds;
  }
  // The disruption controller learns that this pod is about to go and stops counting it.
  next.disruptedPods = { ...(status.disruptedPods ?? {}), [pod.metadata.name!]: ctx.timestamp() };
  const updated = updateManagedFields(pdb, { ...pdb, status: next } as KubeObject, {
    manager: "kube-apiserver",
    time: ctx.timestamp(),
    subresource: "status",
    resetFields: resetFieldsFor("PodDisruptionBudget", "status"),
  });
  ev.pod = pod;
  const k = storageKey(PDBS, pdb.metadata.namespace ?? "", name);
  etcdCall(
    ctx,
    s,
    "evict-pdb",
    {
      verb: "Txn",
      txn: {
        compare: [{ key: k, target: "MOD", result: "EQUAL", value: Number(pdb.metadata.resourceVersion) }],
        success: [{ put: { key: k, value: encode(updated) } }],
        failure: [{ range: { key: k } }],
      },
      object: `PodDisruptionBudget/${pdb.metadata.namespace}/${name}`,
      detail: `eviction of ${pod.metadata.name}`,
    },
    key,
  );
}

/** After the budget's compare-and-swap: delete the pod, or try again against the current budget. */
export function onEvictionBudgetWritten(
  ctx: Context,
  s: ApiServerState,
  key: string,
  f: Inflight,
  res: TxnResult,
): void {
  const ev = f.eviction!;
  if (res.succeeded) {
    deleteEvicted(ctx, s, key, f, null);
    return;
  }
  const first = res.responses[0];
  const kv = first && "range" in first ? first.range.kvs[0] : undefined;
  ev.attempts++;
  if (!kv) {
    // The budget went away meanwhile: evaluate the eviction again.
    evictPod(ctx, s, key, f, ev.pod!);
    return;
  }
  const current = decode(kv);
  if (ev.attempts >= EVICTIONS_RETRY) {
    // RetryOnConflict gave up: the last conflict is the answer.
    respond(
      ctx,
      s,
      key,
      409,
      newConflict({ group: "policy", resource: "poddisruptionbudgets" }, current.metadata.name ?? ""),
    );
    return;
  }
  checkAndDecrement(ctx, s, key, f, ev.pod!, current);
}

/**
 * The eviction's delete: the pod's DeleteOptions (graceful deletion as usual), conditioned on
 * `resourceVersion` when the budget was skipped for an unready pod. Answers 201 with a Success
 * Status once deleted (the apiserver's reply step maps the delete's 200).
 */
function deleteEvicted(
  ctx: Context,
  s: ApiServerState,
  key: string,
  f: Inflight,
  preconditionRv: string | null,
): void {
  const ev: EvictionRequest = f.eviction!;
  if (ev.dryRun) {
    respond(ctx, s, key, 201, { ...newSuccessStatus(), code: 201 });
    return;
  }
  const opts: Record<string, unknown> = { ...ev.deleteOptions };
  if (preconditionRv !== null)
    opts.preconditions = { ...((opts.preconditions as object) ?? {}), resourceVersion: preconditionRv };
  delete ev.pod;
  f.req = { ...f.req, verb: "DELETE", body: opts };
  f.info = { ...f.info, verb: "delete", subresource: "" };
  handleDelete(ctx, s, key, f);
}
