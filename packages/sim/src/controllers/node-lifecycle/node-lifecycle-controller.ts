/**
 * The node lifecycle controller (`pkg/controller/nodelifecycle/node_lifecycle_controller.go`,
 * v1.32) on the controller framework. Its loops are keys of one work queue:
 *
 * - `monitor` — `monitorNodeHealth`, every `--node-monitor-period` (5 s): judge each node's
 *   health from its Lease renewals and status heartbeats, turn a silent node's conditions
 *   Unknown after `--node-monitor-grace-period` (50 s), record `RegisteredNode` / `NodeNotReady`
 *   events, mark the pods of a node that stopped being Ready not ready (`MarkPodsNotReady`),
 *   queue not-Ready nodes for the NoExecute taint, remove it from nodes Ready again, and track
 *   zone disruption (which pauses tainting when every zone is down).
 * - `noexecute` — `doNoExecuteTaintingPass`: the per-zone rate-limited queue (0.1 nodes/s) adds
 *   the `node.kubernetes.io/unreachable` or `not-ready` NoExecute taint (the taint eviction
 *   controller then evicts pods). Runs only while a queue has work, at the limiter's pace.
 * - `node/<name>` — `doNoScheduleTaintingPass` + `reconcileNodeLabels` on every node change: the
 *   NoSchedule taints of the node's conditions and `spec.unschedulable`, and the beta os/arch labels.
 * - `pod/<namespace>/<name>` — `processPod`: a pod bound to a node that is not Ready is marked not ready.
 *
 * Pods are looked up by node through the `spec.nodeName` index, only for nodes whose Ready
 * condition changed: a pass costs O(nodes), not O(nodes × pods).
 */
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Node, Pod, Taint } from "kubernetes-types/core/v1";
import type { KubeObject } from "../../api/types";
import { defineController, isSuccess, type SyncContext, type WriteResult } from "../framework";
import {
  NODE_CONTROLLER_COMPONENT,
  NODE_EVICTION_PERIOD_MS,
  NODE_HEALTH_UPDATE_RETRY,
  NODE_LEASE_NAMESPACE,
  NODE_MONITOR_PERIOD_MS,
} from "./constants";
import {
  DEFAULT_NODE_HEALTH_CONFIG,
  getNodeCondition,
  type NodeHealth,
  type NodeHealthConfig,
  tryUpdateNodeHealth,
} from "./node-health";
import {
  desiredNoScheduleTaints,
  managedNoScheduleTaints,
  NOT_READY_NO_EXECUTE,
  swapTaints,
  taintExists,
  taintSetDiff,
  UNREACHABLE_NO_EXECUTE,
} from "./node-taints";
import { podMarkedNotReady } from "./pod-conditions";
import {
  newRateLimitedTimedQueue,
  queueAdd,
  queueNextWake,
  queueRemove,
  queueTry,
  type RateLimitedTimedQueue,
  swapLimiter,
} from "./rate-limited-queue";
import {
  computeZoneStateFromCounts,
  DEFAULT_EVICTION_RATES,
  type EvictionRates,
  getZoneKey,
  isNodeExcludedFromDisruptionChecks,
  type ZoneState,
  zoneEvictionQps,
} from "./zones";

/** The controller's canonical name (`names.NodeLifecycleController`); `nodelifecycle` is its alias. */
export const NODE_LIFECYCLE_CONTROLLER = "node-lifecycle-controller";

const NODES = "nodes";
const PODS = "pods";
const LEASES = "leases.coordination.k8s.io";
const MONITOR_KEY = "monitor";
const NO_EXECUTE_KEY = "noexecute";

/** The controller's plain data. */
export interface NodeLifecycleData {
  config: NodeHealthConfig & EvictionRates & { nodeMonitorPeriodMs: number };
  /** `nodeHealthMap`. */
  health: Record<string, NodeHealth>;
  /** `knownNodeSet`: node name → uid. */
  known: Record<string, string>;
  zoneStates: Record<string, ZoneState>;
  /** `zoneNoExecuteTainter`. */
  tainters: Record<string, RateLimitedTimedQueue>;
  /** Nodes whose pods could not all be marked not ready (retried next pass). */
  nodesToRetry: Record<string, true>;
}

