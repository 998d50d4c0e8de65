/**
 * The kube-apiserver replica behaviour: receives HTTP requests (from the load balancer or a
 * client), routes them (discovery, health, resources), serves them through the registry store
 * over etcd and the watch cache, streams watches, compacts etcd every 5 minutes, and creates
 * the objects a fresh apiserver ensures exist (default namespaces, system PriorityClasses).
 */
import { updateManagedFields } from "../api/apply";
import {
  createResourceRegistry,
  customResourcesFromCRD,
  listGroups,
  listResources,
  registerResources,
} from "../api/resources";
import {
  type ForbiddenAttributes,
  newForbiddenByRbac,
  newMethodNotSupported,
  newSuccessStatus,
  newTimeout,
  newTooManyRequests,
} from "../api/status";
import type { KubeObject, Status } from "../api/types";
import { resetFieldsFor } from "../api/write-pipeline";
import type { ConnectionClosed, ConnectionRefused, Context, Message, Timer } from "../core/component";
import { defineBehavior } from "../core/component";
import type { EtcdResponse, WatchResponse } from "../etcd/messages";
import type { KeyValue, RangeResult, TxnResult } from "../etcd/mvcc";
import {
  aggregatedApiService,
  aggregatedGroups,
  onProxyRefused,
  onProxyResponse,
  proxyToBackend,
} from "./aggregator";
import { bootstrapRbacObjects } from "./bootstrap-policy";
import { encode } from "./codec";
import {
  ENDPOINT_RECONCILE_INTERVAL_MS,
  reconcileKubernetesEndpoints,
  renewMasterLease,
  writeMasterLease,
} from "./endpoint-reconciler";
import { etcdCall, etcdEndpoint, etcdEndpointFailed, etcdEndpointOk, resendPending } from "./etcd-client";
import { handleEviction } from "./eviction";
import { type ApiRequest, type ApiResponse, isWatchRequest, type WatchCancel } from "./http";
import { newUid } from "./object-meta";
import { authorize, SYSTEM_MASTERS, userGroups } from "./rbac";
import { parseRequestInfo, type RequestInfo } from "./request-info";
import { lookupResource, servedKey } from "./resources";
import { type ApiServerState, createApiServer, type Inflight } from "./state";
import {
  handleBinding,
  handleCreate,
  handleDelete,
  handleGet,
  handleList,
  handlePatch,
  handleUpdate,
  onStoreEtcdResponse,
  parseFilter,
  serveListFromCache,
  setReply,
} from "./store";
import {
  objectRef,
  onCacheList,
  onEtcdWatch,
  openEtcdWatch,
  passes,
  sendBookmarks,
  setWatchHooks,
  startCacheList,
  startWatch,
  stopWatch,
} from "./watch";
import { type CacheEvent, listCached } from "./watch-cache";

/** The component kind of apiserver replicas. */
export const KUBE_APISERVER_KIND = "kube-apiserver";

/** The version this apiserver reports (`/version`). */
export const KUBERNETES_VERSION = "v1.32.0";

function inflightKey(req: ApiRequest): string {
  return `${req.origin}#${req.requestId}`;
}

/** Send the response of an in-flight request and forget it. */
function reply(ctx: Context, s: ApiServerState, key: string, code: number, body: unknown): void {
  const f = s.inflight[key];
  if (!f) return;
  delete s.inflight[key];
  if (f.parent !== undefined) {
    onChildDone(ctx, s, f.parent, code, body);
    return;
  }
  if (f.eviction && code === 200) {
    // EvictionREST.Create: the pod's delete went through; the eviction answers 201 Success.
    code = 201;
    body = { ...newSuccessStatus(), code: 201 };
  }
  const msg: ApiResponse = { verb: "RESPONSE", requestId: f.req.requestId, code, body, detail: String(code) };
  if (f.warnings) msg.warnings = f.warnings;
  const ref = objectRef(body as KubeObject);
  const out = { ...msg, origin: f.req.origin } as ApiResponse;
  if (ref && (body as { kind?: string }).kind !== "Status") (out as { object?: string }).object = ref;
  ctx.send(f.replyTo, out);
}

