/**
 * A stand-in for the kubelet in controller tests, until the node side (`node/`) exists: it
 * watches pods and, as a kubelet would after starting containers, reports them Running and
 * Ready through `pods/status`; a pod annotated `kubelab.test/exit-code` terminates after
 * `kubelab.test/run-ms` (Succeeded for 0, Failed otherwise), and a pod marked for graceful
 * deletion is confirmed with a `gracePeriodSeconds: 0` delete once its containers "stopped".
 * It does not bind pods (tests run without a scheduler); it is test scaffolding, not a model.
 */
import type { KubeObject } from "../../api/types";
import {
  type ApiClientState,
  apiRequest,
  createApiClient,
  handleApiMessage,
  handleApiTimer,
} from "../../apiserver/client/api-client";
import {
  createInformer,
  handleInformerEvent,
  handleInformerTimer,
  type InformerState,
  informerGet,
  startInformer,
} from "../../apiserver/client/informer";
import type { Context, Timer } from "../../core/component";
import { defineBehavior } from "../../core/component";

/** The kind of the fake kubelet component. */
export const FAKE_KUBELET_KIND = "test-fake-kubelet";

/** Annotation: the container's exit code (the pod terminates instead of running forever). */
export const EXIT_CODE_ANNOTATION = "kubelab.test/exit-code";
/** Annotation: how long the container runs before exiting (ms, default 1000). */
export const RUN_MS_ANNOTATION = "kubelab.test/run-ms";

/** The fake kubelet's state. */
export interface FakeKubeletState {
  client: ApiClientState;
  pods: InformerState;
  /** Delay from seeing a pod to reporting it Running and Ready (image pull + start). */
  startDelayMs: number;
  /** Pods already handled: key → what was done last ("starting", "running", "terminated", "deleting"). */
  seen: Record<string, string>;
  /** While false, pods are left Pending (a test can freeze the "node" side). */
  active: boolean;
}

/** A new fake kubelet talking to `server`. */
export function createFakeKubelet(server = "kube-apiserver-lb", startDelayMs = 2000): FakeKubeletState {
  return {
    client: createApiClient(server, {
      username: "system:node:fake",
      groups: ["system:nodes", "system:masters"],
    }),
    pods: createInformer("pods", "/api/v1/pods"),
    startDelayMs,
    seen: {},
    active: true,
  };
}

function key(p: KubeObject): string {
  return `${p.metadata.namespace}/${p.metadata.name}`;
}

function containerName(p: KubeObject): string {
  return p.spec?.containers?.[0]?.name ?? "main";
}

function patchStatus(ctx: Context, s: FakeKubeletState, p: KubeObject, status: unknown): void {
  apiRequest(
    ctx,
    s.client,
    {
      method: "PATCH",
      path: `/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}/status`,
      body: { status },
      contentType: "application/merge-patch+json",
    },
    "status",
  );
}

function consider(ctx: Context, s: FakeKubeletState, p: KubeObject): void {
  const k = key(p);
  if (p.metadata.deletionTimestamp) {
    if (s.seen[k] === "deleting") return;
    s.seen[k] = "deleting";
    // The kubelet stops the containers, then confirms the deletion with grace period 0.
    const grace = (p.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
    ctx.setTimer(Math.min(grace, 1000), { name: "confirm-delete", key: k } as Timer);
    return;
  }
  if (!s.active) return;
  const phase = p.status?.phase;
  if (phase === "Pending" && s.seen[k] === undefined) {
    s.seen[k] = "starting";
    ctx.setTimer(s.startDelayMs, { name: "start", key: k } as Timer);
  }
}

function start(ctx: Context, s: FakeKubeletState, k: string): void {
  const [ns, name] = k.split("/") as [string, string];
  const p = informerGet(s.pods, ns, name);
  if (!p || p.metadata.deletionTimestamp) return;
  const now = ctx.timestamp();
  const c = containerName(p);
  s.seen[k] = "running";
  patchStatus(ctx, s, p, {
    phase: "Running",
    startTime: now,
    conditions: [
      { type: "PodReadyToStartContainers", status: "True", lastTransitionTime: now },
      { type: "Initialized", status: "True", lastTransitionTime: now },
      { type: "Ready", status: "True", lastTransitionTime: now },
      { type: "ContainersReady", status: "True", lastTransitionTime: now },
      { type: "PodScheduled", status: "True", lastTransitionTime: now },
    ],
    containerStatuses: [
      {
        name: c,
        ready: true,
        started: true,
        restartCount: 0,
        image: "img",
        imageID: "",
        state: { running: { startedAt: now } },
      },
    ],
  });
  const exit = p.metadata.annotations?.[EXIT_CODE_ANNOTATION];
  if (exit !== undefined) {
    const runMs = Number(p.metadata.annotations?.[RUN_MS_ANNOTATION] ?? "1000");
    ctx.setTimer(runMs, { name: "exit", key: k, code: Number(exit), startedAt: now } as Timer);
  }
}

function exit(ctx: Context, s: FakeKubeletState, k: string, code: number, startedAt: string): void {
  const [ns, name] = k.split("/") as [string, string];
  const p = informerGet(s.pods, ns, name);
  if (!p || p.metadata.deletionTimestamp) return;
  const now = ctx.timestamp();
  s.seen[k] = "terminated";
  const reason = code === 0 ? "Completed" : "Error";
  patchStatus(ctx, s, p, {
    phase: code === 0 ? "Succeeded" : "Failed",
    conditions: [
      { type: "PodReadyToStartContainers", status: "False", lastTransitionTime: now },
      { type: "Initialized", status: "True", lastTransitionTime: startedAt },
      { type: "Ready", status: "False", reason: "PodCompleted", lastTransitionTime: now },
      { type: "ContainersReady", status: "False", reason: "PodCompleted", lastTransitionTime: now },
      { type: "PodScheduled", status: "True", lastTransitionTime: startedAt },
    ],
    containerStatuses: [
      {
        name: containerName(p),
        ready: false,
        started: false,
        restartCount: 0,
        image: "img",
        imageID: "",
        state: { terminated: { exitCode: code, reason, startedAt, finishedAt: now } },
      },
    ],
  });
}

/** The fake kubelet behaviour (register it in tests that need pods to run). */
export const fakeKubeletBehavior = defineBehavior<FakeKubeletState>({
  kind: FAKE_KUBELET_KIND,
  onStart(ctx, s) {
    startInformer(ctx, s.client, s.pods);
  },
  onMessage(ctx, s, msg) {
    const ev = handleApiMessage(ctx, s.client, msg);
    if (!ev) return;
    const u = handleInformerEvent(ctx, s.client, s.pods, ev);
    if (!u) return;
    for (const d of u.deltas) {
      if (d.type === "DELETED") delete s.seen[key(d.object)];
      else consider(ctx, s, d.object);
    }
  },
  onTimer(ctx, s, timer) {
    if (handleApiTimer(ctx, s.client, timer)) return;
    if (handleInformerTimer(ctx, s.client, s.pods, timer)) return;
    const t = timer as Timer & { key: string; code?: number; startedAt?: string };
    if (t.name === "start") start(ctx, s, t.key);
    else if (t.name === "exit") exit(ctx, s, t.key, t.code ?? 0, t.startedAt ?? "");
    else if (t.name === "confirm-delete") {
      const [ns, name] = t.key.split("/") as [string, string];
      apiRequest(
        ctx,
        s.client,
        {
          method: "DELETE",
          path: `/api/v1/namespaces/${ns}/pods/${name}`,
          body: { gracePeriodSeconds: 0 },
        },
        "delete",
      );
    }
  },
});
