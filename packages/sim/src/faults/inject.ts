/**
 * Injecting and repairing faults in an assembled cluster. Faults act at the level a real one
 * happens: a machine losing power stops every process on it without telling anyone
 * (`sim.stop(id, { silent })`), a stopped service closes its connections, a partition cuts the
 * machine's links, a crashed container is killed through its runtime (as `crictl stop -t 0`),
 * CoreDNS is scaled to zero through the API as an administrator would. Each injection and repair
 * is also a trace record (`FAULT` / `REPAIR` from the `kubelab-faults` mailbox), so the live map
 * and replays show it. The list of active faults is plain data kept by the caller (the cluster
 * facade serialises it with its own state).
 */
import type { KubeObject } from "../api/types";
import type { ApiRequest } from "../apiserver/http";
import { ADMIN_USER } from "../apiserver/http";
import type { ApiServerState } from "../apiserver/state";
import type { CloudFault, CloudState } from "../cloud-controller-manager/cloud";
import type { Message } from "../core/component";
import type { Simulation } from "../core/simulation";
import type { KubeletState } from "../node/kubelet/state";
import { setCniFailure, setRegistryOutage } from "../node/node-host";
import type { CriRequest } from "../node/runtime/cri";
import type { RuntimeState } from "../node/runtime/state";
import { FAULTS, type FaultName, isFaultName } from "./catalogue";

/** What the fault functions need to know about the cluster (a subset of `ClusterAssembly`). */
export interface FaultableCluster {
  apiEndpoint: string;
  apiServers: string[];
  /** The simulated cloud's API component, when the cluster has a cloud. */
  cloud?: string;
  hosts?: Record<string, { name: string; role: string; node: boolean; components: Record<string, string> }>;
}

/** A fault in effect. */
export interface ActiveFault {
  fault: FaultName;
  /** As given (normalised): a node name, `namespace/name`, or the fault's default target. */
  target: string;
  /** Virtual time it was injected. */
  since: number;
  /** What the repair needs (CoreDNS's replicas before it was scaled down). */
  restore?: { replicas: number };
}

/** The answer to an injection or a repair. */
export type FaultResult =
  | { ok: true; fault: FaultName; target: string; expected: { en: string; ko: string }; active: boolean }
  | { ok: false; error: string };

/** The mailbox fault records come from (and CRI / API answers to the injector go to). */
export const FAULT_INJECTOR = "kubelab-faults";

/** The process each control-plane fault stops, by the component key in `HostPlacement.components`. */
const CONTROL_PLANE_COMPONENT: Partial<Record<FaultName, string>> = {
  "etcd-stop": "etcd",
  "apiserver-stop": "kube-apiserver",
  "scheduler-stop": "kube-scheduler",
  "controller-manager-stop": "kube-controller-manager",
  "cloud-controller-manager-stop": "cloud-controller-manager",
};

/**
 * What the provider's load-balancer API answers while it fails (the error the service controller
 * wraps in its `SyncLoadBalancerFailed` event): a 503 in each SDK's words.
 */
const LB_ERRORS: Record<CloudState["provider"], string> = {
  gce: "googleapi: Error 503: Backend Error, backendError",
  aws: "ServiceUnavailable: Service Unavailable\n\tstatus code: 503",
  azure:
    'Code="ServiceUnavailable" Message="The service is temporarily unavailable. Please try again later."',
};

function setCloudLoadBalancerError(sim: Simulation, cloud: string, error: string | null): void {
  if (!sim.state.components[FAULT_INJECTOR]) sim.addMailbox(FAULT_INJECTOR);
  sim.inject(FAULT_INJECTOR, cloud, { verb: "CLOUD-FAULT", loadBalancerError: error } as CloudFault, {
    latencyMs: 0,
  });
}

/** Start order on power-on: storage first, the node agent last (as systemd units and static pods come up). */
const START_ORDER = [
  "etcd",
  "kube-apiserver",
  "kube-scheduler",
  "kube-controller-manager",
  "cloud-controller-manager",
  "runtime",
  "kube-proxy",
  "kubelet",
];