setReply(reply);

// ---- deletecollection (store.go DeleteCollection): one delete per matching object ------------

function handleDeleteCollection(ctx: Context, s: ApiServerState, key: string, f: Inflight): void {
  const served = lookupResource(s, f.resourceKey)!;
  const filter = parseFilter(served, f.info.namespace, f.req.query);
  if ((filter as Status).kind === "Status") {
    reply(ctx, s, key, 400, filter);
    return;
  }
  const wf = filter as import("./watch").WatchFilter;
  const names: { namespace: string; name: string }[] = [];
  for (const obj of listCachedFor(s, served.prefix, wf.namespace)) {
    if (passes(wf, obj))
      names.push({ namespace: obj.metadata.namespace ?? "", name: obj.metadata.name ?? "" });
  }
  f.children = { pending: names.length, items: [] };
  if (names.length === 0) {
    finishCollection(ctx, s, key);
    return;
  }
  names.forEach((n, i) => {
    const childKey = `${key}/${i}`;
    const info = { ...f.info, verb: "delete", namespace: n.namespace, name: n.name };
    const child: Inflight = { ...f, info, parent: key, attempts: 0, startedAt: ctx.now };
    delete child.children;
    s.inflight[childKey] = child;
    handleDelete(ctx, s, childKey, child);
  });
}

function onChildDone(ctx: Context, s: ApiServerState, parentKey: string, code: number, body: unknown): void {
  const p = s.inflight[parentKey];
  if (!p?.children) return;
  p.children.pending--;
  if (code === 200 && (body as { kind?: string }).kind !== "Status")
    p.children.items.push(body as KubeObject);
  if (p.children.pending === 0) finishCollection(ctx, s, parentKey);
}

function finishCollection(ctx: Context, s: ApiServerState, key: string): void {
  const f = s.inflight[key]!;
  const served = lookupResource(s, f.resourceKey)!;
  const apiVersion = served.info.group ? `${served.info.group}/${served.info.version}` : served.info.version;
  reply(ctx, s, key, 200, {
    kind: served.info.listKind,
    apiVersion,
    metadata: { resourceVersion: String(s.cache.rev) },
    items: f.children!.items,
  });
}

function listCachedFor(s: ApiServerState, prefix: string, namespace: string): KubeObject[] {
  return listCached(s.cache, prefix, namespace);
}

// ---- routing ----------------------------------------------------------------------------------

