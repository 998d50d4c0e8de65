/**
 * A test and benchmark harness: a simulation with a control plane and a `kubectl` mailbox that
 * sends HTTP requests through the load balancer and collects the responses. Used by tests here
 * and by later components' tests.
 */
import type { ComponentBehavior, Message } from "../core/component";
import { Simulation, type SimulationOptions } from "../core/simulation";
import {
  addControlPlane,
  type ControlPlane,
  type ControlPlaneSpec,
  controlPlaneBehaviors,
} from "./control-plane";
import {
  ADMIN_USER,
  type ApiRequest,
  type ApiResponse,
  type HttpMethod,
  type UserInfo,
  type WatchEvent,
} from "./http";
import type { ApiServerState } from "./state";

/** What a harness request may carry besides its method and path. */
export interface RequestOptions {
  /** An object, or an HTTP body's text (JSON, or YAML for server-side apply). */
  body?: unknown;
  query?: Record<string, string>;
  /** Defaults to the cluster admin (`ADMIN_USER`). */
  user?: UserInfo;
  contentType?: string;
  /** Defaults to the user's component (`defaultUserAgent`): kubectl's for the admin. */
  userAgent?: string;
}

/** A control plane in a simulation, driven from a mailbox as kubectl would. */
export class ControlPlaneHarness {
  readonly sim: Simulation;
  readonly cp: ControlPlane;
  readonly client = "kubectl";
  private nextId = 1;
  private responses = new Map<number, ApiResponse>();
  private watchEvents = new Map<number, WatchEvent[]>();
  private closed = new Set<number>();

  constructor(
    options: Partial<SimulationOptions> & {
      spec?: ControlPlaneSpec;
      behaviors?: readonly ComponentBehavior[];
    } = {},
  ) {
    this.sim = Simulation.create(
      {
        seed: options.seed ?? 1,
        trace: options.trace ?? { enabled: false },
        ...(options.epoch ? { epoch: options.epoch } : {}),
      },
      [...controlPlaneBehaviors, ...(options.behaviors ?? [])],
    );
    this.cp = addControlPlane(this.sim, options.spec);
    this.sim.addMailbox(this.client);
  }

  /** Run until every apiserver has its cache ready (etcd elected a leader and bootstrap objects exist). */
  boot(deadline = 15_000): this {
    const ok = this.sim.runUntil(
      () =>
        this.cp.apiServers.every((a) => {
          const st = this.sim.componentState<ApiServerState>(a);
          const crbs = st.cache.resources["/registry/clusterrolebindings"]?.items ?? {};
          // Ready, with the bootstrap objects (the last one written is kubeadm's admin binding).
          return st.ready && crbs["/registry/clusterrolebindings/kubeadm:cluster-admins"] !== undefined;
        }),
      deadline,
    );
    if (!ok) throw new Error("control plane did not become ready");
    return this;
  }

  private collect(): void {
    for (const o of this.sim.drainOutputs()) {
      const m = o.msg as Message & { requestId: number; events?: WatchEvent[] };
      if (m.verb === "RESPONSE" && !this.responses.has(m.requestId))
        this.responses.set(m.requestId, m as ApiResponse);
      else if (m.verb === "WATCH-EVENT")
        this.watchEvents.set(m.requestId, [
          ...(this.watchEvents.get(m.requestId) ?? []),
          ...(m.events ?? []),
        ]);
      else if (m.verb === "WATCH-CLOSED") this.closed.add(m.requestId);
    }
  }

  /** Send a request through the load balancer; returns its id. */
  send(method: HttpMethod, path: string, opts: RequestOptions = {}): number {
    const requestId = this.nextId++;
    const req: ApiRequest = {
      verb: method,
      requestId,
      origin: this.client,
      path,
      user: opts.user ?? ADMIN_USER,
    };
    if (opts.body !== undefined) req.body = opts.body;
    if (opts.query) req.query = opts.query;
    if (opts.contentType) req.contentType = opts.contentType;
    if (opts.userAgent) req.userAgent = opts.userAgent;
    this.sim.inject(this.client, this.cp.loadBalancer, req);
    return requestId;
  }

  /** Wait for the response to a request (up to 90 s of virtual time). */
  await(requestId: number, deadline = this.sim.now + 90_000): ApiResponse {
    let r: ApiResponse | undefined;
    this.sim.runUntil(() => {
      this.collect();
      r = this.responses.get(requestId);
      return r !== undefined;
    }, deadline);
    if (!r) throw new Error(`no response to request ${requestId} by ${deadline}`);
    return r;
  }

  /** Send and wait. */
  request(method: HttpMethod, path: string, opts: RequestOptions = {}): ApiResponse {
    return this.await(this.send(method, path, opts));
  }

  /** Events received so far on a watch. */
  events(requestId: number): WatchEvent[] {
    this.collect();
    return this.watchEvents.get(requestId) ?? [];
  }

  /** Whether a watch was closed. */
  isClosed(requestId: number): boolean {
    this.collect();
    return this.closed.has(requestId);
  }
}