function record(sim: Simulation, verb: "FAULT" | "REPAIR", fault: FaultName, target: string): void {
  if (!sim.state.components[FAULT_INJECTOR]) sim.addMailbox(FAULT_INJECTOR);
  const object = target.includes("/") ? `Pod/${target}` : `Node/${target}`;
  sim.inject(FAULT_INJECTOR, FAULT_INJECTOR, { verb, object, detail: fault } as Message, { latencyMs: 0 });
}

function ok(fault: FaultName, target: string, active: boolean): FaultResult {
  return { ok: true, fault, target, expected: FAULTS[fault].expected, active };
}

function hostsOf(
  c: FaultableCluster,
): Record<string, { name: string; role: string; node: boolean; components: Record<string, string> }> {
  return c.hosts ?? {};
}

/** Component ids other active faults keep stopped on a host (so a repair does not start them). */
function heldDown(
  c: FaultableCluster,
  active: ActiveFault[],
  host: string,
  except: ActiveFault,
): Set<string> {
  const held = new Set<string>();
  const h = hostsOf(c)[host];
  if (!h) return held;
  for (const f of active) {
    if (f === except || f.target !== host) continue;
    if (f.fault === "node-down") for (const id of Object.values(h.components)) held.add(id);
    else if (f.fault === "kubelet-stop" && h.components.kubelet) held.add(h.components.kubelet);
    else {
      const key = CONTROL_PLANE_COMPONENT[f.fault];
      const id = key ? h.components[key] : undefined;
      if (id) held.add(id);
    }
  }
  return held;
}

function onHost(c: FaultableCluster, host: string): Set<string> {
  return new Set(Object.values(hostsOf(c)[host]?.components ?? {}));
}

/** Cut (or heal) every link between the host's components and everything off the host. */
function partition(
  sim: Simulation,
  c: FaultableCluster,
  active: ActiveFault[],
  host: string,
  cut: boolean,
): void {
  const mine = onHost(c, host);
  // Links to another partitioned host stay cut when this one heals.
  const otherPartitioned = new Set<string>();
  for (const f of active)
    if (f.fault === "node-partition" && f.target !== host)
      for (const id of onHost(c, f.target)) otherPartitioned.add(id);
  for (const other of Object.keys(sim.state.components)) {
    if (mine.has(other)) continue;
    if (!cut && otherPartitioned.has(other)) continue;
    for (const id of mine) {
      if (cut) sim.cutLink(id, other);
      else sim.healLink(id, other);
    }
  }
}

/** The apiserver cache's copy of an object (read by the host, as `kubectl get` would show it). */
function cachedObject(sim: Simulation, c: FaultableCluster, key: string): KubeObject | undefined {
  for (const id of c.apiServers) {
    if (!sim.isUp(id)) continue;
    const st = sim.componentState<ApiServerState>(id);
    const prefix = key.slice(0, key.lastIndexOf("/", key.lastIndexOf("/") - 1));
    const item = st.cache.resources[prefix]?.items[key];
    if (item) return item as unknown as KubeObject;
  }
  return undefined;
}

/** `kubectl scale deployment/coredns -n kube-system --replicas=N` as the cluster admin. */
function scaleCoreDns(sim: Simulation, c: FaultableCluster, replicas: number): void {
  if (!sim.state.components[FAULT_INJECTOR]) sim.addMailbox(FAULT_INJECTOR);
  const req: ApiRequest = {
    verb: "PATCH",
    requestId: sim.state.seq,
    origin: FAULT_INJECTOR,
    path: "/apis/apps/v1/namespaces/kube-system/deployments/coredns/scale",
    body: { spec: { replicas } },
    contentType: "application/merge-patch+json",
    user: ADMIN_USER,
  };
  sim.inject(FAULT_INJECTOR, c.apiEndpoint, req);
}