function handleRequest(ctx: Context, s: ApiServerState, req: ApiRequest, from: string): void {
  const key = inflightKey(req);
  const watch = isWatchRequest(req);
  const info = parseRequestInfo(req.verb, req.path, watch);
  const f: Inflight = { replyTo: from, req, info, resourceKey: "", attempts: 0, startedAt: ctx.now };
  s.inflight[key] = f;
  if (!info.isResourceRequest) {
    if (s.ready && !authorize(s, req.user, info)) {
      reply(
        ctx,
        s,
        key,
        403,
        newForbiddenByRbac({ user: req.user.username, verb: info.verb, path: info.path }),
      );
      return;
    }
    handleNonResource(ctx, s, key, f);
    return;
  }
  const served = lookupResource(s, servedKey(info.group, info.version, info.resource));
  if (!served) {
    // A group/version an APIService delegates to another server: authorize here, then proxy.
    const apiService = aggregatedApiService(s, info.group, info.version);
    if (!apiService) {
      reply(ctx, s, key, 404, notFoundPage());
      return;
    }
    if (!authorize(s, req.user, info)) {
      reply(ctx, s, key, 403, newForbiddenByRbac(forbiddenAttributes(req, info, true)));
      return;
    }
    proxyToBackend(ctx, s, key, apiService, reply);
    return;
  }
  f.resourceKey = served.key;
  // Authorization comes before anything else about the resource (the filter chain). Until the
  // cache holds the RBAC objects the apiserver cannot evaluate rules; it then answers 429 as for
  // any cache-served request.
  if (s.cfg.authorizationMode === "RBAC" && !s.ready && !userGroups(req.user).includes(SYSTEM_MASTERS)) {
    reply(ctx, s, key, 429, newTooManyRequests("storage is (re)initializing", 1));
    return;
  }
  if (!authorize(s, req.user, info)) {
    reply(ctx, s, key, 403, newForbiddenByRbac(forbiddenAttributes(req, info, served.info.namespaced)));
    return;
  }
  if (info.subresource && !served.info.subresources.some((sr) => sr.name === info.subresource)) {
    reply(ctx, s, key, 404, notFoundPage());
    return;
  }
  if (!served.info.namespaced && info.namespace && info.resource !== "namespaces") {
    reply(ctx, s, key, 404, notFoundPage());
    return;
  }
  // The request deadline (--request-timeout 60 s) for everything but watches, checked by a sweep
  // that runs once a second while requests are in flight (one timer, not one per request).
  if (!watch && !s.sweepScheduled) {
    s.sweepScheduled = true;
    ctx.setTimer(1000, { name: "request-sweep" });
  }
  switch (info.verb) {
    case "get":
      handleGet(ctx, s, key, f);
      return;
    case "list":
      handleList(ctx, s, key, f);
      return;
    case "watch":
      handleWatch(ctx, s, key, f);
      return;
    case "create":
      if (served.info.resource === "pods" && served.info.group === "" && info.subresource === "binding") {
        handleBinding(ctx, s, key, f);
        return;
      }
      if (served.info.resource === "pods" && served.info.group === "" && info.subresource === "eviction") {
        handleEviction(ctx, s, key, f);
        return;
      }
      if (info.name !== "" && info.subresource === "") {
        reply(
          ctx,
          s,
          key,
          405,
          newMethodNotSupported({ group: served.info.group, resource: served.info.resource }, "create"),
        );
        return;
      }
      handleCreate(ctx, s, key, f);
      return;
    case "update":
      handleUpdate(ctx, s, key, f);
      return;
    case "patch":
      handlePatch(ctx, s, key, f);
      return;
    case "delete":
      handleDelete(ctx, s, key, f);
      return;
    case "deletecollection":
      handleDeleteCollection(ctx, s, key, f);
      return;
    default:
      reply(
        ctx,
        s,
        key,
        405,
        newMethodNotSupported({ group: served.info.group, resource: served.info.resource }, info.verb),
      );
  }
}

/** What a Forbidden answer names (the request's authorization attributes). */
function forbiddenAttributes(req: ApiRequest, info: RequestInfo, namespaced: boolean): ForbiddenAttributes {
  const attrs: ForbiddenAttributes = {
    user: req.user.username,
    verb: info.verb,
    resource: info.resource,
    apiGroup: info.group,
  };
  if (info.subresource) attrs.subresource = info.subresource;
  if (info.namespace && namespaced) attrs.namespace = info.namespace;
  if (info.name) attrs.name = info.name;
  return attrs;
}

/** The body of a 404 for an unknown path (the apiserver's NotFound handler). */
function notFoundPage(): Status {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: "the server could not find the requested resource",
    reason: "NotFound",
    details: {},
    code: 404,
  };
}

// Discovery documents come from the resource table; derived once.
const DISCOVERY = createResourceRegistry();

