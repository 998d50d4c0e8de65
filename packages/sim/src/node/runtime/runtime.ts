/**
 * A node's container runtime (containerd 1.7 or CRI-O 1.32) as a component: it serves the
 * kubelet's CRI calls with realistic latencies, pulls images from the registry into its store,
 * creates pod sandboxes (calling the CNI plugin for the pod IP), runs containers' processes
 * lazily in virtual time (one timer per container exit, none while they just run), pushes
 * container exits to the kubelet, enforces memory limits (OOMKilled, exit 137), stops containers
 * with the image's stop signal then SIGKILL after the timeout, keeps the containers' logs, and
 * answers HTTP/TCP connections to its pods' IPs (probes, traffic).
 */
import type { Context, Message, Timer } from "../../core/component";
import { defineBehavior } from "../../core/component";
import { allocateIp, releaseIp } from "../cni/ipam";
import { CNI_NETWORK_NAME, cniAddError } from "../cni/plugins";
import {
  isReferenceError,
  normalizedImageName,
  parseImageReference,
  repositoryName,
} from "../images/image-reference";
import type { ManifestRequest, ManifestResponse } from "../images/registry";
import { sha256Hex } from "../images/sha256";
import {
  advanceProcess,
  createProcess,
  forecastExit,
  killProcess,
  processRss,
  signalProcess,
} from "../process/interpreter";
import { formatLogTime } from "../process/log-time";
import { accessLogLine, httpResponse } from "../process/programs";
import type { LogLine, ProcessEnv } from "../process/types";
import type {
  ContainerEvent,
  CriContainerStatus,
  CriImage,
  CriRequest,
  CriResponse,
  CriSandboxStatus,
  HttpGet,
  NetResponse,
  TcpConnect,
} from "./cri";
import { countRequest } from "./metrics";
import { pullError } from "./pull-errors";
import type { Container, RuntimeState, Sandbox, StoredImage } from "./state";

/** The component kind of container runtimes. */
export const CONTAINER_RUNTIME_KIND = "container-runtime";

/** How far ahead a running process is looked at to find its exit (then looked at again). */
const FORECAST_HORIZON_MS = 6 * 3_600_000;
/** containerd gives up a registry dial after about 30 s (Go's net.Dialer default timeout). */
const DIAL_TIMEOUT_MS = 30_000;

// Latencies of CRI operations on a small node (containerd + runc + flannel), ms.
const LATENCY = {
  RunPodSandbox: 180,
  StopPodSandbox: 40,
  RemovePodSandbox: 15,
  CreateContainer: 35,
  StartContainer: 70,
  RemoveContainer: 10,
  StopContainer: 8,
  status: 2,
} as const;

function reply(ctx: Context, to: string, res: Omit<CriResponse, "verb">, latencyMs: number): void {
  ctx.send(to, { verb: "CRI-RESPONSE", ...res } as CriResponse, { latencyMs });
}

function newId(ctx: Context, s: RuntimeState, kind: string): string {
  return sha256Hex(`${s.cfg.node}/${kind}/${s.nextId++}/${ctx.randomInt(1 << 30)}`);
}

/** The image of a reference in the store (by tag or by digest). */
export function findImage(s: RuntimeState, image: string): StoredImage | null {
  const ref = parseImageReference(image);
  if (isReferenceError(ref)) return null;
  if (ref.digest) {
    const repo = repositoryName(ref);
    return Object.values(s.images).find((i) => i.repository === repo && i.digest === ref.digest) ?? null;
  }
  return s.images[normalizedImageName(ref)] ?? null;
}

function criImage(i: StoredImage): CriImage {
  return {
    id: i.id,
    repoTags: [`${i.repository}:${i.tag}`],
    repoDigests: [`${i.repository}@${i.digest}`],
    size: i.sizeBytes,
  };
}

/** The process environment of a container (derived each time; not state). */
export function processEnvOf(s: RuntimeState, c: Container): ProcessEnv {
  const sb = s.sandboxes[c.sandboxId];
  const img = s.images[c.imageName];
  return {
    epochMs: s.epochMs,
    hostname: sb?.hostname ?? c.config.podName,
    podIP: sb?.ip ?? "",
    vars: c.config.env,
    os: img?.os ?? "debian",
    binaries: img?.binaries ?? ["*"],
    repository: img?.repository ?? c.imageName,
    tag: img?.tag ?? "latest",
    stdin: c.config.stdin,
    nodeCpus: s.cfg.cpus,
    profile: img?.profile ?? { idleCpuMilli: 1, idleMemoryMiB: 10, cpuMilliPerRps: 1, memoryMiBPerRps: 0 },
    stopSignal: img?.stopSignal ?? "SIGTERM",
  };
}

