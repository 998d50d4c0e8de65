/**
 * The describers for the common kinds, ports of kubectl `pkg/describe/describe.go` (v0.32.4):
 * Pod, Deployment, ReplicaSet, Job, Service, Namespace, ConfigMap, Secret, Node, and a generic
 * one for other kinds. Each is a pure function of the objects it shows and the time.
 */

import {
  addQuantities,
  compareQuantities,
  formatQuantity,
  milliValue,
  parseQuantity,
  type Quantity,
  wholeValue,
} from "@kubelab/sim";
import { findNodeRoles } from "../printers/table/columns/cluster";
import { formatLabelSelector, formatLabels } from "../printers/table/helpers";
import {
  type DescribedEvent,
  describeEvents,
  humanDuration,
  PrefixWriter,
  printAnnotationsMultiline,
  printLabelsMultiline,
  printTolerationsMultiline,
  rfc1123z,
  translateTimestampSince,
} from "./prefix-writer";

// biome-ignore lint/suspicious/noExplicitAny: described objects are unstructured JSON
type Obj = any;

/** What a describer gets besides the object. */
export interface DescribeContext {
  now: number;
  /** The object's events (null: not shown). */
  events: DescribedEvent[] | null;
}

function printController(obj: Obj): string {
  const ref = (obj.metadata?.ownerReferences ?? []).find((o: Obj) => o.controller);
  return ref ? `${ref.kind}/${ref.name}` : "";
}

const RESOURCE_ORDER = ["cpu", "memory", "ephemeral-storage", "storage"];
function sortedResourceNames(m: Record<string, string> | undefined): string[] {
  return Object.keys(m ?? {}).sort((a, b) => {
    const ia = RESOURCE_ORDER.indexOf(a);
    const ib = RESOURCE_ORDER.indexOf(b);
    if (ia >= 0 && ib >= 0) return ia - ib;
    if (ia >= 0) return -1;
    if (ib >= 0) return 1;
    return a < b ? -1 : 1;
  });
}

function describeResources(res: Obj, w: PrefixWriter, level: number): void {
  if (!res) return;
  if (Object.keys(res.limits ?? {}).length > 0) w.write(level, "Limits:\n");
  for (const n of sortedResourceNames(res.limits)) w.write(level + 1, `${n}:\t${res.limits[n]}\n`);
  if (Object.keys(res.requests ?? {}).length > 0) w.write(level, "Requests:\n");
  for (const n of sortedResourceNames(res.requests)) w.write(level + 1, `${n}:\t${res.requests[n]}\n`);
}

function describeStatus(name: string, state: Obj, w: PrefixWriter): void {
  if (state?.running) {
    w.write(2, `${name}:\tRunning\n`);
    w.write(3, `Started:\t${rfc1123z(state.running.startedAt)}\n`);
  } else if (state?.waiting) {
    w.write(2, `${name}:\tWaiting\n`);
    if (state.waiting.reason) w.write(3, `Reason:\t${state.waiting.reason}\n`);
  } else if (state?.terminated) {
    const t = state.terminated;
    w.write(2, `${name}:\tTerminated\n`);
    if (t.reason) w.write(3, `Reason:\t${t.reason}\n`);
    if (t.message) w.write(3, `Message:\t${t.message}\n`);
    w.write(3, `Exit Code:\t${t.exitCode ?? 0}\n`);
    if ((t.signal ?? 0) > 0) w.write(3, `Signal:\t${t.signal}\n`);
    w.write(3, `Started:\t${rfc1123z(t.startedAt)}\n`);
    w.write(3, `Finished:\t${rfc1123z(t.finishedAt)}\n`);
  } else w.write(2, `${name}:\tWaiting\n`);
}

function intOrString(v: unknown): string {
  return v === undefined || v === null ? "" : String(v);
}

/** DescribeProbe. */
function describeProbe(p: Obj): string {
  const attrs = `delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 0}s period=${p.periodSeconds ?? 0}s #success=${p.successThreshold ?? 0} #failure=${p.failureThreshold ?? 0}`;
  if (p.exec) return `exec [${(p.exec.command ?? []).join(" ")}] ${attrs}`;
  if (p.httpGet) {
    const port = intOrString(p.httpGet.port);
    const host = port ? `${p.httpGet.host ?? ""}:${port}` : (p.httpGet.host ?? "");
    return `http-get ${String(p.httpGet.scheme ?? "").toLowerCase()}://${host}${p.httpGet.path ?? ""} ${attrs}`;
  }
  if (p.tcpSocket) return `tcp-socket ${p.tcpSocket.host ?? ""}:${intOrString(p.tcpSocket.port)} ${attrs}`;
  if (p.grpc) return `grpc <pod>:${p.grpc.port} ${p.grpc.service ?? ""} ${attrs}`;
  return `unknown ${attrs}`;
}

