/**
 * A hosted cluster: the simulation of one Kubernetes cluster behind the interface the runtime
 * (the worker) drives. Inputs go in at the current virtual time, outputs come out, and the whole
 * thing serialises to one string. Determinism: restoring a snapshot taken at time T and applying
 * the inputs recorded after it, each at its recorded virtual time, gives exactly the cluster the
 * uninterrupted run had, whatever wake-ups the host made in between.
 */
import type { ApiRequest, ApiResponse, WatchCancel, WatchClosed, WatchEventMessage } from "../apiserver/http";
import { ADMIN_USER, isWatchRequest } from "../apiserver/http";
import type { ApiServerState } from "../apiserver/state";
import type { Output } from "../core/simulation";
import { Simulation } from "../core/simulation";
import { type ActiveFault, injectFault, repairFault } from "../faults/inject";
import { assembleCluster, type ClusterAssembly, clusterBehaviors } from "./assemble";
import type { ApiResult, ClusterInput, ClusterOutput, ObservedChange } from "./io";
import { type ClusterSpec, collectionPath } from "./spec";
import { type ClusterSummary, summarize } from "./summary";

/** The mailbox user requests (kubectl, client libraries, the web terminal) are sent from. */
export const API_CLIENT = "api-client";
/** The mailbox the dashboard's watches are opened from (a client like Headlamp). */
export const DASHBOARD_CLIENT = "dashboard";

/** Format tag of `serialize()` output. */
export const CLUSTER_SNAPSHOT_FORMAT = "kubelab-cluster/1";

/** A client's request that gets no response is given up after this (ms of virtual time). */
const REQUEST_DEADLINE_MS = 90_000;
/** A dashboard watch that could not start is retried after this (client-go reflector back-off starts at 800 ms). */
const WATCH_RETRY_MS = 1_000;
/** An apiserver is given this long to become ready at creation (kubeadm waits up to 4 min; ours boots in ~2 s). */
const BOOT_DEADLINE_MS = 60_000;
/** Longest single `advance` input (a day): larger jumps are several inputs. */
const MAX_ADVANCE_MS = 86_400_000;

/** One dashboard watch: the resource, where it resumes from, and its current request. */
interface ObservedWatch {
  resource: string;
  path: string;
  /** Last resourceVersion seen ("" = list from the current state). */
  rv: string;
  /** Request id of the open (or opening) watch, 0 when none. */
  requestId: number;
  /** When a failed watch is retried (virtual ms), 0 when not waiting. */
  retryAt: number;
}

/** The host's own state, serialised in front of the simulation's. */
interface HostState {
  format: typeof CLUSTER_SNAPSHOT_FORMAT;
  spec: ClusterSpec;
  seed: number;
  assembly: ClusterAssembly;
  nextRequestId: number;
  observed: ObservedWatch[];
  /** Watches clients opened, by request id. */
  clientWatches: Record<string, true>;
  /** Named faults in effect (`faults/`); absent in snapshots older than faults. */
  faults?: ActiveFault[];
}

/** A simulated Kubernetes cluster as the runtime hosts it. */
export class Cluster {
  private readonly outputs: ClusterOutput[] = [];
  private lastSummaryKey = "";
  /** Response to the request `submit` is waiting for. */
  private awaited: { requestId: number; response?: ApiResponse } | undefined;

  private constructor(
    private readonly host: HostState,
    private readonly sim: Simulation,
  ) {}