/** A node whose health has been settled in this pass (its status written when needed). */
interface SettledNode {
  name: string;
  observed: string;
  current: string | null;
}

/** What the monitor pass carries from step to step. */
interface MonitorPass {
  /** Zone → how many of its nodes are Ready and not (no Ready condition counts as not). */
  zones: Record<string, { ready: number; notReady: number }>;
  /** The pass's clock: Unix ms and the same instant as `metav1.Time`. */
  now: number;
  nowTime: string;
  /** Nodes whose status write (or its retry) is still in flight. */
  unsettled: number;
  /** The disruption step ran (its writes are the last ones). */
  finished: boolean;
}

type CallLabel =
  | { t: "status"; node: string; observed: string; attempt: number }
  | { t: "status-get"; node: string; observed: string; attempt: number }
  | { t: "taint"; node: string; add: Taint[]; remove: Taint[]; attempt: number; requeue?: boolean }
  | { t: "taint-get"; node: string; add: Taint[]; remove: Taint[]; attempt: number; requeue?: boolean }
  | { t: "pod"; node: string }
  | { t: "other" };

type Ctx = SyncContext<NodeLifecycleData>;

function nodeRef(node: Node): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: node.metadata?.name ?? "", uid: node.metadata?.uid ?? "" },
  };
}

function readyStatus(node: Node | undefined): string | null {
  return getNodeCondition(node?.status, "Ready")?.status ?? null;
}

// ---- writes -------------------------------------------------------------------------------

/** `SwapNodeControllerTaint` as a PATCH of `spec.taints`, guarded by the node's resourceVersion. */
function swapNodeTaints(
  c: Ctx,
  node: Node,
  add: Taint[],
  remove: Taint[],
  attempt = 1,
  requeue = false,
): boolean {
  const taints = swapTaints(node.spec?.taints, add, remove, c.timestamp());
  if (!taints) return false;
  const label: CallLabel = { t: "taint", node: node.metadata!.name!, add, remove, attempt, requeue };
  c.patch(
    NODES,
    "",
    node.metadata!.name!,
    { metadata: { resourceVersion: node.metadata!.resourceVersion }, spec: { taints } },
    "strategic",
    { label },
  );
  return true;
}

/** `markNodeAsReachable`: drop both NoExecute taints and the node's place in its tainting queue. */
function markNodeAsReachable(c: Ctx, node: Node, zone = getZoneKey(node)): void {
  // Every healthy node goes through here every pass: nothing is allocated unless there is work.
  const taints = node.spec?.taints;
  if (taints && taints.length > 0) {
    const remove = [UNREACHABLE_NO_EXECUTE, NOT_READY_NO_EXECUTE].filter((t) => taintExists(taints, t));
    if (remove.length > 0) swapNodeTaints(c, node, [], remove);
  }
  const q = c.data.tainters[zone];
  const name = node.metadata?.name ?? "";
  if (q?.set[name]) queueRemove(q, name);
}

/** `markNodeForTainting`: queue the node in its zone's tainter (re-queued when its taint is missing). */
function markNodeForTainting(c: Ctx, node: Node, status: "False" | "Unknown"): void {
  const q = c.data.tainters[getZoneKey(node)];
  if (!q) return;
  const name = node.metadata?.name ?? "";
  const taint = status === "False" ? NOT_READY_NO_EXECUTE : UNREACHABLE_NO_EXECUTE;
  if (!taintExists(node.spec?.taints, taint)) queueRemove(q, name);
  if (queueAdd(q, name, node.metadata?.uid ?? "", c.unixMs)) c.enqueue(NO_EXECUTE_KEY);
}

/** `MarkPodsNotReady` + the Warning `NodeNotReady` event on each pod it changed. */
function markPodsNotReady(c: Ctx, pods: readonly KubeObject[], nodeName: string): void {
  const now = c.timestamp();
  for (const p of pods) {
    if (p.spec?.nodeName !== nodeName) continue;
    const updated = podMarkedNotReady(p as Pod, now);
    if (!updated) continue;
    c.updateStatus(PODS, updated as KubeObject, { label: { t: "pod", node: nodeName } satisfies CallLabel });
    c.event(p, "Warning", "NodeNotReady", "Node is not ready");
  }
}

