/**
 * The pod status a kubelet writes (pkg/kubelet/kubelet_pods.go generateAPIPodStatus, getPhase,
 * convertToAPIContainerStatuses; pkg/kubelet/status/generate.go): phase, the conditions in the
 * kubelet's order with their reasons, container statuses with state / lastState / restartCount /
 * image / imageID / containerID / started / ready, pod and host IPs, start time and QoS class.
 * Conditions the kubelet does not own (DisruptionTarget, readiness gates' types…) are kept.
 */
import type { KubeObject } from "../../api/types";
import type { Context } from "../../core/component";
import { formatTimestamp } from "../../core/time";
import { podQosClass } from "./qos";
import { type ContainerRecord, type KubeletState, type PodWorker, podOf } from "./state";

type Json = Record<string, unknown>;

interface SpecContainer {
  name: string;
  image: string;
  restartPolicy?: string;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  readinessProbe?: unknown;
  startupProbe?: unknown;
}

/** The kubelet-owned condition types, in the order the kubelet writes them. */
const KUBELET_CONDITIONS = [
  "PodReadyToStartContainers",
  "Initialized",
  "Ready",
  "ContainersReady",
  "PodScheduled",
];

function ts(s: KubeletState, ms: number): string {
  return formatTimestamp(s.epochMs + ms);
}

/** The latest runtime container of a name. */
export function latest(w: PodWorker, name: string): ContainerRecord | undefined {
  const list = w.containers[name];
  return list ? list[list.length - 1] : undefined;
}

function previous(w: PodWorker, name: string): ContainerRecord | undefined {
  const list = w.containers[name];
  return list && list.length >= 2 ? list[list.length - 2] : undefined;
}

function terminated(s: KubeletState, r: ContainerRecord, runtime: string): Json {
  const t: Json = {
    exitCode: r.exitCode,
    reason: r.reason || (r.exitCode === 0 ? "Completed" : "Error"),
    startedAt: r.startedAt > 0 ? ts(s, r.startedAt) : null,
    finishedAt: ts(s, r.finishedAt),
    containerID: `${runtime}://${r.id}`,
  };
  if (r.message) t.message = r.message;
  return t;
}

/** Whether the restart policy restarts a container that exited with `code` (init or regular). */
export function shouldRestart(pod: KubeObject, c: { restartPolicy?: string }, code: number): boolean {
  if (c.restartPolicy === "Always") return true;
  const policy = pod.spec?.restartPolicy ?? "Always";
  return policy === "Always" || (policy === "OnFailure" && code !== 0);
}

function containerStatus(
  s: KubeletState,
  w: PodWorker,
  c: SpecContainer,
  init: boolean,
  defaultWaiting: string,
): Json {
  const runtime = s.cfg.runtimeKind;
  const cur = latest(w, c.name);
  const prev = previous(w, c.name);
  const st: Json = {
    name: c.name,
    state: {},
    lastState: {},
    ready: false,
    restartCount: 0,
    image: c.image,
    imageID: "",
  };
  const waiting = w.waiting[c.name];
  if (cur) {
    st.restartCount = cur.attempt;
    st.image = cur.image;
    st.imageID = cur.imageRef;
    st.containerID = `${runtime}://${cur.id}`;
    if (cur.state === "CONTAINER_RUNNING") {
      st.state = { running: { startedAt: ts(s, cur.startedAt) } };
      if (prev && prev.state === "CONTAINER_EXITED")
        st.lastState = { terminated: terminated(s, prev, runtime) };
      st.ready = w.ready[c.name] === true;
      st.started = w.started[c.name] === true;
    } else if (cur.state === "CONTAINER_EXITED") {
      if (waiting && !w.terminating) {
        st.state = {
          waiting:
            waiting.message !== undefined
              ? { reason: waiting.reason, message: waiting.message }
              : { reason: waiting.reason },
        };
        st.lastState = { terminated: terminated(s, cur, runtime) };
      } else {
        st.state = { terminated: terminated(s, cur, runtime) };
        if (prev && prev.state === "CONTAINER_EXITED")
          st.lastState = { terminated: terminated(s, prev, runtime) };
      }
      // An init container that completed is "ready" (it did its job).
      st.ready = init && cur.exitCode === 0 && c.restartPolicy !== "Always";
      st.started = false;
    } else {
      st.state = {
        waiting: {
          reason: waiting?.reason ?? defaultWaiting,
          ...(waiting?.message !== undefined ? { message: waiting.message } : {}),
        },
      };
      st.started = false;
    }
  } else {
    st.state = {
      waiting: {
        reason: waiting?.reason ?? defaultWaiting,
        ...(waiting?.message !== undefined ? { message: waiting.message } : {}),
      },
    };
    st.started = false;
    if (prev) st.lastState = { terminated: terminated(s, prev, runtime) };
  }
  if (!cur && w.sandbox === null && !waiting) st.started = false;
  if (c.volumeMounts && c.volumeMounts.length > 0) {
    st.volumeMounts = c.volumeMounts.map((m) => ({
      name: m.name,
      mountPath: m.mountPath,
      ...(m.readOnly ? { readOnly: true, recursiveReadOnly: "Disabled" } : {}),
    }));
  }
  return st;
}