/** The CRI status of a container. */
export function containerStatus(_s: RuntimeState, c: Container): CriContainerStatus {
  return {
    id: c.id,
    podSandboxId: c.sandboxId,
    name: c.config.name,
    attempt: c.config.attempt,
    state: c.state,
    createdAt: c.createdAt,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    exitCode: c.exitCode,
    image: c.imageName,
    imageRef: c.imageRef,
    reason: c.reason,
    message: c.message,
    podName: c.config.podName,
    podNamespace: c.config.podNamespace,
    podUid: c.config.podUid,
  };
}

function sandboxStatus(sb: Sandbox): CriSandboxStatus {
  return {
    id: sb.id,
    name: sb.name,
    namespace: sb.namespace,
    uid: sb.uid,
    attempt: sb.attempt,
    state: sb.state,
    createdAt: sb.createdAt,
    ip: sb.ip,
    hostNetwork: sb.hostNetwork,
  };
}

function appendLogs(s: RuntimeState, c: Container, lines: LogLine[]): void {
  if (lines.length === 0) return;
  for (const l of lines) c.logs.push(l);
  const keep = s.cfg.logLinesKept;
  if (c.logs.length > keep * 1.25) c.logs.splice(0, c.logs.length - keep);
}

/** Run a running container's process up to `now` (collecting its output). */
export function catchUp(s: RuntimeState, c: Container, now: number): void {
  if (!c.proc || c.state !== "CONTAINER_RUNNING" || c.proc.exited) return;
  // A process blocked for good (a server, `sleep infinity`) with steady memory has nothing to do.
  if (c.proc.wakeAt === null && c.proc.rssSlope === 0 && c.proc.signal === null) {
    if (now > c.proc.clock) c.proc.clock = now;
    return;
  }
  const out: LogLine[] = [];
  advanceProcess(c.proc, processEnvOf(s, c), now, out, c.config.memoryLimitBytes);
  appendLogs(s, c, out);
}

function scheduleExit(ctx: Context, s: RuntimeState, c: Container): void {
  if (c.exitTimer >= 0) ctx.cancelTimer(c.exitTimer);
  c.exitTimer = -1;
  if (!c.proc || c.state !== "CONTAINER_RUNNING") return;
  const f = forecastExit(c.proc, processEnvOf(s, c), ctx.now, FORECAST_HORIZON_MS, c.config.memoryLimitBytes);
  const at = f.exit ? f.exit.at : f.recheckAt;
  if (at === null) return;
  c.exitTimer = ctx.setTimer(Math.max(0, at - ctx.now), { name: "exit", containerId: c.id } as Timer);
}

function finishContainer(ctx: Context, s: RuntimeState, c: Container): void {
  const p = c.proc!;
  const exited = p.exited!;
  c.state = "CONTAINER_EXITED";
  c.finishedAt = exited.at;
  c.exitCode = exited.code;
  c.reason = exited.reason === "Killed" ? "Error" : exited.reason;
  // Lines a program would have written after it died never happened.
  c.logs = c.logs.filter((l) => l.t <= exited.at);
  if (c.exitTimer >= 0) ctx.cancelTimer(c.exitTimer);
  c.exitTimer = -1;
  if (c.stopping) {
    ctx.cancelTimer(c.stopping.killTimer);
    reply(ctx, c.stopping.from, { requestId: c.stopping.requestId }, LATENCY.StopContainer);
    c.stopping = null;
  }
  const ev: ContainerEvent = {
    verb: "ContainerEvent",
    type: "CONTAINER_STOPPED_EVENT",
    status: containerStatus(s, c),
    object: `Container/${c.config.podNamespace}/${c.config.podName}/${c.config.name}`,
    detail: `${c.reason} ${c.exitCode}`,
  };
  ctx.send(s.cfg.kubelet, ev, { latencyMs: 1 });
}

function effectiveArgv(img: StoredImage, cfg: { command: string[]; args: string[] }): string[] {
  // The OCI spec the runtimes build: command replaces ENTRYPOINT (and drops CMD); args replace CMD.
  if (cfg.command.length > 0) return [...cfg.command, ...cfg.args];
  return [...img.entrypoint, ...(cfg.args.length > 0 ? cfg.args : img.cmd)];
}

// ---- pulls ------------------------------------------------------------------------------------