// ---- the monitor pass ---------------------------------------------------------------------

/** `addPodEvictorForNewZone`. */
function addZone(c: Ctx, node: Node): void {
  const zone = getZoneKey(node);
  if (c.data.zoneStates[zone] !== undefined) return;
  c.data.zoneStates[zone] = "Initial";
  c.data.tainters[zone] = newRateLimitedTimedQueue(c.data.config.evictionLimiterQps, c.unixMs);
}

/** `processTaintBaseEviction`. */
function processTaintBaseEviction(c: Ctx, node: Node, observed: string, zone: string): void {
  if (observed === "False") {
    if (taintExists(node.spec?.taints, UNREACHABLE_NO_EXECUTE))
      swapNodeTaints(c, node, [NOT_READY_NO_EXECUTE], [UNREACHABLE_NO_EXECUTE]);
    else markNodeForTainting(c, node, "False");
  } else if (observed === "Unknown") {
    if (taintExists(node.spec?.taints, NOT_READY_NO_EXECUTE))
      swapNodeTaints(c, node, [UNREACHABLE_NO_EXECUTE], [NOT_READY_NO_EXECUTE]);
    else markNodeForTainting(c, node, "Unknown");
  } else if (observed === "True") markNodeAsReachable(c, node, zone);
}

/** What `updateNodeFunc` does once a node's health is settled. */
function afterHealthCheck(c: Ctx, pass: MonitorPass, node: Node, settled: SettledNode): void {
  const zone = getZoneKey(node);
  if (!isNodeExcludedFromDisruptionChecks(node)) {
    let counts = pass.zones[zone];
    if (!counts) {
      counts = { ready: 0, notReady: 0 };
      pass.zones[zone] = counts;
    }
    if (settled.current === "True") counts.ready++;
    else counts.notReady++;
  }
  if (settled.current === null) return;
  processTaintBaseEviction(c, node, settled.observed, zone);
  const name = settled.name;
  const needsRetry = c.data.nodesToRetry[name] === true;
  if (needsRetry) delete c.data.nodesToRetry[name];
  const becameNotReady = settled.current !== "True" && settled.observed === "True";
  if (becameNotReady) {
    // RecordNodeStatusChange: reported once, on the transition.
    c.event(nodeRef(node), "Normal", "NodeNotReady", `Node ${name} status is now: NodeNotReady`);
  }
  if (becameNotReady || (needsRetry && settled.observed !== "True"))
    markPodsNotReady(c, c.byIndex(PODS, "spec.nodeName", name), name);
}

/** Check one node's health; write its status when it changed, else settle it at once. */
function checkNode(c: Ctx, pass: MonitorPass, node: Node, attempt: number): void {
  // (Counted unsettled by the caller while its status write is in flight.)
  const name = node.metadata?.name ?? "";
  const lease = c.get(LEASES, NODE_LEASE_NAMESPACE, name) as Lease | undefined;
  const r = tryUpdateNodeHealth(node, lease, c.data.health[name], pass.now, pass.nowTime, c.data.config);
  c.data.health[name] = r.health;
  if (r.statusUpdate) {
    const label: CallLabel = { t: "status", node: name, observed: r.observedReady.status, attempt };
    c.updateStatus(NODES, { ...(node as KubeObject), status: r.statusUpdate }, { label });
    pass.unsettled++;
    return;
  }
  afterHealthCheck(c, pass, node, {
    name,
    observed: r.observedReady.status,
    current: r.currentReady?.status ?? null,
  });
}

