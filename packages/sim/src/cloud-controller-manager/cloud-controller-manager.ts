/**
 * cloud-controller-manager (k8s.io/cloud-provider, v1.32), present only when the cluster runs in
 * a simulated cloud. Leader-elected on `kube-system/cloud-controller-manager`; the leader runs:
 *
 * - the **service controller**: a `type: LoadBalancer` Service gets the
 *   `service.kubernetes.io/load-balancer-cleanup` finalizer, a Normal `EnsuringLoadBalancer`
 *   event, the cloud's load balancer (tens of seconds), `status.loadBalancer.ingress`, and
 *   `EnsuredLoadBalancer`; a cloud error is a Warning `SyncLoadBalancerFailed` ("Error syncing
 *   load balancer: failed to ensure load balancer: …") retried after 5 s doubling to 5 min; a
 *   deleted Service (or one no longer of that type) gets `DeletingLoadBalancer` /
 *   `DeletedLoadBalancer` and loses the finalizer; a change in the set of nodes gets
 *   `UpdatedLoadBalancer`.
 * - the **cloud node controller**: a node registered with the
 *   `node.cloudprovider.kubernetes.io/uninitialized` taint gets its providerID, instance-type,
 *   zone and region labels (stable and beta) and addresses from the cloud, then loses the taint.
 * - the **cloud node lifecycle controller**: every 5 s (`--node-monitor-period`), a node that is
 *   not Ready and whose instance no longer exists is deleted (`DeletingNode`).
 * - the **route controller** (`--configure-cloud-routes`): a route per node pod CIDR, then the
 *   node's `NetworkUnavailable=False` (`RouteCreated`).
 */
import type { KubeObject } from "../api/types";
import {
  type ApiClientState,
  apiRequest,
  createApiClient,
  handleApiMessage,
  handleApiTimer,
} from "../apiserver/client/api-client";
import {
  createInformer,
  handleInformerEvent,
  handleInformerTimer,
  type InformerState,
  informerGet,
  informerList,
  startInformer,
} from "../apiserver/client/informer";
import type { UserInfo } from "../apiserver/http";
import {
  createEventRecorder,
  type EventRecorderState,
  type EventType,
  recordEvent,
} from "../controllers/framework/events";
import { type Context, defineBehavior, type Timer } from "../core/component";
import { newHolderIdentity } from "../leader-election/identity";
import {
  createLeaderElection,
  handleElectionMessage,
  handleElectionTimer,
  type LeaderElectionState,
  startElection,
} from "../leader-election/leader-elector";
import type { CloudOp, CloudRequest, CloudResponse } from "./cloud";

/** The component kind. */
export const CLOUD_CONTROLLER_MANAGER_KIND = "cloud-controller-manager";
/** The identity (`--use-service-account-credentials` off: the component's own kubeconfig). */
export const CLOUD_CONTROLLER_MANAGER_USER: UserInfo = {
  username: "system:cloud-controller-manager",
  groups: ["system:masters", "system:authenticated"],
};
/** The finalizer the service controller puts on LoadBalancer Services. */
export const LB_CLEANUP_FINALIZER = "service.kubernetes.io/load-balancer-cleanup";
/** The taint kubelets with `--cloud-provider=external` register with. */
export const UNINITIALIZED_TAINT = "node.cloudprovider.kubernetes.io/uninitialized";
/** `minRetryDelay` / `maxRetryDelay` of the service controller. */
const MIN_RETRY_MS = 5_000;
const MAX_RETRY_MS = 300_000;
/** `--node-monitor-period`. */
const NODE_MONITOR_MS = 5_000;

/** Per-Service bookkeeping. */
interface ServiceSync {
  /** What the last successful sync was for (ports, nodes); "" when none. */
  applied: string;
  inFlight: boolean;
  retryMs: number;
  retryTimer: number;
  /** The LB exists in the cloud (a delete must happen). */
  hasLB: boolean;
}