function describeContainers(
  label: string,
  containers: Obj[],
  statuses: Obj[] | null,
  w: PrefixWriter,
  space: string,
): void {
  const byName = new Map<string, Obj>((statuses ?? []).map((s) => [s.name, s]));
  w.write(0, `${space}${label}:${containers.length === 0 ? " <none>" : ""}\n`);
  for (const c of containers) {
    const status = byName.get(c.name);
    const ok = status !== undefined;
    w.write(1, `${space ? " " : ""}${c.name}:\n`);
    if (ok) w.write(2, `Container ID:\t${status.containerID ?? ""}\n`);
    w.write(2, `Image:\t${c.image ?? ""}\n`);
    if (ok) w.write(2, `Image ID:\t${status.imageID ?? ""}\n`);
    const ports = (c.ports ?? []).map((p: Obj) => `${p.containerPort}/${p.protocol ?? ""}`).join(", ");
    if (ports.includes(",")) w.write(2, `Ports:\t${ports}\n`);
    else w.write(2, `Port:\t${ports || "<none>"}\n`);
    const hostPorts = (c.ports ?? []).map((p: Obj) => `${p.hostPort ?? 0}/${p.protocol ?? ""}`).join(", ");
    if (hostPorts.includes(",")) w.write(2, `Host Ports:\t${hostPorts}\n`);
    else w.write(2, `Host Port:\t${hostPorts || "<none>"}\n`);
    if (c.command?.length) {
      w.write(2, "Command:\n");
      for (const x of c.command) for (const s of String(x).split("\n")) w.write(3, `${s}\n`);
    }
    if (c.args?.length) {
      w.write(2, "Args:\n");
      for (const x of c.args) for (const s of String(x).split("\n")) w.write(3, `${s}\n`);
    }
    if (ok) {
      describeStatus("State", status.state, w);
      if (status.lastState?.terminated) describeStatus("Last State", status.lastState, w);
      w.write(2, `Ready:\t${status.ready ? "True" : "False"}\n`);
      w.write(2, `Restart Count:\t${status.restartCount ?? 0}\n`);
    }
    describeResources(c.resources, w, 2);
    if (c.livenessProbe) w.write(2, `Liveness:\t${describeProbe(c.livenessProbe)}\n`);
    if (c.readinessProbe) w.write(2, `Readiness:\t${describeProbe(c.readinessProbe)}\n`);
    if (c.startupProbe) w.write(2, `Startup:\t${describeProbe(c.startupProbe)}\n`);
    if (c.envFrom?.length) {
      w.write(2, "Environment Variables from:\n");
      for (const e of c.envFrom) {
        const from = e.configMapRef ? "ConfigMap" : e.secretRef ? "Secret" : "";
        const ref = e.configMapRef ?? e.secretRef ?? {};
        const optional = ref.optional === true;
        if (!e.prefix) w.write(3, `${ref.name ?? ""}\t${from}\tOptional: ${optional}\n`);
        else w.write(3, `${ref.name ?? ""}\t${from} with prefix '${e.prefix}'\tOptional: ${optional}\n`);
      }
    }
    w.write(2, `Environment:${(c.env ?? []).length === 0 ? "\t<none>" : ""}\n`);
    for (const e of c.env ?? []) {
      if (!e.valueFrom) {
        String(e.value ?? "")
          .split("\n")
          .forEach((s, i) => {
            w.write(3, i === 0 ? `${e.name}:\t${s}\n` : `\t${s}\n`);
          });
        continue;
      }
      const vf = e.valueFrom;
      if (vf.fieldRef)
        w.write(3, `${e.name}:\t (${vf.fieldRef.apiVersion ?? ""}:${vf.fieldRef.fieldPath})\n`);
      else if (vf.resourceFieldRef) w.write(3, `${e.name}:\t (${vf.resourceFieldRef.resource})\n`);
      else if (vf.secretKeyRef)
        w.write(
          3,
          `${e.name}:\t<set to the key '${vf.secretKeyRef.key}' in secret '${vf.secretKeyRef.name}'>\tOptional: ${vf.secretKeyRef.optional === true}\n`,
        );
      else if (vf.configMapKeyRef)
        w.write(
          3,
          `${e.name}:\t<set to the key '${vf.configMapKeyRef.key}' of config map '${vf.configMapKeyRef.name}'>\tOptional: ${vf.configMapKeyRef.optional === true}\n`,
        );
    }
    const mounts = [...(c.volumeMounts ?? [])].sort((a: Obj, b: Obj) => (a.mountPath < b.mountPath ? -1 : 1));
    w.write(2, `Mounts:${mounts.length === 0 ? "\t<none>" : ""}\n`);
    for (const m of mounts) {
      const flags = [m.readOnly ? "ro" : "rw"];
      if (m.subPath) flags.push(`path=${JSON.stringify(m.subPath)}`);
      w.write(3, `${m.mountPath} from ${m.name} (${flags.join(",")})\n`);
    }
  }
}

function describeVolumes(volumes: Obj[] | undefined, w: PrefixWriter, space: string): void {
  if (!volumes || volumes.length === 0) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const v of volumes) {
    w.write(1, `${space ? " " : ""}${v.name}:\n`);
    if (v.hostPath) {
      w.write(
        2,
        `Type:\tHostPath (bare host directory volume)\n    Path:\t${v.hostPath.path}\n    HostPathType:\t${v.hostPath.type ?? "<none>"}\n`,
      );
    } else if (v.emptyDir) {
      w.write(
        2,
        `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t${v.emptyDir.medium ?? ""}\n    SizeLimit:\t${v.emptyDir.sizeLimit ?? "<unset>"}\n`,
      );
    } else if (v.secret) {
      w.write(
        2,
        `Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t${v.secret.secretName ?? ""}\n    Optional:\t${v.secret.optional === true}\n`,
      );
    } else if (v.configMap) {
      w.write(
        2,
        `Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t${v.configMap.name ?? ""}\n    Optional:\t${v.configMap.optional === true}\n`,
      );
    } else if (v.persistentVolumeClaim) {
      w.write(
        2,
        `Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t${v.persistentVolumeClaim.claimName}\n    ReadOnly:\t${v.persistentVolumeClaim.readOnly === true}\n`,
      );
    } else if (v.projected) {
      w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
      for (const s of v.projected.sources ?? []) {
        if (s.secret)
          w.write(2, `SecretName:\t${s.secret.name ?? ""}\n    Optional:\t${s.secret.optional === true}\n`);
        else if (s.downwardAPI) w.write(2, "DownwardAPI:\ttrue\n");
        else if (s.configMap)
          w.write(
            2,
            `ConfigMapName:\t${s.configMap.name ?? ""}\n    Optional:\t${s.configMap.optional === true}\n`,
          );
        else if (s.serviceAccountToken)
          w.write(2, `TokenExpirationSeconds:\t${s.serviceAccountToken.expirationSeconds}\n`);
      }
    } else if (v.downwardAPI) {
      w.write(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
      for (const i of v.downwardAPI.items ?? []) {
        if (i.fieldRef) w.write(3, `${i.fieldRef.fieldPath} -> ${i.path}\n`);
        else if (i.resourceFieldRef) w.write(3, `${i.resourceFieldRef.resource} -> ${i.path}\n`);
      }
    } else w.write(1, "<unknown>\n");
  }
}

