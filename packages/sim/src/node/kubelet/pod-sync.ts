/**
 * The kubelet's pod workers (pkg/kubelet/pod_workers.go + kuberuntime SyncPod): for each pod,
 * decide the next step from what the runtime reported and do it through the CRI, one step at a
 * time: create the sandbox (CNI IP), run init containers in order, then start the containers in
 * spec order (image per `imagePullPolicy` through the node's serialised puller, create, start),
 * restart exited ones per `restartPolicy` with the CrashLoopBackOff back-off, kill and restart
 * those that fail liveness/startup probes, and on deletion stop everything gracefully
 * (SIGTERM, grace period, SIGKILL) and delete the pod from the API. Events use the kubelet's
 * reasons and texts; statuses go out through the status manager below.
 */

import { parseMilliValue } from "../../api/quantity";
import type { KubeObject } from "../../api/types";
import { apiRequest } from "../../apiserver/client/api-client";
import type { Context, Timer } from "../../core/component";
import { isReferenceError, parseImageReference } from "../images/image-reference";
import type { CriContainerStatus, CriResponse } from "../runtime/cri";
import { isInBackOffSince, isInBackOffSinceUpdate, nextBackoff } from "./backoff";
import { criCall, rpcError } from "./cri-client";
import { type InvolvedObject, recordEvent } from "./events";
import { goDuration } from "./go-duration";
import { allContainersStopped, generatePodStatus, latest, shouldRestart } from "./pod-status";
import { startProbes, stopProbes } from "./prober";
import { type ContainerRecord, type KubeletState, type PodWorker, podOf } from "./state";

/** A container of the pod spec (the fields the kubelet reads). */
export interface SpecContainer {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];
  imagePullPolicy?: string;
  restartPolicy?: string;
  stdin?: boolean;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  ports?: { name?: string; containerPort: number }[];
  lifecycle?: { preStop?: { exec?: { command?: string[] }; sleep?: { seconds: number } } };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  startupProbe?: unknown;
}

/** pod_workers.go: a failed sync is retried after `backOffPeriod` 10 s with jitter 0.5. */
const WORKER_BACKOFF_MS = 10_000;
/** kuberuntime: a container's stop timeout is never below 2 s (minimumGracePeriodInSeconds). */
const MIN_GRACE_S = 2;

/** Containers of a pod: init (in order) and regular. */
export function specOf(pod: KubeObject): { init: SpecContainer[]; regular: SpecContainer[] } {
  return { init: pod.spec?.initContainers ?? [], regular: pod.spec?.containers ?? [] };
}

function findSpec(s: KubeletState, w: PodWorker, name: string): { c: SpecContainer; init: boolean } | null {
  const { init, regular } = specOf(podOf(s, w));
  const i = init.find((c) => c.name === name);
  if (i) return { c: i, init: true };
  const r = regular.find((c) => c.name === name);
  return r ? { c: r, init: false } : null;
}

/** The object reference of a pod for events (with `spec.containers{name}` for container events). */
export function podRef(s: KubeletState, w: PodWorker, container?: string, init = false): InvolvedObject {
  const ref: InvolvedObject = {
    kind: "Pod",
    namespace: w.namespace,
    name: w.name,
    uid: w.uid,
    apiVersion: "v1",
  };
  if (podOf(s, w).metadata.resourceVersion && !w.static)
    ref.resourceVersion = podOf(s, w).metadata.resourceVersion;
  if (container) ref.fieldPath = `spec.${init ? "initContainers" : "containers"}{${container}}`;
  return ref;
}

function event(
  ctx: Context,
  s: KubeletState,
  w: PodWorker,
  type: "Normal" | "Warning",
  reason: string,
  message: string,
  container?: string,
): void {
  const spec = container ? findSpec(s, w, container) : null;
  recordEvent(ctx, s.recorder, s.client, podRef(s, w, container, spec?.init ?? false), type, reason, message);
}

/** Resync a pod at `at` (the earliest of the pending requests wins). */
export function scheduleResync(ctx: Context, w: PodWorker, at: number): void {
  if (w.resyncTimer >= 0 && w.resyncAt <= at && w.resyncAt > ctx.now) return;
  if (w.resyncTimer >= 0) ctx.cancelTimer(w.resyncTimer);
  w.resyncAt = at;
  w.resyncTimer = ctx.setTimer(Math.max(0, at - ctx.now), { name: "pod-resync", uid: w.uid } as Timer);
}

function errorResync(ctx: Context, w: PodWorker): void {
  scheduleResync(ctx, w, ctx.now + WORKER_BACKOFF_MS + ctx.randomInt(WORKER_BACKOFF_MS / 2));
}

