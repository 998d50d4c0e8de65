/**
 * The in-simulation API client: what a component (scheduler, controller, kubelet) uses to talk
 * to the apiserver, through the load balancer, the way client-go's REST client does. Requests
 * carry a correlation id; responses and watch events come back as messages, which the
 * component's `onMessage` hands to `handleApiMessage` to learn which call they answer (by the
 * `tag` and `data` it gave when sending). All state is plain data inside the component's state.
 */
import type { KubeObject } from "../../api/types";
import type { ConnectionClosed, Context, Message, Timer } from "../../core/component";
import type {
  ApiRequest,
  ApiResponse,
  HttpMethod,
  UserInfo,
  WatchClosed,
  WatchEvent,
  WatchEventMessage,
} from "../http";

/** A call in flight. */
export interface PendingCall {
  /** What the caller does with the answer (its own dispatch key). */
  tag: string;
  /** Caller's plain-data context for the answer (e.g. the key being synced). */
  data?: unknown;
  watch: boolean;
}

/** The client's state: keep it inside the component's state. */
export interface ApiClientState {
  /** Where requests go: the load balancer's id (or one apiserver's). */
  server: string;
  user: UserInfo;
  /** The `User-Agent` sent (field manager of this client's writes); absent: the component's default for `user`. */
  userAgent?: string;
  nextRequestId: number;
  pending: Record<number, PendingCall>;
}

/** A request to make. */
export interface ApiCall {
  method: HttpMethod;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  contentType?: string;
}

/** What `handleApiMessage` tells the component. */
export type ApiClientEvent =
  | {
      kind: "response";
      tag: string;
      data: unknown;
      requestId: number;
      /** HTTP status; 0 when no response came (connection failed, timeout): see `error`. */
      code: number;
      body: unknown;
      error?: string;
    }
  | { kind: "watch-event"; tag: string; data: unknown; requestId: number; events: WatchEvent[] }
  | { kind: "watch-closed"; tag: string; data: unknown; requestId: number; reason?: string };

/**
 * A new client talking to `server` as `user`. `userAgent` (e.g. `metrics-server/v0.7.2`) names
 * the field manager of its writes; without it the apiserver derives the well-known component's
 * from the user (`defaultUserAgent`).
 */
export function createApiClient(server: string, user: UserInfo, userAgent?: string): ApiClientState {
  const c: ApiClientState = { server, user, nextRequestId: 1, pending: {} };
  if (userAgent) c.userAgent = userAgent;
  return c;
}

function objectRef(call: ApiCall): string | undefined {
  const body = call.body as KubeObject | undefined;
  const p = call.path.split("/").filter((x) => x !== "");
  // …/namespaces/{ns}/{resource}/{name}
  const nsAt = p.indexOf("namespaces");
  const ns = nsAt >= 0 && p.length > nsAt + 2 ? p[nsAt + 1] : body?.metadata?.namespace;
  const name = body?.metadata?.name ?? (nsAt >= 0 ? p[nsAt + 3] : p[p.length - 1]);
  const kind = body?.kind ?? (nsAt >= 0 ? p[nsAt + 2] : p[p.length - 2]);
  if (!kind || !name) return undefined;
  return ns ? `${kind}/${ns}/${name}` : `${kind}/${name}`;
}

/**
 * Send a request. Returns its request id. The answer arrives as a `response` event with this
 * `tag` and `data`. With `timeoutMs`, a missing answer becomes a `response` with code 0 and
 * error "context deadline exceeded" (route the component's timers through `handleApiTimer`).
 */