/** qos.GetPodQOS: status.qosClass, else computed from requests and limits. */
function podQOS(pod: Obj): string {
  if (pod.status?.qosClass) return pod.status.qosClass;
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    for (const r of ["cpu", "memory"]) {
      if (lim[r] === undefined || (req[r] !== undefined && req[r] !== lim[r])) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

/** describePod. */
export function describePod(pod: Obj, ctx: DescribeContext): string {
  const w = new PrefixWriter();
  const spec = pod.spec ?? {};
  const st = pod.status ?? {};
  w.write(0, `Name:\t${pod.metadata?.name}\n`);
  w.write(0, `Namespace:\t${pod.metadata?.namespace}\n`);
  if (spec.priority !== undefined) w.write(0, `Priority:\t${spec.priority}\n`);
  if (spec.priorityClassName) w.write(0, `Priority Class Name:\t${spec.priorityClassName}\n`);
  if (spec.runtimeClassName) w.write(0, `Runtime Class Name:\t${spec.runtimeClassName}\n`);
  if (spec.serviceAccountName) w.write(0, `Service Account:\t${spec.serviceAccountName}\n`);
  w.write(0, spec.nodeName ? `Node:\t${spec.nodeName}/${st.hostIP ?? ""}\n` : "Node:\t<none>\n");
  if (st.startTime) w.write(0, `Start Time:\t${rfc1123z(st.startTime)}\n`);
  printLabelsMultiline(w, "Labels", pod.metadata?.labels);
  printAnnotationsMultiline(w, "Annotations", pod.metadata?.annotations);
  if (pod.metadata?.deletionTimestamp && st.phase !== "Failed" && st.phase !== "Succeeded") {
    w.write(
      0,
      `Status:\tTerminating (lasts ${translateTimestampSince(pod.metadata.deletionTimestamp, ctx.now)})\n`,
    );
    w.write(0, `Termination Grace Period:\t${pod.metadata.deletionGracePeriodSeconds ?? 0}s\n`);
  } else w.write(0, `Status:\t${st.phase ?? ""}\n`);
  if (st.reason) w.write(0, `Reason:\t${st.reason}\n`);
  if (st.message) w.write(0, `Message:\t${st.message}\n`);
  if (spec.securityContext?.seccompProfile)
    w.write(0, `SeccompProfile:\t${spec.securityContext.seccompProfile.type}\n`);
  w.write(0, `IP:\t${st.podIP ?? ""}\n`);
  if (!st.podIPs || st.podIPs.length === 0) w.write(0, "IPs:\t<none>\n");
  else {
    w.write(0, "IPs:\n");
    for (const ip of st.podIPs) w.write(1, `IP:\t${ip.ip}\n`);
  }
  const controlledBy = printController(pod);
  if (controlledBy) w.write(0, `Controlled By:\t${controlledBy}\n`);
  if (st.nominatedNodeName) w.write(0, `NominatedNodeName:\t${st.nominatedNodeName}\n`);
  if (spec.initContainers?.length)
    describeContainers("Init Containers", spec.initContainers, st.initContainerStatuses ?? [], w, "");
  describeContainers("Containers", spec.containers ?? [], st.containerStatuses ?? [], w, "");
  if (spec.readinessGates?.length) {
    w.write(0, "Readiness Gates:\n  Type\tStatus\n");
    for (const g of spec.readinessGates) {
      const c = (st.conditions ?? []).find((x: Obj) => x.type === g.conditionType);
      w.write(1, `${g.conditionType} \t${c ? c.status : "<none>"} \n`);
    }
  }
  if (st.conditions?.length) {
    w.write(0, "Conditions:\n  Type\tStatus\n");
    for (const c of st.conditions) w.write(1, `${c.type} \t${c.status} \n`);
  }
  describeVolumes(spec.volumes, w, "");
  w.write(0, `QoS Class:\t${podQOS(pod)}\n`);
  printLabelsMultiline(w, "Node-Selectors", spec.nodeSelector);
  printTolerationsMultiline(w, "Tolerations", spec.tolerations);
  if (ctx.events) describeEvents(ctx.events, w, ctx.now);
  return w.toString();
}

/** DescribePodTemplate. */
function describePodTemplate(t: Obj, w: PrefixWriter): void {
  w.write(0, "Pod Template:\n");
  if (!t) {
    w.write(1, "<unset>");
    return;
  }
  printLabelsMultiline(w, "  Labels", t.metadata?.labels);
  if (Object.keys(t.metadata?.annotations ?? {}).length > 0)
    printAnnotationsMultiline(w, "  Annotations", t.metadata.annotations);
  if (t.spec?.serviceAccountName) w.write(1, `Service Account:\t${t.spec.serviceAccountName}\n`);
  if (t.spec?.initContainers?.length)
    describeContainers("Init Containers", t.spec.initContainers, null, w, "  ");
  describeContainers("Containers", t.spec?.containers ?? [], null, w, "  ");
  describeVolumes(t.spec?.volumes, w, "  ");
  if (t.spec?.priorityClassName) w.write(1, `Priority Class Name:\t${t.spec.priorityClassName}\n`);
  printLabelsMultiline(w, "  Node-Selectors", t.spec?.nodeSelector);
  printTolerationsMultiline(w, "  Tolerations", t.spec?.tolerations);
}

function selectorString(sel: Obj): string {
  const s = formatLabelSelector(sel);
  return s === "<none>" ? "" : s;
}

/** describeDeployment (`oldRSs` and `newRS` from the ReplicaSets the deployment owns). */
export function describeDeployment(d: Obj, ctx: DescribeContext & { oldRSs: Obj[]; newRSs: Obj[] }): string {
  const w = new PrefixWriter();
  const st = d.status ?? {};
  w.write(0, `Name:\t${d.metadata?.name}\n`);
  w.write(0, `Namespace:\t${d.metadata?.namespace}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(d.metadata?.creationTimestamp)}\n`);
  printLabelsMultiline(w, "Labels", d.metadata?.labels);
  printAnnotationsMultiline(w, "Annotations", d.metadata?.annotations);
  w.write(0, `Selector:\t${selectorString(d.spec?.selector)}\n`);
  w.write(
    0,
    `Replicas:\t${d.spec?.replicas ?? 0} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable\n`,
  );
  w.write(0, `StrategyType:\t${d.spec?.strategy?.type ?? ""}\n`);
  w.write(0, `MinReadySeconds:\t${d.spec?.minReadySeconds ?? 0}\n`);
  const ru = d.spec?.strategy?.rollingUpdate;
  if (ru)
    w.write(
      0,
      `RollingUpdateStrategy:\t${intOrString(ru.maxUnavailable)} max unavailable, ${intOrString(ru.maxSurge)} max surge\n`,
    );
  describePodTemplate(d.spec?.template, w);
  if (st.conditions?.length) {
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
    w.write(1, "----\t------\t------\n");
    for (const c of st.conditions) w.write(1, `${c.type} \t${c.status}\t${c.reason ?? ""}\n`);
  }
  const rsList = (l: Obj[]) =>
    l
      .map(
        (rs) =>
          `${rs.metadata?.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`,
      )
      .join(", ") || "<none>";
  if (ctx.oldRSs.length > 0 || ctx.newRSs.length > 0) {
    w.write(0, `OldReplicaSets:\t${rsList(ctx.oldRSs)}\n`);
    w.write(0, `NewReplicaSet:\t${rsList(ctx.newRSs)}\n`);
  }
  if (ctx.events) describeEvents(ctx.events, w, ctx.now);
  return w.toString();
}

/** Pod phase counts for a controller (getPodStatusForController). */
export function podPhaseCounts(
  pods: Obj[],
  uid: string,
): { running: number; waiting: number; succeeded: number; failed: number } {
  const c = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  for (const p of pods) {
    const ref = (p.metadata?.ownerReferences ?? []).find((o: Obj) => o.controller);
    if (!ref || ref.uid !== uid) continue;
    if (p.status?.phase === "Running") c.running++;
    else if (p.status?.phase === "Pending") c.waiting++;
    else if (p.status?.phase === "Succeeded") c.succeeded++;
    else if (p.status?.phase === "Failed") c.failed++;
  }
  return c;
}

/** describeReplicaSet. */
export function describeReplicaSet(rs: Obj, ctx: DescribeContext & { pods: Obj[] }): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${rs.metadata?.name}\n`);
  w.write(0, `Namespace:\t${rs.metadata?.namespace}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(rs.spec?.selector)}\n`);
  printLabelsMultiline(w, "Labels", rs.metadata?.labels);
  printAnnotationsMultiline(w, "Annotations", rs.metadata?.annotations);
  const cb = printController(rs);
  if (cb) w.write(0, `Controlled By:\t${cb}\n`);
  w.write(0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 0} desired\n`);
  const c = podPhaseCounts(ctx.pods, rs.metadata?.uid);
  w.write(0, "Pods Status:\t");
  w.write(0, `${c.running} Running / ${c.waiting} Waiting / ${c.succeeded} Succeeded / ${c.failed} Failed\n`);
  describePodTemplate(rs.spec?.template, w);
  if (rs.status?.conditions?.length) {
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n");
    w.write(1, "----\t------\t------\n");
    for (const x of rs.status.conditions) w.write(1, `${x.type} \t${x.status}\t${x.reason ?? ""}\n`);
  }
  if (ctx.events) describeEvents(ctx.events, w, ctx.now);
  return w.toString();
}

