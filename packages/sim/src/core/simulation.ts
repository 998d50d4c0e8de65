import type { ComponentBehavior, Context, Message, SendOptions, Timer } from "./component";
import { heapPop, heapPush, MESSAGE_EVENT, type QueuedEvent, TIMER_EVENT } from "./event-queue";
import { parseGraph, stringifyGraph } from "./graph-json";
import { createPrng, nextFloat, nextInt, type PrngState } from "./prng";
import { formatTimestamp, parseEpoch } from "./time";
import { defaultTraceConfig, type TraceConfig, type TraceEvent } from "./trace";

/** One component as the simulation stores it: plain data only. */
export interface ComponentRecord {
  id: string;
  kind: string;
  /** False while the component is stopped (crashed, powered off). */
  up: boolean;
  /** Incremented on every stop, so events meant for a previous life are dropped. */
  inc: number;
  state: unknown;
  /** Components holding a connection to this one: told with CONNECTION-CLOSED when it stops. */
  connected: Record<string, true>;
}

/** Network model: latency per (sender kind → receiver kind) and cut links. */
export interface NetworkConfig {
  /** Latency of a message when no more specific entry applies (ms). */
  defaultLatencyMs: number;
  /** Latency by `"<fromKind>><toKind>"`, e.g. `"kube-apiserver>etcd-member": 1`. */
  latencyMs: Record<string, number>;
  /** Cut links, keyed `"<a>|<b>"` with a < b: messages either way are dropped (a partition). */
  cut: Record<string, true>;
}

/** A message delivered to a mailbox (a host-side endpoint such as a kubectl session). */
export interface Output {
  at: number;
  from: string;
  to: string;
  msg: Message;
}

/** The whole simulation as plain data: this is exactly what `serialize()` writes. */
export interface SimulationState {
  format: "kubelab-sim/1";
  /** The cluster epoch as given (RFC 3339) and in Unix ms. */
  epoch: string;
  epochMs: number;
  /** Virtual time, ms since the epoch. */
  now: number;
  /** Next event sequence number. */
  seq: number;
  nextTimerId: number;
  prng: PrngState;
  network: NetworkConfig;
  components: Record<string, ComponentRecord>;
  queue: QueuedEvent[];
  /** Ids of cancelled timers still in the queue (dropped lazily when popped). */
  cancelled: Record<number, true>;
  traceConfig: TraceConfig;
  trace: TraceEvent[];
  /** Trace records discarded because the host did not drain them in time. */
  traceDropped: number;
  outputs: Output[];
}

/** Options for a new simulation. */
export interface SimulationOptions {
  seed: number | string;
  /** RFC 3339 UTC timestamp that virtual time 0 maps to. Default 2025-01-01T00:00:00Z. */
  epoch?: string;
  network?: Partial<NetworkConfig>;
  trace?: Partial<TraceConfig>;
}

/** The kind of the built-in mailbox component: messages it receives go to the host's output buffer. */
export const MAILBOX_KIND = "mailbox";

const mailboxBehavior: ComponentBehavior = {
  kind: MAILBOX_KIND,
  onMessage() {},
  onTimer() {},
};

/**
 * The discrete-event simulation: a virtual clock, a seeded generator, an event queue and the
 * components. Deterministic: the same seed and the same inputs give the same trace, and a state
 * restored from `serialize()` gives the same future as the uninterrupted run.
 */
export class Simulation {
  /** The plain-data state (read-only for callers; mutate through methods). */
  readonly state: SimulationState;
  private readonly behaviors: Record<string, ComponentBehavior>;
  private readonly ctx: MutableContext;
  private excluded: Set<string>;

  private constructor(state: SimulationState, behaviors: readonly ComponentBehavior[]) {
    this.state = state;
    this.behaviors = { [MAILBOX_KIND]: mailboxBehavior };
    for (const b of behaviors) this.behaviors[b.kind] = b;
    this.ctx = new MutableContext(this);
    this.excluded = new Set(state.traceConfig.excludeVerbs);
  }