/** The component's state. */
export interface CloudControllerManagerState {
  hostname: string;
  cloud: string;
  clusterName: string;
  configureCloudRoutes: boolean;
  client: ApiClientState;
  election: LeaderElectionState | null;
  leading: boolean;
  services: InformerState;
  nodes: InformerState;
  recorders: Record<string, EventRecorderState>;
  nextCloudId: number;
  cloudCalls: Record<number, { op: string; key: string; extra?: string }>;
  svc: Record<string, ServiceSync>;
  nodeInit: Record<string, true>;
  deleting: Record<string, true>;
  routes: Record<string, true>;
  /** The eligible nodes load balancers point at, as last synced. */
  lbNodes: string;
}

/** A CCM on `hostname`, talking to the apiserver `server` and the cloud component `cloud`. */
export function createCloudControllerManager(
  server: string,
  hostname: string,
  opts: { cloud?: string; clusterName?: string; configureCloudRoutes?: boolean } = {},
): CloudControllerManagerState {
  return {
    hostname,
    cloud: opts.cloud ?? "cloud",
    clusterName: opts.clusterName ?? "kubernetes",
    configureCloudRoutes: opts.configureCloudRoutes ?? false,
    client: createApiClient(server, CLOUD_CONTROLLER_MANAGER_USER),
    election: null,
    leading: false,
    services: createInformer("services", "/api/v1/services"),
    nodes: createInformer("nodes", "/api/v1/nodes", { indexers: [] }),
    recorders: {
      service: createEventRecorder("service-controller"),
      node: createEventRecorder("cloud-node-controller"),
      lifecycle: createEventRecorder("cloud-node-lifecycle-controller"),
    },
    nextCloudId: 1,
    cloudCalls: {},
    svc: {},
    nodeInit: {},
    deleting: {},
    routes: {},
    lbNodes: "",
  };
}

function event(
  ctx: Context,
  s: CloudControllerManagerState,
  rec: string,
  obj: KubeObject,
  type: EventType,
  reason: string,
  message: string,
): void {
  const w = recordEvent(ctx, s.recorders[rec]!, obj, type, reason, message);
  if (!w) return;
  if (w.kind === "create")
    apiRequest(
      ctx,
      s.client,
      { method: "POST", path: `/api/v1/namespaces/${w.namespace}/events`, body: w.event },
      "event",
    );
  else
    apiRequest(
      ctx,
      s.client,
      {
        method: "PATCH",
        path: `/api/v1/namespaces/${w.namespace}/events/${w.name}`,
        body: w.patch,
        contentType: "application/strategic-merge-patch+json",
      },
      "event",
    );
}

function callCloud(
  ctx: Context,
  s: CloudControllerManagerState,
  req: CloudOp,
  key: string,
  extra?: string,
): void {
  const requestId = s.nextCloudId++;
  s.cloudCalls[requestId] = extra === undefined ? { op: req.op, key } : { op: req.op, key, extra };
  ctx.send(s.cloud, { ...req, verb: "CLOUD-REQUEST", requestId } as CloudRequest);
}

function svcKey(o: KubeObject): string {
  return `${o.metadata.namespace}/${o.metadata.name}`;
}

/** `GetLoadBalancerName`: "a" + the Service UID without dashes, cut to 32 characters. */
export function loadBalancerName(svc: KubeObject): string {
  return `a${(svc.metadata.uid ?? "").replace(/-/g, "")}`.slice(0, 32);
}

/** Nodes a load balancer targets: Ready, not excluded (`node.kubernetes.io/exclude-from-external-load-balancers`). */
function eligibleNodes(s: CloudControllerManagerState): string[] {
  return informerList(s.nodes)
    .filter(
      (n) =>
        n.metadata.labels?.["node.kubernetes.io/exclude-from-external-load-balancers"] === undefined &&
        (n.status?.conditions ?? []).some(
          (c: { type: string; status: string }) => c.type === "Ready" && c.status === "True",
        ),
    )
    .map((n) => n.metadata.name ?? "")
    .sort();
}

function wantsLB(svc: KubeObject | undefined): boolean {
  return !!svc && svc.spec?.type === "LoadBalancer" && !svc.metadata.deletionTimestamp;
}

