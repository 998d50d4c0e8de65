/**
 * The kubelet component: one per node. It registers its Node, keeps its status and Lease fresh
 * (one 10 s housekeeping tick per node covers both), watches the pods bound to its node
 * (`fieldSelector=spec.nodeName=<node>`), runs them through the container runtime over the CRI
 * (pod workers in `pod-sync.ts`, probes in `prober.ts`), runs its static pods and their mirror
 * pods, serves container logs, and records events. Nothing is scheduled per pod while pods
 * simply run: only probes (for containers that have them), back-offs and retries set timers.
 */
import type { KubeObject } from "../../api/types";
import { handleApiMessage, handleApiTimer } from "../../apiserver/client/api-client";
import {
  handleInformerEvent,
  handleInformerTimer,
  type InformerDelta,
  startInformer,
} from "../../apiserver/client/informer";
import type { ConnectionRefused, Context, Message, Timer } from "../../core/component";
import { defineBehavior } from "../../core/component";
import type { ContainerEvent, CriRequest, CriResponse, NetResponse } from "../runtime/cri";
import { gcBackoff } from "./backoff";
import { criCall, refusedResponse } from "./cri-client";
import { forgetEvent, recordEvent } from "./events";
import {
  nodeRef,
  onLeaseResponse,
  onNodeStatusResponse,
  onRegisterResponse,
  registerNode,
  renewLease,
  syncNodeStatus,
} from "./node-status";
import { latest } from "./pod-status";
import {
  createWorker,
  flushStatuses,
  markStatus,
  onContainerEvent,
  onPodCriResponse,
  onPodDeleteResponse,
  onPodStatusResponse,
  onPreStopDone,
  podSpecKey,
  pumpPulls,
  removeWorker,
  startTerminating,
  syncPod,
} from "./pod-sync";
import { onExecProbeResponse, onNetProbeResponse, onProbeTimer } from "./prober";
import { createKubeletState, type KubeletState, podOf } from "./state";
import { CONFIG_MIRROR, onMirrorCreated, onMirrorPod, startStaticPods, syncMirrorPods } from "./static-pods";

/** The component kind of kubelets. */
export const KUBELET_KIND = "kubelet";

/** A request for container logs (the API server's `pods/log`, served by the kubelet on :10250). */
export interface ContainerLogsRequest extends Message {
  verb: "CONTAINER-LOGS";
  requestId: number;
  namespace: string;
  pod: string;
  container?: string;
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  timestamps?: boolean;
  limitBytes?: number;
}

/** The answer: HTTP-like, the log text as body (or an error message). */
export interface ContainerLogsResponse extends Message {
  verb: "CONTAINER-LOGS-RESPONSE";
  requestId: number;
  code: number;
  body: string;
}

/** Tell a kubelet its node's CNI configuration appeared or vanished (the network plugin's DaemonSet). */
export interface NetworkReadyMessage extends Message {
  verb: "NETWORK-READY";
  ready: boolean;
}

/** Timers are read-only data: one shared object serves every tick of every kubelet. */
const TICK: Timer = Object.freeze({ name: "tick" });

function tick(ctx: Context, s: KubeletState): void {
  // wait.JitterUntil(…, nodeStatusUpdateFrequency, 0.04): every 10 s plus up to 4 %.
  const period = s.cfg.settings.nodeStatusUpdateFrequencyMs;
  ctx.setTimer(period + ctx.randomInt(Math.floor(period * 0.04)), TICK);
}

function onRuntimeSynced(ctx: Context, s: KubeletState): void {
  s.runtimeSynced = true;
  startStaticPods(ctx, s);
  for (const obj of Object.values(s.pods.items)) ensureWorker(ctx, s, obj);
  if (s.pods.synced) collectOrphans(s);
  for (const w of Object.values(s.workers)) syncPod(ctx, s, w);
  // The node's pod CIDR (or the fallback) configures the runtime's CNI.
  applyPodCidr(ctx, s);
}

function applyPodCidr(ctx: Context, s: KubeletState): void {
  const cidr = s.node.podCidr ?? s.cfg.fallbackPodCidr;
  if (cidr === s.node.podCidrApplied) return;
  s.node.podCidrApplied = cidr;
  criCall(ctx, s, { verb: "UpdateRuntimeConfig", podCidr: cidr }, { op: "UpdateRuntimeConfig" });
}