/** Kill a running container of a pod through its node's runtime; returns an error text or null. */
function crashContainer(sim: Simulation, c: FaultableCluster, target: string): string | null {
  const [namespace, name, container] = target.split("/");
  if (!namespace || !name) return `a pod is named namespace/name, not "${target}"`;
  for (const h of Object.values(hostsOf(c))) {
    const kubelet = h.components.kubelet;
    const runtime = h.components.runtime;
    if (!kubelet || !runtime || !sim.isUp(kubelet) || !sim.isUp(runtime)) continue;
    const k = sim.componentState<KubeletState>(kubelet);
    const uid = k.byName[`${namespace}/${name}`];
    const w = uid ? k.workers[uid] : undefined;
    if (!w) continue;
    const rt = sim.componentState<RuntimeState>(runtime);
    const names = container ? [container] : Object.keys(w.containers);
    for (const cn of names) {
      const list = w.containers[cn] ?? [];
      const rec = list[list.length - 1];
      const running = rec ? rt.containers[rec.id] : undefined;
      if (!rec || running?.state !== "CONTAINER_RUNNING") continue;
      const req = {
        verb: "StopContainer",
        requestId: sim.state.seq,
        containerId: rec.id,
        timeout: 0,
        object: `Container/${namespace}/${name}/${cn}`,
      } as CriRequest;
      if (!sim.state.components[FAULT_INJECTOR]) sim.addMailbox(FAULT_INJECTOR);
      sim.inject(FAULT_INJECTOR, runtime, req, { latencyMs: 0 });
      return null;
    }
    return container
      ? `container "${container}" of pod "${target}" is not running`
      : `pod "${target}" has no running container`;
  }
  return `pod "${target}" is not running on any node that is up`;
}

/**
 * Inject a fault. `target` is named as kubectl shows it (see `FaultTargetKind`); cluster-wide
 * faults take their default target when none is given. The active fault is appended to `active`.
 */
export function injectFault(
  sim: Simulation,
  c: FaultableCluster,
  active: ActiveFault[],
  name: string,
  targetGiven?: string,
): FaultResult {
  if (!isFaultName(name)) return { ok: false, error: `unknown fault "${name}"` };
  const info = FAULTS[name];
  const target = (targetGiven ?? info.defaultTarget ?? "").trim();
  if (target === "") return { ok: false, error: `fault ${name} needs a target (${info.target})` };
  const hosts = hostsOf(c);
  if (!c.hosts) return { ok: false, error: "this cluster was created before faults could be injected" };
  if (active.some((f) => f.fault === name && f.target === target))
    return { ok: false, error: `${name} is already in effect on ${target}` };
  const host = hosts[target];
  const needsNode = info.target === "node" || info.target === "control-plane" || info.target === "etcd";
  if (needsNode && !host) return { ok: false, error: `no node named "${target}"` };
  if (host && active.some((f) => f.fault === "node-down" && f.target === target))
    return { ok: false, error: `${target} is powered off` };

  const fault: ActiveFault = { fault: name, target, since: sim.now };
  switch (name) {
    case "node-down":
      // Powered off: nobody is told; the runtime's containers die with it.
      for (const id of Object.values(host!.components)) sim.stop(id, { silent: true });
      break;
    case "kubelet-stop": {
      const kubelet = host!.components.kubelet;
      if (!kubelet) return { ok: false, error: `${target} runs no kubelet` };
      sim.stop(kubelet);
      break;
    }
    case "node-partition":
      partition(sim, c, active, target, true);
      break;
    case "cni-fail": {
      if (!host!.components.runtime) return { ok: false, error: `${target} is not a node` };
      setCniFailure(sim, target, "agent-down");
      break;
    }
    case "etcd-stop":
    case "apiserver-stop":
    case "scheduler-stop":
    case "controller-manager-stop":
    case "cloud-controller-manager-stop": {
      const key = CONTROL_PLANE_COMPONENT[name]!;
      const id = host!.components[key];
      if (!id) {
        const runs = Object.values(hosts)
          .filter((h) => h.components[key])
          .map((h) => h.name);
        return {
          ok: false,
          error: runs.length
            ? `no ${key} runs on "${target}" (it runs on ${runs.join(", ")})`
            : `this cluster has no ${key}`,
        };
      }
      // A process that dies: its peers see the connections reset.
      sim.stop(id);
      break;
    }
    case "container-crash": {
      const error = crashContainer(sim, c, target);
      if (error) return { ok: false, error };
      record(sim, "FAULT", name, target);
      return ok(name, target, false);
    }
    case "coredns-down": {
      if (target !== "kube-system/coredns")
        return { ok: false, error: "coredns-down targets kube-system/coredns" };
      const dep = cachedObject(sim, c, "/registry/deployments/kube-system/coredns");
      if (!dep) return { ok: false, error: "this cluster has no CoreDNS Deployment (kube-system/coredns)" };
      fault.restore = { replicas: (dep.spec as { replicas?: number } | undefined)?.replicas ?? 2 };
      scaleCoreDns(sim, c, 0);
      break;
    }
    case "registry-down":
      if (target !== "registry") return { ok: false, error: "registry-down targets registry" };
      setRegistryOutage(sim, "refused");
      break;
    case "cloud-lb-fail": {
      if (target !== "cloud-lb") return { ok: false, error: "cloud-lb-fail targets cloud-lb" };
      if (!c.cloud || !sim.state.components[c.cloud])
        return { ok: false, error: "this cluster runs on premises: it has no cloud load balancer" };
      const provider = sim.componentState<CloudState>(c.cloud).provider;
      setCloudLoadBalancerError(sim, c.cloud, LB_ERRORS[provider]);
      break;
    }
  }
  active.push(fault);
  record(sim, "FAULT", name, target);
  return ok(name, target, true);
}

