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
import type { CriResponse, HttpGet, NetResponse, TcpConnect } from "../runtime/cri";
import { criCall } from "./cri-client";
import { recordEvent } from "./events";
import { markStatus } from "./pod-sync";
import { type ContainerRecord, type KubeletState, type PodWorker, type ProbeWorker, podOf } from "./state";

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
      timer: ctx.setTimer(first, { name: "probe", uid: w.uid, probe: key } as Timer),
      inflight: 0,
      sentAt: 0,
      tag: `${w.uid}|${key}`,
      successes: 0,
      failures: 0,
      result: type === "readiness" ? "failure" : type === "liveness" ? "success" : null,
    };
  }
}

/** Stop the probe workers of a container (or of the whole pod). */
export function stopProbes(ctx: Context, _s: KubeletState, w: PodWorker, container?: string): void {
  for (const [k, pw] of Object.entries(w.probes)) {
    if (container !== undefined && pw.container !== container) continue;
    ctx.cancelTimer(pw.timer);
    delete w.probes[k];
  }
}

function resolvePort(c: ProbedContainer, port: number | string): number {
  if (typeof port === "number") return port;
  const named = (c.ports ?? []).find((p) => p.name === port);
  return named ? named.containerPort : Number(port) || 0;
}

function findContainer(s: KubeletState, w: PodWorker, name: string): ProbedContainer | undefined {
  for (const c of (podOf(s, w).spec?.containers ?? []) as ProbedContainer[]) if (c.name === name) return c;
  for (const c of (podOf(s, w).spec?.initContainers ?? []) as ProbedContainer[])
    if (c.name === name) return c;
  return undefined;
}

/** The kubelet reaches its own node's pods without a network hop. */
const SAME_NODE = Object.freeze({ latencyMs: 0 });

const USER_AGENTS: Record<string, string> = {};

/** `kube-probe/1.32`: the prober's User-Agent (major.minor of the kubelet). */
function userAgent(version: string): string {
  let ua = USER_AGENTS[version];
  if (!ua) {
    ua = `kube-probe/${version.replace(/^v(\d+\.\d+).*$/, "$1")}`;
    USER_AGENTS[version] = ua;
  }
  return ua;
}

