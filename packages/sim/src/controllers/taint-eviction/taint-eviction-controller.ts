/**
 * The taint eviction controller (`pkg/controller/tainteviction/taint_eviction.go`, v1.32; a
 * separate controller since `SeparateTaintEvictionController`, beta and on in 1.29+): it deletes
 * pods from nodes with `NoExecute` taints they do not tolerate — at once, or after the shortest
 * `tolerationSeconds` of the tolerations that match (300 s for the not-ready / unreachable
 * tolerations the DefaultTolerationSeconds admission plugin adds to every pod).
 *
 * Keys: `node/<name>` (the node's NoExecute taints changed), `pod/<ns>/<name>` (a pod's node or
 * tolerations changed), `evict/<ns>/<name>` (a scheduled deletion is due). Before deleting, the
 * pod gets the `DisruptionTarget` condition; events `TaintManagerEviction` "Marking for deletion
 * Pod <ns>/<name>" and "Cancelling deletion of Pod <ns>/<name>".
 */
import type { Pod, Taint } from "kubernetes-types/core/v1";
import type { KubeObject } from "../../api/types";
import { defineController, isSuccess, type SyncContext, type WriteResult } from "../framework";
import { updatePodCondition } from "../node-lifecycle/pod-conditions";
import { cancelEviction, type EvictionQueue, processPodOnNode } from "./eviction-plan";
import { getNoExecuteTaints } from "./tolerations";

/** The controller's canonical name (`names.TaintEvictionController`; it has no older alias). */
export const TAINT_EVICTION_CONTROLLER = "taint-eviction-controller";

/** `retries` in `deletePodHandler`: attempts to condition-and-delete a pod. */
const DELETE_RETRIES = 5;

/** The controller's plain data. */
export interface TaintEvictionData {
  /** `taintedNodes`: node → its NoExecute taints (only nodes that have some). */
  taintedNodes: Record<string, Taint[]>;
  /** `taintEvictionQueue`: `namespace/name` → scheduled deletion. */
  evictions: EvictionQueue;
}

type Ctx = SyncContext<TaintEvictionData>;