function startPull(
  ctx: Context,
  s: RuntimeState,
  image: string,
  requestId: number,
  from: string,
  sandbox?: PendingSandbox,
): void {
  const ref = parseImageReference(image);
  if (isReferenceError(ref)) {
    reply(
      ctx,
      from,
      {
        requestId,
        error: {
          code: "InvalidArgument",
          message: `failed to pull and unpack image "${image}": ${ref.error}`,
        },
      },
      1,
    );
    return;
  }
  const id = s.nextId++;
  const timeoutTimer = ctx.setTimer(DIAL_TIMEOUT_MS, { name: "pull-timeout", pull: id } as Timer);
  s.pulls[id] = {
    id,
    ref,
    requestId,
    from,
    startedAt: ctx.now,
    timeoutTimer,
    ...(sandbox ? { sandbox } : {}),
  };
  const req: ManifestRequest = {
    verb: "HEAD",
    requestId: id,
    ref,
    object: `Image/${normalizedImageName(ref)}`,
  };
  ctx.send(s.cfg.registry, req, { latencyMs: 40 + ctx.randomInt(40), refuse: true });
}

type PendingSandbox = NonNullable<RuntimeState["pulls"][number]["sandbox"]>;

function pullFailed(
  ctx: Context,
  s: RuntimeState,
  id: number,
  failure: "denied" | "not-found" | "refused" | "timeout",
): void {
  const pull = s.pulls[id];
  if (!pull) return;
  delete s.pulls[id];
  ctx.cancelTimer(pull.timeoutTimer);
  const err = pullError(s.cfg.runtime, pull.ref, failure);
  if (pull.sandbox) {
    const name = normalizedImageName(pull.ref);
    reply(
      ctx,
      pull.sandbox.from,
      {
        requestId: pull.sandbox.requestId,
        error: {
          code: "Unknown",
          message: `failed to get sandbox image "${name}": failed to pull image "${name}": ${err.message}`,
        },
      },
      1,
    );
    return;
  }
  reply(ctx, pull.from, { requestId: pull.requestId, error: err }, 1);
}

function onManifest(ctx: Context, s: RuntimeState, m: ManifestResponse): void {
  const pull = s.pulls[m.requestId];
  if (!pull) return;
  ctx.cancelTimer(pull.timeoutTimer);
  if (m.status === 401) {
    pullFailed(ctx, s, m.requestId, "denied");
    return;
  }
  if (m.status === 404) {
    pullFailed(ctx, s, m.requestId, "not-found");
    return;
  }
  const image = m.image!;
  // Layers already in the store are not downloaded again (a re-pull of the same digest is a manifest check).
  const have = Object.values(s.images).find(
    (i) => i.repository === image.repository && i.digest === image.digest,
  );
  const transfer = have
    ? 10
    : Math.round(
        (image.sizeBytes / s.cfg.pullBytesPerSec) * 1000 + (image.sizeBytes / s.cfg.unpackBytesPerSec) * 1000,
      );
  pull.timeoutTimer = -1;
  ctx.setTimer(transfer, { name: "pull-done", pull: pull.id, image } as Timer);
}

function onPullDone(ctx: Context, s: RuntimeState, id: number, image: StoredImage): void {
  const pull = s.pulls[id];
  if (!pull) return;
  delete s.pulls[id];
  const stored: StoredImage = { ...image, pulledAt: ctx.now };
  s.images[`${image.repository}:${image.tag}`] = stored;
  if (pull.sandbox) {
    runSandbox(ctx, s, pull.sandbox.requestId, pull.sandbox.from, pull.sandbox.config);
    return;
  }
  reply(
    ctx,
    pull.from,
    { requestId: pull.requestId, imageRef: stored.id, sizeBytes: stored.sizeBytes, image: criImage(stored) },
    1,
  );
}

// ---- sandboxes --------------------------------------------------------------------------------

function runSandbox(
  ctx: Context,
  s: RuntimeState,
  requestId: number,
  from: string,
  config: PendingSandbox["config"],
): void {
  if (!findImage(s, s.cfg.sandboxImage)) {
    startPull(ctx, s, s.cfg.sandboxImage, requestId, from, { requestId, from, config });
    return;
  }
  const id = newId(ctx, s, "sandbox");
  let ip = s.cfg.nodeIP;
  if (!config.hostNetwork) {
    const cniError = s.cniFailure === "agent-down" ? cniAddError(s.cfg.cni, "agent-down") : null;
    const alloc = cniError ? { error: "" } : allocateIp(s.ipam, id);
    if (cniError || "error" in alloc) {
      const cause = cniError ?? cniAddError(s.cfg.cni, { ipam: (alloc as { error: string }).error });
      const message =
        s.cfg.runtime === "containerd"
          ? `failed to setup network for sandbox "${id}": ${cause}`
          : `failed to create pod network sandbox k8s_${config.name}_${config.namespace}_${config.uid}_${config.attempt}(${id}): error adding pod ${config.namespace}_${config.name} to CNI network "${CNI_NETWORK_NAME[s.cfg.cni]}": ${cause}`;
      releaseIp(s.ipam, id);
      reply(
        ctx,
        from,
        { requestId, error: { code: "Unknown", message } },
        LATENCY.RunPodSandbox + ctx.randomInt(100),
      );
      return;
    }
    ip = alloc.ip;
    s.ipIndex[ip] = id;
  }
  s.sandboxes[id] = { ...config, id, state: "SANDBOX_READY", createdAt: ctx.now, ip, containers: [] };
  reply(ctx, from, { requestId, podSandboxId: id, ip }, LATENCY.RunPodSandbox + ctx.randomInt(150));
}