function stateOf(st: Json): { running?: Json; terminated?: { exitCode: number }; waiting?: Json } {
  return st.state as { running?: Json; terminated?: { exitCode: number }; waiting?: Json };
}

/** kubelet_pods.go getPhase. */
export function podPhase(
  pod: KubeObject,
  initStatuses: Json[],
  statuses: Json[],
  podIsTerminal: boolean,
): string {
  const spec = pod.spec ?? {};
  let pendingInit = 0;
  let failedInit = 0;
  const initSpecs: SpecContainer[] = spec.initContainers ?? [];
  initSpecs.forEach((c, i) => {
    const st = initStatuses[i]!;
    const state = stateOf(st);
    const last = (st.lastState as { terminated?: { exitCode: number } }).terminated;
    if (c.restartPolicy === "Always") {
      if (!state.running) pendingInit += 0; // sidecars do not hold the phase once started
      return;
    }
    if (state.running) pendingInit++;
    else if (state.terminated) {
      if (state.terminated.exitCode !== 0) failedInit++;
    } else if (state.waiting) {
      if (last) {
        if (last.exitCode !== 0) failedInit++;
      } else pendingInit++;
    } else pendingInit++;
  });
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const st of statuses) {
    const state = stateOf(st);
    const last = (st.lastState as { terminated?: unknown }).terminated;
    if (state.running) running++;
    else if (state.terminated) {
      stopped++;
      if (state.terminated.exitCode === 0) succeeded++;
    } else if (state.waiting) {
      if (last) stopped++;
      else waiting++;
    } else unknown++;
  }
  const policy = spec.restartPolicy ?? "Always";
  if (failedInit > 0 && policy === "Never") return "Failed";
  if (pendingInit > 0 || (failedInit > 0 && running === 0 && stopped === 0)) return "Pending";
  if (waiting > 0) return "Pending";
  if (running > 0 && unknown === 0) return "Running";
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? "Succeeded" : "Failed";
    if (policy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    if (policy === "Never") return "Failed";
    return "Running";
  }
  return "Pending";
}

function cond(
  w: PodWorker,
  nowTs: string,
  type: string,
  status: string,
  reason?: string,
  message?: string,
): Json {
  const prev = w.conditionTimes[type];
  const time = prev && prev.status === status ? prev.time : nowTs;
  w.conditionTimes[type] = { status, time };
  const c: Json = { type, status, lastProbeTime: null, lastTransitionTime: time };
  if (reason) c.reason = reason;
  if (message) c.message = message;
  return c;
}

