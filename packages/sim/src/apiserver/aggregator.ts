/**
 * API aggregation (kube-aggregator, `staging/src/k8s.io/kube-aggregator`): an APIService
 * (`apiregistration.k8s.io/v1`) whose `spec.service` names a Service makes the apiserver serve
 * its group/version by proxying every request under `/apis/<group>/<version>` (discovery
 * included) to that Service, after authenticating and authorizing it itself; the response comes
 * back unchanged. This is how `metrics.k8s.io/v1beta1` (metrics-server) is served.
 *
 * The contract with a backend component (`docs`: the apiserver README, "Aggregated APIs"):
 * - the apiserver sends it the client's `ApiRequest` (same method, path, query, body and
 *   `user`: the aggregator forwards the user as X-Remote-User/X-Remote-Group headers), with the
 *   apiserver as `origin` and its own `requestId`;
 * - the backend answers with an `ApiResponse` (`verb: "RESPONSE"`, that `requestId`) sent to
 *   the apiserver it came from; the apiserver relays code, body and warnings to the client;
 * - `GET /apis/<group>/<version>` must answer the backend's `APIResourceList` (discovery).
 * Which component stands for a Service is `ApiServerConfig.aggregatedApiBackends`
 * (`"<namespace>/<name>"` → component id; the Service's endpoints in a real cluster).
 *
 * Deviations: a group/version that a CustomResourceDefinition serves locally is not proxied
 * (the real aggregator would proxy; metrics-server's CRD storage workaround relies on this); the
 * APIService `Available` condition is not maintained; watches are not proxied.
 */
import type { KubeObject } from "../api/types";
import type { Context } from "../core/component";
import type { ApiRequest, ApiResponse } from "./http";
import type { ApiServerState } from "./state";

const APISERVICES = "/registry/apiregistration.k8s.io/apiservices";

/** Default backends: the Service → component id of the add-ons a cluster runs. */
export const DEFAULT_AGGREGATED_API_BACKENDS: Record<string, string> = {
  "kube-system/metrics-server": "metrics-server",
};

/** The APIService for a group/version when it is served by a Service (not locally), else undefined. */
export function aggregatedApiService(
  s: ApiServerState,
  group: string,
  version: string,
): KubeObject | undefined {
  if (!group || !s.ready) return undefined;
  const svc = s.cache.resources[APISERVICES]?.items[`${APISERVICES}/${version}.${group}`];
  return svc?.spec?.service ? svc : undefined;
}

/** The component that stands for an APIService's Service. */
function backendOf(s: ApiServerState, apiService: KubeObject): string | undefined {
  const ref = apiService.spec?.service as { namespace?: string; name?: string } | undefined;
  if (!ref?.name) return undefined;
  const backends = s.cfg.aggregatedApiBackends ?? DEFAULT_AGGREGATED_API_BACKENDS;
  return backends[`${ref.namespace ?? ""}/${ref.name}`];
}

/** Groups that APIServices add to `/apis` discovery (served by Services), with their versions. */
export function aggregatedGroups(s: ApiServerState): { group: string; versions: string[] }[] {
  const byGroup = new Map<string, { version: string; priority: number }[]>();
  for (const svc of Object.values(s.cache.resources[APISERVICES]?.items ?? {})) {
    if (!svc.spec?.service || !svc.spec.group) continue;
    const list = byGroup.get(svc.spec.group) ?? [];
    list.push({ version: svc.spec.version, priority: svc.spec.versionPriority ?? 0 });
    byGroup.set(svc.spec.group, list);
  }
  // Within a group, versions by versionPriority (highest first): the first is preferred.
  return [...byGroup].map(([group, vs]) => ({
    group,
    versions: vs
      .sort((a, b) => b.priority - a.priority || (a.version < b.version ? -1 : 1))
      .map((v) => v.version),
  }));
}

/**
 * Forwards an in-flight request to the APIService's backend. Answers 503 itself when no
 * backend stands for the Service or the backend is down (the proxy's "service unavailable" /
 * connection errors are plain-text bodies in the real aggregator).
 */
export function proxyToBackend(
  ctx: Context,
  s: ApiServerState,
  key: string,
  apiService: KubeObject,
  reply: (ctx: Context, s: ApiServerState, key: string, code: number, body: unknown) => void,
): void {
  const f = s.inflight[key]!;
  const backend = backendOf(s, apiService);
  if (!backend) {
    reply(ctx, s, key, 503, "service unavailable\n");
    return;
  }
  const id = s.nextProxyId ?? 1;
  s.nextProxyId = id + 1;
  if (!s.proxied) s.proxied = {};
  s.proxied[id] = key;
  const req: ApiRequest = {
    verb: f.req.verb,
    requestId: id,
    origin: s.name,
    path: f.req.path,
    user: f.req.user,
  };
  if (f.req.query) req.query = f.req.query;
  if (f.req.body !== undefined) req.body = f.req.body;
  if (f.req.contentType) req.contentType = f.req.contentType;
  if (f.req.userAgent) req.userAgent = f.req.userAgent;
  (req as { detail?: string }).detail = `proxy ${apiService.metadata.name}`;
  ctx.send(backend, req, { refuse: true });
}

/** A backend's answer (or refusal): relay it to the client. Returns false when it is not a proxied request's. */
export function onProxyResponse(
  ctx: Context,
  s: ApiServerState,
  msg: ApiResponse,
  reply: (ctx: Context, s: ApiServerState, key: string, code: number, body: unknown) => void,
): boolean {
  const key = s.proxied?.[msg.requestId];
  if (key === undefined) return false;
  delete s.proxied![msg.requestId];
  const f = s.inflight[key];
  if (!f) return true;
  if (msg.warnings) f.warnings = [...(f.warnings ?? []), ...msg.warnings];
  reply(ctx, s, key, msg.code, msg.body);
  return true;
}

/**
 * A proxied request whose backend is down: 503 "service unavailable", what the proxy answers
 * once the availability controller has marked the APIService unavailable (a client shows
 * "the server is currently unable to handle the request").
 */
export function onProxyRefused(
  ctx: Context,
  s: ApiServerState,
  original: ApiRequest,
  reply: (ctx: Context, s: ApiServerState, key: string, code: number, body: unknown) => void,
): boolean {
  const key = s.proxied?.[original.requestId];
  if (key === undefined || original.origin !== s.name) return false;
  delete s.proxied![original.requestId];
  if (s.inflight[key]) reply(ctx, s, key, 503, "service unavailable\n");
  return true;
}
