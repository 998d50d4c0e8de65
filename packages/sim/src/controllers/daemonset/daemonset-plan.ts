/**
 * The DaemonSet controller's decisions as pure functions (`pkg/controller/daemon/
 * daemon_controller.go` `podsShouldBeOnNode`, `updateDaemonSetStatus`; `update.go`
 * `rollingUpdate`, `updatedDesiredNodeCounts`, `findUpdatedPodsOnNode`, v1.32): which nodes need
 * a daemon pod, which pods go, how a rolling update replaces pods within `maxUnavailable` /
 * `maxSurge`, and the status numbers `kubectl get ds` shows.
 */
import type { Node } from "kubernetes-types/core/v1";
import type { KubeObject } from "../../api/types";
import { isPodAvailable, isPodReady } from "../framework/pod-util";
import {
  CONTROLLER_REVISION_HASH_LABEL,
  comparePodsByCreation,
  isPodUpdated,
  nodeShouldRunDaemonPod,
  scaledValue,
  templateGeneration,
} from "./daemon-pods";

/** `failedPodsBackoff`: flowcontrol.NewBackOff(1 s, 15 min) per DaemonSet and node. */
export interface BackoffEntry {
  backoffMs: number;
  lastUpdate: number;
}
const BACKOFF_INITIAL_MS = 1_000;
const BACKOFF_MAX_MS = 15 * 60_000;

/** `IsInBackOffSinceUpdate`. */
export function inBackoff(e: BackoffEntry | undefined, now: number): boolean {
  if (!e) return false;
  if (now - e.lastUpdate > 2 * BACKOFF_MAX_MS) return false;
  return now - e.lastUpdate < e.backoffMs;
}

/** `Backoff.Next`. */
export function nextBackoff(e: BackoffEntry | undefined, now: number): BackoffEntry {
  if (!e || now - e.lastUpdate > 2 * BACKOFF_MAX_MS)
    return { backoffMs: BACKOFF_INITIAL_MS, lastUpdate: now };
  return { backoffMs: Math.min(e.backoffMs * 2, BACKOFF_MAX_MS), lastUpdate: now };
}

/** What `manage` decided. */
export interface ManagePlan {
  nodesNeedingDaemonPods: string[];
  podsToDelete: string[];
  /** Warning events `FailedDaemonPod` to record. */
  failedPodMessages: string[];
  /** Resync after this delay (a failed pod in back-off), or null. */
  requeueAfterMs: number | null;
}

/**
 * `manage` → `podsShouldBeOnNode` for every node: create where a pod should run and none does;
 * delete failed and succeeded pods, extra pods (keeping the oldest, or during a surge the old
 * and new ones by readiness), and pods on nodes they may no longer run on.
 */
export function planManage(
  ds: KubeObject,
  nodes: readonly Node[],
  nodeToDaemonPods: Record<string, KubeObject[]>,
  hash: string,
  now: number,
  backoff: Record<string, BackoffEntry>,
): ManagePlan {
  const plan: ManagePlan = {
    nodesNeedingDaemonPods: [],
    podsToDelete: [],
    failedPodMessages: [],
    requeueAfterMs: null,
  };
  const surge = allowsSurge(ds);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  for (const node of nodes) {
    const name = node.metadata?.name ?? "";
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const daemonPods = nodeToDaemonPods[name];
    const exists = daemonPods !== undefined && daemonPods.length > 0;
    if (shouldRun && !exists) {
      plan.nodesNeedingDaemonPods.push(name);
      continue;
    }
    if (shouldContinueRunning) {
      const running: KubeObject[] = [];
      for (const pod of daemonPods ?? []) {
        if (pod.metadata.deletionTimestamp) continue;
        if (pod.status?.phase === "Failed") {
          // Fighting a kubelet that rejects pods: back off per node.
          const key = `${ds.metadata.uid}/${name}`;
          if (inBackoff(backoff[key], now)) {
            const delay = backoff[key]!.backoffMs;
            plan.requeueAfterMs = plan.requeueAfterMs === null ? delay : Math.min(plan.requeueAfterMs, delay);
            continue;
          }
          backoff[key] = nextBackoff(backoff[key], now);
          plan.failedPodMessages.push(
            `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${name}, will try to kill it`,
          );
          plan.podsToDelete.push(pod.metadata.name ?? "");
        } else if (pod.status?.phase === "Succeeded") plan.podsToDelete.push(pod.metadata.name ?? "");
        else running.push(pod);
      }
      if (!surge) {
        // More than one running pod on a node: all but the oldest go.
        if (running.length <= 1) continue;
        running.sort(comparePodsByCreation);
        for (const p of running.slice(1)) plan.podsToDelete.push(p.metadata.name ?? "");
        continue;
      }
      if (running.length <= 1) {
        if (running.length === 0 && shouldRun) plan.nodesNeedingDaemonPods.push(name);
        continue;
      }
      // Surging: keep the oldest new pod and the oldest old pod; the old one goes once it is not
      // ready or the new one is available.
      running.sort(comparePodsByCreation);
      let oldestNew: KubeObject | null = null;
      let oldestOld: KubeObject | null = null;
      for (const pod of running) {
        if (pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash) {
          if (!oldestNew) {
            oldestNew = pod;
            continue;
          }
        } else if (!oldestOld) {
          oldestOld = pod;
          continue;
        }
        plan.podsToDelete.push(pod.metadata.name ?? "");
      }
      if (oldestNew && oldestOld) {
        if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, minReady, now))
          plan.podsToDelete.push(oldestOld.metadata.name ?? "");
      }
      continue;
    }
    if (exists)
      for (const pod of daemonPods!)
        if (!pod.metadata.deletionTimestamp) plan.podsToDelete.push(pod.metadata.name ?? "");
  }
  return plan;
}

