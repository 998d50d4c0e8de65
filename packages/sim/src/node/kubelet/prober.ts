/**
 * The kubelet's prober (pkg/kubelet/prober): one worker per container and probe type, ticking
 * every `periodSeconds` from `initialDelaySeconds` after the container started. Exec probes are
 * CRI `ExecSync` calls; HTTP and TCP probes connect to the pod IP (the runtime hosting the pod's
 * network namespace answers). `failureThreshold` consecutive failures flip readiness to false, or
 * get the container killed and restarted (liveness, startup); each failure is a Warning
 * `Unhealthy` event (`Liveness probe failed: HTTP probe failed with statuscode: 500`). Only
 * containers that have probes get timers.
 */
import type { Context, Timer } from "../../core/component";
import type { CriResponse, NetResponse } from "../runtime/cri";
import { criCall } from "./cri-client";
import { recordEvent } from "./events";
import type { ContainerRecord, KubeletState, PodWorker, ProbeWorker } from "./state";

/** A probe as the pod spec writes it (after API defaulting). */
interface Probe {
  exec?: { command?: string[] };
  httpGet?: { path?: string; port: number | string; host?: string; scheme?: string };
  tcpSocket?: { port: number | string; host?: string };
  grpc?: { port: number };
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

interface ProbedContainer {
  name: string;
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  startupProbe?: unknown;
}

const TYPES = ["startup", "liveness", "readiness"] as const;
const TITLE: Record<ProbeWorker["type"], string> = {
  startup: "Startup",
  liveness: "Liveness",
  readiness: "Readiness",
};

function probeOf(c: ProbedContainer, type: ProbeWorker["type"]): Probe | undefined {
  return (type === "startup" ? c.startupProbe : type === "liveness" ? c.livenessProbe : c.readinessProbe) as
    | Probe
    | undefined;
}

function keyOf(w: PodWorker, container: string, type: string): string {
  return `${w.uid}/${container}/${type}`;
}

/** Start the probe workers of a container that just started. */
export function startProbes(
  ctx: Context,
  s: KubeletState,
  w: PodWorker,
  c: ProbedContainer,
  r: ContainerRecord,
): void {
  stopProbes(ctx, s, w, c.name);
  for (const type of TYPES) {
    const p = probeOf(c, type);
    if (!p) continue;
    const key = `${c.name}/${type}`;
    // The first probe runs after initialDelaySeconds, counted from the container's start.
    const first = Math.max(0, r.startedAt + (p.initialDelaySeconds ?? 0) * 1000 - ctx.now);
    w.probes[key] = {
      type,
      container: c.name,
      containerId: r.id,
      timer: ctx.setTimer(first, { name: "probe", key: keyOf(w, c.name, type) } as Timer),
      inflight: 0,
      successes: 0,
      failures: 0,
      result: type === "readiness" ? "failure" : type === "liveness" ? "success" : null,
    };
  }
}

/** Stop the probe workers of a container (or of the whole pod). */
export function stopProbes(ctx: Context, s: KubeletState, w: PodWorker, container?: string): void {
  for (const [k, pw] of Object.entries(w.probes)) {
    if (container !== undefined && pw.container !== container) continue;
    ctx.cancelTimer(pw.timer);
    if (pw.inflight) delete s.probeCalls[pw.inflight];
    delete w.probes[k];
  }
}

function resolvePort(c: ProbedContainer, port: number | string): number {
  if (typeof port === "number") return port;
  const named = (c.ports ?? []).find((p) => p.name === port);
  return named ? named.containerPort : Number(port) || 0;
}

function findContainer(w: PodWorker, name: string): ProbedContainer | undefined {
  return [...(w.pod.spec?.initContainers ?? []), ...(w.pod.spec?.containers ?? [])].find(
    (c: ProbedContainer) => c.name === name,
  );
}

/** A probe tick: run the probe (unless held back) and schedule the next one. */
export function onProbeTimer(ctx: Context, s: KubeletState, fullKey: string): void {
  const [uid, container, type] = fullKey.split("/") as [string, string, ProbeWorker["type"]];
  const w = s.workers[uid];
  const pw = w?.probes[`${container}/${type}`];
  if (!w || !pw) return;
  const c = findContainer(w, container);
  const p = c ? probeOf(c, type) : undefined;
  if (!c || !p) return;
  pw.timer = ctx.setTimer((p.periodSeconds ?? 10) * 1000, { name: "probe", key: fullKey } as Timer);
  // Liveness and readiness wait for the startup probe; nothing is probed while terminating.
  if (pw.inflight || w.terminating) return;
  if (type !== "startup" && w.probes[`${container}/startup`] && !w.started[container]) return;
  if (type !== "readiness" && pw.result === "failure") return; // on hold until the container restarts
  const timeout = p.timeoutSeconds ?? 1;
  if (p.exec) {
    pw.inflight = criCall(
      ctx,
      s,
      { verb: "ExecSync", containerId: pw.containerId, cmd: p.exec.command ?? [], timeout },
      { op: "probe", data: { key: fullKey } },
    );
  } else if (p.httpGet || p.tcpSocket || p.grpc) {
    const ip = p.httpGet?.host ?? p.tcpSocket?.host ?? w.sandbox?.ip ?? "";
    const port = p.httpGet
      ? resolvePort(c, p.httpGet.port)
      : p.tcpSocket
        ? resolvePort(c, p.tcpSocket.port)
        : (p.grpc?.port ?? 0);
    const requestId = 1_000_000_000 + s.nextNetId++;
    pw.inflight = requestId;
    // The kubelet's connections reach pods from the node's bridge address (the pod CIDR's gateway).
    const clientIP = ip.replace(/\.\d+$/, ".1");
    if (p.httpGet) {
      ctx.send(s.cfg.runtime, {
        verb: "HTTP-GET",
        requestId,
        ip,
        port,
        path: p.httpGet.path ?? "/",
        clientIP,
        userAgent: `kube-probe/${s.cfg.kubeletVersion.replace(/^v(\d+\.\d+).*$/, "$1")}`,
        object: `Pod/${w.namespace}/${w.name}`,
        detail: `${type} probe`,
      } as never);
    } else {
      ctx.send(s.cfg.runtime, {
        verb: "TCP-CONNECT",
        requestId,
        ip,
        port,
        object: `Pod/${w.namespace}/${w.name}`,
        detail: `${type} probe`,
      } as never);
    }
  }
  s.probeCalls[pw.inflight] = fullKey;
  // A probe with no answer within its timeout fails (the runtime being down, a partition).
  ctx.setTimer(timeout * 1000 + 5, { name: "probe-timeout", key: fullKey, requestId: pw.inflight } as Timer);
}

/** The timeout of a probe that got no answer. */
export function onProbeTimeout(ctx: Context, s: KubeletState, key: string, requestId: number): void {
  if (s.probeCalls[requestId] !== key) return;
  delete s.probeCalls[requestId];
  const [uid, container, type] = key.split("/") as [string, string, ProbeWorker["type"]];
  const w = s.workers[uid];
  const pw = w?.probes[`${container}/${type}`];
  if (!w || !pw || pw.inflight !== requestId) return;
  pw.inflight = 0;
  const c = findContainer(w, container)!;
  const p = probeOf(c, type)!;
  const what = p.httpGet
    ? `Get "http://${w.sandbox?.ip}:${resolvePort(c, p.httpGet.port)}${p.httpGet.path ?? "/"}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`
    : p.exec
      ? `command "${(p.exec.command ?? []).join(" ")}" timed out`
      : `dial tcp ${w.sandbox?.ip}:${resolvePort(c, p.tcpSocket?.port ?? 0)}: i/o timeout`;
  applyResult(ctx, s, w, pw, false, what);
}

/** The answer to an exec probe (CRI ExecSync). */
export function onExecProbeResponse(ctx: Context, s: KubeletState, key: string, res: CriResponse): void {
  delete s.probeCalls[res.requestId];
  const [uid, container, type] = key.split("/") as [string, string, ProbeWorker["type"]];
  const w = s.workers[uid];
  const pw = w?.probes[`${container}/${type}`];
  if (!w || !pw || pw.inflight !== res.requestId) return;
  pw.inflight = 0;
  if (res.error) {
    if (res.error.code === "DeadlineExceeded") {
      applyResult(
        ctx,
        s,
        w,
        pw,
        false,
        res.error.message.replace(/^command '(.*)' timed out$/, 'command "$1" timed out'),
      );
      return;
    }
    // A prober error is reported but not counted (prober worker: the result is thrown away).
    recordEvent(
      ctx,
      s.recorder,
      s.client,
      probeRef(w, container),
      "Warning",
      "Unhealthy",
      `${TITLE[type]} probe errored: rpc error: code = ${res.error.code} desc = ${res.error.message}`,
    );
    return;
  }
  applyResult(ctx, s, w, pw, res.exitCode === 0, `${res.stdout ?? ""}${res.stderr ?? ""}`);
}

/** The answer to an HTTP or TCP probe. */
export function onNetProbeResponse(ctx: Context, s: KubeletState, key: string, res: NetResponse): void {
  delete s.probeCalls[res.requestId];
  const [uid, container, type] = key.split("/") as [string, string, ProbeWorker["type"]];
  const w = s.workers[uid];
  const pw = w?.probes[`${container}/${type}`];
  if (!w || !pw || pw.inflight !== res.requestId) return;
  pw.inflight = 0;
  if (res.error) {
    applyResult(ctx, s, w, pw, false, res.error);
    return;
  }
  const status = res.status ?? 0;
  // TCP answers carry status 0; HTTP: 200–399 is success (prober/http: >= 200 && < 400).
  const ok = status === 0 || (status >= 200 && status < 400);
  applyResult(ctx, s, w, pw, ok, ok ? "" : `HTTP probe failed with statuscode: ${status}`);
}

function probeRef(w: PodWorker, container: string) {
  const init = (w.pod.spec?.initContainers ?? []).some((c: { name: string }) => c.name === container);
  return {
    kind: "Pod",
    namespace: w.namespace,
    name: w.name,
    uid: w.uid,
    apiVersion: "v1",
    fieldPath: `spec.${init ? "initContainers" : "containers"}{${container}}`,
  };
}

function applyResult(
  ctx: Context,
  s: KubeletState,
  w: PodWorker,
  pw: ProbeWorker,
  ok: boolean,
  message: string,
): void {
  const c = findContainer(w, pw.container)!;
  const p = probeOf(c, pw.type)!;
  if (ok) {
    pw.successes++;
    pw.failures = 0;
    const threshold = pw.type === "readiness" ? (p.successThreshold ?? 1) : 1;
    if (pw.result !== "success" && pw.successes >= threshold) setResult(ctx, s, w, pw, "success");
    return;
  }
  pw.failures++;
  pw.successes = 0;
  recordEvent(
    ctx,
    s.recorder,
    s.client,
    probeRef(w, pw.container),
    "Warning",
    "Unhealthy",
    `${TITLE[pw.type]} probe failed: ${message}`,
  );
  if (pw.result !== "failure" && pw.failures >= (p.failureThreshold ?? 3))
    setResult(ctx, s, w, pw, "failure");
  else if (pw.type === "startup" && pw.result === null && pw.failures >= (p.failureThreshold ?? 3))
    setResult(ctx, s, w, pw, "failure");
}

function setResult(
  ctx: Context,
  s: KubeletState,
  w: PodWorker,
  pw: ProbeWorker,
  result: "success" | "failure",
): void {
  pw.result = result;
  const name = pw.container;
  const hasReadiness = !!w.probes[`${name}/readiness`];
  switch (pw.type) {
    case "readiness":
      w.ready[name] = result === "success" && w.started[name] === true;
      break;
    case "startup":
      if (result === "success") {
        w.started[name] = true;
        if (!hasReadiness) w.ready[name] = true;
      } else {
        w.killRequested[name] = `Container ${name} failed startup probe, will be restarted`;
      }
      break;
    case "liveness":
      if (result === "failure")
        w.killRequested[name] = `Container ${name} failed liveness probe, will be restarted`;
      break;
  }
  s.dirtyPods[w.uid] = true;
  if (s.statusFlushTimer < 0) s.statusFlushTimer = ctx.setTimer(5, { name: "status-flush" });
  if (w.killRequested[name] || pw.type === "startup")
    ctx.setTimer(0, { name: "pod-resync", uid: w.uid } as Timer);
}