function handleNonResource(ctx: Context, s: ApiServerState, key: string, f: Inflight): void {
  const path = f.req.path.replace(/\/+$/, "") || "/";
  // The built-in table is shared by every simulation in the process: never add to it; a cluster
  // with CRDs gets its own registry for the request.
  let reg = DISCOVERY;
  if (s.customResources.length > 0) {
    reg = createResourceRegistry();
    registerResources(reg, s.customResources);
  }
  if (path === "/healthz" || path === "/livez" || path === "/readyz") {
    // The etcd check reads a key with a 2 s deadline (storagebackend healthcheck).
    etcdCall(ctx, s, "healthz", { verb: "Range", range: { key: "health" } }, key);
    ctx.setTimer(2000, { name: "health-timeout", key } as Timer);
    return;
  }
  if (path === "/version") {
    reply(ctx, s, key, 200, {
      major: "1",
      minor: "32",
      gitVersion: KUBERNETES_VERSION,
      gitCommit: "70d3cc986aa8221cd1dfb1121852688902d3bf53",
      gitTreeState: "clean",
      buildDate: "2024-12-11T17:59:15Z",
      goVersion: "go1.23.3",
      compiler: "gc",
      platform: "linux/amd64",
    });
    return;
  }
  if (path === "/api") {
    reply(ctx, s, key, 200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] });
    return;
  }
  if (path === "/apis") {
    const groups = listGroups(reg)
      .filter((g) => g.group !== "")
      .map((g) => ({
        name: g.group,
        versions: g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v })),
        preferredVersion: { groupVersion: `${g.group}/${g.preferredVersion}`, version: g.preferredVersion },
      }));
    // Groups served by aggregated API servers (APIServices with a Service).
    for (const g of aggregatedGroups(s)) {
      if (groups.some((x) => x.name === g.group)) continue;
      groups.push({
        name: g.group,
        versions: g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v })),
        preferredVersion: { groupVersion: `${g.group}/${g.versions[0]}`, version: g.versions[0]! },
      });
    }
    reply(ctx, s, key, 200, { kind: "APIGroupList", apiVersion: "v1", groups });
    return;
  }
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (m) {
    const group = m[2] ?? "";
    const version = m[1] ?? m[3]!;
    if (listResources(reg, group, version).length === 0) {
      // Discovery of an aggregated group/version is the backend's own APIResourceList.
      const apiService = aggregatedApiService(s, group, version);
      if (apiService) {
        proxyToBackend(ctx, s, key, apiService, reply);
        return;
      }
    }
    const resources = listResources(reg, group, version);
    if (resources.length === 0) {
      reply(ctx, s, key, 404, notFoundPage());
      return;
    }
    const out: unknown[] = [];
    for (const r of resources) {
      out.push({
        name: r.resource,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: r.verbs,
        ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
        ...(r.categories.length > 0 ? { categories: r.categories } : {}),
      });
      for (const sr of r.subresources) {
        out.push({
          name: `${r.resource}/${sr.name}`,
          singularName: "",
          namespaced: r.namespaced,
          kind: sr.kind,
          verbs: sr.verbs,
        });
      }
    }
    reply(ctx, s, key, 200, {
      kind: "APIResourceList",
      apiVersion: "v1",
      groupVersion: group ? `${group}/${version}` : version,
      resources: out,
    });
    return;
  }
  reply(ctx, s, key, 404, notFoundPage());
}

// ---- watches ----------------------------------------------------------------------------------