  /** Create an empty simulation at virtual time 0. */
  static create(options: SimulationOptions, behaviors: readonly ComponentBehavior[]): Simulation {
    const epoch = options.epoch ?? "2025-01-01T00:00:00Z";
    const state: SimulationState = {
      format: "kubelab-sim/1",
      epoch,
      epochMs: parseEpoch(epoch),
      now: 0,
      seq: 0,
      nextTimerId: 1,
      prng: createPrng(options.seed),
      network: { defaultLatencyMs: 1, latencyMs: {}, cut: {}, ...options.network },
      components: {},
      queue: [],
      cancelled: {},
      traceConfig: { ...defaultTraceConfig(), ...options.trace },
      trace: [],
      traceDropped: 0,
      outputs: [],
    };
    return new Simulation(state, behaviors);
  }

  /** Rebuild a simulation from `serialize()` output and the same behaviours. */
  static restore(snapshot: string, behaviors: readonly ComponentBehavior[]): Simulation {
    // Plain JSON unless the compact form's reference markers (NUL-prefixed keys) occur.
    const state = (
      snapshot.includes("\\u0000") ? parseGraph(snapshot) : JSON.parse(snapshot)
    ) as SimulationState;
    if (state.format !== "kubelab-sim/1") throw new Error(`unknown snapshot format ${String(state.format)}`);
    return new Simulation(state, behaviors);
  }

  /**
   * The whole simulation as a JSON string (state, pending events, generator, undrained outputs).
   * With `compact`, objects reached from several places (a stored value in three etcd members
   * and the watch cache) are written once (graph-json): about half the size, a few times slower
   * to write. `restore` reads both forms.
   */
  serialize(options?: { compact?: boolean }): string {
    return options?.compact ? stringifyGraph(this.state) : JSON.stringify(this.state);
  }

  /** Current virtual time (ms since the epoch). */
  get now(): number {
    return this.state.now;
  }

  /** The behaviour registered for a kind (throws if unknown). */
  behavior(kind: string): ComponentBehavior {
    const b = this.behaviors[kind];
    if (!b) throw new Error(`no behaviour registered for component kind "${kind}"`);
    return b;
  }

  /** Add a component with its initial state and start it. */
  addComponent(id: string, kind: string, state: unknown): void {
    if (this.state.components[id]) throw new Error(`component ${id} already exists`);
    this.behavior(kind);
    const rec: ComponentRecord = { id, kind, up: true, inc: 0, state, connected: {} };
    this.state.components[id] = rec;
    this.startRecord(rec);
  }

  /** Add a mailbox: a host-side endpoint whose received messages appear in `drainOutputs()`. */
  addMailbox(id: string): void {
    this.addComponent(id, MAILBOX_KIND, null);
  }

  /** The state of a component (for inspection and tests). */
  componentState<S>(id: string): S {
    const rec = this.state.components[id];
    if (!rec) throw new Error(`no component ${id}`);
    return rec.state as S;
  }

  /** Whether a component is running. */
  isUp(id: string): boolean {
    return this.state.components[id]?.up === true;
  }

  /**
   * Stop (crash) a component: pending timers and in-flight messages to it are lost. Components
   * connected to it (`ctx.connect`) receive CONNECTION-CLOSED, as a peer's kernel resets the TCP
   * connections of a process that died; with `silent` (a host powered off, a cable pulled) they
   * are not told and must notice by their own timeouts.
   */
  stop(id: string, options?: { silent?: boolean }): void {
    const rec = this.state.components[id];
    if (!rec?.up) return;
    const b = this.behavior(rec.kind);
    rec.up = false;
    rec.inc++;
    if (b.onStop) rec.state = b.onStop(rec.state);
    const peers = Object.keys(rec.connected);
    rec.connected = {};
    if (options?.silent) return;
    for (const peer of peers)
      this.enqueueMessage(id, peer, { verb: "CONNECTION-CLOSED", peer: id } as Message);
  }

  /** Start a stopped component again. */
  start(id: string): void {
    const rec = this.state.components[id];
    if (!rec || rec.up) return;
    rec.up = true;
    this.startRecord(rec);
  }

  /** Cut the link between two components (both directions). */
  cutLink(a: string, b: string): void {
    this.state.network.cut[linkKey(a, b)] = true;
  }

