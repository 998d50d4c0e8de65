/**
 * A transport over a whole simulated cluster (the hosted-cluster facade `Cluster` of
 * packages/sim): nodes, kubelets, controllers and the scheduler run, so pods become Running and
 * rollouts finish. Requests are `api` inputs; watches follow `api-watch` outputs while virtual
 * time advances in steps. For end-to-end tests.
 */
import type { Cluster } from "../../../sim/src/cluster/cluster";
import type { ApiResult, ClusterOutput } from "../../../sim/src/cluster/io";
import {
  ConnectionError,
  type HttpRequest,
  type HttpResponse,
  type KubeTransport,
  type WatchEvent,
  type WatchStream,
} from "../transport";

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** The transport; `stepMs` is how far a waiting watch moves virtual time at once. */
export class ClusterTransport implements KubeTransport {
  readonly server = "https://172.18.0.2:6443";
  private readonly buffers = new Map<number, WatchEvent[]>();
  private readonly closed = new Set<number>();

  constructor(
    readonly cluster: Cluster,
    private readonly options: { stepMs?: number; watchBudgetMs?: number } = {},
  ) {}

  /** Wall-clock ms of the simulation (for AGE columns). */
  now(): number {
    return Date.parse(this.cluster.spec.epoch ?? "2025-01-01T00:00:00Z") + this.cluster.now();
  }

  private route(outputs: ClusterOutput[]): void {
    for (const o of outputs) {
      if (o.type === "api-watch") this.buffers.get(o.watchId)?.push(...(o.events as WatchEvent[]));
      else if (o.type === "api-watch-closed") this.closed.add(o.watchId);
    }
  }

  private submitApi(req: HttpRequest): ApiResult {
    const input: {
      type: "api";
      method: Method;
      path: string;
      query?: Record<string, string>;
      body?: unknown;
      contentType?: string;
    } = {
      type: "api",
      method: req.method,
      path: req.path,
    };
    if (req.query && Object.keys(req.query).length > 0) input.query = req.query;
    if (req.body !== undefined) {
      const ct = req.headers?.["content-type"] ?? "application/json";
      input.body = ct.includes("yaml") ? req.body : JSON.parse(req.body);
      if (req.method !== "GET") input.contentType = ct;
    }
    const { outputs, response } = this.cluster.submit(input);
    this.route(outputs);
    return response as ApiResult;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const r = this.submitApi(req);
    if (r.code === 0)
      throw new ConnectionError(r.error ?? "connection refused", (r.error ?? "").includes("refused"));
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (r.warnings?.length) headers.warning = r.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join("\n");
    return {
      status: r.code,
      headers,
      body: r.body === undefined ? "" : typeof r.body === "string" ? r.body : JSON.stringify(r.body),
    };
  }

  async watch(req: HttpRequest): Promise<WatchStream> {
    const r = this.submitApi({ ...req, query: { ...(req.query ?? {}), watch: "true" } });
    if (r.code !== 200 || r.watchId === undefined) {
      return {
        status: r.code,
        errorBody: JSON.stringify(r.body ?? {}),
        events: (async function* () {})(),
        cancel() {},
      };
    }
    const id = r.watchId;
    this.buffers.set(id, []);
    let cancelled = false;
    const self = this;
    const step = this.options.stepMs ?? 1000;
    const budget = this.options.watchBudgetMs ?? 300_000;
    async function* events(): AsyncGenerator<WatchEvent> {
      const end = self.cluster.now() + budget;
      const buf = self.buffers.get(id)!;
      while (!cancelled) {
        while (buf.length > 0 && !cancelled) yield buf.shift()!;
        if (cancelled || self.closed.has(id) || self.cluster.now() >= end) return;
        self.route(self.cluster.advanceTo(Math.min(end, self.cluster.now() + step)));
      }
    }
    return {
      status: 200,
      events: events(),
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        this.buffers.delete(id);
        this.route(this.cluster.submit({ type: "watch-cancel", watchId: id }).outputs);
      },
    };
  }

  /** Let virtual time pass (a user waiting at the prompt). */
  advance(ms: number): void {
    this.route(this.cluster.advanceTo(this.cluster.now() + ms));
  }
}