/** `monitorNodeHealth`'s first half: classify nodes, check each one. */
function monitorNodeHealth(c: Ctx): void {
  const nodes = c.list(NODES) as Node[];
  const seen: Record<string, true> = {};
  // One clock reading per pass, as the Go pass reads `nc.now()` per node within microseconds.
  const pass: MonitorPass = {
    zones: {},
    unsettled: 0,
    finished: false,
    now: c.unixMs,
    nowTime: c.timestamp(),
  };
  for (const node of nodes) {
    const name = node.metadata?.name ?? "";
    seen[name] = true;
    if (c.data.known[name] === undefined) {
      c.event(
        nodeRef(node),
        "Normal",
        "RegisteredNode",
        `Node ${name} event: Registered Node ${name} in Controller`,
      );
      c.data.known[name] = node.metadata?.uid ?? "";
      addZone(c, node);
      markNodeAsReachable(c, node);
    } else addZone(c, node);
  }
  for (const name of Object.keys(c.data.known)) {
    if (seen[name]) continue;
    const uid = c.data.known[name]!;
    c.event(
      { apiVersion: "v1", kind: "Node", metadata: { name, uid } },
      "Normal",
      "RemovingNode",
      `Node ${name} event: Removing Node ${name} from Controller`,
    );
    delete c.data.known[name];
    delete c.data.health[name];
  }
  for (const node of nodes) checkNode(c, pass, node, 1);
  c.continueWith("monitor-results", pass);
}

/** `handleDisruption`: zone states, tainting rates, and the all-zones-down "master disruption mode". */
function handleDisruption(c: Ctx, pass: MonitorPass): void {
  const d = c.data;
  const newStates: Record<string, ZoneState> = {};
  let allAreFullyDisrupted = true;
  for (const [zone, counts] of Object.entries(pass.zones)) {
    const { state } = computeZoneStateFromCounts(counts.ready, counts.notReady, d.config);
    if (state !== "FullDisruption") allAreFullyDisrupted = false;
    newStates[zone] = state;
    if (d.zoneStates[zone] === undefined) d.zoneStates[zone] = "Initial";
  }
  let allWasFullyDisrupted = true;
  for (const zone of Object.keys(d.zoneStates)) {
    if (pass.zones[zone] === undefined) {
      delete d.zoneStates[zone];
      continue;
    }
    if (d.zoneStates[zone] !== "FullDisruption") {
      allWasFullyDisrupted = false;
      break;
    }
  }
  if (allAreFullyDisrupted && allWasFullyDisrupted) return;
  const now = c.unixMs;
  if (allAreFullyDisrupted) {
    // Every node of every zone is down: most likely the control plane is cut off, not the
    // nodes. Stop tainting and evicting ("master disruption mode").
    for (const node of c.list(NODES) as Node[]) markNodeAsReachable(c, node);
    for (const zone of Object.keys(d.zoneStates)) {
      const q = d.tainters[zone];
      if (q) swapLimiter(q, 0, now);
      d.zoneStates[zone] = "FullDisruption";
    }
    return;
  }
  if (allWasFullyDisrupted) {
    // Leaving disruption mode: every node gets a fresh grace period.
    for (const h of Object.values(d.health)) {
      h.probeTimestamp = now;
      h.readyTransitionTimestamp = now;
    }
    for (const zone of Object.keys(d.zoneStates)) {
      setLimiterInZone(c, zone, zoneSize(pass, zone), newStates[zone]!, now);
      d.zoneStates[zone] = newStates[zone]!;
    }
    return;
  }
  for (const zone of Object.keys(d.zoneStates)) {
    const next = newStates[zone]!;
    if (d.zoneStates[zone] === next) continue;
    setLimiterInZone(c, zone, zoneSize(pass, zone), next, now);
    d.zoneStates[zone] = next;
  }
}

function zoneSize(pass: MonitorPass, zone: string): number {
  const z = pass.zones[zone];
  return z ? z.ready + z.notReady : 0;
}

function setLimiterInZone(c: Ctx, zone: string, size: number, state: ZoneState, now: number): void {
  const q = c.data.tainters[zone];
  if (!q || state === "Initial") return;
  swapLimiter(q, zoneEvictionQps(state, size, c.data.config), now);
  if (q.queue.length > 0) c.enqueue(NO_EXECUTE_KEY);
}

/**
 * Answers to the pass's writes: settle nodes whose status was written, retry conflicts from a
 * fresh GET (up to 5 attempts, as `NodeHealthUpdateRetry`), and finish with `handleDisruption`.
 */
function monitorResults(c: Ctx, results: WriteResult[], data: unknown): void {
  const pass = data as MonitorPass;
  handleWriteResults(c, results, pass);
  if (!pass.finished && pass.unsettled === 0) {
    pass.finished = true;
    handleDisruption(c, pass);
  }
  // Go on while answers keep coming (a step without calls gets no results and ends the sync).
  if (results.length > 0 || !pass.finished) c.continueWith("monitor-results", pass);
}

