/**
 * The load balancer in front of the apiserver replicas (kubeadm's HA guide puts HAProxy or
 * kube-vip there; a cloud's TCP load balancer does the same job): it spreads new requests over
 * the replicas round-robin, keeps a watch on the replica that serves it, takes a replica out
 * when connections to it are refused or reset, and closes the client streams of a replica that
 * died. It is a TCP proxy: it never reads or changes what passes through.
 */
import type { ConnectionClosed, ConnectionRefused, Message } from "../core/component";
import { defineBehavior } from "../core/component";
import type { ApiRequest, ApiResponse, WatchCancel } from "./http";

/** The component kind of the load balancer. */
export const LOAD_BALANCER_KIND = "load-balancer";

/** The load balancer's state. */
export interface LoadBalancerState {
  backends: string[];
  next: number;
  /** Backends taken out, with the time they may be tried again. */
  downUntil: Record<string, number>;
  /** Requests in flight: `origin#requestId` → backend. Watches stay here until they end. */
  routes: Record<string, string>;
  /** Which routes are watches (kept after their first response). */
  watches: Record<string, true>;
}

/**
 * How long a backend that refused a connection is skipped (HAProxy's `downinter 5s` in the
 * kubeadm HA guide's haproxy.cfg).
 */
const DOWN_INTERVAL_MS = 5000;

/** A load balancer over the given apiserver replicas. */
export function createLoadBalancer(backends: string[]): LoadBalancerState {
  return { backends, next: 0, downUntil: {}, routes: {}, watches: {} };
}

function pickBackend(s: LoadBalancerState, now: number, exclude?: string): string | undefined {
  const n = s.backends.length;
  for (let i = 0; i < n; i++) {
    const b = s.backends[(s.next + i) % n]!;
    if (b === exclude) continue;
    if ((s.downUntil[b] ?? 0) > now) continue;
    s.next = (s.next + i + 1) % n;
    return b;
  }
  return undefined;
}

function routeKey(origin: string, requestId: number): string {
  return `${origin}#${requestId}`;
}

/** The load balancer behaviour. */
export const loadBalancerBehavior = defineBehavior<LoadBalancerState>({
  kind: LOAD_BALANCER_KIND,
  onMessage(ctx, s, msg: Message, from) {
    switch (msg.verb) {
      case "GET":
      case "POST":
      case "PUT":
      case "PATCH":
      case "DELETE": {
        const req = msg as ApiRequest;
        const key = routeKey(req.origin, req.requestId);
        const backend = pickBackend(s, ctx.now);
        if (!backend) {
          // No replica to connect to: the client's connection is closed without a response.
          const resp: ApiResponse = { verb: "RESPONSE", requestId: req.requestId, code: 0, error: "EOF" };
          ctx.send(req.origin, resp);
          return;
        }
        s.routes[key] = backend;
        if (req.query?.watch === "true" || req.query?.watch === "1") s.watches[key] = true;
        ctx.connect(backend);
        ctx.send(backend, msg, { refuse: true });
        return;
      }
      case "WATCH-CANCEL": {
        const m = msg as WatchCancel;
        const key = routeKey(m.origin, m.requestId);
        const backend = s.routes[key];
        delete s.routes[key];
        delete s.watches[key];
        if (backend) ctx.send(backend, msg);
        return;
      }
      case "RESPONSE":
      case "WATCH-EVENT":
      case "WATCH-CLOSED": {
        const m = msg as Message & { origin: string; requestId: number };
        const key = routeKey(m.origin, m.requestId);
        if (msg.verb === "WATCH-CLOSED" || (msg.verb === "RESPONSE" && !s.watches[key])) {
          delete s.routes[key];
          delete s.watches[key];
        }
        if (msg.verb === "RESPONSE" && (msg as ApiResponse).code !== 200) {
          delete s.routes[key];
          delete s.watches[key];
        }
        ctx.send(m.origin, msg);
        return;
      }
      case "CONNECTION-REFUSED": {
        // The replica's process is gone: take it out and retry the request on another one
        // (HAProxy `option redispatch`).
        s.downUntil[from] = ctx.now + DOWN_INTERVAL_MS;
        const req = (msg as ConnectionRefused).original as ApiRequest;
        const key = routeKey(req.origin, req.requestId);
        delete s.routes[key];
        const backend = pickBackend(s, ctx.now, from);
        if (!backend) {
          delete s.watches[key];
          ctx.send(req.origin, {
            verb: "RESPONSE",
            requestId: req.requestId,
            code: 0,
            error: "EOF",
          } as ApiResponse);
          return;
        }
        s.routes[key] = backend;
        ctx.connect(backend);
        ctx.send(backend, req, { refuse: true });
        return;
      }
      case "CONNECTION-CLOSED": {
        // A replica died: every connection through it is reset.
        const peer = (msg as ConnectionClosed).peer;
        s.downUntil[peer] = ctx.now + DOWN_INTERVAL_MS;
        for (const key of Object.keys(s.routes)) {
          if (s.routes[key] !== peer) continue;
          delete s.routes[key];
          const hash = key.lastIndexOf("#");
          const origin = key.slice(0, hash);
          const requestId = Number(key.slice(hash + 1));
          if (s.watches[key]) {
            delete s.watches[key];
            ctx.send(origin, { verb: "WATCH-CLOSED", requestId, reason: "connection reset" } as Message);
          } else {
            ctx.send(origin, { verb: "RESPONSE", requestId, code: 0, error: "EOF" } as ApiResponse);
          }
        }
        return;
      }
    }
  },
  onTimer() {},
});