function stopSandbox(ctx: Context, s: RuntimeState, sb: Sandbox): void {
  for (const cid of sb.containers) {
    const c = s.containers[cid];
    if (c && c.state === "CONTAINER_RUNNING") {
      catchUp(s, c, ctx.now);
      killProcess(c.proc!, ctx.now);
      finishContainer(ctx, s, c);
    }
  }
  if (sb.state === "SANDBOX_READY" && !sb.hostNetwork) {
    releaseIp(s.ipam, sb.id);
    if (s.ipIndex[sb.ip] === sb.id) delete s.ipIndex[sb.ip];
  }
  sb.state = "SANDBOX_NOTREADY";
}

// ---- containers -------------------------------------------------------------------------------

function createContainer(
  ctx: Context,
  s: RuntimeState,
  req: CriRequest & { verb: "CreateContainer" },
  from: string,
): void {
  const sb = s.sandboxes[req.podSandboxId];
  if (sb?.state !== "SANDBOX_READY") {
    reply(
      ctx,
      from,
      {
        requestId: req.requestId,
        error: { code: "NotFound", message: `failed to get sandbox "${req.podSandboxId}": not found` },
      },
      2,
    );
    return;
  }
  const img = findImage(s, req.config.image);
  if (!img) {
    const ref = parseImageReference(req.config.image);
    const name = isReferenceError(ref) ? req.config.image : normalizedImageName(ref);
    reply(
      ctx,
      from,
      {
        requestId: req.requestId,
        error: { code: "NotFound", message: `failed to get image "${name}": not found` },
      },
      2,
    );
    return;
  }
  const argv = effectiveArgv(img, req.config);
  const id = newId(ctx, s, "container");
  const c: Container = {
    id,
    sandboxId: sb.id,
    config: req.config,
    imageName: `${img.repository}:${img.tag}`,
    imageRef: `${img.repository}@${img.digest}`,
    imageId: img.id,
    state: "CONTAINER_CREATED",
    createdAt: ctx.now,
    startedAt: 0,
    finishedAt: 0,
    exitCode: 0,
    reason: "",
    message: "",
    argv,
    proc: null,
    logs: [],
    exitTimer: -1,
    stopping: null,
  };
  if (s.cfg.runtime === "cri-o") {
    // CRI-O runs `runc create` while creating: a missing executable fails here (CreateContainerError).
    const probe =
      argv.length === 0
        ? { startError: "no command specified" }
        : createProcess(argv, processEnvOf(s, { ...c }), ctx.now);
    if ("startError" in probe) {
      reply(
        ctx,
        from,
        {
          requestId: req.requestId,
          error: {
            code: "Unknown",
            message: `container create failed: runc create failed: unable to start container process: ${probe.startError}`,
          },
        },
        LATENCY.CreateContainer,
      );
      return;
    }
  }
  s.containers[id] = c;
  sb.containers.push(id);
  reply(
    ctx,
    from,
    { requestId: req.requestId, containerId: id },
    LATENCY.CreateContainer + ctx.randomInt(30),
  );
}

function startContainer(
  ctx: Context,
  s: RuntimeState,
  requestId: number,
  containerId: string,
  from: string,
): void {
  const c = s.containers[containerId];
  if (c?.state !== "CONTAINER_CREATED") {
    reply(
      ctx,
      from,
      { requestId, error: { code: "NotFound", message: `container "${containerId}" not found` } },
      2,
    );
    return;
  }
  const latency = LATENCY.StartContainer + ctx.randomInt(60);
  const startAt = ctx.now + latency;
  const env = processEnvOf(s, c);
  const started =
    c.argv.length === 0 ? { startError: "no command specified" } : createProcess(c.argv, env, startAt);
  if ("startError" in started) {
    // runc cannot exec the entrypoint: the container ends as StartError with exit code 128.
    const message = `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${started.startError}: unknown`;
    c.state = "CONTAINER_EXITED";
    c.startedAt = 0;
    c.finishedAt = startAt;
    c.exitCode = 128;
    c.reason = "StartError";
    c.message = message;
    reply(
      ctx,
      from,
      { requestId, error: { code: "Unknown", message }, status: containerStatus(s, c) },
      latency,
    );
    return;
  }
  c.state = "CONTAINER_RUNNING";
  c.startedAt = startAt;
  c.proc = started.proc;
  appendLogs(s, c, started.lines);
  scheduleExit(ctx, s, c);
  reply(ctx, from, { requestId, status: containerStatus(s, c) }, latency);
}