/** Shared by every step: follow up on status, taint and pod writes. */
function handleWriteResults(c: Ctx, results: WriteResult[], pass: MonitorPass | null): void {
  for (const r of results) {
    const l = r.label as CallLabel | null;
    if (!l) continue;
    switch (l.t) {
      case "status":
        if (!pass) break;
        if (isSuccess(r)) {
          pass.unsettled--;
          const node = r.body as Node;
          afterHealthCheck(c, pass, node, { name: l.node, observed: l.observed, current: readyStatus(node) });
        } else if (r.code === 409 && l.attempt < NODE_HEALTH_UPDATE_RETRY) {
          // The kubelet (or a taint) changed the node meanwhile: read it again and re-judge.
          c.request({ method: "GET", path: `/api/v1/nodes/${l.node}` }, { label: { ...l, t: "status-get" } });
        } else {
          // "Update health of Node from Controller error, Skipping - no pods will be evicted."
          pass.unsettled--;
        }
        break;
      case "status-get":
        if (!pass) break;
        pass.unsettled--;
        if (isSuccess(r)) checkNode(c, pass, r.body as Node, l.attempt + 1);
        break;
      case "taint":
        if (!isSuccess(r) && r.code === 409 && l.attempt < NODE_HEALTH_UPDATE_RETRY)
          c.request({ method: "GET", path: `/api/v1/nodes/${l.node}` }, { label: { ...l, t: "taint-get" } });
        else if (!isSuccess(r) && l.requeue) requeueForTainting(c, l.node);
        break;
      case "taint-get":
        if (isSuccess(r)) {
          const sent = swapNodeTaints(c, r.body as Node, l.add, l.remove, l.attempt + 1, l.requeue);
          if (!sent) break;
        } else if (l.requeue) requeueForTainting(c, l.node);
        break;
      case "pod":
        // A failed pod update is retried on the node's next pass.
        if (!isSuccess(r) && r.code !== 404) c.data.nodesToRetry[l.node] = true;
        break;
    }
  }
}

function requeueForTainting(c: Ctx, name: string): void {
  const node = c.get(NODES, "", name) as Node | undefined;
  if (!node) return;
  const q = c.data.tainters[getZoneKey(node)];
  if (!q) return;
  queueRemove(q, name);
  queueAdd(q, name, node.metadata?.uid ?? "", c.unixMs);
  c.enqueueAfter(NO_EXECUTE_KEY, NODE_EVICTION_PERIOD_MS);
}

// ---- the other loops ----------------------------------------------------------------------

/** `doNoExecuteTaintingPass`. */
function noExecuteTaintingPass(c: Ctx): void {
  const now = c.unixMs;
  let next: number | null = null;
  for (const zone of Object.keys(c.data.tainters).sort()) {
    const q = c.data.tainters[zone]!;
    queueTry(q, now, (v) => {
      const node = c.get(NODES, "", v.value) as Node | undefined;
      if (!node) return { done: true };
      const ready = getNodeCondition(node.status, "Ready");
      if (!ready) return { done: false, retryAfterMs: 50 };
      // "unreachable" and "not-ready" are mutually exclusive, as Ready's values are.
      if (ready.status === "False")
        swapNodeTaints(c, node, [NOT_READY_NO_EXECUTE], [UNREACHABLE_NO_EXECUTE], 1, true);
      else if (ready.status === "Unknown")
        swapNodeTaints(c, node, [UNREACHABLE_NO_EXECUTE], [NOT_READY_NO_EXECUTE], 1, true);
      return { done: true };
    });
    const wake = queueNextWake(q, now);
    if (wake !== null && (next === null || wake < next)) next = wake;
  }
  if (next !== null) {
    // The Go loop ticks every 100 ms; waking on the tick the limiter next allows is the same.
    const delay = Math.max(
      NODE_EVICTION_PERIOD_MS,
      Math.ceil((next - now) / NODE_EVICTION_PERIOD_MS) * NODE_EVICTION_PERIOD_MS,
    );
    c.enqueueAfter(NO_EXECUTE_KEY, delay);
  }
  c.continueWith("writes", null);
}