/** Mark a pod's status for the status manager. */
export function markStatus(ctx: Context, s: KubeletState, w: PodWorker): void {
  s.dirtyPods[w.uid] = true;
  if (s.statusFlushTimer < 0) s.statusFlushTimer = ctx.setTimer(5, { name: "status-flush" });
}

function defaultPullPolicy(image: string): string {
  const ref = parseImageReference(image);
  if (isReferenceError(ref)) return "IfNotPresent";
  return !ref.digest && ref.tag === "latest" ? "Always" : "IfNotPresent";
}

/** Create a worker for a pod (attaching what the runtime already runs for it after a restart). */
export function createWorker(
  ctx: Context,
  s: KubeletState,
  pod: KubeObject,
  uid: string,
  isStatic: boolean,
): PodWorker {
  const w: PodWorker = {
    uid,
    namespace: pod.metadata.namespace ?? "default",
    name: pod.metadata.name ?? "",
    static: isStatic,
    mirrorUid: null,
    mirrorPending: false,
    ownPod: isStatic ? pod : null,
    firstSeen: ctx.now,
    sandbox: null,
    sandboxAttempt: 0,
    containers: {},
    waiting: {},
    ops: 0,
    pendingSync: false,
    resyncAt: 0,
    resyncTimer: -1,
    starting: null,
    stopping: {},
    killRequested: {},
    restartNow: {},
    terminating: null,
    stopped: false,
    deletedFromApi: false,
    apiDeleteSent: false,
    probes: {},
    ready: {},
    started: {},
    conditionTimes: {},
    statusSent: 0,
    statusInflight: false,
    statusDirty: false,
    terminalPhase: null,
    holdSync: false,
    specKey: podSpecKey(pod),
  };
  // Keep the start time and condition times a previous kubelet already reported.
  if (pod.status?.startTime) {
    const prevStart = parseTimestampMs(pod.status.startTime as string) - s.epochMs;
    if (Number.isFinite(prevStart)) w.firstSeen = prevStart;
  }
  for (const c of (pod.status?.conditions as
    | { type: string; status: string; lastTransitionTime: string }[]
    | undefined) ?? [])
    if (c.lastTransitionTime) w.conditionTimes[c.type] = { status: c.status, time: c.lastTransitionTime };
  if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") w.terminalPhase = pod.status.phase;
  // Adopt the runtime's sandboxes and containers for this pod (the PLEG's first relist).
  const sbs = s.runtimeCache.sandboxes.filter((x) => x.uid === uid).sort((a, b) => a.createdAt - b.createdAt);
  const sb = sbs[sbs.length - 1];
  if (sb) {
    w.sandbox = { id: sb.id, ip: sb.ip, attempt: sb.attempt, ready: sb.state === "SANDBOX_READY" };
    w.sandboxAttempt = sb.attempt + 1;
    for (const old of sbs.slice(0, -1)) s.gcSandboxes[old.id] = true;
  }
  for (const c of s.runtimeCache.containers
    .filter((x) => x.podUid === uid)
    .sort((a, b) => a.attempt - b.attempt)) {
    const list = w.containers[c.name] ?? [];
    list.push(recordOf(c));
    w.containers[c.name] = list.slice(-2);
  }
  for (const [name, list] of Object.entries(w.containers)) {
    const r = list[list.length - 1]!;
    if (r.state === "CONTAINER_RUNNING") {
      const spec = findSpec(s, w, name);
      if (spec) startProbes(ctx, s, w, spec.c, r);
    }
  }
  return w;
}

/**
 * The parts of a pod whose change makes the kubelet sync it (pod config's podsDifferSemantically
 * ignores status: the kubelet's own status updates must not wake the pod worker).
 */
export function podSpecKey(pod: KubeObject): number {
  const m = pod.metadata;
  return hashText(
    JSON.stringify([
      pod.spec,
      m.deletionTimestamp ?? null,
      m.deletionGracePeriodSeconds ?? null,
      m.labels ?? null,
      m.annotations ?? null,
    ]),
  );
}

function parseTimestampMs(t: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(t);
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi, sec] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const days = era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
  return days * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000;
}

/** The kubelet's record of a runtime container. */
export function recordOf(c: CriContainerStatus): ContainerRecord {
  return {
    id: c.id,
    attempt: c.attempt,
    state: c.state,
    createdAt: c.createdAt,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    exitCode: c.exitCode,
    reason: c.reason,
    message: c.message,
    image: c.image,
    imageRef: c.imageRef,
  };
}

/** Update (or add) a container record from a runtime status. */
export function updateRecord(w: PodWorker, c: CriContainerStatus): ContainerRecord {
  const list = w.containers[c.name] ?? [];
  const i = list.findIndex((r) => r.id === c.id);
  const rec = recordOf(c);
  if (i >= 0) list[i] = rec;
  else list.push(rec);
  w.containers[c.name] = list;
  return rec;
}