function syncService(ctx: Context, s: CloudControllerManagerState, key: string): void {
  const st = s.svc[key] ?? { applied: "", inFlight: false, retryMs: 0, retryTimer: 0, hasLB: false };
  s.svc[key] = st;
  if (st.inFlight) return;
  const [ns, name] = key.split("/") as [string, string];
  const svc = informerGet(s.services, ns, name);
  const hasFinalizer = (svc?.metadata.finalizers ?? []).includes(LB_CLEANUP_FINALIZER);
  if (!wantsLB(svc)) {
    if (svc && (st.hasLB || hasFinalizer)) {
      st.inFlight = true;
      event(ctx, s, "service", svc, "Normal", "DeletingLoadBalancer", "Deleting load balancer");
      callCloud(ctx, s, { op: "EnsureLoadBalancerDeleted", lbName: loadBalancerName(svc) }, key);
    } else if (!svc) delete s.svc[key];
    return;
  }
  const ports = (svc!.spec.ports ?? []).map((p: { nodePort?: number; port: number }) => p.nodePort ?? p.port);
  const nodes = eligibleNodes(s);
  const want = JSON.stringify({ ports, nodes });
  const hasIngress = (svc!.status?.loadBalancer?.ingress ?? []).length > 0;
  if (st.applied === want && hasIngress) return;
  if (!hasFinalizer) {
    // addFinalizer comes first, so a delete can never leak the cloud load balancer.
    apiRequest(
      ctx,
      s.client,
      {
        method: "PATCH",
        path: `/api/v1/namespaces/${ns}/services/${name}`,
        contentType: "application/merge-patch+json",
        body: { metadata: { finalizers: [...(svc!.metadata.finalizers ?? []), LB_CLEANUP_FINALIZER] } },
      },
      "add-finalizer",
    );
  }
  st.inFlight = true;
  const update = st.hasLB && st.applied !== "" && hasIngress;
  if (update)
    event(ctx, s, "service", svc!, "Normal", "UpdatedLoadBalancer", "Updated load balancer with new hosts");
  else event(ctx, s, "service", svc!, "Normal", "EnsuringLoadBalancer", "Ensuring load balancer");
  callCloud(
    ctx,
    s,
    { op: "EnsureLoadBalancer", service: key, lbName: loadBalancerName(svc!), ports, nodes },
    key,
    JSON.stringify({ want, update }),
  );
}

function retryService(ctx: Context, s: CloudControllerManagerState, key: string): void {
  const st = s.svc[key];
  if (!st) return;
  st.retryMs = st.retryMs === 0 ? MIN_RETRY_MS : Math.min(st.retryMs * 2, MAX_RETRY_MS);
  if (st.retryTimer) ctx.cancelTimer(st.retryTimer);
  st.retryTimer = ctx.setTimer(st.retryMs, { name: "service-retry", key } as Timer);
}