function handleWatch(ctx: Context, s: ApiServerState, key: string, f: Inflight): void {
  const served = lookupResource(s, f.resourceKey)!;
  if (!s.ready) {
    // ResilientWatchCacheInitialization (beta, on in 1.32): watches wait for the cache with a 429.
    reply(ctx, s, key, 429, newTooManyRequests("storage is (re)initializing", 1));
    return;
  }
  const filter = parseFilter(served, f.info.namespace, f.req.query);
  if ((filter as Status).kind === "Status") {
    reply(ctx, s, key, 400, filter);
    return;
  }
  const q = f.req.query ?? {};
  const rv = q.resourceVersion ?? "";
  const fromRev = rv === "" || rv === "0" ? null : Number(rv) || 0;
  const wf = filter as import("./watch").WatchFilter;
  // Pod watches by spec.nodeName=X are indexed by node (the cacher's trigger function).
  let node = "";
  if (served.prefix === "/registry/pods") {
    const byNode = wf.fields.find((r) => r.field === "spec.nodeName" && r.operator === "=");
    if (byNode?.value) node = byNode.value;
  }
  // --min-request-timeout: a watch without timeoutSeconds lasts between 1× and 2× of it.
  const timeoutS = q.timeoutSeconds
    ? Number(q.timeoutSeconds)
    : s.cfg.minRequestTimeoutS * (1 + ctx.random());
  const w = {
    key,
    replyTo: f.replyTo,
    origin: f.req.origin,
    requestId: f.req.requestId,
    prefix: served.prefix,
    resourceKey: served.key,
    filter: wf,
    bookmarks: q.allowWatchBookmarks === "true",
    nextBookmarkAt: ctx.now + s.cfg.bookmarkFrequencyMs,
    node,
    rev: 0,
  };
  // The HTTP response (200, headers) comes first; events follow on the stream.
  delete s.inflight[key];
  const ok: ApiResponse = { verb: "RESPONSE", requestId: f.req.requestId, code: 200, detail: "watch" };
  ctx.send(f.replyTo, { ...ok, origin: f.req.origin } as ApiResponse);
  const err = startWatch(ctx, s, w, fromRev);
  if (err) {
    // A watch from a revision the cache no longer has: one ERROR event (410 Expired), then the end.
    ctx.send(f.replyTo, {
      verb: "WATCH-EVENT",
      requestId: f.req.requestId,
      origin: f.req.origin,
      events: [{ type: "ERROR", object: err }],
      detail: "410",
    } as Message);
    ctx.send(f.replyTo, {
      verb: "WATCH-CLOSED",
      requestId: f.req.requestId,
      origin: f.req.origin,
    } as Message);
    return;
  }
  ctx.setTimer(Math.round(timeoutS * 1000), { name: "watch-timeout", key } as Timer);
}

// ---- cache readiness, progress, CRDs, bootstrap objects -----------------------------------------

function serveWaitingReads(ctx: Context, s: ApiServerState): void {
  if (s.waitingForRev.length === 0) return;
  const still: ApiServerState["waitingForRev"] = [];
  for (const w of s.waitingForRev) {
    const f = s.inflight[w.inflight];
    if (!f) continue;
    if (s.cache.rev >= w.rev) serveListFromCache(ctx, s, w.inflight, f);
    else still.push(w);
  }
  s.waitingForRev = still;
  // Ask etcd for a progress notification so that a quiet cache reaches the revision (1.31+ WatchProgressRequester).
  if (still.length > 0) ctx.send(etcdEndpoint(s), { verb: "WatchProgressRequest" });
}

function syncCustomResources(s: ApiServerState): void {
  const crds = Object.values(
    s.cache.resources["/registry/apiextensions.k8s.io/customresourcedefinitions"]?.items ?? {},
  );
  s.customResources = [];
  for (const crd of crds) {
    // A CRD serves its resources once its names are accepted; we accept them on creation.
    s.customResources.push(...customResourcesFromCRD(crd as never));
  }
}

function onCachedChange(_ctx: Context, s: ApiServerState, ev: CacheEvent): void {
  if (ev.prefix === "/registry/apiextensions.k8s.io/customresourcedefinitions") syncCustomResources(s);
}

