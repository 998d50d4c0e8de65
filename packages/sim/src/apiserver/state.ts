/**
 * The plain-data state of a kube-apiserver replica and its configuration (flags with their
 * real defaults).
 */
import type { ResourceInfo } from "../api/resources";
import type { KubeObject } from "../api/types";
import type { EtcdRequest } from "../etcd/messages";
import type { ApiRequest } from "./http";
import type { RequestInfo } from "./request-info";
import type { WatchFilter } from "./watch";
import { createWatchCache, DEFAULT_EVENT_WINDOW, type WatchCacheState } from "./watch-cache";

/** Flags of kube-apiserver that the simulation honours, with v1.32 defaults. */
export interface ApiServerConfig {
  /** `--etcd-servers`: the etcd members this replica talks to, in order of preference. */
  etcdServers: string[];
  /** `--min-request-timeout` 1800 s: a watch without timeoutSeconds lasts 1–2× this (apiserver server/config.go). */
  minRequestTimeoutS: number;
  /** `--request-timeout` 60 s (apiserver server/config.go RequestTimeout). */
  requestTimeoutMs: number;
  /** Watch bookmarks are sent about once a minute (cacher defaultBookmarkFrequency = 1 min). */
  bookmarkFrequencyMs: number;
  /** `--event-ttl` 1 h: Events are stored with an etcd lease of this TTL. */
  eventTtlS: number;
  /** `--lease-reuse-duration-seconds` 60: one etcd lease serves all Events written within this window. */
  leaseReuseDurationS: number;
  /** `--etcd-compaction-interval` 5 m (apiserver storagebackend DefaultCompactInterval). */
  compactionIntervalMs: number;
  /** `--default-not-ready-toleration-seconds` / `--default-unreachable-toleration-seconds`, 300. */
  defaultNotReadyTolerationS: number;
  defaultUnreachableTolerationS: number;
  /** `--advertise-address`: the IP this replica publishes in the `kubernetes` endpoints ("" = none). */
  advertiseAddress: string;
  /** `--service-cluster-ip-range`: kubeadm's default service subnet 10.96.0.0/12. */
  serviceClusterIPRange: string;
  /** `--service-node-port-range`, default 30000-32767. */
  serviceNodePortRange: string;
  /** Events kept in the watch cache's window (see watch-cache.ts DEFAULT_EVENT_WINDOW). */
  watchCacheCapacity: number;
  /** Authorization mode: kubeadm runs `Node,RBAC`; "AlwaysAllow" turns authorization off. */
  authorizationMode: "RBAC" | "AlwaysAllow";
  /**
   * Aggregated APIs: the component that stands for each Service an APIService names
   * (`"<namespace>/<name>"` → component id); absent: `DEFAULT_AGGREGATED_API_BACKENDS`
   * (`kube-system/metrics-server` → `metrics-server`). See aggregator.ts.
   */
  aggregatedApiBackends?: Record<string, string>;
}

/** kube-apiserver's defaults (as kubeadm runs it). */
export function defaultApiServerConfig(etcdServers: string[]): ApiServerConfig {
  return {
    etcdServers,
    minRequestTimeoutS: 1800,
    requestTimeoutMs: 60_000,
    bookmarkFrequencyMs: 60_000,
    eventTtlS: 3600,
    leaseReuseDurationS: 60,
    compactionIntervalMs: 300_000,
    defaultNotReadyTolerationS: 300,
    defaultUnreachableTolerationS: 300,
    authorizationMode: "RBAC",
    watchCacheCapacity: DEFAULT_EVENT_WINDOW,
    advertiseAddress: "",
    serviceClusterIPRange: "10.96.0.0/12",
    serviceNodePortRange: "30000-32767",
  };
}

/** A `pods/eviction` in progress (see eviction.ts). */
export interface EvictionRequest {
  /** The Eviction's DeleteOptions, used for the pod's delete. */
  deleteOptions: Record<string, unknown>;
  dryRun: boolean;
  /** Compare-and-swap attempts on the PodDisruptionBudget. */
  attempts: number;
  /** The pod being evicted, while the budget is written. */
  pod?: KubeObject;
}