/** `util.AllowsSurge`: a RollingUpdate with a non-zero maxSurge. */
export function allowsSurge(ds: KubeObject): boolean {
  const ru = ds.spec?.updateStrategy?.rollingUpdate;
  if (ds.spec?.updateStrategy?.type === "OnDelete" || !ru) return false;
  const s = ru.maxSurge;
  return s !== undefined && s !== 0 && s !== "0" && s !== "0%";
}

/** `updatedDesiredNodeCounts`: maxSurge, maxUnavailable and the desired count (nodes that should run one). */
export function updatedDesiredNodeCounts(
  ds: KubeObject,
  nodes: readonly Node[],
  nodeToDaemonPods: Record<string, KubeObject[]>,
): { maxSurge: number; maxUnavailable: number; desired: number } {
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    const n = node.metadata?.name ?? "";
    if (nodeToDaemonPods[n] === undefined) nodeToDaemonPods[n] = [];
  }
  const ru = ds.spec?.updateStrategy?.rollingUpdate ?? {};
  let maxUnavailable = scaledValue(ru.maxUnavailable, desired, 1);
  const maxSurge = allowsSurge(ds) ? scaledValue(ru.maxSurge, desired, 0) : 0;
  // An impossible configuration falls back to one unavailable pod.
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable, desired };
}

