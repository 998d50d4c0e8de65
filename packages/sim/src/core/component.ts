/**
 * The component model. A component (an etcd member, an apiserver replica, the load balancer, a
 * scheduler, a kubelet, …) is plain-data state plus a behaviour: code that handles messages and
 * timers. Nothing else lives in a component: no closures, no promises, no class instances. A
 * request carries a correlation id and its response comes back as a message, which is what makes
 * `serialize()`/`restore()` exact at any cut point.
 */

/** A message between components. Concrete messages extend this with their payload. */
export interface Message {
  /** What the message is (`POST`, `WATCH-EVENT`, `Range`, `AppendEntries`, …); recorded in the trace. */
  readonly verb: string;
  /** The object concerned, `kind/namespace/name`, for the trace. */
  readonly object?: string;
  /** Short extra text for the trace. */
  readonly detail?: string;
}

/** A timer a component sets for itself; `name` says which, the rest is payload. */
export interface Timer {
  readonly name: string;
}

/** Options for `Context.send`. */
export interface SendOptions {
  /** Override the network latency for this message (ms). */
  latencyMs?: number;
  /**
   * Ask to be told when the target is down: the sender then receives a `CONNECTION-REFUSED`
   * message carrying the original, the way a TCP client sees a reset from a host whose process died.
   */
  refuse?: boolean;
}

/** What a `CONNECTION-REFUSED` message carries back to a sender that asked with `refuse`. */
export interface ConnectionRefused extends Message {
  readonly verb: "CONNECTION-REFUSED";
  readonly original: Message;
}

/** What a component receives when a component it `connect`ed to crashes. */
export interface ConnectionClosed extends Message {
  readonly verb: "CONNECTION-CLOSED";
  readonly peer: string;
}

/** What a handler may do. One object, reused for every dispatch: never keep it in state. */
export interface Context {
  /** Current virtual time, ms since the cluster epoch. */
  readonly now: number;
  /** The id of the component being run. */
  readonly self: string;
  /** Unix ms of the cluster epoch (for timestamps). */
  readonly epochMs: number;
  /** Send a message; it is delivered after the network latency. */
  send<M extends Message>(to: string, msg: M, options?: SendOptions): void;
  /** Set a timer that fires `delayMs` from now; returns its id (for `cancelTimer`). */
  setTimer(delayMs: number, timer: Timer): number;
  /** Cancel a pending timer (no effect if it already fired). */
  cancelTimer(id: number): void;
  /**
   * Hold a connection to another component (a TCP connection, an HTTP/2 stream): if that
   * component crashes, this one receives a `CONNECTION-CLOSED` message naming it.
   */
  connect(to: string): void;
  /** Forget a connection made with `connect`. */
  disconnect(to: string): void;
  /** A float in [0, 1) from the simulation's seeded generator. */
  random(): number;
  /** An integer in [0, n) from the simulation's seeded generator. */
  randomInt(n: number): number;
  /** The current time as a Kubernetes `metav1.Time` string (seconds precision). */
  timestamp(): string;
  /** The current time as a `metav1.MicroTime` string (Events, Leases). */
  microTimestamp(): string;
}

/**
 * A component behaviour: pure code over plain-data state. Registered by `kind`; the simulation
 * stores only `{ kind, state }` per component, so restore finds the code again by kind.
 */
export interface ComponentBehavior<S = unknown> {
  /** The kind name components of this behaviour are registered under (`etcd-member`, `kube-apiserver`, …). */
  readonly kind: string;
  /** Called when the component starts: when added and after each restart. */
  onStart?(ctx: Context, state: S): void;
  /** Handle one delivered message. */
  onMessage(ctx: Context, state: S, msg: Message, from: string): void;
  /** Handle one timer. */
  onTimer(ctx: Context, state: S, timer: Timer): void;
  /**
   * Called when the component crashes or is stopped: returns what survives (what a real process
   * keeps on disk: etcd's WAL and snapshot; an apiserver keeps nothing). Defaults to keeping all.
   */
  onStop?(state: S): S;
}

/** Erase a behaviour's state type so behaviours of different kinds share one registry. */
export function defineBehavior<S>(behavior: ComponentBehavior<S>): ComponentBehavior<unknown> {
  return behavior as unknown as ComponentBehavior<unknown>;
}