function timeoutMessage(w: PodWorker, c: ProbedContainer, p: Probe): string {
  if (p.httpGet)
    return `Get "http://${p.httpGet.host ?? w.sandbox?.ip}:${resolvePort(c, p.httpGet.port)}${p.httpGet.path ?? "/"}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;
  if (p.exec) return `command "${(p.exec.command ?? []).join(" ")}" timed out`;
  return `dial tcp ${p.tcpSocket?.host ?? w.sandbox?.ip}:${resolvePort(c, p.tcpSocket?.port ?? 0)}: i/o timeout`;
}

/** A probe tick: run the probe (unless held back) and schedule the next one. */
export function onProbeTimer(ctx: Context, s: KubeletState, uid: string, key: string): void {
  const w = s.workers[uid];
  const pw = w?.probes[key];
  if (!w || !pw) return;
  const c = findContainer(s, w, pw.container);
  const p = c ? probeOf(c, pw.type) : undefined;
  if (!c || !p) return;
  const timeoutMs = (p.timeoutSeconds ?? 1) * 1000;
  pw.timer = ctx.setTimer((p.periodSeconds ?? 10) * 1000, { name: "probe", uid, probe: key } as Timer);
  if (pw.inflight) {
    // No answer within the probe's timeout (the pod unreachable, the runtime down): a failure.
    if (ctx.now - pw.sentAt < timeoutMs) return;
    pw.inflight = 0;
    applyResult(ctx, s, w, pw, false, timeoutMessage(w, c, p));
  }
  // Liveness and readiness wait for the startup probe; nothing is probed while terminating.
  if (w.terminating) return;
  if (pw.type !== "startup" && !w.started[pw.container] && w.probes[`${pw.container}/startup`]) return;
  if (pw.type !== "readiness" && pw.result === "failure") return; // on hold until the container restarts
  pw.sentAt = ctx.now;
  if (p.exec) {
    pw.inflight = criCall(
      ctx,
      s,
      {
        verb: "ExecSync",
        containerId: pw.containerId,
        cmd: p.exec.command ?? [],
        timeout: p.timeoutSeconds ?? 1,
      },
      { op: "probe", data: { uid, key } },
    );
    return;
  }
  if (!p.httpGet && !p.tcpSocket && !p.grpc) return;
  const ip = p.httpGet?.host ?? p.tcpSocket?.host ?? w.sandbox?.ip ?? "";
  const port = p.httpGet
    ? resolvePort(c, p.httpGet.port)
    : p.tcpSocket
      ? resolvePort(c, p.tcpSocket.port)
      : (p.grpc?.port ?? 0);
  const requestId = s.nextNetId++;
  pw.inflight = requestId;
  const tag = pw.tag;
  if (p.httpGet) {
    const req: HttpGet = {
      verb: "HTTP-GET",
      requestId,
      ip,
      port,
      path: p.httpGet.path ?? "/",
      // The kubelet's connections reach pods from the node's bridge address (the pod CIDR's gateway).
      clientIP: w.sandbox?.ip === ip ? `${ip.slice(0, ip.lastIndexOf("."))}.1` : s.cfg.nodeIP,
      userAgent: userAgent(s.cfg.kubeletVersion),
      tag,
    };
    ctx.send(s.cfg.runtime, req, SAME_NODE);
  } else {
    const req: TcpConnect = { verb: "TCP-CONNECT", requestId, ip, port, tag };
    ctx.send(s.cfg.runtime, req, SAME_NODE);
  }
}

function workerOf(
  s: KubeletState,
  uid: string,
  key: string,
  requestId: number,
): { w: PodWorker; pw: ProbeWorker } | null {
  const w = s.workers[uid];
  const pw = w?.probes[key];
  if (!w || !pw || pw.inflight !== requestId) return null;
  pw.inflight = 0;
  return { w, pw };
}

/** The answer to an exec probe (CRI ExecSync). */
export function onExecProbeResponse(
  ctx: Context,
  s: KubeletState,
  uid: string,
  key: string,
  res: CriResponse,
): void {
  const found = workerOf(s, uid, key, res.requestId);
  if (!found) return;
  const { w, pw } = found;
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
      probeRef(s, w, pw.container),
      "Warning",
      "Unhealthy",
      `${TITLE[pw.type]} probe errored: rpc error: code = ${res.error.code} desc = ${res.error.message}`,
    );
    return;
  }
  applyResult(ctx, s, w, pw, res.exitCode === 0, `${res.stdout ?? ""}${res.stderr ?? ""}`);
}

/** The answer to an HTTP or TCP probe (routed by the tag it echoes). */
export function onNetProbeResponse(ctx: Context, s: KubeletState, res: NetResponse): void {
  const tag = res.tag;
  if (!tag) return;
  const bar = tag.indexOf("|");
  const found = workerOf(s, tag.slice(0, bar), tag.slice(bar + 1), res.requestId);
  if (!found) return;
  const { w, pw } = found;
  if (res.error) {
    applyResult(ctx, s, w, pw, false, res.error);
    return;
  }
  const status = res.status ?? 0;
  // TCP answers carry status 0; HTTP: 200–399 is success (prober/http: >= 200 && < 400).
  const ok = status === 0 || (status >= 200 && status < 400);
  applyResult(ctx, s, w, pw, ok, ok ? "" : `HTTP probe failed with statuscode: ${status}`);
}

function probeRef(s: KubeletState, w: PodWorker, container: string) {
  const init = (podOf(s, w).spec?.initContainers ?? []).some((c: { name: string }) => c.name === container);
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
  const c = findContainer(s, w, pw.container)!;
  const p = probeOf(c, pw.type)!;
  if (ok) {
    pw.failures = 0;
    if (pw.result === "success") return;
    pw.successes++;
    const threshold = pw.type === "readiness" ? (p.successThreshold ?? 1) : 1;
    if (pw.successes >= threshold) setResult(ctx, s, w, pw, "success");
    return;
  }
  pw.failures++;
  pw.successes = 0;
  recordEvent(
    ctx,
    s.recorder,
    s.client,
    probeRef(s, w, pw.container),
    "Warning",
    "Unhealthy",
    `${TITLE[pw.type]} probe failed: ${message}`,
  );
  if (pw.result !== "failure" && pw.failures >= (p.failureThreshold ?? 3))
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
  markStatus(ctx, s, w);
  if (w.killRequested[name] || pw.type === "startup")
    ctx.setTimer(0, { name: "pod-resync", uid: w.uid } as Timer);
}