/** `findUpdatedPodsOnNode`: the node's one new and one old pod, or not ok when it has more. */
function findUpdatedPodsOnNode(
  ds: KubeObject,
  pods: readonly KubeObject[],
  hash: string,
): { newPod: KubeObject | null; oldPod: KubeObject | null; ok: boolean } {
  let newPod: KubeObject | null = null;
  let oldPod: KubeObject | null = null;
  const gen = templateGeneration(ds);
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, gen)) {
      if (newPod) return { newPod: null, oldPod: null, ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { newPod: null, oldPod: null, ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}

/** What `rollingUpdate` decided. */
export interface RollingUpdatePlan {
  podsToDelete: string[];
  nodesToCreate: string[];
}

/**
 * `rollingUpdate`. Without surge: delete old pods while fewer than `maxUnavailable` pods are
 * unavailable (unavailable old pods first); the manage loop then creates their replacements.
 * With surge: create new pods next to old ones, up to `maxSurge` at once, and delete each old
 * pod once its replacement is available.
 */
export function planRollingUpdate(
  ds: KubeObject,
  nodes: readonly Node[],
  nodeToDaemonPodsIn: Record<string, KubeObject[]>,
  hash: string,
  now: number,
): RollingUpdatePlan {
  const nodeToDaemonPods: Record<string, KubeObject[]> = { ...nodeToDaemonPodsIn };
  const { maxSurge, maxUnavailable, desired } = updatedDesiredNodeCounts(ds, nodes, nodeToDaemonPods);
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const names = Object.keys(nodeToDaemonPods).sort();
  if (maxSurge === 0) {
    let numUnavailable = 0;
    const allowed: string[] = [];
    const candidates: string[] = [];
    for (const nodeName of names) {
      const { newPod, oldPod, ok } = findUpdatedPodsOnNode(ds, nodeToDaemonPods[nodeName]!, hash);
      if (!ok) {
        numUnavailable++;
        continue;
      }
      if ((!oldPod && !newPod) || (oldPod && newPod)) numUnavailable++;
      else if (newPod) {
        if (!isPodAvailable(newPod, minReady, now)) numUnavailable++;
      } else if (oldPod) {
        if (!isPodAvailable(oldPod, minReady, now)) allowed.push(oldPod.metadata.name ?? "");
        else if (numUnavailable < maxUnavailable) candidates.push(oldPod.metadata.name ?? "");
      }
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - numUnavailable), candidates.length);
    return { podsToDelete: [...allowed, ...candidates.slice(0, remaining)], nodesToCreate: [] };
  }

  const oldPodsToDelete: string[] = [];
  const shouldNotRunPodsToDelete: string[] = [];
  const candidateNewNodes: string[] = [];
  const allowedNewNodes: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  const nodeByName: Record<string, Node> = {};
  for (const n of nodes) nodeByName[n.metadata?.name ?? ""] = n;
  for (const nodeName of names) {
    const { newPod, oldPod, ok } = findUpdatedPodsOnNode(ds, nodeToDaemonPods[nodeName]!, hash);
    if (!ok) {
      numSurge++;
      continue;
    }
    if (oldPod) {
      if (isPodAvailable(oldPod, minReady, now)) numAvailable++;
    } else if (newPod && isPodAvailable(newPod, minReady, now)) numAvailable++;
    if (!oldPod) continue;
    const node = nodeByName[nodeName];
    if (!newPod) {
      const shouldRun = node ? nodeShouldRunDaemonPod(node, ds).shouldRun : false;
      if (!isPodAvailable(oldPod, minReady, now)) {
        if (!shouldRun) oldPodsToDelete.push(oldPod.metadata.name ?? "");
        else allowedNewNodes.push(nodeName);
      } else {
        if (!shouldRun) {
          shouldNotRunPodsToDelete.push(oldPod.metadata.name ?? "");
          continue;
        }
        if (numSurge >= maxSurge) continue;
        candidateNewNodes.push(nodeName);
      }
      continue;
    }
    // Already surged here: wait for the new pod, then drop the old one.
    if (!isPodAvailable(newPod, minReady, now)) {
      numSurge++;
      continue;
    }
    oldPodsToDelete.push(oldPod.metadata.name ?? "");
  }
  // Keep 100 % availability when pods move off nodes they may no longer run on.
  const deletable = Math.min(numAvailable - desired, shouldNotRunPodsToDelete.length);
  if (deletable > 0) oldPodsToDelete.push(...shouldNotRunPodsToDelete.slice(0, deletable));
  const remainingSurge = Math.min(Math.max(0, maxSurge - numSurge), candidateNewNodes.length);
  return {
    podsToDelete: oldPodsToDelete,
    nodesToCreate: [...allowedNewNodes, ...candidateNewNodes.slice(0, remainingSurge)],
  };
}

/** The status numbers (`updateDaemonSetStatus`). */
export interface DaemonSetCounts {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

/** `updateDaemonSetStatus`'s counting: per node, the oldest daemon pod speaks for the node. */
export function daemonSetCounts(
  ds: KubeObject,
  nodes: readonly Node[],
  nodeToDaemonPods: Record<string, KubeObject[]>,
  hash: string,
  now: number,
): DaemonSetCounts {
  const c: DaemonSetCounts = {
    desiredNumberScheduled: 0,
    currentNumberScheduled: 0,
    numberMisscheduled: 0,
    numberReady: 0,
    updatedNumberScheduled: 0,
    numberAvailable: 0,
    numberUnavailable: 0,
  };
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const gen = templateGeneration(ds);
  for (const node of nodes) {
    const name = node.metadata?.name ?? "";
    const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
    const pods = nodeToDaemonPods[name] ?? [];
    const scheduled = pods.length > 0;
    if (shouldRun) {
      c.desiredNumberScheduled++;
      if (!scheduled) continue;
      c.currentNumberScheduled++;
      const pod = [...pods].sort(comparePodsByCreation)[0]!;
      if (isPodReady(pod)) {
        c.numberReady++;
        if (isPodAvailable(pod, minReady, now)) c.numberAvailable++;
      }
      if (isPodUpdated(pod, hash, gen)) c.updatedNumberScheduled++;
    } else if (scheduled) c.numberMisscheduled++;
  }
  c.numberUnavailable = c.desiredNumberScheduled - c.numberAvailable;
  return c;
}