/** `doNoScheduleTaintingPass` + `reconcileNodeLabels`. */
function processNode(c: Ctx, name: string): void {
  const node = c.get(NODES, "", name) as Node | undefined;
  if (!node) return;
  const { add, remove } = taintSetDiff(desiredNoScheduleTaints(node), managedNoScheduleTaints(node));
  if (add.length > 0 || remove.length > 0) swapNodeTaints(c, node, add, remove);
  // The beta os/arch labels follow the GA ones (labelReconcileInfo).
  const labels = node.metadata?.labels ?? {};
  const update: Record<string, string> = {};
  for (const [primary, secondary] of [
    ["kubernetes.io/os", "beta.kubernetes.io/os"],
    ["kubernetes.io/arch", "beta.kubernetes.io/arch"],
  ] as const) {
    const v = labels[primary];
    if (v !== undefined && labels[secondary] !== v) update[secondary] = v;
  }
  if (Object.keys(update).length > 0)
    c.patch(NODES, "", name, { metadata: { labels: update } }, "strategic", { label: { t: "other" } });
  c.continueWith("writes", null);
}

/** `processPod`: a pod newly bound to a node that is not Ready is marked not ready. */
function processPod(c: Ctx, namespace: string, name: string): void {
  const pod = c.get(PODS, namespace, name);
  if (!pod) return;
  const nodeName = pod.spec?.nodeName ?? "";
  const health = c.data.health[nodeName];
  if (!health) return;
  if (!c.get(NODES, "", nodeName)) {
    c.enqueueRateLimited(`pod/${namespace}/${name}`);
    return;
  }
  if (!health.ready) return;
  if (health.ready.status !== "True") markPodsNotReady(c, [pod], nodeName);
  c.continueWith("writes", null);
}

/** The node lifecycle controller. */
export const nodeLifecycleController = defineController<NodeLifecycleData>({
  name: NODE_LIFECYCLE_CONTROLLER,
  aliases: ["nodelifecycle"],
  component: NODE_CONTROLLER_COMPONENT,
  serviceAccount: "node-controller",
  // nodeUpdateWorkerSize 8 + podUpdateWorkerSize 4, plus the two periodic loops.
  workers: 14,
  informers: [{ resource: NODES }, { resource: PODS, indexers: ["spec.nodeName"] }, { resource: LEASES }],
  init: () => ({
    config: {
      ...DEFAULT_NODE_HEALTH_CONFIG,
      ...DEFAULT_EVICTION_RATES,
      nodeMonitorPeriodMs: NODE_MONITOR_PERIOD_MS,
    },
    health: {},
    known: {},
    zoneStates: {},
    tainters: {},
    nodesToRetry: {},
  }),
  handlers: {
    [NODES]: (c, d) => {
      if (d.type === "DELETED") {
        delete c.data.nodesToRetry[d.object.metadata.name ?? ""];
        return;
      }
      c.enqueue(`node/${d.object.metadata.name}`);
    },
    [PODS]: (c, d) => {
      if (d.type === "DELETED") return;
      const nodeName = d.object.spec?.nodeName;
      if (nodeName && (!d.old || d.old.spec?.nodeName !== nodeName))
        c.enqueue(`pod/${d.object.metadata.namespace}/${d.object.metadata.name}`);
    },
  },
  onSynced(c) {
    c.enqueue(MONITOR_KEY);
  },
  sync(c, key) {
    if (key === MONITOR_KEY) {
      // wait.Until: the next pass starts one period after this one.
      c.enqueueAfter(MONITOR_KEY, c.data.config.nodeMonitorPeriodMs);
      monitorNodeHealth(c);
    } else if (key === NO_EXECUTE_KEY) noExecuteTaintingPass(c);
    else if (key.startsWith("node/")) processNode(c, key.slice(5));
    else if (key.startsWith("pod/")) {
      const rest = key.slice(4);
      const i = rest.indexOf("/");
      processPod(c, rest.slice(0, i), rest.slice(i + 1));
    }
  },
  steps: {
    "monitor-results": monitorResults,
    writes(c, results) {
      handleWriteResults(c, results, null);
      if (results.length > 0) c.continueWith("writes", null);
    },
  },
});
