/**
 * metrics-server (v0.7): every `--metric-resolution` (15 s) it scrapes `/metrics/resource` of
 * every node's kubelet, and from two consecutive samples computes each container's CPU rate over
 * the window between them (a metric appears only after the second scrape, which is why a new pod
 * shows no metrics for ~15 s) and its current working set; NodeMetrics and PodMetrics (pod labels
 * copied) are what `kubectl top` and the HPA read from `metrics.k8s.io/v1beta1`.
 *
 * Serving: the real metrics-server is an aggregated API the apiserver proxies to. This component
 * answers such requests itself (`GET /apis/metrics.k8s.io/v1beta1/...` messages, for when the
 * apiserver proxies APIServices), and — since the simulated apiserver does not proxy yet — also
 * stores the objects through CustomResourceDefinitions at the same paths (`storage: "crd"`), so
 * `kubectl top` and the HPA controller read them through the API unchanged.
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
  informerList,
  startInformer,
} from "../../apiserver/client/informer";
import type { ApiRequest, ApiResponse, UserInfo } from "../../apiserver/http";
import { type Context, defineBehavior, type Message, type Timer } from "../../core/component";
import { formatTimestamp } from "../../core/time";
import type { ResourceMetrics, ScrapeResourceMetrics } from "./messages";
import type { NodeMetrics, PodMetrics } from "./metrics-types";

/** The component kind. */
export const METRICS_SERVER_KIND = "metrics-server";

/** The ServiceAccount token metrics-server runs with. */
export const METRICS_SERVER_USER: UserInfo = {
  username: "system:serviceaccount:kube-system:metrics-server",
  groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
};

/** One node's previous sample. */
interface Sample {
  at: number;
  nodeCpuSeconds: number;
  containers: Record<string, number>;
}

/** metrics-server's state. */
export interface MetricsServerState {
  client: ApiClientState;
  nodes: InformerState;
  pods: InformerState;
  /** `--metric-resolution` (ms). */
  resolutionMs: number;
  /** Node name → kubelet component id; nodes not listed use `kubelet-<node>`. */
  kubelets: Record<string, string>;
  storage: "crd" | "aggregated";
  nextScrapeId: number;
  /** Scrapes in flight: request id → node. */
  scrapes: Record<number, string>;
  samples: Record<string, Sample>;
  nodeMetrics: Record<string, NodeMetrics>;
  podMetrics: Record<string, PodMetrics>;
  /** Objects stored through the CRDs (key → true). */
  stored: Record<string, true>;
}

/** A metrics-server talking to `server`. */
export function createMetricsServer(
  server: string,
  opts: { kubelets?: Record<string, string>; resolutionMs?: number; storage?: "crd" | "aggregated" } = {},
): MetricsServerState {
  return {
    client: createApiClient(server, METRICS_SERVER_USER),
    nodes: createInformer("nodes", "/api/v1/nodes", { indexers: [] }),
    pods: createInformer("pods", "/api/v1/pods"),
    resolutionMs: opts.resolutionMs ?? 15_000,
    kubelets: opts.kubelets ?? {},
    storage: opts.storage ?? "crd",
    nextScrapeId: 1,
    scrapes: {},
    samples: {},
    nodeMetrics: {},
    podMetrics: {},
    stored: {},
  };
}