  /** Restore a cut link. */
  healLink(a: string, b: string): void {
    delete this.state.network.cut[linkKey(a, b)];
  }

  /** Inject a message from outside (usually from a mailbox) at the current time. */
  inject<M extends Message>(from: string, to: string, msg: M, options?: SendOptions): void {
    this.enqueueMessage(from, to, msg, options);
  }

  /** Time of the earliest pending event, or null when nothing is pending. */
  nextWakeAt(): number | null {
    const q = this.state.queue;
    for (;;) {
      const top = q[0];
      if (!top) return null;
      if (top.kind === TIMER_EVENT && this.state.cancelled[top.id!]) {
        heapPop(q);
        delete this.state.cancelled[top.id!];
        continue;
      }
      return top.at;
    }
  }

  /** Process every event due at or before `t`, then set the clock to `t`. Returns events processed. */
  advanceTo(t: number): number {
    let n = 0;
    for (;;) {
      const at = this.nextWakeAt();
      if (at === null || at > t) break;
      this.processNext();
      n++;
    }
    if (t > this.state.now) this.state.now = t;
    return n;
  }

  /** Advance the clock by `ms`, processing what falls due. */
  advanceBy(ms: number): number {
    return this.advanceTo(this.state.now + ms);
  }

  /**
   * Process events until `done()` holds (checked after each event), nothing is pending, or the
   * clock would pass `deadline`. Returns true when `done()` held.
   */
  runUntil(done: () => boolean, deadline: number): boolean {
    if (done()) return true;
    for (;;) {
      const at = this.nextWakeAt();
      if (at === null || at > deadline) {
        if (deadline > this.state.now && at !== null) this.state.now = deadline;
        return false;
      }
      this.processNext();
      if (done()) return true;
    }
  }

  /** Process events until none is pending or `maxEvents` were processed. Returns events processed. */
  runUntilIdle(maxEvents = 10_000_000): number {
    let n = 0;
    while (n < maxEvents && this.nextWakeAt() !== null) {
      this.processNext();
      n++;
    }
    return n;
  }

  /** Take the trace records collected so far (the buffer is emptied). */
  drainTrace(): TraceEvent[] {
    const t = this.state.trace;
    this.state.trace = [];
    return t;
  }

  /** Take the messages delivered to mailboxes so far. */
  drainOutputs(): Output[] {
    const o = this.state.outputs;
    this.state.outputs = [];
    return o;
  }

  /** Change what the trace collects. */
  configureTrace(config: Partial<TraceConfig>): void {
    Object.assign(this.state.traceConfig, config);
    this.excluded = new Set(this.state.traceConfig.excludeVerbs);
  }

  /** A float in [0, 1) from the simulation's generator (for host-side setup that must stay deterministic). */
  random(): number {
    return nextFloat(this.state.prng);
  }

  // ---- internals -------------------------------------------------------------------------

  private startRecord(rec: ComponentRecord): void {
    const b = this.behavior(rec.kind);
    if (b.onStart) {
      this.ctx.self = rec.id;
      b.onStart(this.ctx, rec.state);
    }
  }

  /** @internal Queue a message; used by the context and by inject. */
  enqueueMessage(from: string, to: string, msg: Message, options?: SendOptions): void {
    const s = this.state;
    const target = s.components[to];
    let latency = options?.latencyMs;
    if (latency === undefined) {
      const fromKind = s.components[from]?.kind ?? MAILBOX_KIND;
      latency = s.network.latencyMs[`${fromKind}>${target?.kind ?? "?"}`] ?? s.network.defaultLatencyMs;
    }
    const ev: QueuedEvent = {
      at: s.now + latency,
      seq: s.seq++,
      kind: MESSAGE_EVENT,
      to,
      from,
      inc: target ? target.inc : 0,
      body: msg,
    };
    if (options?.refuse) ev.refuse = true;
    heapPush(s.queue, ev);
  }

  /** @internal Queue a timer. */
  enqueueTimer(owner: string, delayMs: number, timer: Timer): number {
    const s = this.state;
    const rec = s.components[owner]!;
    const id = s.nextTimerId++;
    heapPush(s.queue, {
      at: s.now + Math.max(0, delayMs),
      seq: s.seq++,
      kind: TIMER_EVENT,
      to: owner,
      from: owner,
      inc: rec.inc,
      body: timer,
      id,
    });
    return id;
  }

