/**
 * The apiserver's etcd client (clientv3 as the apiserver configures it): requests carry a
 * correlation id and a continuation step; on a refused or closed connection the client moves to
 * the next `--etcd-servers` endpoint and resends (every write the apiserver makes is a
 * compare-and-swap transaction, so a resend cannot apply twice), backing off 1 s once every
 * endpoint failed (gRPC's initial reconnect backoff).
 */
import type { Context } from "../core/component";
import type { EtcdRequest } from "../etcd/messages";
import type { ApiServerState, EtcdCall } from "./state";

/** An etcd request body without its id. */
export type EtcdRequestBody = EtcdRequest extends infer R
  ? R extends EtcdRequest
    ? Omit<R, "id">
    : never
  : never;

/** The member this replica currently talks to. */
export function etcdEndpoint(s: ApiServerState): string {
  return s.cfg.etcdServers[s.etcdIndex % s.cfg.etcdServers.length]!;
}

/** Send an etcd request; its response is dispatched by `step`. */
export function etcdCall(
  ctx: Context,
  s: ApiServerState,
  step: string,
  body: EtcdRequestBody,
  inflight?: string,
  data?: EtcdCall["data"],
): number {
  const id = s.nextEtcdId++;
  const msg = { ...body, id } as EtcdRequest;
  const call: EtcdCall = { step, msg };
  if (inflight !== undefined) call.inflight = inflight;
  if (data !== undefined) call.data = data;
  s.pendingEtcd[id] = call;
  if (!s.etcdRetryScheduled) sendToEtcd(ctx, s, msg);
  return id;
}

function sendToEtcd(ctx: Context, s: ApiServerState, msg: EtcdRequest): void {
  const to = etcdEndpoint(s);
  ctx.connect(to);
  ctx.send(to, msg, { refuse: true });
}

/**
 * The current endpoint failed (refused or closed): move to the next one and resend what is
 * pending. Returns true when the client switched endpoints now (false while backing off).
 */
export function etcdEndpointFailed(ctx: Context, s: ApiServerState, endpoint: string): boolean {
  if (endpoint !== etcdEndpoint(s) || s.etcdRetryScheduled) return false;
  s.etcdIndex = (s.etcdIndex + 1) % s.cfg.etcdServers.length;
  s.etcdFailures++;
  if (s.etcdFailures >= s.cfg.etcdServers.length) {
    s.etcdRetryScheduled = true;
    ctx.setTimer(1000, { name: "etcd-retry" });
    return false;
  }
  resendPending(ctx, s);
  return true;
}

/** Resend every pending request to the current endpoint. */
export function resendPending(ctx: Context, s: ApiServerState): void {
  s.etcdRetryScheduled = false;
  for (const key in s.pendingEtcd) sendToEtcd(ctx, s, s.pendingEtcd[key]!.msg);
}

/** A response arrived from etcd: the endpoint works. */
export function etcdEndpointOk(s: ApiServerState): void {
  s.etcdFailures = 0;
}