// ---- the sync loop ---------------------------------------------------------------------------

/** Sync a pod: take its next step (one CRI operation at a time, except parallel kills). */
export function syncPod(ctx: Context, s: KubeletState, w: PodWorker): void {
  if (!s.runtimeSynced) return;
  if (w.ops > 0 || w.starting) {
    w.pendingSync = w.ops > 0 || w.pendingSync;
    return;
  }
  w.pendingSync = false;
  if (w.terminating) {
    syncTerminating(ctx, s, w);
    markStatus(ctx, s, w);
    return;
  }
  if (w.terminalPhase) {
    if (w.sandbox?.ready) stopSandbox(ctx, s, w);
    markStatus(ctx, s, w);
    return;
  }
  if (!w.sandbox?.ready) {
    createSandbox(ctx, s, w);
    markStatus(ctx, s, w);
    return;
  }
  // Containers that failed a liveness or startup probe are killed, then started again at once.
  for (const [name, message] of Object.entries(w.killRequested)) {
    const r = latest(w, name);
    delete w.killRequested[name];
    if (r?.state !== "CONTAINER_RUNNING" || w.stopping[r.id]) continue;
    event(ctx, s, w, "Normal", "Killing", message, name);
    const spec = findSpec(s, w, name);
    const probeGrace = (spec?.c.livenessProbe as { terminationGracePeriodSeconds?: number } | undefined)
      ?.terminationGracePeriodSeconds;
    stopContainer(ctx, s, w, r, probeGrace ?? podOf(s, w).spec?.terminationGracePeriodSeconds ?? 30);
    w.restartNow[name] = true;
  }
  if (w.ops > 0) return;
  const { init, regular } = specOf(podOf(s, w));
  for (const c of init) {
    const r = latest(w, c.name);
    const sidecar = c.restartPolicy === "Always";
    if (!r) {
      startContainer(ctx, s, w, c, true);
      return;
    }
    if (r.state === "CONTAINER_RUNNING") {
      if (sidecar && w.started[c.name]) continue;
      markStatus(ctx, s, w);
      return;
    }
    if (r.state === "CONTAINER_CREATED") {
      startContainer(ctx, s, w, c, true);
      return;
    }
    if (!sidecar && r.exitCode === 0) continue;
    if (!shouldRestart(podOf(s, w), c, r.exitCode)) {
      // An init container failed and the pod does not restart: the pod has failed.
      w.terminalPhase = "Failed";
      stopSandbox(ctx, s, w);
      markStatus(ctx, s, w);
      return;
    }
    if (!restartContainer(ctx, s, w, c, r, true)) markStatus(ctx, s, w);
    return;
  }
  for (const c of regular) {
    const r = latest(w, c.name);
    if (!r || r.state === "CONTAINER_CREATED") {
      startContainer(ctx, s, w, c, false);
      return;
    }
    if (r.state === "CONTAINER_RUNNING") continue;
    if (!shouldRestart(podOf(s, w), c, r.exitCode)) continue;
    if (restartContainer(ctx, s, w, c, r, false)) return;
  }
  // Nothing left to start: a pod whose containers all ended for good is terminal.
  const policy = podOf(s, w).spec?.restartPolicy ?? "Always";
  if (policy !== "Always" && regular.length > 0) {
    const finals = regular.map((c) => latest(w, c.name));
    if (
      finals.every((r) => r && r.state === "CONTAINER_EXITED" && !shouldRestart(podOf(s, w), {}, r.exitCode))
    ) {
      w.terminalPhase = finals.every((r) => r!.exitCode === 0) ? "Succeeded" : "Failed";
      // Sidecars are stopped once the regular containers are done; then the sandbox goes.
      w.terminating = {
        graceSeconds: podOf(s, w).spec?.terminationGracePeriodSeconds ?? 30,
        since: ctx.now,
        reason: "terminal",
      };
      syncTerminating(ctx, s, w);
    }
  }
  markStatus(ctx, s, w);
}