function onCloudResponse(ctx: Context, s: CloudControllerManagerState, res: CloudResponse): void {
  const call = s.cloudCalls[res.requestId];
  if (!call) return;
  delete s.cloudCalls[res.requestId];
  const [ns, name] = call.key.split("/") as [string, string];
  switch (call.op) {
    case "EnsureLoadBalancer": {
      const st = s.svc[call.key];
      if (!st) return;
      st.inFlight = false;
      const svc = informerGet(s.services, ns, name);
      if (!svc) return;
      if (res.error) {
        event(
          ctx,
          s,
          "service",
          svc,
          "Warning",
          "SyncLoadBalancerFailed",
          `Error syncing load balancer: failed to ensure load balancer: ${res.error}`,
        );
        retryService(ctx, s, call.key);
        return;
      }
      const { want, update } = JSON.parse(call.extra ?? "{}") as { want: string; update: boolean };
      st.hasLB = true;
      st.applied = want;
      st.retryMs = 0;
      const ingress = res.ingress?.ip
        ? { ip: res.ingress.ip, ipMode: "VIP" }
        : { hostname: res.ingress?.hostname };
      apiRequest(
        ctx,
        s.client,
        {
          method: "PATCH",
          path: `/api/v1/namespaces/${ns}/services/${name}/status`,
          contentType: "application/merge-patch+json",
          body: { status: { loadBalancer: { ingress: [ingress] } } },
        },
        "lb-status",
      );
      if (!update) event(ctx, s, "service", svc, "Normal", "EnsuredLoadBalancer", "Ensured load balancer");
      return;
    }
    case "EnsureLoadBalancerDeleted": {
      const st = s.svc[call.key];
      if (st) st.inFlight = false;
      const svc = informerGet(s.services, ns, name);
      if (res.error) {
        if (svc)
          event(
            ctx,
            s,
            "service",
            svc,
            "Warning",
            "SyncLoadBalancerFailed",
            `Error syncing load balancer: failed to delete load balancer: ${res.error}`,
          );
        retryService(ctx, s, call.key);
        return;
      }
      if (st) {
        st.hasLB = false;
        st.applied = "";
      }
      if (!svc) return;
      event(ctx, s, "service", svc, "Normal", "DeletedLoadBalancer", "Deleted load balancer");
      if (svc.spec?.type !== "LoadBalancer" && (svc.status?.loadBalancer?.ingress ?? []).length > 0)
        apiRequest(
          ctx,
          s.client,
          {
            method: "PATCH",
            path: `/api/v1/namespaces/${ns}/services/${name}/status`,
            contentType: "application/merge-patch+json",
            body: { status: { loadBalancer: {} } },
          },
          "lb-status",
        );
      apiRequest(
        ctx,
        s.client,
        {
          method: "PATCH",
          path: `/api/v1/namespaces/${ns}/services/${name}`,
          contentType: "application/merge-patch+json",
          body: {
            metadata: {
              finalizers: (svc.metadata.finalizers ?? []).filter((f: string) => f !== LB_CLEANUP_FINALIZER),
            },
          },
        },
        "remove-finalizer",
      );
      return;
    }
    case "InstanceMetadata": {
      const node = informerGet(s.nodes, "", call.key);
      delete s.nodeInit[call.key];
      if (!node || !res.instance) return;
      const inst = res.instance;
      const region = inst.zone.replace(/-?[a-z0-9]$/, "").replace(/-$/, "");
      apiRequest(
        ctx,
        s.client,
        {
          method: "PATCH",
          path: `/api/v1/nodes/${call.key}`,
          contentType: "application/merge-patch+json",
          body: {
            metadata: {
              labels: {
                "node.kubernetes.io/instance-type": inst.instanceType,
                "beta.kubernetes.io/instance-type": inst.instanceType,
                "topology.kubernetes.io/zone": inst.zone,
                "failure-domain.beta.kubernetes.io/zone": inst.zone,
                "topology.kubernetes.io/region": region,
                "failure-domain.beta.kubernetes.io/region": region,
              },
            },
            spec: {
              providerID: inst.providerID,
              taints: (node.spec?.taints ?? []).filter((t: { key: string }) => t.key !== UNINITIALIZED_TAINT),
            },
          },
        },
        "node-init",
      );
      apiRequest(
        ctx,
        s.client,
        {
          method: "PATCH",
          path: `/api/v1/nodes/${call.key}/status`,
          contentType: "application/merge-patch+json",
          body: {
            status: {
              addresses: [
                { type: "InternalIP", address: inst.internalIP },
                { type: "ExternalIP", address: inst.externalIP },
                { type: "Hostname", address: call.key },
              ],
            },
          },
        },
        "node-addresses",
      );
      return;
    }
    case "InstanceExists": {
      const node = informerGet(s.nodes, "", call.key);
      if (!node || res.exists !== false) {
        delete s.deleting[call.key];
        return;
      }
      event(
        ctx,
        s,
        "lifecycle",
        node,
        "Normal",
        "DeletingNode",
        `Deleting node ${call.key} because it does not exist in the cloud provider`,
      );
      apiRequest(
        ctx,
        s.client,
        { method: "DELETE", path: `/api/v1/nodes/${call.key}` },
        "node-delete",
        call.key,
      );
      return;
    }
    case "CreateRoute": {
      if (res.error) {
        delete s.routes[call.key];
        return;
      }
      const now = ctx.timestamp();
      apiRequest(
        ctx,
        s.client,
        {
          method: "PATCH",
          path: `/api/v1/nodes/${call.key}/status`,
          contentType: "application/strategic-merge-patch+json",
          body: {
            status: {
              conditions: [
                {
                  type: "NetworkUnavailable",
                  status: "False",
                  reason: "RouteCreated",
                  message: "RouteController created a route",
                  lastHeartbeatTime: now,
                  lastTransitionTime: now,
                },
              ],
            },
          },
        },
        "route-condition",
      );
    }
  }
}