/** Repair one active fault (and remove it from `active`). */
function repairOne(sim: Simulation, c: FaultableCluster, active: ActiveFault[], f: ActiveFault): void {
  const host = hostsOf(c)[f.target];
  const held = heldDown(c, active, f.target, f);
  switch (f.fault) {
    case "node-down": {
      const comps = host?.components ?? {};
      const keys = Object.keys(comps).sort((a, b) => {
        const ia = START_ORDER.indexOf(a);
        const ib = START_ORDER.indexOf(b);
        return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
      });
      for (const k of keys) if (!held.has(comps[k]!)) sim.start(comps[k]!);
      break;
    }
    case "kubelet-stop":
      if (host?.components.kubelet && !held.has(host.components.kubelet)) sim.start(host.components.kubelet);
      break;
    case "node-partition":
      partition(
        sim,
        c,
        active.filter((x) => x !== f),
        f.target,
        false,
      );
      break;
    case "cni-fail":
      setCniFailure(sim, f.target, null);
      break;
    case "etcd-stop":
    case "apiserver-stop":
    case "scheduler-stop":
    case "controller-manager-stop":
    case "cloud-controller-manager-stop": {
      const id = host?.components[CONTROL_PLANE_COMPONENT[f.fault]!];
      if (id && !held.has(id)) sim.start(id);
      break;
    }
    case "coredns-down":
      scaleCoreDns(sim, c, f.restore?.replicas ?? 2);
      break;
    case "registry-down":
      setRegistryOutage(sim, null);
      break;
    case "cloud-lb-fail":
      if (c.cloud) setCloudLoadBalancerError(sim, c.cloud, null);
      break;
    default:
      break;
  }
  active.splice(active.indexOf(f), 1);
  record(sim, "REPAIR", f.fault, f.target);
}

/**
 * Repair the faults in effect on `target` (only `fault` when given). Returns what was repaired,
 * or an error when nothing matched.
 */
export function repairFault(
  sim: Simulation,
  c: FaultableCluster,
  active: ActiveFault[],
  target: string,
  fault?: string,
): { ok: true; repaired: ActiveFault[] } | { ok: false; error: string } {
  if (fault !== undefined && !isFaultName(fault)) return { ok: false, error: `unknown fault "${fault}"` };
  const t = target.trim() || (fault ? (FAULTS[fault as FaultName].defaultTarget ?? "") : "");
  const matching = active.filter((f) => f.target === t && (fault === undefined || f.fault === fault));
  if (matching.length === 0)
    return {
      ok: false,
      error: fault ? `${fault} is not in effect on ${t}` : `no fault is in effect on ${t}`,
    };
  // Repair in reverse order of injection, so the last fault's effect is undone first.
  for (const f of [...matching].reverse()) repairOne(sim, c, active, f);
  return { ok: true, repaired: matching };
}