  /**
   * A new cluster from `spec`, run until its control plane serves requests (as `kubeadm init`
   * waits for a healthy apiserver), with the dashboard's watches open.
   */
  static create(spec: ClusterSpec, seed: number): Cluster {
    const sim = Simulation.create(
      { seed, epoch: spec.epoch, trace: { enabled: spec.trace } },
      clusterBehaviors,
    );
    const assembly = assembleCluster(sim, spec);
    sim.addMailbox(API_CLIENT);
    sim.addMailbox(DASHBOARD_CLIENT);
    const host: HostState = {
      format: CLUSTER_SNAPSHOT_FORMAT,
      spec,
      seed,
      assembly,
      nextRequestId: 1,
      observed: spec.observe.map((r) => ({
        resource: r.group === "" ? r.resource : `${r.group}/${r.resource}`,
        path: collectionPath(r),
        rv: "",
        requestId: 0,
        retryAt: 0,
      })),
      clientWatches: {},
    };
    const cluster = new Cluster(host, sim);
    const ready = cluster.runUntil(
      () =>
        assembly.apiServers.every((id) => {
          const st = sim.componentState<ApiServerState>(id);
          // Ready once the bootstrap objects exist (kubeadm's admin binding is written last).
          return (
            st.ready &&
            st.cache.resources["/registry/clusterrolebindings"]?.items[
              "/registry/clusterrolebindings/kubeadm:cluster-admins"
            ] !== undefined
          );
        }),
      sim.now + BOOT_DEADLINE_MS,
    );
    if (!ready) throw new Error("the control plane did not become ready");
    for (const w of host.observed) cluster.openObservedWatch(w);
    return cluster;
  }

  /** A cluster from `serialize()` output. */
  static restore(snapshot: Uint8Array | string): Cluster {
    const text = typeof snapshot === "string" ? snapshot : new TextDecoder().decode(snapshot);
    const cut = text.indexOf("\n");
    if (cut < 0) throw new Error("not a cluster snapshot");
    const host = JSON.parse(text.slice(0, cut)) as HostState;
    if (host.format !== CLUSTER_SNAPSHOT_FORMAT)
      throw new Error(`unknown cluster snapshot format ${String(host.format)}`);
    return new Cluster(host, Simulation.restore(text.slice(cut + 1), clusterBehaviors));
  }

  /** The whole cluster as one string: the host's state on the first line, the simulation after. */
  serialize(): string {
    return `${JSON.stringify(this.host)}\n${this.sim.serialize()}`;
  }

  /** The spec it was created with. */
  get spec(): ClusterSpec {
    return this.host.spec;
  }

  /** Current virtual time (ms since the cluster epoch). */
  now(): number {
    return this.sim.now;
  }

  /** Virtual time of the next thing that will happen by itself, or null when nothing will. */
  nextWakeAt(): number | null {
    const next = this.sim.nextWakeAt();
    const retry = this.nextRetryAt();
    if (next === null) return retry;
    return retry === null ? next : Math.min(next, retry);
  }

  /** Run every timer and message due up to `t` (virtual ms); returns what happened. */
  advanceTo(t: number): ClusterOutput[] {
    this.runUntil(() => false, t);
    if (t > this.sim.now) this.sim.advanceTo(t);
    return this.flush();
  }

  /**
   * Apply one input at the current virtual time. An API request runs (in virtual time) until its
   * response arrives, so `response` is what the client gets.
   */
  submit(input: ClusterInput): { outputs: ClusterOutput[]; response?: unknown } {
    let response: unknown;
    switch (input.type) {
      case "api":
        response = this.request(input);
        break;
      case "watch-cancel": {
        const open = this.host.clientWatches[input.watchId] === true;
        if (open) {
          delete this.host.clientWatches[input.watchId];
          const cancel: WatchCancel = { verb: "WATCH-CANCEL", requestId: input.watchId, origin: API_CLIENT };
          this.sim.inject(API_CLIENT, this.host.assembly.apiEndpoint, cancel);
        }
        response = { cancelled: open };
        break;
      }
      case "fault":
        response = this.fault(input);
        break;
      case "time":
        if (input.action === "advance") {
          const target = this.sim.now + Math.max(0, Math.min(MAX_ADVANCE_MS, Math.floor(input.ms)));
          this.runUntil(() => false, target);
          if (target > this.sim.now) this.sim.advanceTo(target);
          response = { now: this.sim.now };
        } else {
          const next = this.nextWakeAt();
          if (next !== null) this.runUntil(() => false, Math.max(next, this.sim.now));
          response = { now: this.sim.now };
        }
        break;
    }
    return { outputs: this.flush(), response };
  }

  /** Watches clients hold open (`kubectl get -w`): while any is open, someone follows the cluster live. */
  openWatches(): number {
    return Object.keys(this.host.clientWatches).length;
  }