function stopContainer(
  ctx: Context,
  s: RuntimeState,
  requestId: number,
  containerId: string,
  timeout: number,
  from: string,
): void {
  const c = s.containers[containerId];
  if (!c) {
    reply(
      ctx,
      from,
      {
        requestId,
        error: {
          code: "NotFound",
          message: `an error occurred when try to find container "${containerId}": not found`,
        },
      },
      2,
    );
    return;
  }
  if (c.state !== "CONTAINER_RUNNING" || !c.proc) {
    if (c.state === "CONTAINER_CREATED") {
      c.state = "CONTAINER_EXITED";
      c.finishedAt = ctx.now;
      c.exitCode = 0;
      c.reason = "";
    }
    reply(ctx, from, { requestId }, LATENCY.StopContainer);
    return;
  }
  if (c.stopping) {
    // A second stop (a shorter grace period): answer when it exits, kill sooner if asked.
    reply(ctx, c.stopping.from, { requestId: c.stopping.requestId }, LATENCY.StopContainer);
  }
  catchUp(s, c, ctx.now);
  if (c.proc.exited) {
    finishContainer(ctx, s, c);
    reply(ctx, from, { requestId }, LATENCY.StopContainer);
    return;
  }
  const out: LogLine[] = [];
  const selfExit = signalProcess(c.proc, processEnvOf(s, c), ctx.now, out);
  appendLogs(s, c, out);
  const killAt = ctx.now + Math.max(0, timeout) * 1000;
  const killTimer = ctx.setTimer(killAt - ctx.now, { name: "kill", containerId } as Timer);
  c.stopping = { requestId, from, killTimer };
  if (selfExit !== null && selfExit < killAt) scheduleExit(ctx, s, c);
  else if (c.exitTimer >= 0) {
    ctx.cancelTimer(c.exitTimer);
    c.exitTimer = -1;
  }
}

function removeContainer(s: RuntimeState, c: Container): void {
  delete s.containers[c.id];
  const sb = s.sandboxes[c.sandboxId];
  if (sb) sb.containers = sb.containers.filter((x) => x !== c.id);
}

function execSync(ctx: Context, s: RuntimeState, req: CriRequest & { verb: "ExecSync" }, from: string): void {
  const c = s.containers[req.containerId];
  if (c?.state !== "CONTAINER_RUNNING" || !c.proc) {
    const state = c ? c.state : "CONTAINER_UNKNOWN";
    reply(
      ctx,
      from,
      {
        requestId: req.requestId,
        error: { code: "Unknown", message: `failed to exec in container: container is in ${state} state` },
      },
      2,
    );
    return;
  }
  catchUp(s, c, ctx.now);
  if (c.proc.exited) {
    finishContainer(ctx, s, c);
    reply(
      ctx,
      from,
      {
        requestId: req.requestId,
        error: {
          code: "Unknown",
          message: "failed to exec in container: container is in CONTAINER_EXITED state",
        },
      },
      2,
    );
    return;
  }
  const env = processEnvOf(s, c);
  const sub = createProcess(req.cmd, env, ctx.now);
  if ("startError" in sub) {
    reply(
      ctx,
      from,
      {
        requestId: req.requestId,
        error: {
          code: "Unknown",
          message: `failed to exec in container: failed to start exec "${newId(ctx, s, "exec")}": OCI runtime exec failed: exec failed: unable to start container process: ${sub.startError}: unknown`,
        },
      },
      15,
    );
    return;
  }
  // The exec'd command sees the container's files.
  sub.proc.files = c.proc.files;
  sub.proc.removed = c.proc.removed;
  for (const [k, v] of Object.entries(c.proc.vars))
    if (k.startsWith("__file:") || k.startsWith("__dir:")) sub.proc.vars[k] = v;
  const out: LogLine[] = [...sub.lines];
  const deadline = ctx.now + Math.max(1, req.timeout) * 1000;
  advanceProcess(sub.proc, env, deadline, out);
  const exited = sub.proc.exited;
  const text = (stream: 0 | 1) =>
    out
      .filter((l) => l.s === stream && l.t <= deadline)
      .map((l) => `${l.text}\n`)
      .join("");
  if (!exited) {
    reply(
      ctx,
      from,
      {
        requestId: req.requestId,
        error: { code: "DeadlineExceeded", message: `command '${req.cmd.join(" ")}' timed out` },
      },
      deadline - ctx.now,
    );
    return;
  }
  reply(
    ctx,
    from,
    { requestId: req.requestId, exitCode: exited.code, stdout: text(0), stderr: text(1) },
    Math.max(12, exited.at - ctx.now + 10),
  );
}