/** Objects every cluster has, created by apiserver post-start hooks if missing. */
function bootstrapObjects(ctx: Context, s: ApiServerState): { key: string; obj: KubeObject }[] {
  const [net] = s.cfg.serviceClusterIPRange.split("/");
  const octets = (net ?? "10.96.0.0").split(".").map(Number);
  const firstServiceIP = `${octets[0]}.${octets[1]}.${octets[2]}.${(octets[3] ?? 0) + 1}`;
  const ts = ctx.timestamp();
  const meta = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    uid: newUid(ctx),
    creationTimestamp: ts,
    ...extra,
  });
  const out: { key: string; obj: KubeObject }[] = [];
  // The bootstrap controller (pkg/controlplane/controller/systemnamespaces) keeps these namespaces.
  for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    out.push({
      key: `/registry/namespaces/${ns}`,
      obj: {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: meta(ns, { labels: { "kubernetes.io/metadata.name": ns } }),
        spec: { finalizers: ["kubernetes"] },
        status: { phase: "Active" },
      },
    });
  }
  // The `kubernetes` Service (controlplane/controller/kubernetesservice): the first address of
  // the service range, port 443 → the apiserver's 6443. Its endpoints are not maintained yet.
  out.push({
    key: "/registry/services/specs/default/kubernetes",
    obj: {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("kubernetes", {
        namespace: "default",
        labels: { component: "apiserver", provider: "kubernetes" },
      }),
      spec: {
        clusterIP: firstServiceIP,
        clusterIPs: [firstServiceIP],
        internalTrafficPolicy: "Cluster",
        ipFamilies: ["IPv4"],
        ipFamilyPolicy: "SingleStack",
        ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }],
        sessionAffinity: "None",
        type: "ClusterIP",
      },
      status: { loadBalancer: {} },
    },
  });
  // scheduling/bootstrap-system-priority-classes (pkg/apis/scheduling SystemPriorityClasses).
  const classes: [string, number, string][] = [
    [
      "system-node-critical",
      2000001000,
      "Used for system critical pods that must not be moved from their current node.",
    ],
    [
      "system-cluster-critical",
      2000000000,
      "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
    ],
  ];
  for (const [name, value, description] of classes) {
    out.push({
      key: `/registry/priorityclasses/${name}`,
      obj: {
        apiVersion: "scheduling.k8s.io/v1",
        kind: "PriorityClass",
        metadata: meta(name, { generation: 1 }),
        value,
        globalDefault: false,
        description,
        preemptionPolicy: "PreemptLowerPriority",
      },
    });
  }
  return out;
}

function onCacheReady(ctx: Context, s: ApiServerState): void {
  syncCustomResources(s);
  if (!s.endpointLoop && s.cfg.advertiseAddress) {
    s.endpointLoop = true;
    ctx.setTimer(0, { name: "endpoint-reconcile" });
  }
  for (const { key, obj } of [...bootstrapObjects(ctx, s), ...bootstrapRbacObjects()]) {
    const prefix = key.slice(0, key.lastIndexOf("/"));
    if (s.cache.resources[prefix]?.items[key]) continue;
    obj.metadata = {
      ...obj.metadata,
      uid: obj.metadata.uid ?? newUid(ctx),
      creationTimestamp: obj.metadata.creationTimestamp ?? ctx.timestamp(),
    };
    // The post-start hooks create these through the API, so they carry the apiserver's field manager.
    const managed = updateManagedFields(undefined, obj, {
      manager: "kube-apiserver",
      time: ctx.timestamp(),
      resetFields: resetFieldsFor(obj.kind),
    });
    etcdCall(ctx, s, "bootstrap-create", {
      verb: "Txn",
      txn: {
        compare: [{ key, target: "MOD", result: "EQUAL", value: 0 }],
        success: [{ put: { key, value: encode(managed) } }],
        failure: [],
      },
      object: objectRef(obj),
    });
  }
  serveWaitingReads(ctx, s);
}

setWatchHooks({ ready: onCacheReady, change: onCachedChange, progress: serveWaitingReads });

// ---- compaction (apiserver storage/etcd3/compact.go) ------------------------------------------

const COMPACT_REV_KEY = "compact_rev_key";