/** Sandboxes the runtime runs for pods that no longer exist are stopped and removed. */
function collectOrphans(s: KubeletState): void {
  for (const sb of s.runtimeCache.sandboxes) if (!s.workers[sb.uid]) s.gcSandboxes[sb.id] = true;
  s.runtimeCache = { sandboxes: [], containers: [] };
}

function ensureWorker(ctx: Context, s: KubeletState, obj: KubeObject): void {
  if (obj.metadata.annotations?.[CONFIG_MIRROR] !== undefined) {
    onMirrorPod(ctx, s, obj, false);
    return;
  }
  const uid = obj.metadata.uid!;
  let w = s.workers[uid];
  if (!w) {
    const known = s.runtimeCache.sandboxes.some((x) => x.uid === uid);
    // A pod that already finished (and whose sandbox is gone) needs nothing from this kubelet.
    if ((obj.status?.phase === "Succeeded" || obj.status?.phase === "Failed") && !known) return;
    w = createWorker(ctx, s, obj, uid, false);
    s.workers[uid] = w;
    s.byName[`${w.namespace}/${w.name}`] = uid;
  } else {
    const key = podSpecKey(obj);
    // Status-only updates (most of them the kubelet's own) do not wake the pod worker.
    if (key === w.specKey) return;
    w.specKey = key;
  }
  if (obj.metadata.deletionTimestamp) {
    const grace = obj.metadata.deletionGracePeriodSeconds ?? obj.spec?.terminationGracePeriodSeconds ?? 30;
    startTerminating(ctx, s, w, grace, "deleted");
  }
  syncPod(ctx, s, w);
}

function onPodDelta(ctx: Context, s: KubeletState, d: InformerDelta): void {
  if (!s.runtimeSynced) return;
  if (d.type !== "DELETED") {
    ensureWorker(ctx, s, d.object);
    return;
  }
  if (onMirrorPod(ctx, s, d.object, true)) return;
  const w = s.workers[d.object.metadata.uid!];
  if (!w) return;
  w.deletedFromApi = true;
  // The informer forgets the pod: the worker keeps the last state it saw.
  w.ownPod = d.object;
  if (w.stopped || !Object.values(w.containers).some((l) => l[l.length - 1]?.state === "CONTAINER_RUNNING")) {
    if (w.ops === 0) {
      removeWorker(ctx, s, w);
      return;
    }
  }
  startTerminating(ctx, s, w, d.object.metadata.deletionGracePeriodSeconds ?? 0, "deleted");
  syncPod(ctx, s, w);
}

function housekeeping(ctx: Context, s: KubeletState): void {
  if (!s.node.uid) registerNode(ctx, s);
  else {
    syncNodeStatus(ctx, s);
    renewLease(ctx, s);
    syncMirrorPods(ctx, s);
  }
  applyPodCidr(ctx, s);
  // Container GC: sandboxes of pods that are gone are removed (with their containers).
  for (const id of Object.keys(s.gcSandboxes))
    criCall(ctx, s, { verb: "RemovePodSandbox", podSandboxId: id }, { op: "RemovePodSandbox" });
  s.gcSandboxes = {};
  gcBackoff(s.crashBackoff, ctx.now);
  gcBackoff(s.imageBackoff, ctx.now);
}

function onCriResponse(ctx: Context, s: KubeletState, res: CriResponse): void {
  const call = s.cri.pending[res.requestId];
  if (!call) return;
  delete s.cri.pending[res.requestId];
  switch (call.op) {
    case "probe":
      onExecProbeResponse(ctx, s, call.data!.uid as string, call.data!.key as string, res);
      return;
    case "ListPodSandbox":
      s.runtimeListing.sandboxes = true;
      s.runtimeCache.sandboxes = res.sandboxes ?? [];
      break;
    case "ListContainers":
      s.runtimeListing.containers = true;
      s.runtimeCache.containers = res.containers ?? [];
      break;
    case "ListImages":
      s.runtimeListing.images = true;
      s.images = res.images ?? [];
      break;
    case "ReadLogs": {
      const d = call.data!;
      const reply: ContainerLogsResponse = {
        verb: "CONTAINER-LOGS-RESPONSE",
        requestId: d.requestId as number,
        code: res.error ? 500 : 200,
        body: res.error ? res.error.message : (res.logs ?? ""),
      };
      ctx.send(d.from as string, reply);
      return;
    }
    case "UpdateRuntimeConfig":
    case "RemovePodSandbox":
    case "RemoveContainer":
      return;
    default: {
      const w = call.uid ? s.workers[call.uid] : undefined;
      if (!w) {
        if (call.op === "PullImage") {
          s.pullActive = null;
          pumpPulls(ctx, s);
        }
        return;
      }
      onPodCriResponse(ctx, s, w, call.op, call.container, call.data, res);
      return;
    }
  }
  if (
    !s.runtimeSynced &&
    s.runtimeListing.sandboxes &&
    s.runtimeListing.containers &&
    s.runtimeListing.images
  )
    onRuntimeSynced(ctx, s);
}