  /** @internal Register `from` as connected to `to`. */
  connect(from: string, to: string): void {
    const rec = this.state.components[to];
    if (rec?.up) rec.connected[from] = true;
  }

  /** @internal Drop the connection registration. */
  disconnect(from: string, to: string): void {
    const rec = this.state.components[to];
    if (rec) delete rec.connected[from];
  }

  /** @internal Cancel a timer. */
  cancelTimer(id: number): void {
    this.state.cancelled[id] = true;
  }

  private processNext(): void {
    const s = this.state;
    const ev = heapPop(s.queue)!;
    if (ev.at > s.now) s.now = ev.at;
    const rec = s.components[ev.to];
    if (ev.kind === TIMER_EVENT) {
      if (s.cancelled[ev.id!]) {
        delete s.cancelled[ev.id!];
        return;
      }
      if (!rec?.up || rec.inc !== ev.inc) return;
      this.ctx.self = ev.to;
      this.behavior(rec.kind).onTimer(this.ctx, rec.state, ev.body as Timer);
      return;
    }
    const msg = ev.body as Message;
    const cut = s.network.cut;
    let dropped: string | undefined;
    if (!rec) dropped = "dropped: no such component";
    else if (!rec.up || rec.inc !== ev.inc) dropped = "dropped: target down";
    else if (cut[linkKey(ev.from, ev.to)]) dropped = "dropped: link cut";
    if (s.traceConfig.enabled && !this.excluded.has(msg.verb)) this.record(ev, msg, dropped);
    if (dropped !== undefined) {
      if (ev.refuse && !cut[linkKey(ev.from, ev.to)]) {
        this.enqueueMessage(ev.to, ev.from, { verb: "CONNECTION-REFUSED", original: msg } as Message);
      }
      return;
    }
    if (rec!.kind === MAILBOX_KIND) {
      s.outputs.push({ at: s.now, from: ev.from, to: ev.to, msg });
      return;
    }
    this.ctx.self = ev.to;
    this.behavior(rec!.kind).onMessage(this.ctx, rec!.state, msg, ev.from);
  }

  private record(ev: QueuedEvent, msg: Message, dropped: string | undefined): void {
    const s = this.state;
    const t: TraceEvent = { seq: ev.seq, at: s.now, from: ev.from, to: ev.to, verb: msg.verb };
    if (msg.object !== undefined) t.object = msg.object;
    const detail = dropped ?? msg.detail;
    if (detail !== undefined) t.detail = detail;
    s.trace.push(t);
    if (s.trace.length > s.traceConfig.limit) {
      // Drop the oldest half at once so that trimming stays amortised O(1) per record.
      const drop = s.trace.length - Math.floor(s.traceConfig.limit / 2);
      s.trace.splice(0, drop);
      s.traceDropped += drop;
    }
  }
}

function linkKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** The one context object handed to handlers; `self` is set before each dispatch. */
class MutableContext implements Context {
  self = "";
  constructor(private readonly sim: Simulation) {}
  get now(): number {
    return this.sim.state.now;
  }
  get epochMs(): number {
    return this.sim.state.epochMs;
  }
  send<M extends Message>(to: string, msg: M, options?: SendOptions): void {
    this.sim.enqueueMessage(this.self, to, msg, options);
  }
  setTimer(delayMs: number, timer: Timer): number {
    return this.sim.enqueueTimer(this.self, delayMs, timer);
  }
  cancelTimer(id: number): void {
    this.sim.cancelTimer(id);
  }
  connect(to: string): void {
    this.sim.connect(this.self, to);
  }
  disconnect(to: string): void {
    this.sim.disconnect(this.self, to);
  }
  random(): number {
    return nextFloat(this.sim.state.prng);
  }
  randomInt(n: number): number {
    return nextInt(this.sim.state.prng, n);
  }
  timestamp(): string {
    return formatTimestamp(this.sim.state.epochMs + this.sim.state.now);
  }
  microTimestamp(): string {
    return formatTimestamp(this.sim.state.epochMs + this.sim.state.now, true);
  }
}