function createSandbox(ctx: Context, s: KubeletState, w: PodWorker): void {
  if (w.sandbox && !w.sandbox.ready) {
    // The sandbox died (node rebooted, pause killed): kill the pod and create a new sandbox.
    event(ctx, s, w, "Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
    s.gcSandboxes[w.sandbox.id] = true;
    w.sandbox = null;
  }
  w.ops++;
  criCall(
    ctx,
    s,
    {
      verb: "RunPodSandbox",
      config: {
        name: w.name,
        namespace: w.namespace,
        uid: w.uid,
        attempt: w.sandboxAttempt,
        hostname: (podOf(s, w).spec?.hostname as string | undefined) ?? w.name,
        hostNetwork: podOf(s, w).spec?.hostNetwork === true,
      },
    },
    { op: "RunPodSandbox", uid: w.uid },
  );
}

function stopSandbox(ctx: Context, s: KubeletState, w: PodWorker): void {
  if (!w.sandbox?.ready) return;
  w.ops++;
  criCall(
    ctx,
    s,
    { verb: "StopPodSandbox", podSandboxId: w.sandbox.id },
    { op: "StopPodSandbox", uid: w.uid },
  );
}

/** Restart an exited container unless it is in back-off. Returns true when a start began. */
function restartContainer(
  ctx: Context,
  s: KubeletState,
  w: PodWorker,
  c: SpecContainer,
  r: ContainerRecord,
  init: boolean,
): boolean {
  const key = `${w.uid}/${c.name}`;
  if (w.restartNow[c.name]) {
    delete w.restartNow[c.name];
    startContainer(ctx, s, w, c, init);
    return true;
  }
  if (isInBackOffSince(s.crashBackoff, key, r.finishedAt, ctx.now)) {
    const b = s.crashBackoff[key]!.backoffMs;
    const podText = `${w.name}_${w.namespace}(${w.uid})`;
    w.waiting[c.name] = {
      reason: "CrashLoopBackOff",
      message: `back-off ${goDuration(b)} restarting failed container=${c.name} pod=${podText}`,
    };
    event(
      ctx,
      s,
      w,
      "Warning",
      "BackOff",
      `Back-off restarting failed container ${c.name} in pod ${podText}`,
      c.name,
    );
    // The pod worker retries after its own back-off (10–15 s) or when the container's ends.
    scheduleResync(
      ctx,
      w,
      Math.min(r.finishedAt + b, ctx.now + WORKER_BACKOFF_MS + ctx.randomInt(WORKER_BACKOFF_MS / 2)),
    );
    return false;
  }
  nextBackoff(s.crashBackoff, key, r.finishedAt, ctx.now);
  startContainer(ctx, s, w, c, init);
  return true;
}

// ---- starting a container: image, create, start -------------------------------------------

function startContainer(ctx: Context, s: KubeletState, w: PodWorker, c: SpecContainer, init: boolean): void {
  w.starting = {
    container: c.name,
    init,
    step: "image-status",
    pullRequestedAt: 0,
    pullStartedAt: 0,
    containerId: "",
  };
  const ref = parseImageReference(c.image);
  if (isReferenceError(ref)) {
    const message = `Failed to apply default image tag "${c.image}": couldn't parse image name "${c.image}": ${ref.error}`;
    event(ctx, s, w, "Warning", "InspectFailed", message, c.name);
    failStart(ctx, s, w, c.name, "InvalidImageName", message);
    return;
  }
  const policy = c.imagePullPolicy ?? defaultPullPolicy(c.image);
  if (policy === "Always") {
    queuePull(ctx, s, w, c);
    return;
  }
  w.ops++;
  criCall(
    ctx,
    s,
    { verb: "ImageStatus", image: c.image },
    { op: "ImageStatus", uid: w.uid, container: c.name, data: { policy } },
  );
}

function failStart(
  ctx: Context,
  s: KubeletState,
  w: PodWorker,
  name: string,
  reason: string,
  message: string,
): void {
  w.waiting[name] = { reason, message };
  event(
    ctx,
    s,
    w,
    "Warning",
    "Failed",
    `Error: ${reason === "CreateContainerError" || reason === "RunContainerError" ? message : reason}`,
    name,
  );
  w.starting = null;
  errorResync(ctx, w);
  markStatus(ctx, s, w);
}

function queuePull(ctx: Context, s: KubeletState, w: PodWorker, c: SpecContainer): void {
  const key = `${w.uid}_${c.image}`;
  if (isInBackOffSinceUpdate(s.imageBackoff, key, ctx.now)) {
    const msg = `Back-off pulling image "${c.image}"`;
    event(ctx, s, w, "Normal", "BackOff", msg, c.name);
    w.waiting[c.name] = { reason: "ImagePullBackOff", message: msg };
    event(ctx, s, w, "Warning", "Failed", "Error: ImagePullBackOff", c.name);
    w.starting = null;
    const e = s.imageBackoff[key]!;
    scheduleResync(
      ctx,
      w,
      Math.min(
        e.lastUpdate + e.backoffMs,
        ctx.now + WORKER_BACKOFF_MS + ctx.randomInt(WORKER_BACKOFF_MS / 2),
      ),
    );
    markStatus(ctx, s, w);
    return;
  }
  event(ctx, s, w, "Normal", "Pulling", `Pulling image "${c.image}"`, c.name);
  w.starting!.step = "queued";
  w.starting!.pullRequestedAt = ctx.now;
  s.pullQueue.push({ uid: w.uid, container: c.name });
  pumpPulls(ctx, s);
}

/** Start the next queued pull (`serializeImagePulls`: one at a time per node). */
export function pumpPulls(ctx: Context, s: KubeletState): void {
  while (s.pullQueue.length > 0 && (!s.pullActive || !s.cfg.settings.serializeImagePulls)) {
    const next = s.pullQueue.shift()!;
    const w = s.workers[next.uid];
    if (!w || w.starting?.container !== next.container || w.starting.step !== "queued") continue;
    const spec = findSpec(s, w, next.container);
    if (!spec) continue;
    s.pullActive = next;
    w.starting.step = "pulling";
    w.starting.pullStartedAt = ctx.now;
    w.ops++;
    criCall(
      ctx,
      s,
      { verb: "PullImage", image: spec.c.image },
      { op: "PullImage", uid: w.uid, container: next.container },
    );
  }
}

function resolveEnv(s: KubeletState, w: PodWorker, c: SpecContainer): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    if (e.value !== undefined)
      env[e.name] = e.value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n) => env[n] ?? m);
    else if (e.valueFrom?.fieldRef) {
      const f = e.valueFrom.fieldRef.fieldPath;
      const v =
        f === "metadata.name"
          ? w.name
          : f === "metadata.namespace"
            ? w.namespace
            : f === "status.podIP"
              ? (w.sandbox?.ip ?? "")
              : f === "spec.nodeName"
                ? (podOf(s, w).spec?.nodeName ?? "")
                : f === "metadata.uid"
                  ? w.uid
                  : undefined;
      if (v !== undefined) env[e.name] = v;
    }
  }
  return env;
}

