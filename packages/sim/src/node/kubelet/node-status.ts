/**
 * Node registration, node status and the node Lease, as the kubelet does them
 * (pkg/kubelet/kubelet_node_status.go, nodestatus/setters.go, nodelease): register the Node with
 * its labels, taints, capacity and nodeInfo; every `nodeStatusUpdateFrequency` (10 s) compute the
 * status and PATCH it when it changed, or every `nodeStatusReportFrequency` (5 min) when it did
 * not; renew the Lease in `kube-node-lease` every 10 s (40 s × 0.25). Condition reasons and
 * messages are the kubelet's, Ready last.
 */
import type { KubeObject } from "../../api/types";
import { KUBERNETES_VERSION } from "../../apiserver/apiserver";
import { apiRequest } from "../../apiserver/client/api-client";
import type { Context } from "../../core/component";
import { nodeResources } from "./config";
import { recordEvent } from "./events";
import type { KubeletState } from "./state";

/** The ObjectReference the kubelet records node events against (its uid is the node name). */
export function nodeRef(s: KubeletState): { kind: string; name: string; uid: string; apiVersion: string } {
  return { kind: "Node", name: s.cfg.nodeName, uid: s.cfg.nodeName, apiVersion: "v1" };
}

function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function randomHex(ctx: Context, n: number): string {
  let out = "";
  while (out.length < n) out += ctx.randomInt(0x10000).toString(16).padStart(4, "0");
  return out.slice(0, n);
}

/** The labels the kubelet puts on its Node (plus the configured ones). */
export function nodeLabels(s: KubeletState): Record<string, string> {
  return {
    "beta.kubernetes.io/arch": "amd64",
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": "amd64",
    "kubernetes.io/hostname": s.cfg.nodeName,
    "kubernetes.io/os": "linux",
    ...s.cfg.labels,
  };
}

/** The Node object the kubelet registers (`initialNode`). */
export function initialNode(ctx: Context, s: KubeletState): KubeObject {
  if (!s.node.bootId) {
    s.node.bootId = uuidFrom(randomHex(ctx, 32));
    s.node.machineId = randomHex(ctx, 32);
  }
  const spec: Record<string, unknown> = {};
  if (s.cfg.taints.length > 0) spec.taints = s.cfg.taints.map((t) => ({ ...t }));
  if (s.cfg.providerID) spec.providerID = s.cfg.providerID;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: s.cfg.nodeName,
      labels: nodeLabels(s),
      annotations: { "volumes.kubernetes.io/controller-managed-attach-detach": "true", ...s.cfg.annotations },
    },
    spec,
  };
}

/** A condition the kubelet wants to report: type, status, reason, message. */
type Desired = readonly [type: string, status: string, reason: string, message: string];

const MEMORY_OK: Desired = [
  "MemoryPressure",
  "False",
  "KubeletHasSufficientMemory",
  "kubelet has sufficient memory available",
];
const DISK_OK: Desired = [
  "DiskPressure",
  "False",
  "KubeletHasNoDiskPressure",
  "kubelet has no disk pressure",
];
const PID_OK: Desired = [
  "PIDPressure",
  "False",
  "KubeletHasSufficientPID",
  "kubelet has sufficient PID available",
];
const READY: Desired = ["Ready", "True", "KubeletReady", "kubelet is posting ready status"];

/** Record a condition's value; on a change, its transition time and the kubelet's node event. */
function setCondition(ctx: Context, s: KubeletState, d: Desired): void {
  const [type, status, reason, message] = d;
  const prev = s.node.conditions[type];
  if (prev && prev.status === status && prev.reason === reason && prev.message === message) return;
  if (!prev || prev.status !== status) {
    // recordNodeStatusEvent: "Node <name> status is now: <Reason>" on every change of a condition.
    const eventReason =
      type === "Ready"
        ? status === "True"
          ? "NodeReady"
          : "NodeNotReady"
        : {
            MemoryPressure: status === "True" ? "NodeHasInsufficientMemory" : "NodeHasSufficientMemory",
            DiskPressure: status === "True" ? "NodeHasDiskPressure" : "NodeHasNoDiskPressure",
            PIDPressure: status === "True" ? "NodeHasInsufficientPID" : "NodeHasSufficientPID",
          }[type];
    if (eventReason && (type !== "Ready" || prev || status === "True"))
      recordEvent(
        ctx,
        s.recorder,
        s.client,
        nodeRef(s),
        "Normal",
        eventReason,
        `Node ${s.cfg.nodeName} status is now: ${eventReason}`,
      );
  }
  const lastTransitionTime = prev && prev.status === status ? prev.lastTransitionTime : ctx.timestamp();
  s.node.conditions[type] = { status, reason, message, lastTransitionTime };
}