function serveLogs(ctx: Context, s: KubeletState, req: ContainerLogsRequest, from: string): void {
  const fail = (code: number, body: string) =>
    ctx.send(from, {
      verb: "CONTAINER-LOGS-RESPONSE",
      requestId: req.requestId,
      code,
      body,
    } as ContainerLogsResponse);
  const uid = s.byName[`${req.namespace}/${req.pod}`];
  const w = uid ? s.workers[uid] : undefined;
  if (!w) {
    fail(404, `pods "${req.pod}" not found`);
    return;
  }
  const names = [...(podOf(s, w).spec?.initContainers ?? []), ...(podOf(s, w).spec?.containers ?? [])].map(
    (c: { name: string }) => c.name,
  );
  const name =
    req.container ??
    ((podOf(s, w).spec?.containers ?? []).length === 1 ? podOf(s, w).spec.containers[0].name : undefined);
  if (!name) {
    fail(400, `a container name must be specified for pod ${req.pod}, choose one of: [${names.join(" ")}]`);
    return;
  }
  if (!names.includes(name)) {
    fail(400, `container ${name} is not valid for pod ${req.pod}`);
    return;
  }
  const list = w.containers[name] ?? [];
  const rec = req.previous ? list[list.length - 2] : latest(w, name);
  if (!rec) {
    if (req.previous) fail(400, `previous terminated container "${name}" in pod "${req.pod}" not found`);
    else
      fail(
        400,
        `container "${name}" in pod "${req.pod}" is waiting to start: ${w.waiting[name]?.reason ?? "ContainerCreating"}`,
      );
    return;
  }
  criCall(
    ctx,
    s,
    {
      verb: "ReadLogs",
      containerId: rec.id,
      ...(req.tailLines !== undefined ? { tailLines: req.tailLines } : {}),
      ...(req.sinceSeconds !== undefined ? { sinceMs: ctx.now - req.sinceSeconds * 1000 } : {}),
      ...(req.timestamps ? { timestamps: true } : {}),
      ...(req.limitBytes !== undefined ? { limitBytes: req.limitBytes } : {}),
    },
    { op: "ReadLogs", data: { requestId: req.requestId, from } },
  );
}

function onApiEvent(
  ctx: Context,
  s: KubeletState,
  ev: NonNullable<ReturnType<typeof handleApiMessage>>,
): void {
  const update = handleInformerEvent(ctx, s.client, s.pods, ev);
  if (update) {
    for (const d of update.deltas) onPodDelta(ctx, s, d);
    if (update.justSynced && s.runtimeSynced) {
      collectOrphans(s);
      syncMirrorPods(ctx, s);
    }
    return;
  }
  if (ev.kind !== "response") return;
  const data = ev.data as { uid?: string; fp?: string | number; key?: string } | undefined;
  switch (ev.tag) {
    case "node-register":
    case "node-get":
      if (onRegisterResponse(ctx, s, ev.tag, ev.code, ev.body)) {
        // The first status (its condition events) is set before allocatable is enforced.
        syncNodeStatus(ctx, s, true);
        recordEvent(
          ctx,
          s.recorder,
          s.client,
          nodeRef(s),
          "Normal",
          "NodeAllocatableEnforced",
          "Updated Node Allocatable limit across pods",
        );
        renewLease(ctx, s);
        syncMirrorPods(ctx, s);
      }
      return;
    case "node-status":
      onNodeStatusResponse(ctx, s, ev.code, ev.body, String(data?.fp ?? ""));
      applyPodCidr(ctx, s);
      return;
    case "lease-get":
    case "lease-create":
    case "lease-update":
      onLeaseResponse(ctx, s, ev.tag, ev.code, ev.body, ev.requestId);
      return;
    case "pod-status":
      onPodStatusResponse(ctx, s, data!.uid!, data!.fp as number, ev.code);
      return;
    case "pod-delete":
      onPodDeleteResponse(ctx, s, data!.uid!, ev.code);
      return;
    case "mirror-create":
      onMirrorCreated(ctx, s, data!.uid!, ev.code, ev.body);
      if (ev.code !== 201 && ev.code !== 409) ctx.setTimer(1000, { name: "mirror-retry" });
      return;
    case "event":
      // An Event that expired (1 h TTL) cannot be patched: the next occurrence starts a new one.
      if (ev.code === 404 && data?.key) forgetEvent(s.recorder, data.key);
      return;
    default:
      return;
  }
}