function startCompaction(ctx: Context, s: ApiServerState): void {
  etcdCall(ctx, s, "compact-txn", {
    verb: "Txn",
    txn: {
      compare: [{ key: COMPACT_REV_KEY, target: "VERSION", result: "EQUAL", value: s.compaction.keyVersion }],
      success: [{ put: { key: COMPACT_REV_KEY, value: String(s.compaction.lastRev) } }],
      failure: [{ range: { key: COMPACT_REV_KEY } }],
    },
  });
}

function onCompactTxn(ctx: Context, s: ApiServerState, resp: EtcdResponse): void {
  if (resp.error) return;
  const res = resp.result as TxnResult;
  const curRev = resp.header.revision;
  if (!res.succeeded) {
    // Another apiserver compacted this round: adopt its count, compact nothing.
    const first = res.responses[0];
    const kv = first && "range" in first ? first.range.kvs[0] : undefined;
    s.compaction = { keyVersion: kv?.version ?? 0, lastRev: curRev };
    return;
  }
  const rev = s.compaction.lastRev;
  s.compaction = { keyVersion: s.compaction.keyVersion + 1, lastRev: curRev };
  // Compact to the revision recorded one interval ago (never on the first round).
  if (rev > 0) etcdCall(ctx, s, "compact", { verb: "Compact", revision: rev, detail: `to ${rev}` });
}

// ---- etcd responses ---------------------------------------------------------------------------

function onEtcdResponse(ctx: Context, s: ApiServerState, resp: EtcdResponse): void {
  const call = s.pendingEtcd[resp.id];
  if (!call) return;
  delete s.pendingEtcd[resp.id];
  etcdEndpointOk(s);
  switch (call.step) {
    case "cache-list":
      if (resp.error) ctx.setTimer(1000, { name: "cache-relist" });
      else onCacheList(ctx, s, (resp.result as RangeResult).kvs as KeyValue[], resp.header.revision);
      return;
    case "bootstrap-create":
    case "compact":
    case "kubernetes-endpoints":
      return;
    case "masterlease-grant":
      if (!resp.error) writeMasterLease(ctx, s, (resp.result as { lease: number }).lease);
      return;
    case "masterlease-put":
      if (!resp.error) reconcileKubernetesEndpoints(ctx, s);
      return;
    case "compact-txn":
      onCompactTxn(ctx, s, resp);
      return;
    case "healthz": {
      const f = s.inflight[call.inflight!];
      if (!f) return;
      healthReply(ctx, s, call.inflight!, !resp.error);
      return;
    }
    default:
      if (call.inflight !== undefined) onStoreEtcdResponse(ctx, s, call.step, call.inflight, resp, call.data);
  }
}

function healthReply(ctx: Context, s: ApiServerState, key: string, etcdOk: boolean): void {
  const f = s.inflight[key];
  if (!f) return;
  const path = f.req.path.replace(/\/+$/, "");
  const name = path.slice(1);
  const verbose = f.req.query?.verbose !== undefined;
  const ok = etcdOk && (name !== "readyz" || s.ready);
  if (!verbose) {
    reply(ctx, s, key, ok ? 200 : 500, ok ? "ok" : `[-]etcd failed: reason withheld\n${name} check failed`);
    return;
  }
  const lines = ["[+]ping ok", "[+]log ok", etcdOk ? "[+]etcd ok" : "[-]etcd failed: reason withheld"];
  if (name === "readyz")
    lines.push(s.ready ? "[+]etcd-readiness ok" : "[-]etcd-readiness failed: reason withheld");
  lines.push(ok ? `${name} check passed` : `${name} check failed`);
  reply(ctx, s, key, ok ? 200 : 500, lines.join("\n"));
}

// ---- the behaviour ----------------------------------------------------------------------------