/** Why the node is not ready (the runtime and network checks), or null. */
function notReadyMessage(s: KubeletState): string | null {
  if (s.node.statusUpdates === 0) return "container runtime status check may not have completed yet";
  if (!s.networkReady)
    return "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized";
  return null;
}

/** The node's conditions now (kubelet order, Ready last); records transitions and their events. */
function nodeConditions(ctx: Context, s: KubeletState): Desired[] {
  const notReady = notReadyMessage(s);
  const desired: Desired[] = [
    MEMORY_OK,
    DISK_OK,
    PID_OK,
    notReady ? ["Ready", "False", "KubeletNotReady", notReady] : READY,
  ];
  for (const d of desired) setCondition(ctx, s, d);
  return desired;
}

/** The conditions as posted (with this heartbeat's time). */
function conditionObjects(ctx: Context, s: KubeletState, desired: Desired[]) {
  const now = ctx.timestamp();
  return desired.map(([type, status, reason, message]) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: s.node.conditions[type]!.lastTransitionTime,
  }));
}

/** The node status the kubelet would post now (conditions given, or computed). */
export function computeNodeStatus(
  ctx: Context,
  s: KubeletState,
  desired = nodeConditions(ctx, s),
): Record<string, unknown> {
  const { capacity, allocatable } = nodeResources(s.cfg.size, s.cfg.settings.maxPods);
  const images = [...s.images]
    .sort((a, b) => b.size - a.size)
    .slice(0, s.cfg.settings.nodeStatusMaxImages)
    .map((i) => ({ names: [...i.repoDigests, ...i.repoTags], sizeBytes: i.size }));
  return {
    capacity,
    allocatable,
    conditions: conditionObjects(ctx, s, desired),
    addresses: [
      { type: "InternalIP", address: s.cfg.nodeIP },
      { type: "Hostname", address: s.cfg.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: s.node.machineId,
      systemUUID: uuidFrom(`${s.node.machineId.slice(16)}${s.node.machineId.slice(0, 16)}`),
      bootID: s.node.bootId,
      kernelVersion: s.cfg.kernelVersion,
      osImage: s.cfg.osImage,
      containerRuntimeVersion: `${s.cfg.runtimeKind}://${s.cfg.runtimeVersion}`,
      kubeletVersion: s.cfg.kubeletVersion,
      kubeProxyVersion: "",
      operatingSystem: "linux",
      architecture: "amd64",
    },
    images,
  };
}

/** Register the Node (POST; an existing Node is adopted). */
export function registerNode(ctx: Context, s: KubeletState): void {
  if (s.node.registering || s.node.uid) return;
  s.node.registering = true;
  apiRequest(
    ctx,
    s.client,
    { method: "POST", path: "/api/v1/nodes", body: initialNode(ctx, s) },
    "node-register",
    undefined,
    { timeoutMs: 10_000 },
  );
}

/** Handle the answers about registration. Returns true when registration just completed. */
export function onRegisterResponse(
  ctx: Context,
  s: KubeletState,
  tag: string,
  code: number,
  body: unknown,
): boolean {
  if (tag === "node-register" && code === 201) {
    s.node.registering = false;
    s.node.uid = (body as KubeObject).metadata.uid ?? null;
    s.node.registerBackoffMs = 100;
    return true;
  }
  if (tag === "node-register" && code === 409) {
    apiRequest(
      ctx,
      s.client,
      { method: "GET", path: `/api/v1/nodes/${s.cfg.nodeName}` },
      "node-get",
      undefined,
      { timeoutMs: 10_000 },
    );
    return false;
  }
  if (tag === "node-get" && code === 200) {
    s.node.registering = false;
    s.node.uid = (body as KubeObject).metadata.uid ?? null;
    s.node.podCidr = ((body as KubeObject).spec?.podCIDR as string | undefined) ?? s.node.podCidr;
    return true;
  }
  // Failed: retry with the kubelet's registration back-off (100 ms doubling to 7 s).
  s.node.registering = false;
  ctx.setTimer(s.node.registerBackoffMs, { name: "register" });
  s.node.registerBackoffMs = Math.min(s.node.registerBackoffMs * 2, 7_000);
  return false;
}

/** The status loop's step: post the status if it changed, or if the report interval passed. */
export function syncNodeStatus(ctx: Context, s: KubeletState, force = false): void {
  if (!s.node.uid || s.node.statusInflight) return;
  const desired = nodeConditions(ctx, s);
  s.node.statusUpdates++;
  // What can change between updates: the conditions and the images (capacity and nodeInfo are fixed).
  const ready = desired[3]!;
  const fp = `${ready[1]}/${ready[3]}|${s.images.length}/${s.images[s.images.length - 1]?.id ?? ""}`;
  const due =
    s.node.lastReportAt < 0 || ctx.now - s.node.lastReportAt >= s.cfg.settings.nodeStatusReportFrequencyMs;
  if (!force && !due && fp === s.node.fingerprint) return;
  s.node.statusInflight = true;
  apiRequest(
    ctx,
    s.client,
    {
      method: "PATCH",
      path: `/api/v1/nodes/${s.cfg.nodeName}/status`,
      contentType: "application/strategic-merge-patch+json",
      body: { status: computeNodeStatus(ctx, s, desired) },
    },
    "node-status",
    { fp },
    { timeoutMs: 10_000 },
  );
}

/** The answer to a status PATCH. */
export function onNodeStatusResponse(
  ctx: Context,
  s: KubeletState,
  code: number,
  body: unknown,
  fp: string,
): void {
  s.node.statusInflight = false;
  if (code === 200) {
    s.node.fingerprint = fp;
    s.node.lastReportAt = ctx.now;
    const cidr = (body as KubeObject).spec?.podCIDR as string | undefined;
    if (cidr) s.node.podCidr = cidr;
  } else if (code === 404) {
    // The Node was deleted (kubectl delete node): register again, as a restarted kubelet would.
    s.node.uid = null;
    registerNode(ctx, s);
  }
}

/** Renew (or create) the node Lease. */
export function renewLease(ctx: Context, s: KubeletState): void {
  if (!s.node.uid) return;
  // A renewal that got no answer within the renew interval is given up (the client's timeout;
  // checked here rather than with a timer per request: 1,000 nodes renew every 10 s).
  if (s.lease.inflight && ctx.now - s.lease.sentAt < 10_000) return;
  s.lease.sentAt = ctx.now;
  s.lease.inflight = true;
  const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${s.cfg.nodeName}`;
  if (!s.lease.obj) {
    apiRequest(ctx, s.client, { method: "GET", path }, "lease-get", undefined, { timeoutMs: 10_000 });
    return;
  }
  const lease: KubeObject = {
    ...s.lease.obj,
    spec: {
      ...s.lease.obj.spec,
      holderIdentity: s.cfg.nodeName,
      leaseDurationSeconds: s.cfg.settings.nodeLeaseDurationSeconds,
      renewTime: ctx.microTimestamp(),
    },
  };
  s.lease.requestId = apiRequest(ctx, s.client, { method: "PUT", path, body: lease }, "lease-update");
}

function newLease(ctx: Context, s: KubeletState): KubeObject {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name: s.cfg.nodeName,
      namespace: "kube-node-lease",
      ownerReferences: [{ apiVersion: "v1", kind: "Node", name: s.cfg.nodeName, uid: s.node.uid! }],
    },
    spec: {
      holderIdentity: s.cfg.nodeName,
      leaseDurationSeconds: s.cfg.settings.nodeLeaseDurationSeconds,
      renewTime: ctx.microTimestamp(),
    },
  };
}

/** Answers about the Lease. */
export function onLeaseResponse(
  ctx: Context,
  s: KubeletState,
  tag: string,
  code: number,
  body: unknown,
  requestId: number,
): void {
  if (tag === "lease-update" && requestId !== s.lease.requestId) return; // an answer we gave up on
  s.lease.inflight = false;
  if (tag === "lease-get") {
    if (code === 200) {
      s.lease.obj = body as KubeObject;
      renewLease(ctx, s);
      return;
    }
    if (code === 404) {
      s.lease.inflight = true;
      apiRequest(
        ctx,
        s.client,
        {
          method: "POST",
          path: "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
          body: newLease(ctx, s),
        },
        "lease-create",
        undefined,
        { timeoutMs: 10_000 },
      );
      return;
    }
  }
  if ((tag === "lease-update" || tag === "lease-create") && (code === 200 || code === 201)) {
    s.lease.obj = body as KubeObject;
    s.lease.backoffMs = 200;
    return;
  }
  if (tag === "lease-update" && (code === 409 || code === 404)) s.lease.obj = null;
  // Errors: retry sooner than the next renewal (nodelease controller backoffEnsureLease: 200 ms doubling to 7 s).
  ctx.setTimer(s.lease.backoffMs, { name: "lease-retry" });
  s.lease.backoffMs = Math.min(s.lease.backoffMs * 2, 7_000);
}

/** The kubelet's version string (the apiserver's, as in a cluster built by kubeadm). */
export const KUBELET_VERSION = KUBERNETES_VERSION;