function expandVars(args: string[] | undefined, env: Record<string, string>): string[] {
  // $(VAR) references in command/args are expanded by the kubelet; $$ escapes.
  return (args ?? []).map((a) =>
    a.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, n) => (m === "$$" ? "$" : (env[n] ?? m))),
  );
}

function createStep(ctx: Context, s: KubeletState, w: PodWorker, c: SpecContainer): void {
  w.starting!.step = "create";
  const prev = latest(w, c.name);
  const env = resolveEnv(s, w, c);
  const mem = c.resources?.limits?.memory;
  const cpu = c.resources?.limits?.cpu;
  w.ops++;
  criCall(
    ctx,
    s,
    {
      verb: "CreateContainer",
      podSandboxId: w.sandbox!.id,
      config: {
        name: c.name,
        attempt: prev ? prev.attempt + 1 : 0,
        image: c.image,
        command: expandVars(c.command, env),
        args: expandVars(c.args, env),
        env,
        stdin: c.stdin === true,
        memoryLimitBytes: mem ? Math.round(parseMilliValue(mem) / 1000) : 0,
        cpuLimitMilli: cpu ? parseMilliValue(cpu) : 0,
        podName: w.name,
        podNamespace: w.namespace,
        podUid: w.uid,
      },
    },
    { op: "CreateContainer", uid: w.uid, container: c.name },
  );
}

function stopContainer(
  ctx: Context,
  s: KubeletState,
  w: PodWorker,
  r: ContainerRecord,
  graceSeconds: number,
): void {
  w.stopping[r.id] = true;
  w.ops++;
  criCall(
    ctx,
    s,
    { verb: "StopContainer", containerId: r.id, timeout: Math.max(MIN_GRACE_S, graceSeconds) },
    { op: "StopContainer", uid: w.uid, data: { id: r.id } },
  );
}

// ---- termination -----------------------------------------------------------------------------

/** Begin terminating a pod (deleted, or its node shutting down). */
export function startTerminating(
  ctx: Context,
  s: KubeletState,
  w: PodWorker,
  graceSeconds: number,
  reason: "deleted" | "shutdown",
): void {
  if (w.terminating && w.terminating.reason !== "terminal") {
    // A shorter grace period (kubectl delete --grace-period / --force) takes over.
    if (graceSeconds < w.terminating.graceSeconds) w.terminating.graceSeconds = graceSeconds;
    return;
  }
  w.terminating = { graceSeconds, since: ctx.now, reason };
  // A queued pull or a pending start is abandoned.
  if (w.starting && w.ops === 0) w.starting = null;
  s.pullQueue = s.pullQueue.filter((q) => q.uid !== w.uid);
  if (w.resyncTimer >= 0) {
    ctx.cancelTimer(w.resyncTimer);
    w.resyncTimer = -1;
  }
}

function preStopSeconds(c: SpecContainer | undefined): number {
  const hook = c?.lifecycle?.preStop;
  if (!hook) return 0;
  if (hook.sleep) return hook.sleep.seconds;
  const cmd = (hook.exec?.command ?? []).join(" ");
  const m = /sleep\s+(\d+)/.exec(cmd);
  return m ? Number(m[1]) : 0;
}

