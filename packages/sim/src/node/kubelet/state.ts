/**
 * The kubelet's plain-data state: its API client and informers, node registration and status,
 * the node Lease, the CRI calls in flight, the runtime cache (the PLEG's view of sandboxes and
 * containers), one pod worker per pod, the serialised image puller, back-offs and the event
 * recorder.
 */
import type { KubeObject } from "../../api/types";
import { type ApiClientState, createApiClient } from "../../apiserver/client/api-client";
import { createInformer, type InformerState } from "../../apiserver/client/informer";
import type { ContainerState, CriContainerStatus, CriImage, CriSandboxStatus } from "../runtime/cri";
import type { BackoffState } from "./backoff";
import type { KubeletConfig } from "./config";
import { createEventRecorder, type EventRecorderState } from "./events";

/** The kubelet's cache of one runtime container. */
export interface ContainerRecord {
  id: string;
  attempt: number;
  state: ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  exitCode: number;
  reason: string;
  message: string;
  /** Normalised image name and repo digest (what the status shows as image / imageID). */
  image: string;
  imageRef: string;
}

/** A prober worker (one per container and probe type). */
export interface ProbeWorker {
  type: "startup" | "liveness" | "readiness";
  container: string;
  containerId: string;
  /** The pending tick timer. */
  timer: number;
  /** Request id of the probe in flight (0: none) and when it was sent. */
  inflight: number;
  sentAt: number;
  /** `uid|container/type`: echoed by the runtime with the answer. */
  tag: string;
  successes: number;
  failures: number;
  /** Current result; readiness starts as failure, liveness as success, startup as unknown. */
  result: "success" | "failure" | null;
}

/** Where a container start is in its pipeline. */
export interface StartPipeline {
  container: string;
  init: boolean;
  step: "image-status" | "queued" | "pulling" | "create" | "start";
  /** When the Pulling event was recorded (the "including waiting" time starts there). */
  pullRequestedAt: number;
  pullStartedAt: number;
  containerId: string;
}

/** One pod the kubelet runs. */
export interface PodWorker {
  uid: string;
  namespace: string;
  name: string;
  /** A static pod (from the manifest folder); its mirror pod's uid once it exists in the API. */
  static: boolean;
  mirrorUid: string | null;
  mirrorPending: boolean;
  /**
   * The pod's own copy: static pods' manifests, and API pods once deleted. Otherwise the pod is
   * the informer's object (`podOf`), so 30,000 pods are not held (and snapshotted) twice.
   */
  ownPod: KubeObject | null;
  /** When the kubelet first saw the pod (`status.startTime`). */
  firstSeen: number;
  sandbox: { id: string; ip: string; attempt: number; ready: boolean } | null;
  sandboxAttempt: number;
  /** Runtime containers by container name, oldest first (the current and the previous one). */
  containers: Record<string, ContainerRecord[]>;
  /** Why a container is waiting (the kubelet's reasonCache): ErrImagePull, CrashLoopBackOff… */
  waiting: Record<string, { reason: string; message?: string }>;
  /** CRI operations in flight for this pod. */
  ops: number;
  pendingSync: boolean;
  /** Scheduled resync (back-off expiry, retry after an error): its time and timer id. */
  resyncAt: number;
  resyncTimer: number;
  starting: StartPipeline | null;
  /** Containers being stopped (container id → true). */
  stopping: Record<string, true>;
  /** Containers to kill and restart (liveness/startup failures): name → event message. */
  killRequested: Record<string, string>;
  /** Containers killed by the kubelet that restart at once (no back-off: they did not crash). */
  restartNow: Record<string, true>;
  /** Graceful termination under way: the grace period and when it began. */
  terminating: { graceSeconds: number; since: number; reason: "deleted" | "terminal" | "shutdown" } | null;
  /** Containers and sandbox are stopped. */
  stopped: boolean;
  deletedFromApi: boolean;
  apiDeleteSent: boolean;
  probes: Record<string, ProbeWorker>;
  ready: Record<string, boolean>;
  started: Record<string, boolean>;
  conditionTimes: Record<string, { status: string; time: string }>;
  /** Hash of the last status sent, a PATCH in flight, and whether a newer one waits. */
  statusSent: number;
  statusInflight: boolean;
  statusDirty: boolean;
  /** A start just failed: wait for the worker's retry (or a container event) before syncing again. */
  holdSync: boolean;
  /** What of the API pod the kubelet reacts to (spec, deletion, labels, annotations), to skip status-only updates. */
  specKey: number;
  /** A terminal phase once reached (Succeeded/Failed) is never left. */
  terminalPhase: "Succeeded" | "Failed" | null;
}