/** describeJob. */
export function describeJob(job: Obj, ctx: DescribeContext): string {
  const w = new PrefixWriter();
  const spec = job.spec ?? {};
  const st = job.status ?? {};
  w.write(0, `Name:\t${job.metadata?.name}\n`);
  w.write(0, `Namespace:\t${job.metadata?.namespace}\n`);
  w.write(0, `Selector:\t${selectorString(spec.selector)}\n`);
  printLabelsMultiline(w, "Labels", job.metadata?.labels);
  printAnnotationsMultiline(w, "Annotations", job.metadata?.annotations);
  const cb = printController(job);
  if (cb) w.write(0, `Controlled By:\t${cb}\n`);
  if (spec.parallelism !== undefined) w.write(0, `Parallelism:\t${spec.parallelism}\n`);
  w.write(
    0,
    spec.completions !== undefined && spec.completions !== null
      ? `Completions:\t${spec.completions}\n`
      : "Completions:\t<unset>\n",
  );
  if (spec.completionMode) w.write(0, `Completion Mode:\t${spec.completionMode}\n`);
  if (spec.suspend !== undefined) w.write(0, `Suspend:\t${spec.suspend}\n`);
  if (spec.backoffLimit !== undefined) w.write(0, `Backoff Limit:\t${spec.backoffLimit}\n`);
  if (spec.ttlSecondsAfterFinished !== undefined)
    w.write(0, `TTL Seconds After Finished:\t${spec.ttlSecondsAfterFinished}\n`);
  if (st.startTime) w.write(0, `Start Time:\t${rfc1123z(st.startTime)}\n`);
  if (st.completionTime) w.write(0, `Completed At:\t${rfc1123z(st.completionTime)}\n`);
  if (st.startTime && st.completionTime) {
    w.write(0, `Duration:\t${humanDuration(Date.parse(st.completionTime) - Date.parse(st.startTime))}\n`);
  }
  if (spec.activeDeadlineSeconds !== undefined)
    w.write(0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
  if (st.ready === undefined || st.ready === null) {
    w.write(
      0,
      `Pods Statuses:\t${st.active ?? 0} Active / ${st.succeeded ?? 0} Succeeded / ${st.failed ?? 0} Failed\n`,
    );
  } else {
    w.write(
      0,
      `Pods Statuses:\t${st.active ?? 0} Active (${st.ready} Ready) / ${st.succeeded ?? 0} Succeeded / ${st.failed ?? 0} Failed\n`,
    );
  }
  if (spec.completionMode === "Indexed")
    w.write(0, `Completed Indexes:\t${st.completedIndexes || "<none>"}\n`);
  describePodTemplate(spec.template, w);
  if (ctx.events) describeEvents(ctx.events, w, ctx.now);
  return w.toString();
}

/** describeService (endpoints from the service's EndpointSlices). */
export function describeService(svc: Obj, ctx: DescribeContext & { endpointSlices: Obj[] }): string {
  const w = new PrefixWriter();
  const spec = svc.spec ?? {};
  w.write(0, `Name:\t${svc.metadata?.name}\n`);
  w.write(0, `Namespace:\t${svc.metadata?.namespace}\n`);
  printLabelsMultiline(w, "Labels", svc.metadata?.labels);
  printAnnotationsMultiline(w, "Annotations", svc.metadata?.annotations);
  w.write(0, `Selector:\t${formatLabels(spec.selector)}\n`);
  w.write(0, `Type:\t${spec.type ?? ""}\n`);
  if (spec.ipFamilyPolicy) w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(0, `IP Families:\t${(spec.ipFamilies ?? []).length > 0 ? spec.ipFamilies.join(",") : "<none>"}\n`);
  w.write(0, `IP:\t${spec.clusterIP ?? ""}\n`);
  w.write(0, `IPs:\t${(spec.clusterIPs ?? []).length > 0 ? spec.clusterIPs.join(",") : "<none>"}\n`);
  if (spec.externalIPs?.length) w.write(0, `External IPs:\t${spec.externalIPs.join(",")}\n`);
  if (spec.loadBalancerIP) w.write(0, `Desired LoadBalancer IP:\t${spec.loadBalancerIP}\n`);
  if (spec.externalName) w.write(0, `External Name:\t${spec.externalName}\n`);
  const ingress = svc.status?.loadBalancer?.ingress ?? [];
  if (ingress.length > 0) {
    w.write(
      0,
      `LoadBalancer Ingress:\t${ingress.map((i: Obj) => (i.ip ? `${i.ip}${i.ipMode ? ` (${i.ipMode})` : ""}` : i.hostname)).join(", ")}\n`,
    );
  }
  for (const p of spec.ports ?? []) {
    const name = p.name || "<unset>";
    w.write(0, `Port:\t${name}\t${p.port}/${p.protocol}\n`);
    w.write(0, `TargetPort:\t${intOrString(p.targetPort)}/${p.protocol}\n`);
    if (p.nodePort) w.write(0, `NodePort:\t${name}\t${p.nodePort}/${p.protocol}\n`);
    w.write(0, `Endpoints:\t${formatEndpointSlices(ctx.endpointSlices, p.name ?? "")}\n`);
  }
  w.write(0, `Session Affinity:\t${spec.sessionAffinity ?? ""}\n`);
  if (spec.externalTrafficPolicy) w.write(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy) w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  if (spec.healthCheckNodePort) w.write(0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
  if (spec.loadBalancerSourceRanges?.length)
    w.write(0, `LoadBalancer Source Ranges:\t${spec.loadBalancerSourceRanges.join(",")}\n`);
  if (ctx.events) describeEvents(ctx.events, w, ctx.now);
  return w.toString();
}

/** formatEndpointSlices: ready `ip:port` endpoints for one port name, at most 3. */
function formatEndpointSlices(slices: Obj[], portName: string): string {
  if (slices.length === 0) return "<none>";
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const s of slices) {
    const ports = s.ports ?? [];
    const ready = (e: Obj) =>
      e.conditions?.ready === undefined || e.conditions?.ready === null || e.conditions.ready === true;
    if (ports.length === 0) {
      for (const e of s.endpoints ?? []) {
        if (list.length === max) more = true;
        if (!ready(e)) continue;
        if (!more) list.push(e.addresses[0]);
        count++;
      }
      continue;
    }
    for (const port of ports) {
      if ((port.name ?? "") !== portName) continue;
      for (const e of s.endpoints ?? []) {
        if (list.length === max) more = true;
        if (!ready(e)) continue;
        const addr = e.addresses[0] as string;
        if (!more) list.push(addr.includes(":") ? `[${addr}]:${port.port}` : `${addr}:${port.port}`);
        count++;
      }
    }
  }
  const ret = list.join(",");
  return more ? `${ret} + ${count - max} more...` : ret;
}

/** describeNamespace (without quotas and limit ranges). */
export function describeNamespace(
  ns: Obj,
  ctx: DescribeContext & { quotas?: Obj[]; limitRanges?: Obj[] },
): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${ns.metadata?.name}\n`);
  printLabelsMultiline(w, "Labels", ns.metadata?.labels);
  printAnnotationsMultiline(w, "Annotations", ns.metadata?.annotations);
  w.write(0, `Status:\t${ns.status?.phase ?? ""}\n`);
  if (ns.status?.conditions?.length) {
    w.write(0, "Conditions:\n");
    w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n");
    w.write(1, "----\t------\t------------------\t------\t-------\n");
    for (const c of ns.status.conditions) {
      w.write(
        1,
        `${c.type}\t${c.status}\t${rfc1123z(c.lastTransitionTime)}\t${c.reason ?? ""}\t${c.message ?? ""}\n`,
      );
    }
  }
  w.write(0, "\n");
  if ((ctx.quotas ?? []).length === 0) w.write(0, "No resource quota.\n");
  w.write(0, "\n");
  if ((ctx.limitRanges ?? []).length === 0) w.write(0, "No LimitRange resource.\n");
  return w.toString();
}

/** ConfigMapDescriber (keys sorted; Go's map order is random). */
export function describeConfigMap(cm: Obj, ctx: DescribeContext): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${cm.metadata?.name}\n`);
  w.write(0, `Namespace:\t${cm.metadata?.namespace}\n`);
  printLabelsMultiline(w, "Labels", cm.metadata?.labels);
  printAnnotationsMultiline(w, "Annotations", cm.metadata?.annotations);
  w.write(0, "\nData\n====\n");
  for (const k of Object.keys(cm.data ?? {}).sort()) {
    w.write(0, `${k}:\n----\n`);
    w.write(0, `${cm.data[k]}\n`);
    w.write(0, "\n");
  }
  w.write(0, "\nBinaryData\n====\n");
  for (const k of Object.keys(cm.binaryData ?? {}).sort()) {
    w.write(0, `${k}: ${atob(cm.binaryData[k]).length} bytes\n`);
  }
  w.write(0, "\n");
  if (ctx.events) describeEvents(ctx.events, w, ctx.now);
  return w.toString();
}

