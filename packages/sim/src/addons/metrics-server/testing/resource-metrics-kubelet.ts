/**
 * Test scaffolding for the kubelet's `/metrics/resource` endpoint, until the node side's kubelet
 * answers scrapes: one component per node (`kubelet-<node>`) that watches its node's pods,
 * integrates each running container's CPU time from the usage model (`containerUsage`: the
 * image's idle profile plus the request rate it is told about with `SET-LOAD`), and answers
 * metrics-server's SCRAPE with cumulative CPU seconds and working sets. Not a kubelet model.
 */
import {
  type ApiClientState,
  createApiClient,
  handleApiMessage,
  handleApiTimer,
} from "../../../apiserver/client/api-client";
import {
  createInformer,
  handleInformerEvent,
  handleInformerTimer,
  type InformerState,
  informerList,
  startInformer,
} from "../../../apiserver/client/informer";
import { ADMIN_USER } from "../../../apiserver/http";
import { type Context, defineBehavior, type Message } from "../../../core/component";
import type { ResourceMetrics, ScrapeResourceMetrics } from "../messages";
import { containerUsage, profileOfImage } from "../usage";

/** The kind. */
export const RESOURCE_METRICS_KUBELET_KIND = "test-resource-metrics-kubelet";

/** A load update: `namespace/pod/container` → requests per second. */
export interface SetLoad extends Message {
  verb: "SET-LOAD";
  load: Record<string, number>;
}

/** State. */
export interface ResourceMetricsKubeletState {
  node: string;
  client: ApiClientState;
  pods: InformerState;
  load: Record<string, number>;
  /** Cumulative CPU seconds per container, and when they were last brought up to date. */
  cpuSeconds: Record<string, number>;
  nodeCpuSeconds: number;
  integratedAt: number;
}

/** A stand-in for `node`. */
export function createResourceMetricsKubelet(server: string, node: string): ResourceMetricsKubeletState {
  return {
    node,
    client: createApiClient(server, ADMIN_USER),
    pods: createInformer("pods", "/api/v1/pods", { fieldSelector: `spec.nodeName=${node}` }),
    load: {},
    cpuSeconds: {},
    nodeCpuSeconds: 0,
    integratedAt: 0,
  };
}

function running(s: ResourceMetricsKubeletState) {
  const out: {
    key: string;
    ns: string;
    pod: string;
    container: string;
    image: string;
    limits: Record<string, string>;
  }[] = [];
  for (const p of informerList(s.pods)) {
    if (p.status?.phase !== "Running" || p.metadata.deletionTimestamp) continue;
    for (const c of p.spec?.containers ?? [])
      out.push({
        key: `${p.metadata.namespace}/${p.metadata.name}/${c.name}`,
        ns: p.metadata.namespace ?? "",
        pod: p.metadata.name ?? "",
        container: c.name,
        image: c.image,
        limits: c.resources?.limits ?? {},
      });
  }
  return out;
}

/** Bring cumulative CPU up to now at the rates in effect. */
function integrate(ctx: Context, s: ResourceMetricsKubeletState): void {
  const dt = (ctx.now - s.integratedAt) / 1000;
  s.integratedAt = ctx.now;
  if (dt <= 0) return;
  // The system (kubelet, runtime, OS) uses about 60 millicores on an idle node.
  let node = 0.06;
  for (const c of running(s)) {
    const u = containerUsage(profileOfImage(c.image), s.load[c.key] ?? 0, c.limits);
    s.cpuSeconds[c.key] = (s.cpuSeconds[c.key] ?? 0) + (u.cpuMilli / 1000) * dt;
    node += u.cpuMilli / 1000;
  }
  s.nodeCpuSeconds += node * dt;
}

/** The behaviour. */
export const resourceMetricsKubeletBehavior = defineBehavior<ResourceMetricsKubeletState>({
  kind: RESOURCE_METRICS_KUBELET_KIND,
  onStart(ctx, s) {
    s.integratedAt = ctx.now;
    startInformer(ctx, s.client, s.pods);
  },
  onMessage(ctx, s, msg, from) {
    if (msg.verb === "SET-LOAD") {
      integrate(ctx, s);
      s.load = { ...(msg as SetLoad).load };
      return;
    }
    if (msg.verb === "SCRAPE") {
      integrate(ctx, s);
      const cs = running(s);
      const containers = cs.map((c) => ({
        namespace: c.ns,
        pod: c.pod,
        container: c.container,
        cpuSeconds: s.cpuSeconds[c.key] ?? 0,
        memoryBytes: containerUsage(profileOfImage(c.image), s.load[c.key] ?? 0, c.limits).memoryBytes,
      }));
      const reply: ResourceMetrics = {
        verb: "RESOURCE-METRICS",
        requestId: (msg as ScrapeResourceMetrics).requestId,
        node: s.node,
        at: ctx.now,
        nodeCpuSeconds: s.nodeCpuSeconds,
        nodeMemoryBytes: 900 * 1_048_576 + containers.reduce((n, c) => n + c.memoryBytes, 0),
        containers,
      };
      ctx.send(from, reply);
      return;
    }
    const ev = handleApiMessage(ctx, s.client, msg);
    if (!ev) return;
    // Account the time so far at the old set of containers before the set changes.
    integrate(ctx, s);
    handleInformerEvent(ctx, s.client, s.pods, ev);
  },
  onTimer(ctx, s, timer) {
    if (handleApiTimer(ctx, s.client, timer)) return;
    handleInformerTimer(ctx, s.client, s.pods, timer);
  },
});