/** The kube-apiserver behaviour. */
export const kubeApiServerBehavior = defineBehavior<ApiServerState>({
  kind: KUBE_APISERVER_KIND,
  onStart(ctx, s) {
    startCacheList(ctx, s);
    ctx.setTimer(s.cfg.compactionIntervalMs, { name: "compact" });
  },
  onStop(s) {
    // An apiserver keeps nothing across a restart: it rebuilds its cache from etcd.
    return createApiServer(s.name, s.cfg);
  },
  onMessage(ctx, s, msg: Message, from) {
    switch (msg.verb) {
      case "EtcdResponse":
        onEtcdResponse(ctx, s, msg as EtcdResponse);
        return;
      case "WatchResponse":
        etcdEndpointOk(s);
        onEtcdWatch(ctx, s, msg as WatchResponse);
        return;
      case "RESPONSE":
        // An aggregated API server answering a proxied request.
        onProxyResponse(ctx, s, msg as ApiResponse, reply);
        return;
      case "CONNECTION-REFUSED": {
        const orig = (msg as ConnectionRefused).original;
        if (onProxyRefused(ctx, s, orig as ApiRequest, reply)) return;
        if (s.cfg.etcdServers.includes(from)) {
          const switched = etcdEndpointFailed(ctx, s, from);
          if (orig.verb === "Watch" && switched) openEtcdWatch(ctx, s);
        }
        return;
      }
      case "CONNECTION-CLOSED": {
        const peer = (msg as ConnectionClosed).peer;
        if (s.cfg.etcdServers.includes(peer)) {
          if (etcdEndpointFailed(ctx, s, peer)) openEtcdWatch(ctx, s);
          else ctx.setTimer(1000, { name: "cache-rewatch" });
        } else {
          // A client (or the load balancer) went away: its watches end.
          for (const key of Object.keys(s.watchers))
            if (s.watchers[key]!.replyTo === peer) stopWatch(ctx, s, key, null);
        }
        return;
      }
      case "WATCH-CANCEL": {
        const m = msg as WatchCancel;
        stopWatch(ctx, s, `${m.origin}#${m.requestId}`, null);
        return;
      }
      case "GET":
      case "POST":
      case "PUT":
      case "PATCH":
      case "DELETE":
        ctx.connect(from);
        handleRequest(ctx, s, msg as ApiRequest, from);
        return;
    }
  },
  onTimer(ctx, s, timer: Timer) {
    const t = timer as Timer & { key?: string; at?: number };
    switch (t.name) {
      case "request-sweep": {
        s.sweepScheduled = false;
        const deadline = ctx.now - s.cfg.requestTimeoutMs;
        let pending = false;
        for (const key in s.inflight) {
          const f = s.inflight[key]!;
          if (f.startedAt <= deadline) reply(ctx, s, key, 504, newTimeout());
          else pending = true;
        }
        if (pending) {
          s.sweepScheduled = true;
          ctx.setTimer(1000, { name: "request-sweep" });
        }
        return;
      }
      case "health-timeout":
        if (s.inflight[t.key!]) healthReply(ctx, s, t.key!, false);
        return;
      case "watch-timeout":
        stopWatch(ctx, s, t.key!, "timeout");
        return;
      case "bookmark":
        sendBookmarks(ctx, s, t.at!);
        return;
      case "etcd-retry":
        s.etcdFailures = 0;
        resendPending(ctx, s);
        if (s.ready) openEtcdWatch(ctx, s);
        return;
      case "cache-rewatch":
        if (s.ready) openEtcdWatch(ctx, s);
        else startCacheList(ctx, s);
        return;
      case "cache-relist":
        startCacheList(ctx, s);
        return;
      case "compact":
        ctx.setTimer(s.cfg.compactionIntervalMs, { name: "compact" });
        startCompaction(ctx, s);
        return;
      case "endpoint-reconcile":
        ctx.setTimer(ENDPOINT_RECONCILE_INTERVAL_MS, { name: "endpoint-reconcile" });
        renewMasterLease(ctx, s);
        return;
    }
  },
});

export { createApiServer, defaultApiServerConfig } from "./state";