/** describeSecret (sizes only; keys sorted). */
export function describeSecret(s: Obj): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${s.metadata?.name}\n`);
  w.write(0, `Namespace:\t${s.metadata?.namespace}\n`);
  printLabelsMultiline(w, "Labels", s.metadata?.labels);
  printAnnotationsMultiline(w, "Annotations", s.metadata?.annotations);
  w.write(0, `\nType:\t${s.type ?? ""}\n`);
  w.write(0, "\nData\n====\n");
  for (const k of Object.keys(s.data ?? {}).sort()) {
    const raw = atob(s.data[k]);
    if (k === "token" && s.type === "kubernetes.io/service-account-token") w.write(0, `${k}:\t${raw}\n`);
    else w.write(0, `${k}:\t${raw.length} bytes\n`);
  }
  return w.toString();
}

/** describeNode (without the lease and the pods' resource table when pods are not given). */
export function describeNode(
  node: Obj,
  ctx: DescribeContext & { pods: Obj[] | null; lease?: Obj | null; leaseError?: string },
): string {
  const w = new PrefixWriter();
  const st = node.status ?? {};
  w.write(0, `Name:\t${node.metadata?.name}\n`);
  const roles = findNodeRoles(node);
  w.write(0, `Roles:\t${roles.length > 0 ? roles.join(",") : "<none>"}\n`);
  printLabelsMultiline(w, "Labels", node.metadata?.labels);
  printAnnotationsMultiline(w, "Annotations", node.metadata?.annotations);
  w.write(0, `CreationTimestamp:\t${rfc1123z(node.metadata?.creationTimestamp)}\n`);
  const taints = [...(node.spec?.taints ?? [])].sort((a: Obj, b: Obj) =>
    `${a.effect},${a.key}` < `${b.effect},${b.key}` ? -1 : 1,
  );
  w.write(0, "Taints:\t");
  if (taints.length === 0) w.writeLine("<none>");
  taints.forEach((t: Obj, i: number) => {
    if (i !== 0) w.write(0, "\t");
    w.write(0, `${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}\n`);
  });
  w.write(0, `Unschedulable:\t${node.spec?.unschedulable === true}\n`);
  // describeNodeLease (kube-node-lease/<node>).
  if (ctx.leaseError) w.write(0, `Lease:\tFailed to get lease: ${ctx.leaseError}\n`);
  else if (ctx.lease !== undefined) {
    w.write(0, "Lease:\n");
    w.write(1, `HolderIdentity:\t${ctx.lease?.spec?.holderIdentity ?? "<unset>"}\n`);
    w.write(
      1,
      `AcquireTime:\t${ctx.lease?.spec?.acquireTime ? rfc1123z(ctx.lease.spec.acquireTime) : "<unset>"}\n`,
    );
    w.write(
      1,
      `RenewTime:\t${ctx.lease?.spec?.renewTime ? rfc1123z(ctx.lease.spec.renewTime) : "<unset>"}\n`,
    );
  }
  if (st.conditions?.length) {
    w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n");
    w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n");
    for (const c of st.conditions) {
      w.write(
        1,
        `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ""} \t${c.message ?? ""}\n`,
      );
    }
  }
  w.write(0, "Addresses:\n");
  for (const a of st.addresses ?? []) w.write(1, `${a.type}:\t${a.address}\n`);
  const printList = (l: Record<string, string>) => {
    for (const r of Object.keys(l).sort()) w.write(0, `  ${r}:\t${l[r]}\n`);
  };
  if (Object.keys(st.capacity ?? {}).length > 0) {
    w.write(0, "Capacity:\n");
    printList(st.capacity);
  }
  if (Object.keys(st.allocatable ?? {}).length > 0) {
    w.write(0, "Allocatable:\n");
    printList(st.allocatable);
  }
  const info = st.nodeInfo ?? {};
  w.write(0, "System Info:\n");
  w.write(0, `  Machine ID:\t${info.machineID ?? ""}\n`);
  w.write(0, `  System UUID:\t${info.systemUUID ?? ""}\n`);
  w.write(0, `  Boot ID:\t${info.bootID ?? ""}\n`);
  w.write(0, `  Kernel Version:\t${info.kernelVersion ?? ""}\n`);
  w.write(0, `  OS Image:\t${info.osImage ?? ""}\n`);
  w.write(0, `  Operating System:\t${info.operatingSystem ?? ""}\n`);
  w.write(0, `  Architecture:\t${info.architecture ?? ""}\n`);
  w.write(0, `  Container Runtime Version:\t${info.containerRuntimeVersion ?? ""}\n`);
  w.write(0, `  Kubelet Version:\t${info.kubeletVersion ?? ""}\n`);
  w.write(0, `  Kube-Proxy Version:\t${info.kubeProxyVersion ?? ""}\n`);
  if (node.spec?.podCIDR) w.write(0, `PodCIDR:\t${node.spec.podCIDR}\n`);
  if (node.spec?.podCIDRs?.length) w.write(0, `PodCIDRs:\t${node.spec.podCIDRs.join(",")}\n`);
  if (node.spec?.providerID) w.write(0, `ProviderID:\t${node.spec.providerID}\n`);
  if (ctx.pods) describeNodeResource(ctx.pods, node, w, ctx.now);
  else w.write(0, "Pods:\tnot authorized\n");
  if (ctx.events) describeEvents(ctx.events, w, ctx.now);
  return w.toString();
}

/** The generic describer for kinds without one: metadata and the object's fields as YAML-ish lines. */
export function describeGeneric(obj: Obj, ctx: DescribeContext): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${obj.metadata?.name}\n`);
  if (obj.metadata?.namespace) w.write(0, `Namespace:\t${obj.metadata.namespace}\n`);
  printLabelsMultiline(w, "Labels", obj.metadata?.labels);
  printAnnotationsMultiline(w, "Annotations", obj.metadata?.annotations);
  w.write(0, `API Version:\t${obj.apiVersion}\n`);
  w.write(0, `Kind:\t${obj.kind}\n`);
  const walk = (v: unknown, level: number) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
        a < b ? -1 : 1,
      )) {
        const title = k.charAt(0).toUpperCase() + k.slice(1).replace(/([a-z])([A-Z])/g, "$1 $2");
        if (x && typeof x === "object") {
          w.write(level, `${title}:\n`);
          walk(x, level + 1);
        } else w.write(level, `${title}:\t${String(x)}\n`);
      }
    } else if (Array.isArray(v)) {
      for (const x of v) {
        if (x && typeof x === "object") walk(x, level);
        else w.write(level, `${String(x)}\n`);
      }
    }
  };
  const { apiVersion: _a, kind: _k, metadata, ...rest } = obj;
  w.write(0, "Metadata:\n");
  w.write(1, `Creation Timestamp:\t${metadata?.creationTimestamp ?? ""}\n`);
  w.write(1, `Resource Version:\t${metadata?.resourceVersion ?? ""}\n`);
  w.write(1, `UID:\t${metadata?.uid ?? ""}\n`);
  walk(rest, 0);
  if (ctx.events) describeEvents(ctx.events, w, ctx.now);
  return w.toString();
}