export function apiRequest(
  ctx: Context,
  c: ApiClientState,
  call: ApiCall,
  tag: string,
  data?: unknown,
  options?: { timeoutMs?: number },
): number {
  const requestId = c.nextRequestId++;
  const watch = call.method === "GET" && (call.query?.watch === "true" || call.query?.watch === "1");
  const pending: PendingCall = { tag, watch };
  if (data !== undefined) pending.data = data;
  c.pending[requestId] = pending;
  const req: ApiRequest = {
    verb: call.method,
    requestId,
    origin: ctx.self,
    path: call.path,
    user: c.user,
  };
  if (call.query) req.query = call.query;
  if (call.body !== undefined) req.body = call.body;
  if (call.contentType) req.contentType = call.contentType;
  if (c.userAgent) req.userAgent = c.userAgent;
  const ref = objectRef(call);
  if (ref) (req as { object?: string }).object = ref;
  if (watch) (req as { detail?: string }).detail = "watch";
  ctx.connect(c.server);
  ctx.send(c.server, req);
  if (options?.timeoutMs) ctx.setTimer(options.timeoutMs, { name: "api-client-timeout", requestId } as Timer);
  return requestId;
}

/** Open a watch (`GET path?watch=true&…`). Events arrive as `watch-event`s with this tag. */
export function apiWatch(
  ctx: Context,
  c: ApiClientState,
  path: string,
  query: Record<string, string>,
  tag: string,
  data?: unknown,
): number {
  return apiRequest(ctx, c, { method: "GET", path, query: { ...query, watch: "true" } }, tag, data);
}

/** Close a watch. */
export function cancelWatch(ctx: Context, c: ApiClientState, requestId: number): void {
  if (!c.pending[requestId]) return;
  delete c.pending[requestId];
  ctx.send(c.server, { verb: "WATCH-CANCEL", requestId, origin: ctx.self } as Message);
}

/**
 * Interpret a message the component received: returns the client event when it answers one of
 * this client's calls, null otherwise (the component handles the message itself).
 */
export function handleApiMessage(ctx: Context, c: ApiClientState, msg: Message): ApiClientEvent | null {
  switch (msg.verb) {
    case "RESPONSE": {
      const m = msg as ApiResponse;
      const p = c.pending[m.requestId];
      if (!p) return null;
      if (!p.watch || m.code !== 200) delete c.pending[m.requestId];
      const ev: ApiClientEvent = {
        kind: "response",
        tag: p.tag,
        data: p.data,
        requestId: m.requestId,
        code: m.code,
        body: m.body,
      };
      if (m.error !== undefined) ev.error = m.error;
      return ev;
    }
    case "WATCH-EVENT": {
      const m = msg as WatchEventMessage;
      const p = c.pending[m.requestId];
      if (!p) return null;
      return { kind: "watch-event", tag: p.tag, data: p.data, requestId: m.requestId, events: m.events };
    }
    case "WATCH-CLOSED": {
      const m = msg as WatchClosed;
      const p = c.pending[m.requestId];
      if (!p) return null;
      delete c.pending[m.requestId];
      const ev: ApiClientEvent = { kind: "watch-closed", tag: p.tag, data: p.data, requestId: m.requestId };
      if (m.reason !== undefined) ev.reason = m.reason;
      return ev;
    }
    case "CONNECTION-CLOSED": {
      if ((msg as ConnectionClosed).peer !== c.server) return null;
      // The server end died: every call fails. Return the first; the rest follow as messages.
      const ids = Object.keys(c.pending).map(Number);
      for (const id of ids) {
        const p = c.pending[id]!;
        ctx.send(
          ctx.self,
          p.watch
            ? ({ verb: "WATCH-CLOSED", requestId: id, reason: "connection reset" } as Message)
            : ({ verb: "RESPONSE", requestId: id, code: 0, error: "EOF" } as Message),
          { latencyMs: 0 },
        );
      }
      return null;
    }
    default:
      return null;
  }
}

/** Interpret a timer: returns a timeout `response` for a call that got no answer in time. */
export function handleApiTimer(_ctx: Context, c: ApiClientState, timer: Timer): ApiClientEvent | null {
  if (timer.name !== "api-client-timeout") return null;
  const requestId = (timer as Timer & { requestId: number }).requestId;
  const p = c.pending[requestId];
  if (!p) return null;
  delete c.pending[requestId];
  return {
    kind: "response",
    tag: p.tag,
    data: p.data,
    requestId,
    code: 0,
    body: undefined,
    error: "context deadline exceeded",
  };
}