// ---- network endpoints ------------------------------------------------------------------------

function connect(
  ctx: Context,
  s: RuntimeState,
  ip: string,
  port: number,
): { c: Container; program: string | undefined; since: number } | { error: string } {
  // Host-network pods listen on the node's addresses (and loopback).
  const hostNet = ip === s.cfg.nodeIP || ip === "127.0.0.1" || ip === "localhost";
  const sandboxes: Sandbox[] = [];
  if (hostNet) {
    for (const sb of Object.values(s.sandboxes))
      if (sb.hostNetwork && sb.state === "SANDBOX_READY") sandboxes.push(sb);
  } else {
    const sbId = s.ipIndex[ip];
    const sb = sbId ? s.sandboxes[sbId] : undefined;
    if (sb?.state !== "SANDBOX_READY") return { error: `dial tcp ${ip}:${port}: connect: no route to host` };
    sandboxes.push(sb);
  }
  for (const sb of sandboxes) {
    for (const cid of sb.containers) {
      const c = s.containers[cid];
      if (c?.state !== "CONTAINER_RUNNING" || !c.proc) continue;
      catchUp(s, c, ctx.now);
      if (c.proc.exited) {
        finishContainer(ctx, s, c);
        continue;
      }
      const l = c.proc.listening.find((x) => x.port === port && x.protocol === "TCP" && x.since <= ctx.now);
      if (l) return { c, program: c.proc.running?.http, since: c.proc.running?.since ?? c.startedAt };
    }
  }
  return { error: `dial tcp ${ip}:${port}: connect: connection refused` };
}

function httpGet(ctx: Context, s: RuntimeState, req: HttpGet, from: string): void {
  const conn = connect(ctx, s, req.ip, req.port);
  const res: NetResponse = { verb: "NET-RESPONSE", requestId: req.requestId };
  if (req.tag !== undefined) res.tag = req.tag;
  if ("error" in conn) {
    res.error = `Get "http://${req.ip}:${req.port}${req.path}": ${conn.error}`;
  } else {
    const env = { hostname: s.sandboxes[conn.c.sandboxId]?.hostname ?? conn.c.config.podName };
    const answer = conn.program ? httpResponse(conn.program, req.path, ctx.now - conn.since, env) : null;
    if (!answer) {
      res.error = `Get "http://${req.ip}:${req.port}${req.path}": EOF`;
    } else {
      res.status = answer.status;
      res.bytes = answer.bytes;
      res.body = answer.body;
      const line = accessLogLine(
        conn.program!,
        { clientIP: req.clientIP, method: "GET", path: req.path, userAgent: req.userAgent },
        answer,
        (fmt) => formatLogTime(fmt, s.epochMs + ctx.now),
      );
      if (line) appendLogs(s, conn.c, [{ t: ctx.now, s: line.err ? 1 : 0, text: line.text }]);
      // Probes are requests too (they cost a server almost nothing; they count like the rest).
      countRequest(conn.c, ctx.now);
    }
  }
  ctx.send(from, { ...res, detail: res.error ? "error" : String(res.status) }, { latencyMs: 1 });
}

function tcpConnect(ctx: Context, s: RuntimeState, req: TcpConnect, from: string): void {
  const conn = connect(ctx, s, req.ip, req.port);
  const res: NetResponse = { verb: "NET-RESPONSE", requestId: req.requestId };
  if (req.tag !== undefined) res.tag = req.tag;
  if ("error" in conn) res.error = conn.error;
  else res.status = 0;
  ctx.send(from, res, { latencyMs: 1 });
}

// ---- logs -------------------------------------------------------------------------------------