type ResourceTotals = Record<string, Quantity>;

/** resourcehelper.PodRequestsAndLimits: containers summed, each init container as a floor. */
function podRequestsAndLimits(pod: Obj): { reqs: ResourceTotals; limits: ResourceTotals } {
  const sum = (field: "requests" | "limits") => {
    const out: ResourceTotals = {};
    for (const c of pod.spec?.containers ?? []) {
      for (const [k, v] of Object.entries((c.resources?.[field] ?? {}) as Record<string, string>)) {
        const q = parseQuantity(v);
        out[k] = out[k] ? addQuantities(out[k]!, q) : q;
      }
    }
    for (const c of pod.spec?.initContainers ?? []) {
      for (const [k, v] of Object.entries((c.resources?.[field] ?? {}) as Record<string, string>)) {
        const q = parseQuantity(v);
        if (!out[k] || compareQuantities(q, out[k]!) > 0) out[k] = q;
      }
    }
    for (const [k, v] of Object.entries((pod.spec?.overhead ?? {}) as Record<string, string>)) {
      const q = parseQuantity(v);
      out[k] = out[k] ? addQuantities(out[k]!, q) : q;
    }
    return out;
  };
  return { reqs: sum("requests"), limits: sum("limits") };
}

/** describeNodeResource: the pods table and the allocated totals against allocatable. */
function describeNodeResource(pods: Obj[], node: Obj, w: PrefixWriter, now: number): void {
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n");
  w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n");
  const alloc =
    (Object.keys(node.status?.allocatable ?? {}).length > 0
      ? node.status.allocatable
      : node.status?.capacity) ?? {};
  const zero = parseQuantity("0");
  const q = (m: ResourceTotals, k: string) => m[k] ?? zero;
  const allocCpu = milliValue(parseQuantity(String(alloc.cpu ?? "0")));
  const allocMem = wholeValue(parseQuantity(String(alloc.memory ?? "0")));
  const allocEph = wholeValue(parseQuantity(String(alloc["ephemeral-storage"] ?? "0")));
  // Go's int64(float) of a fraction; a zero denominator gives +Inf/NaN, which we print as 0.
  const pct = (a: number, b: number) => (b > 0 ? Math.trunc((a / b) * 100) : 0);
  const totals: { reqs: ResourceTotals; limits: ResourceTotals } = { reqs: {}, limits: {} };
  for (const p of pods) {
    const { reqs, limits } = podRequestsAndLimits(p);
    for (const [k, v] of Object.entries(reqs))
      totals.reqs[k] = totals.reqs[k] ? addQuantities(totals.reqs[k]!, v) : v;
    for (const [k, v] of Object.entries(limits))
      totals.limits[k] = totals.limits[k] ? addQuantities(totals.limits[k]!, v) : v;
    const cr = q(reqs, "cpu");
    const cl = q(limits, "cpu");
    const mr = q(reqs, "memory");
    const ml = q(limits, "memory");
    w.write(
      1,
      `${p.metadata?.namespace}\t${p.metadata?.name}\t\t${formatQuantity(cr)} (${pct(milliValue(cr), allocCpu)}%)\t${formatQuantity(cl)} (${pct(milliValue(cl), allocCpu)}%)\t${formatQuantity(mr)} (${pct(wholeValue(mr), allocMem)}%)\t${formatQuantity(ml)} (${pct(wholeValue(ml), allocMem)}%)\t${translateTimestampSince(p.metadata?.creationTimestamp, now)}\n`,
    );
  }
  w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n");
  w.write(1, "Resource\tRequests\tLimits\n");
  w.write(1, "--------\t--------\t------\n");
  const line = (name: string, a: number, unit: (x: Quantity) => number) => {
    const r = q(totals.reqs, name);
    const l = q(totals.limits, name);
    w.write(
      1,
      `${name}\t${formatQuantity(r)} (${pct(unit(r), a)}%)\t${formatQuantity(l)} (${pct(unit(l), a)}%)\n`,
    );
  };
  line("cpu", allocCpu, milliValue);
  line("memory", allocMem, wholeValue);
  line("ephemeral-storage", allocEph, wholeValue);
  for (const r of Object.keys(alloc)
    .filter((k) => k.startsWith("hugepages-"))
    .sort()) {
    line(r, wholeValue(parseQuantity(String(alloc[r]))), wholeValue);
  }
}