function syncTerminating(ctx: Context, s: KubeletState, w: PodWorker): void {
  const t = w.terminating!;
  const remaining = Math.max(0, t.graceSeconds - Math.floor((ctx.now - t.since) / 1000));
  const { init, regular } = specOf(podOf(s, w));
  // Regular containers first, then sidecars (restartable init containers), as 1.29+ orders them.
  const order = [...regular, ...init.filter((c) => c.restartPolicy === "Always")];
  let stoppingAny = false;
  for (const c of order) {
    const r = latest(w, c.name);
    if (r?.state !== "CONTAINER_RUNNING") continue;
    if (w.stopping[r.id]) {
      stoppingAny = true;
      continue;
    }
    if (
      t.reason === "terminal" &&
      init.includes(c) &&
      regular.some((x) => latest(w, x.name)?.state === "CONTAINER_RUNNING")
    )
      continue;
    event(ctx, s, w, "Normal", "Killing", `Stopping container ${c.name}`, c.name);
    stoppingAny = true;
    const hook = Math.min(preStopSeconds(c), remaining);
    if (hook > 0) {
      // The preStop hook runs first; the stop signal follows with what is left of the grace period.
      w.stopping[r.id] = true;
      ctx.setTimer(hook * 1000, {
        name: "prestop-done",
        uid: w.uid,
        id: r.id,
        grace: remaining - hook,
      } as Timer);
      w.ops++;
      continue;
    }
    stopContainer(ctx, s, w, r, remaining);
  }
  if (stoppingAny || w.ops > 0) return;
  // Init containers still running (non-restartable) are stopped too.
  for (const c of init) {
    const r = latest(w, c.name);
    if (r && r.state === "CONTAINER_RUNNING" && !w.stopping[r.id]) stopContainer(ctx, s, w, r, remaining);
  }
  if (w.ops > 0) return;
  if (w.sandbox?.ready) {
    stopSandbox(ctx, s, w);
    return;
  }
  if (!allContainersStopped(w)) return;
  w.stopped = true;
  stopProbes(ctx, s, w);
  if (w.deletedFromApi) {
    removeWorker(ctx, s, w);
    return;
  }
  if (t.reason === "deleted" && !w.terminalPhase) {
    // Deleted pods end in a terminal phase from their containers' exit codes (1.27+).
    const codes = regular.map((c) => latest(w, c.name)?.exitCode ?? 0);
    w.terminalPhase = codes.every((x) => x === 0) ? "Succeeded" : "Failed";
  }
}

/** Called when a prestop hook's time is up: send the stop signal. */
export function onPreStopDone(ctx: Context, s: KubeletState, uid: string, id: string, grace: number): void {
  const w = s.workers[uid];
  if (!w) return;
  w.ops--;
  const rec = Object.values(w.containers)
    .flat()
    .find((r) => r.id === id);
  if (rec && rec.state === "CONTAINER_RUNNING") {
    delete w.stopping[id];
    stopContainer(ctx, s, w, rec, grace);
  } else finishOp(ctx, s, w);
}

/** Forget a pod: its sandbox and containers are removed at the next housekeeping. */
export function removeWorker(ctx: Context, s: KubeletState, w: PodWorker): void {
  stopProbes(ctx, s, w);
  if (w.resyncTimer >= 0) ctx.cancelTimer(w.resyncTimer);
  if (w.sandbox) s.gcSandboxes[w.sandbox.id] = true;
  delete s.workers[w.uid];
  if (s.byName[`${w.namespace}/${w.name}`] === w.uid) delete s.byName[`${w.namespace}/${w.name}`];
  delete s.dirtyPods[w.uid];
  for (const k of Object.keys(s.crashBackoff)) if (k.startsWith(`${w.uid}/`)) delete s.crashBackoff[k];
}

// ---- CRI answers -------------------------------------------------------------------------

function finishOp(ctx: Context, s: KubeletState, w: PodWorker): void {
  if (w.holdSync) {
    // The sync ended with an error: the pod worker retries after its back-off.
    w.holdSync = false;
    w.pendingSync = false;
    return;
  }
  if (w.ops === 0 && (w.pendingSync || !w.starting)) syncPod(ctx, s, w);
}