/** The log text of a container as the kubelet's log reader returns it (CRI log files). */
export function readContainerLogs(
  s: RuntimeState,
  c: Container,
  now: number,
  opts: { tailLines?: number; sinceMs?: number; timestamps?: boolean; limitBytes?: number } = {},
): string {
  catchUp(s, c, now);
  let lines = c.logs.filter((l) => l.t <= now && (opts.sinceMs === undefined || l.t >= opts.sinceMs));
  if (lines.some((l, i) => i > 0 && l.t < lines[i - 1]!.t)) lines = [...lines].sort((a, b) => a.t - b.t);
  if (opts.tailLines !== undefined && opts.tailLines >= 0)
    lines = lines.slice(Math.max(0, lines.length - opts.tailLines));
  let text = lines
    .map((l) =>
      opts.timestamps
        ? `${formatLogTime("rfc3339", s.epochMs + l.t).replace(/(\.\d{3})000Z$/, "$1000000Z")} ${l.text}\n`
        : `${l.text}\n`,
    )
    .join("");
  if (opts.limitBytes !== undefined && text.length > opts.limitBytes) text = text.slice(0, opts.limitBytes);
  return text;
}

// ---- the behaviour ----------------------------------------------------------------------------

function handleCri(ctx: Context, s: RuntimeState, req: CriRequest, from: string): void {
  switch (req.verb) {
    case "RunPodSandbox":
      runSandbox(ctx, s, req.requestId, from, req.config);
      return;
    case "StopPodSandbox": {
      const sb = s.sandboxes[req.podSandboxId];
      if (sb) stopSandbox(ctx, s, sb);
      reply(ctx, from, { requestId: req.requestId }, LATENCY.StopPodSandbox);
      return;
    }
    case "RemovePodSandbox": {
      const sb = s.sandboxes[req.podSandboxId];
      if (sb) {
        stopSandbox(ctx, s, sb);
        for (const cid of [...sb.containers]) {
          const c = s.containers[cid];
          if (c) removeContainer(s, c);
        }
        delete s.sandboxes[sb.id];
      }
      reply(ctx, from, { requestId: req.requestId }, LATENCY.RemovePodSandbox);
      return;
    }
    case "PullImage":
      startPull(ctx, s, req.image, req.requestId, from);
      return;
    case "ImageStatus": {
      const img = findImage(s, req.image);
      reply(ctx, from, { requestId: req.requestId, image: img ? criImage(img) : null }, LATENCY.status);
      return;
    }
    case "ListImages":
      reply(
        ctx,
        from,
        { requestId: req.requestId, images: Object.values(s.images).map(criImage) },
        LATENCY.status,
      );
      return;
    case "CreateContainer":
      createContainer(ctx, s, req, from);
      return;
    case "StartContainer":
      startContainer(ctx, s, req.requestId, req.containerId, from);
      return;
    case "StopContainer":
      stopContainer(ctx, s, req.requestId, req.containerId, req.timeout, from);
      return;
    case "RemoveContainer": {
      const c = s.containers[req.containerId];
      if (c) {
        if (c.state === "CONTAINER_RUNNING" && c.proc) {
          killProcess(c.proc, ctx.now);
          finishContainer(ctx, s, c);
        }
        removeContainer(s, c);
      }
      reply(ctx, from, { requestId: req.requestId }, LATENCY.RemoveContainer);
      return;
    }
    case "ExecSync":
      execSync(ctx, s, req, from);
      return;
    case "ListPodSandbox":
      reply(
        ctx,
        from,
        { requestId: req.requestId, sandboxes: Object.values(s.sandboxes).map(sandboxStatus) },
        LATENCY.status,
      );
      return;
    case "ListContainers":
      for (const c of Object.values(s.containers)) catchUp(s, c, ctx.now);
      reply(
        ctx,
        from,
        {
          requestId: req.requestId,
          containers: Object.values(s.containers).map((c) => containerStatus(s, c)),
        },
        LATENCY.status,
      );
      return;
    case "ContainerStatus": {
      const c = s.containers[req.containerId];
      if (!c)
        reply(
          ctx,
          from,
          {
            requestId: req.requestId,
            error: {
              code: "NotFound",
              message: `an error occurred when try to find container "${req.containerId}": not found`,
            },
          },
          LATENCY.status,
        );
      else reply(ctx, from, { requestId: req.requestId, status: containerStatus(s, c) }, LATENCY.status);
      return;
    }
    case "UpdateRuntimeConfig":
      if (s.ipam.podCidr !== req.podCidr) {
        s.ipam.podCidr = req.podCidr;
        s.ipam.last = 1;
      }
      reply(ctx, from, { requestId: req.requestId }, LATENCY.status);
      return;
    case "ReadLogs": {
      const c = s.containers[req.containerId];
      if (!c) {
        reply(
          ctx,
          from,
          {
            requestId: req.requestId,
            error: { code: "NotFound", message: `container "${req.containerId}" not found` },
          },
          LATENCY.status,
        );
        return;
      }
      reply(
        ctx,
        from,
        { requestId: req.requestId, logs: readContainerLogs(s, c, ctx.now, req) },
        LATENCY.status,
      );
      return;
    }
  }
}