function considerNode(ctx: Context, s: CloudControllerManagerState, node: KubeObject): void {
  const name = node.metadata.name ?? "";
  const uninitialized = (node.spec?.taints ?? []).some((t: { key: string }) => t.key === UNINITIALIZED_TAINT);
  if (uninitialized && !s.nodeInit[name]) {
    s.nodeInit[name] = true;
    callCloud(ctx, s, { op: "InstanceMetadata", node: name }, name);
  }
  if (s.configureCloudRoutes && node.spec?.podCIDR && !s.routes[name]) {
    s.routes[name] = true;
    callCloud(ctx, s, { op: "CreateRoute", node: name, cidr: node.spec.podCIDR }, name);
  }
}

function monitorNodes(ctx: Context, s: CloudControllerManagerState): void {
  for (const node of informerList(s.nodes)) {
    const name = node.metadata.name ?? "";
    const ready = (node.status?.conditions ?? []).find((c: { type: string }) => c.type === "Ready");
    if (ready?.status === "True" || s.deleting[name]) continue;
    s.deleting[name] = true;
    callCloud(ctx, s, { op: "InstanceExists", node: name }, name);
  }
  ctx.setTimer(NODE_MONITOR_MS, { name: "node-monitor" });
}

function startControllers(ctx: Context, s: CloudControllerManagerState): void {
  s.leading = true;
  startInformer(ctx, s.client, s.services);
  startInformer(ctx, s.client, s.nodes);
  ctx.setTimer(NODE_MONITOR_MS, { name: "node-monitor" });
}

/** The behaviour. */
export const cloudControllerManagerBehavior = defineBehavior<CloudControllerManagerState>({
  kind: CLOUD_CONTROLLER_MANAGER_KIND,
  onStart(ctx, s) {
    s.election = createLeaderElection({
      lease: { namespace: "kube-system", name: "cloud-controller-manager" },
      identity: newHolderIdentity(ctx, s.hostname),
      eventSource: "cloud-controller-manager",
    });
    startElection(ctx, s.client, s.election);
  },
  onStop(s) {
    const fresh = createCloudControllerManager(s.client.server, s.hostname, {
      cloud: s.cloud,
      clusterName: s.clusterName,
      configureCloudRoutes: s.configureCloudRoutes,
    });
    return fresh;
  },
  onMessage(ctx, s, msg) {
    if (msg.verb === "CLOUD-RESPONSE") return onCloudResponse(ctx, s, msg as CloudResponse);
    const ev = handleApiMessage(ctx, s.client, msg);
    if (!ev) return;
    if (s.election) {
      const r = handleElectionMessage(ctx, s.client, s.election, ev);
      if (r === "becameLeader") startControllers(ctx, s);
      if (r !== null) return;
    }
    const su = handleInformerEvent(ctx, s.client, s.services, ev);
    if (su) {
      for (const d of su.deltas) syncService(ctx, s, svcKey(d.object));
      return;
    }
    const nu = handleInformerEvent(ctx, s.client, s.nodes, ev);
    if (nu) {
      for (const d of nu.deltas) if (d.type !== "DELETED") considerNode(ctx, s, d.object);
      const lbNodes = JSON.stringify(eligibleNodes(s));
      if (lbNodes !== s.lbNodes && s.nodes.synced) {
        s.lbNodes = lbNodes;
        for (const svc of informerList(s.services)) if (wantsLB(svc)) syncService(ctx, s, svcKey(svc));
      }
    }
  },
  onTimer(ctx, s, timer) {
    const timeout = handleApiTimer(ctx, s.client, timer);
    if (timeout) {
      if (s.election) handleElectionMessage(ctx, s.client, s.election, timeout);
      return;
    }
    if (s.election) {
      const r = handleElectionTimer(ctx, s.client, s.election, timer);
      if (r === "becameLeader") startControllers(ctx, s);
      if (r !== null) return;
    }
    if (handleInformerTimer(ctx, s.client, s.services, timer)) return;
    if (handleInformerTimer(ctx, s.client, s.nodes, timer)) return;
    if (timer.name === "service-retry") {
      const key = (timer as Timer & { key: string }).key;
      const st = s.svc[key];
      if (st) st.retryTimer = 0;
      syncService(ctx, s, key);
    } else if (timer.name === "node-monitor" && s.leading) monitorNodes(ctx, s);
  },
});