/** Handle the answer to one of a pod's CRI calls. */
export function onPodCriResponse(
  ctx: Context,
  s: KubeletState,
  w: PodWorker,
  op: string,
  container: string | undefined,
  data: Record<string, string | number | boolean> | undefined,
  res: CriResponse,
): void {
  w.ops = Math.max(0, w.ops - 1);
  const spec = container ? findSpec(s, w, container) : null;
  switch (op) {
    case "RunPodSandbox":
      if (res.error) {
        event(
          ctx,
          s,
          w,
          "Warning",
          "FailedCreatePodSandBox",
          `Failed to create pod sandbox: ${rpcError(res.error)}`,
        );
        errorResync(ctx, w);
        markStatus(ctx, s, w);
        return;
      }
      w.sandbox = {
        id: res.podSandboxId!,
        ip: podOf(s, w).spec?.hostNetwork ? s.cfg.nodeIP : res.ip!,
        attempt: w.sandboxAttempt,
        ready: true,
      };
      w.sandboxAttempt++;
      // The PLEG's next relist (every 1 s) sees the new sandbox and syncs the pod again.
      scheduleResync(ctx, w, ctx.now + 1000);
      // The containers of a previous sandbox cannot be reused: they all restart in the new one.
      for (const list of Object.values(w.containers)) {
        const r = list[list.length - 1];
        if (r && r.state !== "CONTAINER_EXITED") r.state = "CONTAINER_EXITED";
      }
      markStatus(ctx, s, w);
      break;
    case "StopPodSandbox":
      if (w.sandbox) w.sandbox.ready = false;
      for (const list of Object.values(w.containers)) {
        const r = list[list.length - 1];
        if (r && r.state === "CONTAINER_RUNNING") r.state = "CONTAINER_EXITED";
      }
      markStatus(ctx, s, w);
      break;
    case "StopContainer":
      delete w.stopping[data!.id as string];
      break;
    case "ImageStatus": {
      if (!spec || !w.starting || w.terminating) {
        w.starting = null;
        break;
      }
      if (res.image) {
        event(
          ctx,
          s,
          w,
          "Normal",
          "Pulled",
          `Container image "${spec.c.image}" already present on machine`,
          spec.c.name,
        );
        createStep(ctx, s, w, spec.c);
        return;
      }
      if (data?.policy === "Never") {
        const msg = `Container image "${spec.c.image}" is not present with pull policy of Never`;
        event(ctx, s, w, "Warning", "ErrImageNeverPull", msg, spec.c.name);
        failStart(ctx, s, w, spec.c.name, "ErrImageNeverPull", msg);
        return;
      }
      queuePull(ctx, s, w, spec.c);
      return;
    }
    case "PullImage": {
      s.pullActive = null;
      pumpPulls(ctx, s);
      if (!spec || !w.starting || w.terminating) {
        w.starting = null;
        break;
      }
      const image = spec.c.image;
      if (res.error) {
        const err = rpcError(res.error);
        event(ctx, s, w, "Warning", "Failed", `Failed to pull image "${image}": ${err}`, spec.c.name);
        nextBackoff(s.imageBackoff, `${w.uid}_${image}`, ctx.now, ctx.now);
        failStart(ctx, s, w, spec.c.name, "ErrImagePull", err);
        return;
      }
      const st = w.starting;
      event(
        ctx,
        s,
        w,
        "Normal",
        "Pulled",
        `Successfully pulled image "${image}" in ${goDuration(ctx.now - st.pullStartedAt)} (${goDuration(ctx.now - st.pullRequestedAt)} including waiting). Image size: ${res.sizeBytes} bytes.`,
        spec.c.name,
      );
      if (
        res.image &&
        !s.images.some((i) => i.id === res.image!.id && i.repoTags[0] === res.image!.repoTags[0])
      ) {
        s.images.push(res.image);
      }
      delete s.imageBackoff[`${w.uid}_${image}`];
      createStep(ctx, s, w, spec.c);
      return;
    }
    case "CreateContainer": {
      if (!spec || !w.starting || w.terminating) {
        w.starting = null;
        break;
      }
      if (res.error) {
        failStart(ctx, s, w, spec.c.name, "CreateContainerError", res.error.message);
        return;
      }
      event(ctx, s, w, "Normal", "Created", `Created container ${spec.c.name}`, spec.c.name);
      w.starting.step = "start";
      w.starting.containerId = res.containerId!;
      w.ops++;
      criCall(
        ctx,
        s,
        { verb: "StartContainer", containerId: res.containerId! },
        { op: "StartContainer", uid: w.uid, container: spec.c.name },
      );
      return;
    }
    case "StartContainer": {
      const st = w.starting;
      w.starting = null;
      if (!spec) break;
      if (res.status) updateRecord(w, res.status);
      gcDeadContainers(ctx, s, w, spec.c.name);
      if (res.error) {
        failStart(ctx, s, w, spec.c.name, "RunContainerError", res.error.message);
        return;
      }
      void st;
      delete w.waiting[spec.c.name];
      event(ctx, s, w, "Normal", "Started", `Started container ${spec.c.name}`, spec.c.name);
      w.started[spec.c.name] = !spec.c.startupProbe;
      w.ready[spec.c.name] = !spec.c.readinessProbe && !spec.c.startupProbe;
      if (res.status?.state === "CONTAINER_RUNNING") startProbes(ctx, s, w, spec.c, latest(w, spec.c.name)!);
      markStatus(ctx, s, w);
      break;
    }
    default:
      break;
  }
  finishOp(ctx, s, w);
}