/** Control messages a cluster host (fault injection) sends to a runtime. */
export interface RuntimeFault extends Message {
  verb: "CNI-FAULT";
  failure: "agent-down" | null;
}

/** A fault: a container's process dies (`kill -9`, a segfault…) with an exit code. */
export interface CrashContainer extends Message {
  verb: "CRASH-CONTAINER";
  namespace: string;
  pod: string;
  container: string;
  /** 137 (SIGKILL) unless given. */
  exitCode?: number;
}

function crashContainer(ctx: Context, s: RuntimeState, m: CrashContainer): void {
  for (const c of Object.values(s.containers)) {
    if (c.config.podNamespace !== m.namespace || c.config.podName !== m.pod || c.config.name !== m.container)
      continue;
    if (c.state !== "CONTAINER_RUNNING" || !c.proc) continue;
    catchUp(s, c, ctx.now);
    if (!c.proc.exited) {
      killProcess(c.proc, ctx.now);
      const code = m.exitCode ?? 137;
      c.proc.exited = { at: ctx.now, code, reason: code === 0 ? "Completed" : "Error" };
    }
    finishContainer(ctx, s, c);
  }
}

/** The container runtime behaviour. */
export const containerRuntimeBehavior = defineBehavior<RuntimeState>({
  kind: CONTAINER_RUNTIME_KIND,
  onStart(ctx, s) {
    s.epochMs = ctx.epochMs;
    if (s.poweredOff) {
      // After a power cycle the containers' processes are gone: containerd reports them exited
      // with 255; sandboxes are not ready; the image store and host-local IP files survive.
      s.poweredOff = false;
      for (const c of Object.values(s.containers)) {
        if (c.state === "CONTAINER_RUNNING" || c.state === "CONTAINER_CREATED") {
          c.state = "CONTAINER_EXITED";
          c.finishedAt = s.lastNow;
          c.exitCode = 255;
          c.reason = "Unknown";
          c.proc = null;
          c.stopping = null;
        }
        c.exitTimer = -1;
      }
      for (const sb of Object.values(s.sandboxes)) sb.state = "SANDBOX_NOTREADY";
      s.pulls = {};
    }
    s.lastNow = ctx.now;
  },
  onStop(s) {
    s.poweredOff = true;
    return s;
  },
  onMessage(ctx, s, msg, from) {
    s.lastNow = ctx.now;
    switch (msg.verb) {
      case "MANIFEST":
        onManifest(ctx, s, msg as ManifestResponse);
        return;
      case "CONNECTION-REFUSED": {
        const original = (msg as unknown as { original: Message }).original as ManifestRequest;
        if (original.verb === "HEAD") pullFailed(ctx, s, original.requestId, "refused");
        return;
      }
      case "HTTP-GET":
        httpGet(ctx, s, msg as HttpGet, from);
        return;
      case "TCP-CONNECT":
        tcpConnect(ctx, s, msg as TcpConnect, from);
        return;
      case "CNI-FAULT":
        s.cniFailure = (msg as RuntimeFault).failure;
        return;
      case "CRASH-CONTAINER":
        crashContainer(ctx, s, msg as CrashContainer);
        return;
      default:
        if ((msg as CriRequest).requestId !== undefined) handleCri(ctx, s, msg as CriRequest, from);
    }
  },
  onTimer(ctx, s, timer) {
    s.lastNow = ctx.now;
    const t = timer as Timer & { containerId?: string; pull?: number; image?: StoredImage };
    switch (timer.name) {
      case "exit": {
        const c = s.containers[t.containerId!];
        if (!c) return;
        c.exitTimer = -1;
        catchUp(s, c, ctx.now);
        if (c.proc?.exited) finishContainer(ctx, s, c);
        else scheduleExit(ctx, s, c);
        return;
      }
      case "kill": {
        const c = s.containers[t.containerId!];
        if (c?.state !== "CONTAINER_RUNNING" || !c.proc) return;
        catchUp(s, c, ctx.now);
        if (!c.proc.exited) killProcess(c.proc, ctx.now);
        finishContainer(ctx, s, c);
        return;
      }
      case "pull-timeout":
        pullFailed(ctx, s, t.pull!, "timeout");
        return;
      case "pull-done":
        onPullDone(ctx, s, t.pull!, t.image!);
        return;
    }
  },
});

/** Memory a container uses now, bytes (for metrics). */
export function containerMemoryBytes(s: RuntimeState, c: Container, now: number): number {
  if (c.state !== "CONTAINER_RUNNING" || !c.proc) return 0;
  catchUp(s, c, now);
  return processRss(c.proc, now);
}