/** Go's `time.Duration.String()` for whole and fractional seconds (`15s`, `15.002s`). */
function goSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : Number(s.toFixed(3))}s`;
}

/** CPU as metrics-server prints it (nanocores) and memory in Ki. */
function quantities(cores: number, bytes: number): { cpu: string; memory: string } {
  return { cpu: `${Math.max(0, Math.round(cores * 1e9))}n`, memory: `${Math.round(bytes / 1024)}Ki` };
}

function scrapeAll(ctx: Context, s: MetricsServerState): void {
  s.scrapes = {};
  for (const node of informerList(s.nodes)) {
    const name = node.metadata.name ?? "";
    const requestId = s.nextScrapeId++;
    s.scrapes[requestId] = name;
    const msg: ScrapeResourceMetrics = {
      verb: "SCRAPE",
      path: "/metrics/resource",
      requestId,
      object: `Node/${name}`,
    };
    ctx.send(s.kubelets[name] ?? `kubelet-${name}`, msg, { refuse: true });
  }
  ctx.setTimer(s.resolutionMs, { name: "scrape" });
}

function onResourceMetrics(ctx: Context, s: MetricsServerState, m: ResourceMetrics): void {
  const node = s.scrapes[m.requestId];
  if (node === undefined) return;
  delete s.scrapes[m.requestId];
  const prev = s.samples[node];
  const cur: Sample = { at: m.at, nodeCpuSeconds: m.nodeCpuSeconds, containers: {} };
  for (const c of m.containers) cur.containers[`${c.namespace}/${c.pod}/${c.container}`] = c.cpuSeconds;
  s.samples[node] = cur;
  if (!prev || m.at <= prev.at) return;
  const windowMs = m.at - prev.at;
  const timestamp = formatTimestamp(ctx.epochMs + m.at);
  const window = goSeconds(windowMs);
  s.nodeMetrics[node] = {
    apiVersion: "metrics.k8s.io/v1beta1",
    kind: "NodeMetrics",
    metadata: { name: node, labels: informerGet(s.nodes, "", node)?.metadata.labels ?? {} },
    timestamp,
    window,
    usage: quantities((m.nodeCpuSeconds - prev.nodeCpuSeconds) / (windowMs / 1000), m.nodeMemoryBytes),
  };
  // Containers grouped by pod; a container without a previous sample (just started) has no rate.
  const byPod: Record<string, PodMetrics["containers"]> = {};
  const incomplete: Record<string, true> = {};
  for (const c of m.containers) {
    const key = `${c.namespace}/${c.pod}`;
    const before = prev.containers[`${key}/${c.container}`];
    if (before === undefined || c.cpuSeconds < before) {
      incomplete[key] = true;
      continue;
    }
    const list = byPod[key] ?? [];
    byPod[key] = list;
    list.push({
      name: c.container,
      usage: quantities((c.cpuSeconds - before) / (windowMs / 1000), c.memoryBytes),
    });
  }
  for (const key of Object.keys(s.podMetrics)) {
    const on = nodeOfPod(s, key);
    if (on === undefined || (on === node && !byPod[key])) delete s.podMetrics[key];
  }
  for (const [key, containers] of Object.entries(byPod)) {
    if (incomplete[key]) continue;
    const [ns, name] = key.split("/") as [string, string];
    const pod = informerGet(s.pods, ns, name);
    if (!pod) continue;
    s.podMetrics[key] = {
      apiVersion: "metrics.k8s.io/v1beta1",
      kind: "PodMetrics",
      metadata: { name, namespace: ns, labels: pod.metadata.labels ?? {} },
      timestamp,
      window,
      containers,
    };
  }
  if (s.storage === "crd") publish(ctx, s, node);
}

function nodeOfPod(s: MetricsServerState, key: string): string | undefined {
  const [ns, name] = key.split("/") as [string, string];
  return informerGet(s.pods, ns, name)?.spec?.nodeName;
}

/** Write the node's metrics through the CRD-backed resources (the workaround for aggregation). */
function publish(ctx: Context, s: MetricsServerState, node: string): void {
  const write = (key: string, collection: string, name: string, obj: NodeMetrics | PodMetrics) => {
    if (s.stored[key]) {
      apiRequest(
        ctx,
        s.client,
        {
          method: "PATCH",
          path: `${collection}/${name}`,
          contentType: "application/merge-patch+json",
          body: {
            metadata: { labels: obj.metadata.labels },
            timestamp: obj.timestamp,
            window: obj.window,
            ...("usage" in obj ? { usage: obj.usage } : { containers: obj.containers }),
          },
        },
        "patch-metrics",
        key,
      );
    } else {
      s.stored[key] = true;
      apiRequest(ctx, s.client, { method: "POST", path: collection, body: obj }, "create-metrics", key);
    }
  };
  const nm = s.nodeMetrics[node];
  if (nm) write(`node/${node}`, "/apis/metrics.k8s.io/v1beta1/nodes", node, nm);
  for (const [key, pm] of Object.entries(s.podMetrics)) {
    if (nodeOfPod(s, key) !== node) continue;
    write(
      `pod/${key}`,
      `/apis/metrics.k8s.io/v1beta1/namespaces/${pm.metadata.namespace}/pods`,
      pm.metadata.name,
      pm,
    );
  }
  for (const key of Object.keys(s.stored)) {
    if (!key.startsWith("pod/")) continue;
    const podKey = key.slice(4);
    if (s.podMetrics[podKey]) continue;
    const [ns, name] = podKey.split("/") as [string, string];
    if (informerGet(s.pods, ns, name)?.spec?.nodeName === node || !informerGet(s.pods, ns, name)) {
      delete s.stored[key];
      apiRequest(
        ctx,
        s.client,
        { method: "DELETE", path: `/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods/${name}` },
        "delete-metrics",
        key,
      );
    }
  }
}

/** Answer a `metrics.k8s.io` request directly, as the aggregated API server does. */
function serve(ctx: Context, s: MetricsServerState, req: ApiRequest, from: string): void {
  const [code, body] = answer(s, req);
  ctx.send(from, { verb: "RESPONSE", requestId: req.requestId, code, body } as ApiResponse);
}

function answer(s: MetricsServerState, req: ApiRequest): [number, unknown] {
  const p = req.path
    .replace(/^\/apis\/metrics\.k8s\.io\/v1beta1\/?/, "")
    .split("/")
    .filter(Boolean);
  const selector = req.query?.labelSelector ?? "";
  const matches = (labels: Record<string, string> | undefined) =>
    selector === "" ||
    selector.split(",").every((term) => {
      const [k, v] = term.split("=") as [string, string | undefined];
      return v === undefined ? labels?.[k] !== undefined : labels?.[k] === v;
    });
  if (p[0] === "nodes") {
    if (p[1]) {
      const m = s.nodeMetrics[p[1]];
      return m ? [200, m] : [404, notFound("nodes", p[1])];
    }
    const items = Object.values(s.nodeMetrics).filter((m) => matches(m.metadata.labels));
    return [200, { kind: "NodeMetricsList", apiVersion: "metrics.k8s.io/v1beta1", metadata: {}, items }];
  }
  const ns = p[0] === "namespaces" ? p[1] : undefined;
  const rest = p[0] === "namespaces" ? p.slice(2) : p;
  if (rest[0] !== "pods") return [404, notFound("", "")];
  if (rest[1] && ns) {
    const m = s.podMetrics[`${ns}/${rest[1]}`];
    return m ? [200, m] : [404, notFound("pods", rest[1])];
  }
  const items = Object.values(s.podMetrics).filter(
    (m) => (ns === undefined || m.metadata.namespace === ns) && matches(m.metadata.labels),
  );
  return [200, { kind: "PodMetricsList", apiVersion: "metrics.k8s.io/v1beta1", metadata: {}, items }];
}

function notFound(resource: string, name: string): KubeObject {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: resource
      ? `${resource}.metrics.k8s.io "${name}" not found`
      : "the server could not find the requested resource",
    reason: "NotFound",
    details: resource ? { name, group: "metrics.k8s.io", kind: resource } : {},
    code: 404,
  };
}

/** The behaviour. */
export const metricsServerBehavior = defineBehavior<MetricsServerState>({
  kind: METRICS_SERVER_KIND,
  onStart(ctx, s) {
    startInformer(ctx, s.client, s.nodes);
    startInformer(ctx, s.client, s.pods);
    ctx.setTimer(s.resolutionMs, { name: "scrape" });
  },
  onStop(s) {
    // Metrics live in memory: a restart starts from nothing (two scrapes before the first value).
    const fresh = createMetricsServer(s.client.server, {
      kubelets: s.kubelets,
      resolutionMs: s.resolutionMs,
      storage: s.storage,
    });
    return { ...fresh, stored: s.stored };
  },
  onMessage(ctx, s, msg: Message, from) {
    if (msg.verb === "RESOURCE-METRICS") return onResourceMetrics(ctx, s, msg as ResourceMetrics);
    if (msg.verb === "CONNECTION-REFUSED") {
      const orig = (msg as Message & { original: ScrapeResourceMetrics }).original;
      delete s.scrapes[orig.requestId];
      return;
    }
    if (msg.verb === "GET" && (msg as ApiRequest).path?.startsWith("/apis/metrics.k8s.io/"))
      return serve(ctx, s, msg as ApiRequest, from);
    const ev = handleApiMessage(ctx, s.client, msg);
    if (!ev) return;
    if (handleInformerEvent(ctx, s.client, s.nodes, ev)) return;
    if (handleInformerEvent(ctx, s.client, s.pods, ev)) return;
    // A create that found the object already there (restart): switch to patches.
    if (ev.kind === "response" && ev.tag === "create-metrics" && ev.code === 409)
      s.stored[String(ev.data)] = true;
    if (ev.kind === "response" && ev.tag === "patch-metrics" && ev.code === 404)
      delete s.stored[String(ev.data)];
  },
  onTimer(ctx, s, timer: Timer) {
    if (handleApiTimer(ctx, s.client, timer)) return;
    if (handleInformerTimer(ctx, s.client, s.nodes, timer)) return;
    if (handleInformerTimer(ctx, s.client, s.pods, timer)) return;
    if (timer.name === "scrape") scrapeAll(ctx, s);
  },
});