/** A CRI call in flight. */
export interface CriCall {
  op: string;
  uid?: string;
  container?: string;
  data?: Record<string, string | number | boolean>;
}

/** The kubelet's node registration and status. */
export interface NodeState {
  uid: string | null;
  registering: boolean;
  registerBackoffMs: number;
  podCidr: string | null;
  podCidrApplied: string | null;
  /** Condition type → its last status, reason, message, transition time. */
  conditions: Record<string, { status: string; reason: string; message: string; lastTransitionTime: string }>;
  lastReportAt: number;
  fingerprint: string;
  statusInflight: boolean;
  /** Status updates done (the first runs before the runtime check completes). */
  statusUpdates: number;
  bootId: string;
  machineId: string;
}

/** The kubelet's state. */
export interface KubeletState {
  cfg: KubeletConfig;
  /** Unix ms of the cluster epoch (for timestamps). */
  epochMs: number;
  client: ApiClientState;
  pods: InformerState;
  node: NodeState;
  lease: { obj: KubeObject | null; inflight: boolean; backoffMs: number; sentAt: number; requestId: number };
  cri: { next: number; pending: Record<number, CriCall> };
  /** The runtime has been listed since start (sandboxes, containers, images). */
  runtimeSynced: boolean;
  runtimeListing: { sandboxes: boolean; containers: boolean; images: boolean };
  /** What the runtime reported at start, consumed as workers are created (the PLEG's first relist). */
  runtimeCache: { sandboxes: CriSandboxStatus[]; containers: CriContainerStatus[] };
  workers: Record<string, PodWorker>;
  /** Uids of the static pods' workers. */
  staticUids: string[];
  /** `namespace/name` → worker uid (static pods by their mirror name). */
  byName: Record<string, string>;
  images: CriImage[];
  pullQueue: { uid: string; container: string }[];
  pullActive: { uid: string; container: string } | null;
  crashBackoff: BackoffState;
  imageBackoff: BackoffState;
  recorder: EventRecorderState;
  statusFlushTimer: number;
  dirtyPods: Record<string, true>;
  /** Sandboxes to remove at the next housekeeping tick (container GC). */
  gcSandboxes: Record<string, true>;
  networkReady: boolean;
  nextNetId: number;
}

/** A kubelet's initial state (also what a restart starts from: a kubelet keeps nothing in memory). */
export function createKubeletState(cfg: KubeletConfig): KubeletState {
  return {
    cfg,
    epochMs: 0,
    client: createApiClient(cfg.apiServer, cfg.user),
    pods: createInformer("pods", "/api/v1/pods", {
      fieldSelector: `spec.nodeName=${cfg.nodeName}`,
      indexers: [],
    }),
    node: {
      uid: null,
      registering: false,
      registerBackoffMs: 100,
      podCidr: null,
      podCidrApplied: null,
      conditions: {},
      lastReportAt: -1,
      fingerprint: "",
      statusInflight: false,
      statusUpdates: 0,
      bootId: "",
      machineId: "",
    },
    lease: { obj: null, inflight: false, backoffMs: 200, sentAt: 0, requestId: 0 },
    cri: { next: 1, pending: {} },
    runtimeSynced: false,
    runtimeListing: { sandboxes: false, containers: false, images: false },
    runtimeCache: { sandboxes: [], containers: [] },
    workers: {},
    staticUids: [],
    byName: {},
    images: [],
    pullQueue: [],
    pullActive: null,
    crashBackoff: {},
    imageBackoff: {},
    recorder: createEventRecorder("kubelet", cfg.nodeName),
    statusFlushTimer: -1,
    dirtyPods: {},
    gcSandboxes: {},
    networkReady: cfg.networkReady,
    nextNetId: 1,
  };
}

/** A worker's pod: the informer's object while it exists (and is this pod), else the worker's copy. */
export function podOf(s: KubeletState, w: PodWorker): KubeObject {
  const p = s.pods.items[`${w.namespace}/${w.name}`];
  if (p && p.metadata.uid === w.uid && !w.ownPod) return p;
  return w.ownPod ?? p!;
}