/** An HTTP request being served (plain data; steps continue on etcd responses). */
export interface Inflight {
  /** Who to answer (the load balancer, or the client itself). */
  replyTo: string;
  req: ApiRequest;
  info: RequestInfo;
  /** Key of the resource in the resource index. */
  resourceKey: string;
  /** The object being written, once built. */
  obj?: KubeObject;
  /** How many optimistic-concurrency retries an unconditional update has made. */
  attempts: number;
  /** When the request arrived (for --request-timeout). */
  startedAt: number;
  /** For paged lists and consistent reads: the revision to serve at. */
  rev?: number;
  /** `Warning` headers for the response (unknown fields). */
  warnings?: string[];
  /** A server-side apply: `obj` already carries the managedFields `applyObject` computed. */
  applied?: boolean;
  /** A `pods/eviction`: its delete answers 201 with a Success Status. */
  eviction?: EvictionRequest;
  /** For one delete of a deletecollection: the collection request's key. */
  parent?: string;
  /** For a deletecollection: deletes still running and the objects deleted. */
  children?: { pending: number; items: KubeObject[] };
}

/** What to do when an etcd response arrives. */
export interface EtcdCall {
  step: string;
  inflight?: string;
  /** The request, kept to resend it to another member when the connection fails. */
  msg: EtcdRequest;
  /** Step-specific data. */
  data?: { key?: string; rev?: number; limit?: number };
}

/** A watch a client has open on this replica. */
export interface ApiWatcher {
  key: string;
  replyTo: string;
  origin: string;
  requestId: number;
  prefix: string;
  resourceKey: string;
  /** Namespace and parsed selectors. */
  filter: WatchFilter;
  bookmarks: boolean;
  nextBookmarkAt: number;
  /** Node name when the watch selects pods by spec.nodeName (indexed, like the cacher's trigger). */
  node: string;
  /** Last revision delivered. */
  rev: number;
}

/** One kube-apiserver replica. */
export interface ApiServerState {
  name: string;
  cfg: ApiServerConfig;
  etcdIndex: number;
  /** Endpoints that failed in a row (all failed: back off before retrying). */
  etcdFailures: number;
  etcdRetryScheduled: boolean;
  nextEtcdId: number;
  pendingEtcd: Record<number, EtcdCall>;
  /** True once the watch cache is built and its etcd watch open. */
  ready: boolean;
  etcdWatchId: number;
  cache: WatchCacheState;
  inflight: Record<string, Inflight>;
  /** Consistent reads waiting for the cache to reach a revision. */
  waitingForRev: { inflight: string; rev: number }[];
  watchers: Record<string, ApiWatcher>;
  watchersByPrefix: Record<string, Record<string, true>>;
  watchersByNode: Record<string, Record<string, true>>;
  bookmarkTimerAt: number;
  /** Whether the request-timeout sweep timer is set. */
  sweepScheduled: boolean;
  /** Whether the endpoint reconciler's 10 s loop runs. */
  endpointLoop: boolean;
  /** The etcd lease Events are attached to, and when it was granted. */
  eventLease: { id: number; grantedAt: number } | null;
  /** Resources added by CustomResourceDefinitions. */
  customResources: ResourceInfo[];
  /** Compaction bookkeeping (apiserver storage/etcd3/compact.go). */
  compaction: { lastRev: number; keyVersion: number };
  /** Requests proxied to aggregated API servers: proxy request id → in-flight key. */
  proxied?: Record<number, string>;
  nextProxyId?: number;
}

/** A new replica's state. */
export function createApiServer(name: string, cfg: ApiServerConfig): ApiServerState {
  return {
    name,
    cfg,
    etcdIndex: 0,
    etcdFailures: 0,
    etcdRetryScheduled: false,
    nextEtcdId: 1,
    pendingEtcd: {},
    ready: false,
    etcdWatchId: 0,
    cache: createWatchCache(cfg.watchCacheCapacity),
    inflight: {},
    waitingForRev: [],
    watchers: {},
    watchersByPrefix: {},
    watchersByNode: {},
    bookmarkTimerAt: 0,
    sweepScheduled: false,
    endpointLoop: false,
    eventLease: null,
    customResources: [],
    compaction: { lastRev: 0, keyVersion: 0 },
  };
}