  /** The cluster at a glance (reads state only). */
  summary(): ClusterSummary {
    return summarize(this.sim, this.host.assembly.etcd, this.host.assembly.apiServers);
  }

  // ---- internals -------------------------------------------------------------------------------

  private request(input: Extract<ClusterInput, { type: "api" }>): ApiResult {
    const requestId = this.host.nextRequestId++;
    const req: ApiRequest = {
      verb: input.method,
      requestId,
      origin: API_CLIENT,
      path: input.path,
      user: input.user ?? ADMIN_USER,
    };
    if (input.query) req.query = input.query;
    if (input.body !== undefined) req.body = input.body;
    if (input.contentType) req.contentType = input.contentType;
    const watch = isWatchRequest(req);
    // Registered before sending: events may follow the 200 closely.
    if (watch) this.host.clientWatches[requestId] = true;
    this.awaited = { requestId };
    this.sim.inject(API_CLIENT, this.host.assembly.apiEndpoint, req);
    this.runUntil(() => this.awaited?.response !== undefined, this.sim.now + REQUEST_DEADLINE_MS);
    const r = this.awaited.response;
    this.awaited = undefined;
    if (!r) {
      delete this.host.clientWatches[requestId];
      return { code: 0, error: "context deadline exceeded (Client.Timeout exceeded while awaiting headers)" };
    }
    const result: ApiResult = { code: r.code };
    if (r.body !== undefined) result.body = r.body;
    if (r.error !== undefined) result.error = r.error;
    if (r.warnings?.length) result.warnings = r.warnings;
    if (watch && r.code === 200) result.watchId = requestId;
    else delete this.host.clientWatches[requestId];
    return result;
  }

  private fault(input: Extract<ClusterInput, { type: "fault" }>): unknown {
    if (input.action === "inject" || input.action === "repair" || input.action === "list") {
      this.host.faults ??= [];
      if (input.action === "list") return { ok: true, faults: this.host.faults };
      if (input.action === "inject")
        return injectFault(this.sim, this.host.assembly, this.host.faults, input.fault, input.target);
      return repairFault(this.sim, this.host.assembly, this.host.faults, input.target, input.fault);
    }
    const exists = (id: string) => this.sim.state.components[id] !== undefined && !isMailbox(id);
    if (input.action === "stop" || input.action === "start") {
      if (!exists(input.component)) return { ok: false, error: `no component named "${input.component}"` };
      if (input.action === "stop") this.sim.stop(input.component, { silent: input.silent === true });
      else this.sim.start(input.component);
      return { ok: true };
    }
    if (input.action !== "cut" && input.action !== "heal") return { ok: false, error: "unknown fault" };
    const [a, b] = input.between;
    for (const id of [a, b]) if (!exists(id)) return { ok: false, error: `no component named "${id}"` };
    if (input.action === "cut") this.sim.cutLink(a, b);
    else this.sim.healLink(a, b);
    return { ok: true };
  }

  /**
   * Process events one by one until `done()` holds or the next event is after `deadline`,
   * reacting to what the mailboxes receive at the virtual time it arrives. Reacting per event
   * (not per call) is what makes the result independent of how the host slices time.
   */
  private runUntil(done: () => boolean, deadline: number): boolean {
    for (;;) {
      if (this.sim.state.outputs.length > 0) this.receive(this.sim.drainOutputs());
      if (done()) return true;
      const retry = this.nextRetryAt();
      const next = this.sim.nextWakeAt();
      if (retry !== null && retry <= deadline && (next === null || next > retry)) {
        // Nothing else happens before the retry: move the clock there and reopen the watches.
        this.sim.advanceTo(retry);
        for (const w of this.host.observed)
          if (w.retryAt !== 0 && w.retryAt <= retry) this.openObservedWatch(w);
        continue;
      }
      const limit = retry !== null && retry <= deadline ? retry : deadline;
      if (next === null || next > limit) return false;
      this.sim.runUntil(() => this.sim.state.outputs.length > 0 || done(), limit);
    }
  }

  private nextRetryAt(): number | null {
    let at: number | null = null;
    for (const w of this.host.observed)
      if (w.retryAt !== 0 && (at === null || w.retryAt < at)) at = w.retryAt;
    return at;
  }