function podRef(namespace: string, name: string): KubeObject {
  // The Go code records against an ObjectReference without uid or resourceVersion.
  return { apiVersion: "v1", kind: "Pod", metadata: { name, namespace } };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

/** `cancelWorkWithEvent`. */
function cancelWithEvent(c: Ctx, namespace: string, name: string): void {
  if (cancelEviction(c.data.evictions, `${namespace}/${name}`))
    c.event(
      podRef(namespace, name),
      "Normal",
      "TaintManagerEviction",
      `Cancelling deletion of Pod ${namespace}/${name}`,
    );
}

/** `processPodOnNode` + arming the deletion's timer. */
function processPod(c: Ctx, pod: KubeObject, taints: Taint[]): void {
  const namespace = pod.metadata.namespace ?? "";
  const name = pod.metadata.name ?? "";
  const key = `${namespace}/${name}`;
  const d = processPodOnNode(c.data.evictions, key, (pod as Pod).spec?.tolerations, taints, c.now);
  if (d.cancelled)
    c.event(
      podRef(namespace, name),
      "Normal",
      "TaintManagerEviction",
      `Cancelling deletion of Pod ${namespace}/${name}`,
    );
  if (d.scheduledAt !== null) c.enqueueAfter(`evict/${key}`, Math.max(0, d.scheduledAt - c.now));
}

/** `handleNodeUpdate`. */
function handleNodeUpdate(c: Ctx, nodeName: string): void {
  const node = c.get("nodes", "", nodeName);
  if (!node) {
    delete c.data.taintedNodes[nodeName];
    return;
  }
  const taints = getNoExecuteTaints(node.spec?.taints);
  if (taints.length === 0) delete c.data.taintedNodes[nodeName];
  else c.data.taintedNodes[nodeName] = taints;
  const pods = c.byIndex("pods", "spec.nodeName", nodeName);
  if (pods.length === 0) return;
  if (taints.length === 0) {
    for (const p of pods) cancelWithEvent(c, p.metadata.namespace ?? "", p.metadata.name ?? "");
    return;
  }
  for (const p of pods) processPod(c, p, taints);
}

/** `handlePodUpdate`. */
function handlePodUpdate(c: Ctx, namespace: string, name: string): void {
  const pod = c.get("pods", namespace, name);
  if (!pod) {
    cancelWithEvent(c, namespace, name);
    return;
  }
  const nodeName = pod.spec?.nodeName ?? "";
  if (!nodeName) return;
  const taints = c.data.taintedNodes[nodeName];
  // The node lost its taints (or is gone): eviction was cancelled then.
  if (!taints) return;
  processPod(c, pod, taints);
}

/** `deletePodHandler`: emit the event, then condition and delete the pod (read live first). */
function evict(c: Ctx, namespace: string, name: string): void {
  const key = `${namespace}/${name}`;
  const w = c.data.evictions[key];
  if (!w || w.fired) return;
  if (w.fireAt > c.now) {
    // A stale timer of a deletion that was rescheduled later.
    c.enqueueAfter(`evict/${key}`, w.fireAt - c.now);
    return;
  }
  c.event(podRef(namespace, name), "Normal", "TaintManagerEviction", `Marking for deletion Pod ${key}`);
  getPod(c, namespace, name, 1);
}

interface EvictStep {
  namespace: string;
  name: string;
  attempt: number;
}

function getPod(c: Ctx, namespace: string, name: string, attempt: number): void {
  c.request({ method: "GET", path: `/api/v1/namespaces/${namespace}/pods/${name}` });
  c.continueWith("evict-got", { namespace, name, attempt } satisfies EvictStep);
}

/** The outcome of an eviction: keep a tombstone on success (no second deletion), forget it on failure. */
function finishEviction(c: Ctx, s: EvictStep, ok: boolean): void {
  const key = `${s.namespace}/${s.name}`;
  const w = c.data.evictions[key];
  if (!w) return;
  if (ok) w.fired = true;
  else delete c.data.evictions[key];
}

function retryOrFail(c: Ctx, s: EvictStep, r: WriteResult): void {
  if (s.attempt < DELETE_RETRIES) getPod(c, s.namespace, s.name, s.attempt + 1);
  else {
    finishEviction(c, s, false);
    c.fail(`deleting pod ${s.namespace}/${s.name}: ${r.code} ${r.error ?? ""}`);
  }
}

/** The taint eviction controller. */
export const taintEvictionController = defineController<TaintEvictionData>({
  name: TAINT_EVICTION_CONTROLLER,
  component: TAINT_EVICTION_CONTROLLER,
  // UpdateWorkerSize.
  workers: 8,
  informers: [{ resource: "nodes" }, { resource: "pods", indexers: ["spec.nodeName"] }],
  init: () => ({ taintedNodes: {}, evictions: {} }),
  handlers: {
    // NodeUpdated: only a change of NoExecute taints matters.
    nodes: (c, d) => {
      if (
        d.type === "MODIFIED" &&
        sameJson(getNoExecuteTaints(d.old?.spec?.taints), getNoExecuteTaints(d.object.spec?.taints))
      )
        return;
      c.enqueue(`node/${d.object.metadata.name}`);
    },
    // PodUpdated: only a change of node or tolerations matters.
    pods: (c, d) => {
      if (
        d.type === "MODIFIED" &&
        d.old?.spec?.nodeName === d.object.spec?.nodeName &&
        sameJson(d.old?.spec?.tolerations, d.object.spec?.tolerations)
      )
        return;
      c.enqueue(`pod/${d.object.metadata.namespace}/${d.object.metadata.name}`);
    },
  },
  sync(c, key) {
    const slash = key.indexOf("/");
    const kind = key.slice(0, slash);
    const rest = key.slice(slash + 1);
    if (kind === "node") {
      handleNodeUpdate(c, rest);
      return;
    }
    const i = rest.indexOf("/");
    const namespace = rest.slice(0, i);
    const name = rest.slice(i + 1);
    if (kind === "pod") handlePodUpdate(c, namespace, name);
    else if (kind === "evict") evict(c, namespace, name);
  },
  steps: {
    /** `addConditionAndDeletePod`: DisruptionTarget, then DELETE. */
    "evict-got"(c, results, data) {
      const s = data as EvictStep;
      const r = results[0]!;
      if (r.code === 404) {
        finishEviction(c, s, false);
        return;
      }
      if (!isSuccess(r)) {
        retryOrFail(c, s, r);
        return;
      }
      const pod = r.body as Pod;
      const status = updatePodCondition(
        pod.status,
        {
          type: "DisruptionTarget",
          status: "True",
          reason: "DeletionByTaintManager",
          message: "Taint manager: deleting due to NoExecute taint",
        },
        c.timestamp(),
      );
      if (status) {
        const cond = status.conditions!.find((x) => x.type === "DisruptionTarget")!;
        c.patch(
          "pods",
          s.namespace,
          s.name,
          { metadata: { uid: pod.metadata?.uid }, status: { conditions: [cond] } },
          "strategic",
          { subresource: "status" },
        );
        c.continueWith("evict-conditioned", s);
        return;
      }
      c.delete("pods", s.namespace, s.name);
      c.continueWith("evict-deleted", s);
    },
    "evict-conditioned"(c, results, data) {
      const s = data as EvictStep;
      const r = results[0]!;
      if (!isSuccess(r)) {
        if (r.code === 404) finishEviction(c, s, false);
        else retryOrFail(c, s, r);
        return;
      }
      c.delete("pods", s.namespace, s.name);
      c.continueWith("evict-deleted", s);
    },
    "evict-deleted"(c, results, data) {
      const s = data as EvictStep;
      const r = results[0]!;
      if (isSuccess(r)) finishEviction(c, s, true);
      else if (r.code === 404) finishEviction(c, s, false);
      else retryOrFail(c, s, r);
    },
  },
});