/** Build the status the kubelet writes for a pod now. */
export function generatePodStatus(ctx: Context, s: KubeletState, w: PodWorker): Json {
  const pod = podOf(s, w);
  const spec = pod.spec ?? {};
  const initSpecs: SpecContainer[] = spec.initContainers ?? [];
  const specs: SpecContainer[] = spec.containers ?? [];
  // Regular containers wait in PodInitializing while init containers have not all completed.
  const initPending = initSpecs.some((c) => {
    if (c.restartPolicy === "Always")
      return !(latest(w, c.name)?.state === "CONTAINER_RUNNING" && w.started[c.name]);
    const r = latest(w, c.name);
    return !(r && r.state === "CONTAINER_EXITED" && r.exitCode === 0);
  });
  const initStatuses = initSpecs.map((c) => containerStatus(s, w, c, true, "PodInitializing"));
  const statuses = specs.map((c) =>
    containerStatus(
      s,
      w,
      c,
      false,
      initPending && initSpecs.length > 0 ? "PodInitializing" : "ContainerCreating",
    ),
  );
  let phase = podPhase(pod, initStatuses, statuses, w.terminating?.reason === "deleted" && w.stopped);
  if (w.terminalPhase) phase = w.terminalPhase;
  // A terminal phase is written only once every container (sidecars too) has stopped.
  if ((phase === "Succeeded" || phase === "Failed") && !allContainersStopped(w)) phase = "Running";
  const nowTs = ctx.timestamp();
  const succeeded = phase === "Succeeded";
  const conditions: Json[] = [];
  conditions.push(
    cond(w, nowTs, "PodReadyToStartContainers", w.sandbox?.ready && !w.stopped ? "True" : "False"),
  );
  // Initialized
  const incompleteInit = initSpecs.filter((c, i) => {
    const st = initStatuses[i]!;
    if (c.restartPolicy === "Always") return !(stateOf(st).running && w.started[c.name]);
    const t = stateOf(st).terminated;
    return !(t && t.exitCode === 0);
  });
  if (initSpecs.length === 0 || incompleteInit.length === 0)
    conditions.push(
      cond(w, nowTs, "Initialized", "True", succeeded && initSpecs.length > 0 ? "PodCompleted" : undefined),
    );
  else
    conditions.push(
      cond(
        w,
        nowTs,
        "Initialized",
        "False",
        "ContainersNotInitialized",
        `containers with incomplete status: [${incompleteInit.map((c) => c.name).join(" ")}]`,
      ),
    );
  // ContainersReady / Ready
  const unready = specs.filter((_, i) => statuses[i]!.ready !== true).map((c) => c.name);
  let readyStatus = "True";
  let readyReason: string | undefined;
  let readyMessage: string | undefined;
  if (succeeded) {
    readyStatus = "False";
    readyReason = "PodCompleted";
  } else if (unready.length > 0) {
    readyStatus = "False";
    readyReason = "ContainersNotReady";
    readyMessage = `containers with unready status: [${unready.join(" ")}]`;
  }
  if (w.terminating && w.stopped) {
    readyStatus = "False";
    readyReason = succeeded ? "PodCompleted" : "PodFailed";
    readyMessage = undefined;
  }
  conditions.push(cond(w, nowTs, "Ready", readyStatus, readyReason, readyMessage));
  conditions.push(cond(w, nowTs, "ContainersReady", readyStatus, readyReason, readyMessage));
  // PodScheduled: the kubelet writes True; the scheduler's own condition keeps its transition time.
  const apiConditions: Json[] = (pod.status?.conditions as Json[] | undefined) ?? [];
  const scheduled = apiConditions.find((c) => c.type === "PodScheduled" && c.status === "True");
  if (scheduled && !w.conditionTimes.PodScheduled)
    w.conditionTimes.PodScheduled = { status: "True", time: scheduled.lastTransitionTime as string };
  conditions.push(cond(w, nowTs, "PodScheduled", "True"));
  // Conditions written by others (DisruptionTarget, readiness gates) are kept as they are.
  for (const c of apiConditions) if (!KUBELET_CONDITIONS.includes(c.type as string)) conditions.push(c);

  const status: Json = { phase, conditions };
  status.hostIP = s.cfg.nodeIP;
  status.hostIPs = [{ ip: s.cfg.nodeIP }];
  if (w.sandbox?.ip) {
    status.podIP = w.sandbox.ip;
    status.podIPs = [{ ip: w.sandbox.ip }];
  }
  status.startTime = ts(s, w.firstSeen);
  if (initSpecs.length > 0) status.initContainerStatuses = initStatuses;
  status.containerStatuses = statuses;
  status.qosClass = podQosClass(pod);
  return status;
}

/** Whether all containers of the worker's pod are stopped (nothing running or being created). */
export function allContainersStopped(w: PodWorker): boolean {
  for (const list of Object.values(w.containers)) {
    const r = list[list.length - 1];
    if (r && (r.state === "CONTAINER_RUNNING" || r.state === "CONTAINER_CREATED")) return false;
  }
  return w.starting === null;
}
