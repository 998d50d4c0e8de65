/**
 * Pods: `printPod` of kubernetes `pkg/printers/internalversion/printers.go` (v1.32). READY counts
 * ready containers over containers plus restartable init containers (sidecars); STATUS starts at
 * the phase (or `status.reason`) and is overridden by init-container and container states, by
 * `SchedulingGated`, and by `Terminating`; RESTARTS carries `(2m3s ago)` from the latest
 * `lastState.terminated.finishedAt`.
 */
import type { Container, ContainerStatus, Pod, PodCondition } from "kubernetes-types/core/v1";
import { age, humanDuration } from "../helpers";
import { AGE_COLUMN, column, NAME_COLUMN, type ResourcePrinter, type RowContext } from "../types";

/** pkg/util/node NodeUnreachablePodReason. */
const NODE_UNREACHABLE_POD_REASON = "NodeLost";

function isRestartableInitContainer(c: Container | undefined): boolean {
  return c?.restartPolicy === "Always";
}

function hasPodReadyCondition(conditions: PodCondition[] | undefined): boolean {
  return (conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

function isPodInitializedConditionTrue(conditions: PodCondition[] | undefined): boolean {
  return (conditions ?? []).some((c) => c.type === "Initialized" && c.status === "True");
}

/** The READY, STATUS and RESTARTS cells of a pod. */
export function podStatusCells(pod: Pod, now: number): { ready: string; reason: string; restarts: string } {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  let restarts = 0;
  let restartableInitContainerRestarts = 0;
  let totalContainers = spec.containers?.length ?? 0;
  let readyContainers = 0;
  let lastRestartDate = 0;
  let lastRestartableInitContainerRestartDate = 0;
  const phase = status.phase ?? "";
  let reason: string = phase;
  if (status.reason) reason = status.reason;
  for (const c of status.conditions ?? []) {
    if (c.type === "PodScheduled" && c.reason === "SchedulingGated") reason = "SchedulingGated";
  }
  const initContainers = new Map<string, Container>();
  for (const c of spec.initContainers ?? []) {
    initContainers.set(c.name, c);
    if (isRestartableInitContainer(c)) totalContainers++;
  }
  const finished = (cs: ContainerStatus): number =>
    cs.lastState?.terminated?.finishedAt ? Date.parse(cs.lastState.terminated.finishedAt) : 0;

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i]!;
    restarts += container.restartCount ?? 0;
    const f = finished(container);
    if (f > lastRestartDate) lastRestartDate = f;
    const restartable = isRestartableInitContainer(initContainers.get(container.name));
    if (restartable) {
      restartableInitContainerRestarts += container.restartCount ?? 0;
      if (f > lastRestartableInitContainerRestartDate) lastRestartableInitContainerRestartDate = f;
    }
    const term = container.state?.terminated;
    const waiting = container.state?.waiting;
    if (term && term.exitCode === 0) continue;
    if (restartable && container.started === true) {
      if (container.ready) readyContainers++;
      continue;
    }
    if (term) {
      if (!term.reason) {
        reason = term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
      } else {
        reason = `Init:${term.reason}`;
      }
      initializing = true;
    } else if (waiting?.reason && waiting.reason !== "PodInitializing") {
      reason = `Init:${waiting.reason}`;
      initializing = true;
    } else {
      reason = `Init:${i}/${spec.initContainers?.length ?? 0}`;
      initializing = true;
    }
    break;
  }

  if (!initializing || isPodInitializedConditionTrue(status.conditions)) {
    restarts = restartableInitContainerRestarts;
    lastRestartDate = lastRestartableInitContainerRestartDate;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i]!;
      restarts += container.restartCount ?? 0;
      const f = finished(container);
      if (f > lastRestartDate) lastRestartDate = f;
      const st = container.state;
      if (st?.waiting?.reason) reason = st.waiting.reason;
      else if (st?.terminated?.reason) reason = st.terminated.reason;
      else if (st?.terminated) {
        reason = st.terminated.signal
          ? `Signal:${st.terminated.signal}`
          : `ExitCode:${st.terminated.exitCode}`;
      } else if (container.ready && st?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose main container completed while a sidecar still runs is Running (or NotReady).
    if (reason === "Completed" && hasRunning) {
      reason = hasPodReadyCondition(status.conditions) ? "Running" : "NotReady";
    }
  }

  const deleting = !!pod.metadata?.deletionTimestamp;
  if (deleting && status.reason === NODE_UNREACHABLE_POD_REASON) reason = "Unknown";
  else if (deleting && phase !== "Succeeded" && phase !== "Failed") reason = "Terminating";

  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestartDate !== 0) {
    restartsStr = `${restarts} (${humanDuration(now - lastRestartDate)} ago)`;
  }
  return { ready: `${readyContainers}/${totalContainers}`, reason, restarts: restartsStr };
}

/** Column definitions and cells of pods. */
export const podPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Ready", "string", "The aggregate readiness state of this pod for accepting traffic."),
    column("Status", "string", "The aggregate status of the containers in this pod."),
    column(
      "Restarts",
      "string",
      "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    ),
    AGE_COLUMN,
    column(
      "IP",
      "string",
      "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
      { priority: 1 },
    ),
    column(
      "Node",
      "string",
      "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename",
      { priority: 1 },
    ),
    column(
      "Nominated Node",
      "string",
      "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.",
      { priority: 1 },
    ),
    column(
      "Readiness Gates",
      "string",
      'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
      { priority: 1 },
    ),
  ],
  cells(pod: Pod, ctx: RowContext) {
    const { ready, reason, restarts } = podStatusCells(pod, ctx.now);
    const podIP = pod.status?.podIPs?.[0]?.ip || "<none>";
    const nodeName = pod.spec?.nodeName || "<none>";
    const nominated = pod.status?.nominatedNodeName || "<none>";
    let readinessGates = "<none>";
    const gates = pod.spec?.readinessGates ?? [];
    if (gates.length > 0) {
      let trueConditions = 0;
      for (const g of gates) {
        const c = (pod.status?.conditions ?? []).find((x) => x.type === g.conditionType);
        if (c?.status === "True") trueConditions++;
      }
      readinessGates = `${trueConditions}/${gates.length}`;
    }
    return [
      pod.metadata?.name ?? "",
      ready,
      reason,
      restarts,
      age(pod.metadata?.creationTimestamp, ctx.now),
      podIP,
      nodeName,
      nominated,
      readinessGates,
    ];
  },
};