/** describeDaemonSet (kubectl prints no Namespace line for DaemonSets). */
export function describeDaemonSet(ds: Obj, ctx: DescribeContext & { pods: Obj[] }): string {
  const w = new PrefixWriter();
  const st = ds.status ?? {};
  w.write(0, `Name:\t${ds.metadata?.name}\n`);
  w.write(0, `Selector:\t${selectorString(ds.spec?.selector)}\n`);
  w.write(0, `Node-Selector:\t${formatLabels(ds.spec?.template?.spec?.nodeSelector)}\n`);
  printLabelsMultiline(w, "Labels", ds.metadata?.labels);
  printAnnotationsMultiline(w, "Annotations", ds.metadata?.annotations);
  w.write(0, `Desired Number of Nodes Scheduled: ${st.desiredNumberScheduled ?? 0}\n`);
  w.write(0, `Current Number of Nodes Scheduled: ${st.currentNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Up-to-date Pods: ${st.updatedNumberScheduled ?? 0}\n`);
  w.write(0, `Number of Nodes Scheduled with Available Pods: ${st.numberAvailable ?? 0}\n`);
  w.write(0, `Number of Nodes Misscheduled: ${st.numberMisscheduled ?? 0}\n`);
  const c = podPhaseCounts(ctx.pods, ds.metadata?.uid);
  w.write(
    0,
    `Pods Status:\t${c.running} Running / ${c.waiting} Waiting / ${c.succeeded} Succeeded / ${c.failed} Failed\n`,
  );
  describePodTemplate(ds.spec?.template, w);
  if (ctx.events) describeEvents(ctx.events, w, ctx.now);
  return w.toString();
}