  private openObservedWatch(w: ObservedWatch): void {
    const requestId = this.host.nextRequestId++;
    w.requestId = requestId;
    w.retryAt = 0;
    const query: Record<string, string> = { watch: "true", allowWatchBookmarks: "true" };
    if (w.rv !== "") query.resourceVersion = w.rv;
    const req: ApiRequest = {
      verb: "GET",
      requestId,
      origin: DASHBOARD_CLIENT,
      path: w.path,
      query,
      user: ADMIN_USER,
    };
    this.sim.inject(DASHBOARD_CLIENT, this.host.assembly.apiEndpoint, req);
  }

  private receive(outputs: Output[]): void {
    for (const o of outputs) {
      const msg = o.msg as (ApiResponse | WatchEventMessage | WatchClosed) & { requestId: number };
      if (o.to === DASHBOARD_CLIENT) this.receiveObserved(o.at, msg);
      else if (o.to === API_CLIENT) this.receiveClient(o.at, msg);
    }
  }

  private receiveClient(
    at: number,
    msg: (ApiResponse | WatchEventMessage | WatchClosed) & { requestId: number },
  ): void {
    if (msg.verb === "RESPONSE") {
      if (this.awaited && this.awaited.requestId === msg.requestId && !this.awaited.response)
        this.awaited.response = msg;
      return;
    }
    if (!this.host.clientWatches[msg.requestId]) return;
    if (msg.verb === "WATCH-EVENT") {
      this.outputs.push({ type: "api-watch", at, watchId: msg.requestId, events: msg.events });
    } else if (msg.verb === "WATCH-CLOSED") {
      delete this.host.clientWatches[msg.requestId];
      const out: ClusterOutput = { type: "api-watch-closed", at, watchId: msg.requestId };
      if (msg.reason !== undefined) out.reason = msg.reason;
      this.outputs.push(out);
    }
  }

  private receiveObserved(
    at: number,
    msg: (ApiResponse | WatchEventMessage | WatchClosed) & { requestId: number },
  ): void {
    const w = this.host.observed.find((x) => x.requestId === msg.requestId);
    if (!w) return;
    if (msg.verb === "RESPONSE") {
      if (msg.code !== 200) {
        w.requestId = 0;
        w.retryAt = at + WATCH_RETRY_MS;
      }
      return;
    }
    if (msg.verb === "WATCH-CLOSED") {
      // Resume where it stopped, as a reflector does after a watch ends.
      w.requestId = 0;
      w.retryAt = at + (w.rv === "" ? WATCH_RETRY_MS : 1);
      return;
    }
    const changes: ObservedChange[] = [];
    for (const e of msg.events) {
      const rv = (e.object as { metadata?: { resourceVersion?: string } } | undefined)?.metadata
        ?.resourceVersion;
      if (e.type === "ERROR") {
        // 410 Gone: the resume point was compacted; list again from the current state.
        w.rv = "";
        continue;
      }
      if (rv) w.rv = rv;
      if (e.type !== "BOOKMARK") changes.push({ type: e.type, resource: w.resource, object: e.object });
    }
    if (changes.length > 0) this.outputs.push({ type: "watch", at, changes });
  }

  private flush(): ClusterOutput[] {
    if (this.host.spec.trace) {
      const events = this.sim.drainTrace();
      // Reported here and zeroed: how much was dropped depends on how the host sliced time,
      // and the serialised state must not.
      const dropped = this.sim.state.traceDropped;
      this.sim.state.traceDropped = 0;
      if (events.length > 0 || dropped > 0) this.outputs.push({ type: "trace", events, dropped });
    }
    const summary = this.summary();
    const key = JSON.stringify({ ...summary, now: 0 });
    if (key !== this.lastSummaryKey) {
      this.lastSummaryKey = key;
      this.outputs.push({ type: "status", at: this.sim.now, summary });
    }
    return this.outputs.splice(0, this.outputs.length);
  }
}

function isMailbox(id: string): boolean {
  return id === API_CLIENT || id === DASHBOARD_CLIENT;
}