/** The kubelet keeps one dead container per pod container (`MaxPerPodContainer` 1): remove older ones. */
function gcDeadContainers(ctx: Context, s: KubeletState, w: PodWorker, name: string): void {
  const list = w.containers[name] ?? [];
  while (list.length > 2) {
    const old = list.shift()!;
    criCall(ctx, s, { verb: "RemoveContainer", containerId: old.id }, { op: "RemoveContainer" });
  }
}

/** A container state change reported by the runtime (its exit). */
export function onContainerEvent(ctx: Context, s: KubeletState, status: CriContainerStatus): void {
  const w = s.workers[status.podUid];
  if (!w) return;
  const r = updateRecord(w, status);
  if (r.state === "CONTAINER_EXITED") {
    delete w.ready[status.name];
    delete w.started[status.name];
    stopProbes(ctx, s, w, status.name);
  }
  markStatus(ctx, s, w);
  if (w.ops === 0) syncPod(ctx, s, w);
  else w.pendingSync = true;
}

// ---- the status manager ----------------------------------------------------------------------

/** Post the statuses of pods that changed (merge patch of `pods/status`), and finish deletions. */
export function flushStatuses(ctx: Context, s: KubeletState): void {
  s.statusFlushTimer = -1;
  const uids = Object.keys(s.dirtyPods);
  s.dirtyPods = {};
  for (const uid of uids) {
    const w = s.workers[uid];
    if (!w || w.deletedFromApi) continue;
    if (w.static && !w.mirrorUid) continue;
    if (w.statusInflight) {
      w.statusDirty = true;
      continue;
    }
    const status = generatePodStatus(ctx, s, w);
    const fp = hashText(JSON.stringify(status));
    if (fp === w.statusSent) {
      maybeDelete(ctx, s, w);
      continue;
    }
    w.statusInflight = true;
    apiRequest(
      ctx,
      s.client,
      {
        method: "PATCH",
        path: `/api/v1/namespaces/${w.namespace}/pods/${w.name}/status`,
        contentType: "application/merge-patch+json",
        body: { status },
      },
      "pod-status",
      { uid, fp },
      { timeoutMs: 10_000 },
    );
  }
}

/** A 53-bit FNV-1a style hash of a text (the last status sent is remembered by its hash, not its text). */
export function hashText(text: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}

/** The answer to a status PATCH. */
export function onPodStatusResponse(
  ctx: Context,
  s: KubeletState,
  uid: string,
  fp: number,
  code: number,
): void {
  const w = s.workers[uid];
  if (!w) return;
  w.statusInflight = false;
  if (code === 200) w.statusSent = fp;
  if (code === 404 && !w.static) {
    // Gone from the API: the informer will say so.
    return;
  }
  if (w.statusDirty || code !== 200) {
    w.statusDirty = false;
    if (code !== 200) ctx.setTimer(1000, { name: "status-retry", uid } as Timer);
    else markStatus(ctx, s, w);
    return;
  }
  maybeDelete(ctx, s, w);
}

/** status manager canBeDeleted: a terminated pod with a deletionTimestamp is removed from the API. */
function maybeDelete(ctx: Context, s: KubeletState, w: PodWorker): void {
  if (
    w.static ||
    w.apiDeleteSent ||
    !w.stopped ||
    !podOf(s, w).metadata.deletionTimestamp ||
    w.deletedFromApi
  )
    return;
  w.apiDeleteSent = true;
  apiRequest(
    ctx,
    s.client,
    {
      method: "DELETE",
      path: `/api/v1/namespaces/${w.namespace}/pods/${w.name}`,
      body: {
        apiVersion: "v1",
        kind: "DeleteOptions",
        gracePeriodSeconds: 0,
        preconditions: { uid: podOf(s, w).metadata.uid },
      },
    },
    "pod-delete",
    { uid: w.uid },
    { timeoutMs: 10_000 },
  );
}

/** The answer to the final DELETE (retried on failure). */
export function onPodDeleteResponse(ctx: Context, s: KubeletState, uid: string, code: number): void {
  const w = s.workers[uid];
  if (!w) return;
  if (code !== 200 && code !== 404 && code !== 409) {
    w.apiDeleteSent = false;
    ctx.setTimer(1000, { name: "status-retry", uid } as Timer);
  }
}