/** The kubelet behaviour. */
export const kubeletBehavior = defineBehavior<KubeletState>({
  kind: KUBELET_KIND,
  onStart(ctx, s) {
    s.epochMs = ctx.epochMs;
    recordEvent(ctx, s.recorder, s.client, nodeRef(s), "Normal", "Starting", "Starting kubelet.");
    // containerd has no image filesystem stats yet when the kubelet first asks (a familiar warning).
    recordEvent(
      ctx,
      s.recorder,
      s.client,
      nodeRef(s),
      "Warning",
      "InvalidDiskCapacity",
      "invalid capacity 0 on image filesystem",
    );
    registerNode(ctx, s);
    startInformer(ctx, s.client, s.pods);
    criCall(ctx, s, { verb: "ListPodSandbox" }, { op: "ListPodSandbox" });
    criCall(ctx, s, { verb: "ListContainers" }, { op: "ListContainers" });
    criCall(ctx, s, { verb: "ListImages" }, { op: "ListImages" });
    tick(ctx, s);
  },
  onStop(s) {
    // A kubelet keeps nothing in memory across a restart (its node identity lives in the API).
    const fresh = createKubeletState(s.cfg);
    fresh.node.bootId = s.node.bootId;
    fresh.node.machineId = s.node.machineId;
    fresh.networkReady = s.networkReady;
    return fresh;
  },
  onMessage(ctx, s, msg, from) {
    const ev = handleApiMessage(ctx, s.client, msg);
    if (ev) {
      onApiEvent(ctx, s, ev);
      return;
    }
    switch (msg.verb) {
      case "CRI-RESPONSE":
        onCriResponse(ctx, s, msg as CriResponse);
        return;
      case "ContainerEvent":
        onContainerEvent(ctx, s, (msg as ContainerEvent).status);
        return;
      case "NET-RESPONSE":
        onNetProbeResponse(ctx, s, msg as NetResponse);
        return;
      case "CONNECTION-REFUSED": {
        // The runtime is down: every CRI call fails with gRPC's "connection refused".
        const original = (msg as ConnectionRefused).original as CriRequest;
        if (original.requestId !== undefined && from === s.cfg.runtime && s.cri.pending[original.requestId])
          onCriResponse(ctx, s, refusedResponse(s, original.requestId));
        return;
      }
      case "CONTAINER-LOGS":
        serveLogs(ctx, s, msg as ContainerLogsRequest, from);
        return;
      case "NETWORK-READY":
        s.networkReady = (msg as NetworkReadyMessage).ready;
        syncNodeStatus(ctx, s);
        return;
      default:
        return;
    }
  },
  onTimer(ctx, s, timer) {
    const ev = handleApiTimer(ctx, s.client, timer);
    if (ev) {
      onApiEvent(ctx, s, ev);
      return;
    }
    if (handleInformerTimer(ctx, s.client, s.pods, timer)) return;
    const t = timer as Timer & {
      uid?: string;
      key?: string;
      requestId?: number;
      id?: string;
      grace?: number;
    };
    switch (timer.name) {
      case "tick":
        housekeeping(ctx, s);
        tick(ctx, s);
        return;
      case "register":
        registerNode(ctx, s);
        return;
      case "lease-retry":
        renewLease(ctx, s);
        return;
      case "mirror-retry":
        syncMirrorPods(ctx, s);
        return;
      case "status-flush":
        flushStatuses(ctx, s);
        return;
      case "status-retry": {
        const w = s.workers[t.uid!];
        if (w) markStatus(ctx, s, w);
        return;
      }
      case "pod-resync": {
        const w = s.workers[t.uid!];
        if (!w) return;
        if (w.resyncTimer >= 0 && ctx.now >= w.resyncAt) w.resyncTimer = -1;
        syncPod(ctx, s, w);
        return;
      }
      case "probe":
        onProbeTimer(ctx, s, t.uid!, (t as Timer & { probe: string }).probe);
        return;
      case "prestop-done":
        onPreStopDone(ctx, s, t.uid!, t.id!, t.grace!);
        return;
      default:
        return;
    }
  },
});
