/**
 * The lease endpoint reconciler (kube-apiserver `--endpoint-reconciler-type=lease`,
 * pkg/controlplane/reconcilers/lease.go): every 10 s each apiserver renews a 15 s lease under
 * `/registry/masterleases/<its IP>` and makes the `kubernetes` Endpoints and EndpointSlice in
 * `default` list exactly the IPs with live leases, on port 6443 named `https`. An apiserver that
 * dies drops out when its lease expires.
 */
import type { KubeObject } from "../api/types";
import type { Context } from "../core/component";
import { encode } from "./codec";
import { etcdCall } from "./etcd-client";
import { newUid } from "./object-meta";
import type { ApiServerState } from "./state";

/** DefaultEndpointReconcilerInterval (pkg/controlplane/reconcilers). */
export const ENDPOINT_RECONCILE_INTERVAL_MS = 10_000;
/** DefaultEndpointReconcilerTTL: the master lease's time to live. */
export const MASTER_LEASE_TTL_S = 15;
/** The storage prefix of master leases. */
export const MASTER_LEASES_PREFIX = "/registry/masterleases";

const ENDPOINTS_KEY = "/registry/services/endpoints/default/kubernetes";
const SLICE_KEY = "/registry/endpointslices/default/kubernetes";

/** Start a reconcile round: renew this apiserver's master lease. */
export function renewMasterLease(ctx: Context, s: ApiServerState): void {
  if (!s.cfg.advertiseAddress) return;
  etcdCall(ctx, s, "masterlease-grant", { verb: "LeaseGrant", ttl: MASTER_LEASE_TTL_S });
}

/** The lease was granted: write the master lease key with it. */
export function writeMasterLease(ctx: Context, s: ApiServerState, lease: number): void {
  const ip = s.cfg.advertiseAddress;
  const value: KubeObject = { apiVersion: "v1", kind: "Endpoints", metadata: { name: ip } };
  etcdCall(ctx, s, "masterlease-put", {
    verb: "Put",
    put: { key: `${MASTER_LEASES_PREFIX}/${ip}`, value, lease },
    detail: `master lease ${ip}`,
  });
}

function sameIps(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The lease is written: make Endpoints and EndpointSlice match the live leases. */
export function reconcileKubernetesEndpoints(ctx: Context, s: ApiServerState): void {
  const leases = s.cache.resources[MASTER_LEASES_PREFIX]?.items ?? {};
  const ips = Object.keys(leases)
    .map((k) => k.slice(MASTER_LEASES_PREFIX.length + 1))
    .concat(s.cfg.advertiseAddress)
    .filter((ip, i, all) => ip !== "" && all.indexOf(ip) === i)
    .sort();
  const ep = s.cache.resources["/registry/services/endpoints"]?.items[ENDPOINTS_KEY];
  const current = ((ep?.subsets?.[0]?.addresses ?? []) as { ip: string }[]).map((a) => a.ip).sort();
  if (ep && sameIps(current, ips)) return;
  const ts = ctx.timestamp();
  const endpoints: KubeObject = {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      uid: ep?.metadata.uid ?? newUid(ctx),
      creationTimestamp: ep?.metadata.creationTimestamp ?? ts,
      labels: { "endpointslice.kubernetes.io/skip-mirror": "true" },
    },
    subsets: [
      { addresses: ips.map((ip) => ({ ip })), ports: [{ name: "https", port: 6443, protocol: "TCP" }] },
    ],
  };
  const slice0 = s.cache.resources["/registry/endpointslices"]?.items[SLICE_KEY];
  const slice: KubeObject = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      uid: slice0?.metadata.uid ?? newUid(ctx),
      creationTimestamp: slice0?.metadata.creationTimestamp ?? ts,
      generation: (slice0?.metadata.generation ?? 0) + 1,
      labels: { "kubernetes.io/service-name": "kubernetes" },
    },
    addressType: "IPv4",
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports: [{ name: "https", port: 6443, protocol: "TCP" }],
  };
  const cas = (key: string, old: KubeObject | undefined) => ({
    key,
    target: "MOD" as const,
    result: "EQUAL" as const,
    value: old ? Number(old.metadata.resourceVersion) : 0,
  });
  // Both written together; if either changed meanwhile, the next round tries again.
  etcdCall(ctx, s, "kubernetes-endpoints", {
    verb: "Txn",
    txn: {
      compare: [cas(ENDPOINTS_KEY, ep), cas(SLICE_KEY, slice0)],
      success: [
        { put: { key: ENDPOINTS_KEY, value: encode(endpoints) } },
        { put: { key: SLICE_KEY, value: encode(slice) } },
      ],
      failure: [],
    },
    object: "Endpoints/default/kubernetes",
  });
}