/** describeStatefulSet with its volume claim templates. */
export function describeStatefulSet(ss: Obj, ctx: DescribeContext & { pods: Obj[] }): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${ss.metadata?.name}\n`);
  w.write(0, `Namespace:\t${ss.metadata?.namespace}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(ss.metadata?.creationTimestamp)}\n`);
  w.write(0, `Selector:\t${selectorString(ss.spec?.selector)}\n`);
  printLabelsMultiline(w, "Labels", ss.metadata?.labels);
  printAnnotationsMultiline(w, "Annotations", ss.metadata?.annotations);
  w.write(0, `Replicas:\t${ss.spec?.replicas ?? 0} desired | ${ss.status?.replicas ?? 0} total\n`);
  w.write(0, `Update Strategy:\t${ss.spec?.updateStrategy?.type ?? ""}\n`);
  const ru = ss.spec?.updateStrategy?.rollingUpdate;
  if (ru && ru.partition !== undefined && ru.partition !== null) {
    w.write(1, `Partition:\t${ru.partition}\n`);
    if (ru.maxUnavailable !== undefined) w.write(1, `MaxUnavailable:\t${intOrString(ru.maxUnavailable)}\n`);
  }
  const c = podPhaseCounts(ctx.pods, ss.metadata?.uid);
  w.write(
    0,
    `Pods Status:\t${c.running} Running / ${c.waiting} Waiting / ${c.succeeded} Succeeded / ${c.failed} Failed\n`,
  );
  describePodTemplate(ss.spec?.template, w);
  const templates = ss.spec?.volumeClaimTemplates ?? [];
  if (templates.length === 0) w.write(0, "Volume Claims:\t<none>\n");
  else {
    w.write(0, "Volume Claims:\n");
    for (const pvc of templates) {
      w.write(1, `Name:\t${pvc.metadata?.name}\n`);
      w.write(1, `StorageClass:\t${pvc.spec?.storageClassName ?? ""}\n`);
      printLabelsMultiline(w, "Labels", pvc.metadata?.labels, "  ");
      printLabelsMultiline(w, "Annotations", pvc.metadata?.annotations, "  ");
      w.write(1, `Capacity:\t${pvc.spec?.resources?.requests?.storage ?? "<default>"}\n`);
      w.write(1, `Access Modes:\t[${(pvc.spec?.accessModes ?? []).join(" ")}]\n`);
    }
  }
  if (ctx.events) describeEvents(ctx.events, w, ctx.now);
  return w.toString();
}
