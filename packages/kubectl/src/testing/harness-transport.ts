/**
 * A transport over the simulated control plane (`ControlPlaneHarness` of packages/sim): each
 * request goes through the load balancer to a kube-apiserver replica as an HTTP-shaped message,
 * and its response comes back — real API semantics, no shortcut. For tests and local tools.
 */
import type { ControlPlaneHarness } from "../../../sim/src/apiserver/testing";
import {
  ConnectionError,
  type HttpRequest,
  type HttpResponse,
  type KubeTransport,
  type WatchEvent,
  type WatchStream,
} from "../transport";

/** Options: how far a watch may run the simulation ahead while waiting for events. */
export interface HarnessTransportOptions {
  /** Virtual ms to advance per wait step (default 1000). */
  stepMs?: number;
  /** Virtual ms a watch may wait in total before it ends (default 60 000). */
  watchBudgetMs?: number;
}

type HarnessMethod = Parameters<ControlPlaneHarness["request"]>[0];

function bodyOf(req: HttpRequest): unknown {
  if (req.body === undefined) return undefined;
  const ct = req.headers?.["content-type"] ?? "application/json";
  // YAML apply patches travel as text; everything else kubectl sends is JSON.
  if (ct.includes("yaml")) return req.body;
  return JSON.parse(req.body);
}

/** The transport. `now()` gives the simulation's wall-clock time for AGE columns. */
export class HarnessTransport implements KubeTransport {
  readonly server = "https://127.0.0.1:6443";

  constructor(
    readonly harness: ControlPlaneHarness,
    private readonly options: HarnessTransportOptions = {},
  ) {}

  /** The simulated wall clock (ms since the Unix epoch). */
  now(): number {
    return this.harness.sim.state.epochMs + this.harness.sim.now;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const opts: { body?: unknown; query?: Record<string, string>; contentType?: string } = {};
    const body = bodyOf(req);
    if (body !== undefined) opts.body = body;
    if (req.query && Object.keys(req.query).length > 0) opts.query = req.query;
    const ct = req.headers?.["content-type"];
    if (ct && req.method !== "GET") opts.contentType = ct;
    const res = this.harness.request(req.method as HarnessMethod, req.path, opts);
    if (res.code === 0) {
      const msg = res.error ?? "connection refused";
      throw new ConnectionError(msg, msg.includes("refused"));
    }
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (res.warnings && res.warnings.length > 0) {
      headers.warning = res.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join("\n");
    }
    return {
      status: res.code,
      headers,
      body: res.body === undefined ? "" : typeof res.body === "string" ? res.body : JSON.stringify(res.body),
    };
  }

  async watch(req: HttpRequest): Promise<WatchStream> {
    const h = this.harness;
    const id = h.send("GET", req.path, { query: { ...(req.query ?? {}), watch: "true" } });
    const first = h.await(id);
    if (first.code !== 200) {
      return {
        status: first.code,
        errorBody: JSON.stringify(first.body ?? {}),
        events: (async function* () {})(),
        cancel() {},
      };
    }
    let cancelled = false;
    const step = this.options.stepMs ?? 1000;
    const budget = this.options.watchBudgetMs ?? 60_000;
    const sim = h.sim;
    async function* events(): AsyncGenerator<WatchEvent> {
      let seen = 0;
      const end = sim.now + budget;
      while (!cancelled) {
        const evs = h.events(id);
        while (seen < evs.length && !cancelled) yield evs[seen++] as WatchEvent;
        if (cancelled || h.isClosed(id) || sim.now >= end) return;
        sim.runUntil(() => h.events(id).length > seen || h.isClosed(id), Math.min(end, sim.now + step));
      }
    }
    return {
      status: 200,
      events: events(),
      cancel() {
        cancelled = true;
      },
    };
  }
}
