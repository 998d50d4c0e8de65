/**
 * kube-proxy, one per node: watches Services and EndpointSlices through the apiserver as
 * `system:kube-proxy` (with the label selector `!service.kubernetes.io/service-proxy-name,
 * !service.kubernetes.io/headless`, as `cmd/kube-proxy/app/server.go` does), and whenever they
 * change writes the node's rules with the iptables or IPVS proxier. Syncs go through a
 * BoundedFrequencyRunner (burst 2, at most one per minSyncPeriod afterwards); nothing is written
 * before both informers have synced (`isInitialized`). In iptables mode a monitor checks the
 * canary chains every syncPeriod (30 s); in IPVS mode the runner resyncs every syncPeriod.
 *
 * The programmed rules are published in the state (`rules`) for the data path and for display;
 * they survive a kube-proxy crash (the kernel keeps them), so Services keep working with stale
 * rules while kube-proxy is down.
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
  informerByIndex,
  informerList,
  registerIndexFunction,
  startInformer,
} from "../apiserver/client/informer";
import type { UserInfo } from "../apiserver/http";
import { type ComponentBehavior, type Context, defineBehavior, type Timer } from "../core/component";
import { ciliumIptables, syncCiliumServices } from "./cilium-services";
import { defaultKubeProxyConfig, type KubeProxyConfig } from "./config";
import { type ServicePortWithEndpoints, syncIptablesProxyRules } from "./iptables/sync-proxy-rules";
import { syncIpvsProxyRules } from "./ipvs/sync-proxy-rules";
import type { ProxyRules } from "./proxy-rules";
import { endpointsFor, servicePortsOf } from "./service-ports";
import { createSyncRunner, ranAt, requestRun, type SyncRunnerState } from "./sync-runner";

/** The component kind. */
export const KUBE_PROXY_KIND = "kube-proxy";

/** kube-proxy's identity (kubeadm's kubeconfig for the `kube-proxy` ServiceAccount is equivalent). */
export const KUBE_PROXY_USER: UserInfo = { username: "system:kube-proxy", groups: ["system:authenticated"] };

/** The label selector both informers use (services.kubernetes.io/service-proxy-name, headless). */
export const KUBE_PROXY_LABEL_SELECTOR =
  "!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless";

/** Index of EndpointSlices by `namespace/service-name`. */
const SLICE_SERVICE_INDEX = "kube-proxy:service";
registerIndexFunction(SLICE_SERVICE_INDEX, (o) => {
  const svc = o.metadata.labels?.["kubernetes.io/service-name"];
  return svc ? [`${o.metadata.namespace ?? ""}/${svc}`] : [];
});

/** The IPVS proxier's full-sync interval is syncPeriod; the iptables one uses 1 h (FullSyncPeriod). */
const IPTABLES_MAX_INTERVAL_MS = 3_600_000;

/** A kube-proxy's state. */
export interface KubeProxyState {
  config: KubeProxyConfig;
  client: ApiClientState;
  services: InformerState;
  slices: InformerState;
  runner: SyncRunnerState;
  /** The rules programmed on the node (null before the first sync). */
  rules: ProxyRules | null;
  /** Virtual time of the last sync, its counters, and how many syncs ran. */
  lastSyncAt: number;
  syncs: number;
  numServices: number;
  numEndpoints: number;
  /** Whether the Starting event was recorded since the process started. */
  startedEventSent: boolean;
}

/** A kube-proxy for `nodeName` talking to `server` (the apiserver load balancer). */
export function createKubeProxy(
  server: string,
  nodeName: string,
  nodeIP: string,
  overrides: Partial<KubeProxyConfig> = {},
  user: UserInfo = KUBE_PROXY_USER,
): KubeProxyState {
  const config = defaultKubeProxyConfig(nodeName, nodeIP, overrides);
  return {
    config,
    client: createApiClient(server, user),
    ...freshInformers(),
    runner: newRunner(config),
    rules: null,
    lastSyncAt: -1,
    syncs: 0,
    numServices: 0,
    numEndpoints: 0,
    startedEventSent: false,
  };
}

function newRunner(cfg: KubeProxyConfig): SyncRunnerState {
  return createSyncRunner(
    cfg.minSyncPeriodMs,
    cfg.mode === "ipvs" ? cfg.syncPeriodMs : IPTABLES_MAX_INTERVAL_MS,
    2,
  );
}

function freshInformers(): { services: InformerState; slices: InformerState } {
  return {
    services: createInformer("services", "/api/v1/services", { labelSelector: KUBE_PROXY_LABEL_SELECTOR }),
    slices: createInformer("endpointslices", "/apis/discovery.k8s.io/v1/endpointslices", {
      labelSelector: KUBE_PROXY_LABEL_SELECTOR,
      indexers: ["namespace", SLICE_SERVICE_INDEX],
    }),
  };
}

/** The service ports with their endpoints as this proxy's caches hold them. */
export function proxyServicePorts(s: KubeProxyState): ServicePortWithEndpoints[] {
  const out: ServicePortWithEndpoints[] = [];
  for (const svc of informerList(s.services)) {
    const ports = servicePortsOf(svc);
    if (ports.length === 0) continue;
    const slices: KubeObject[] = informerByIndex(
      s.slices,
      SLICE_SERVICE_INDEX,
      `${svc.metadata.namespace}/${svc.metadata.name}`,
    );
    for (const port of ports) out.push({ port, endpoints: endpointsFor(port, slices, s.config.nodeName) });
  }
  return out;
}

/** `syncProxyRules`: write the node's rules from the caches. */
function syncProxyRules(ctx: Context, s: KubeProxyState): void {
  const services = proxyServicePorts(s);
  if (s.config.mode === "ipvs") {
    const ipvs = syncIpvsProxyRules(s.config, services);
    s.rules = { mode: "ipvs", ipvs, iptables: ipvs.iptables };
  } else if (s.config.mode === "cilium") {
    s.rules = {
      mode: "cilium",
      services: syncCiliumServices(s.config, services),
      iptables: ciliumIptables(),
    };
  } else {
    s.rules = { mode: "iptables", iptables: syncIptablesProxyRules(s.config, services).ruleset };
  }
  s.lastSyncAt = ctx.now;
  s.syncs++;
  s.numServices = services.length;
  s.numEndpoints = services.reduce((n, x) => n + x.endpoints.length, 0);
}

function scheduleRun(ctx: Context, s: KubeProxyState, delay: number): void {
  const at = ctx.now + delay;
  if (s.runner.timerId !== 0 && s.runner.nextRunAt <= at) return;
  if (s.runner.timerId !== 0) ctx.cancelTimer(s.runner.timerId);
  s.runner.nextRunAt = at;
  s.runner.timerId = ctx.setTimer(delay, { name: "sync-proxy-rules" });
}

/** The Normal `Starting` event kube-proxy records on its Node (`server.go`: reason Starting, action StartKubeProxy). */
function recordStarting(ctx: Context, s: KubeProxyState): void {
  const node = s.config.nodeName;
  const suffix = Math.floor(ctx.random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, "0");
  apiRequest(
    ctx,
    s.client,
    {
      method: "POST",
      path: "/apis/events.k8s.io/v1/namespaces/default/events",
      body: {
        apiVersion: "events.k8s.io/v1",
        kind: "Event",
        metadata: { name: `${node}.${suffix}`, namespace: "default" },
        eventTime: ctx.microTimestamp(),
        reportingController: "kube-proxy",
        reportingInstance: `kube-proxy-${node}`,
        action: "StartKubeProxy",
        reason: "Starting",
        // kube-proxy's NodeRef uses the hostname as the UID.
        regarding: { kind: "Node", name: node, uid: node },
        note: "",
        type: "Normal",
      },
    },
    "starting-event",
  );
}

/**
 * The service-handling part of the Cilium agent with kube-proxy replacement: the same watches
 * and sync loop, publishing an eBPF service map instead of iptables chains (see
 * `cilium-services.ts`). Create its state with `createKubeProxy(…, { mode: "cilium" })` and
 * `CILIUM_AGENT_USER`.
 */
export const CILIUM_SERVICES_KIND = "cilium-agent-services";

/** The cilium agent's ServiceAccount token. */
export const CILIUM_AGENT_USER: UserInfo = {
  username: "system:serviceaccount:kube-system:cilium",
  groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
};

/** The kube-proxy behaviour. */
export const kubeProxyBehavior = defineBehavior<KubeProxyState>(proxyBehavior(KUBE_PROXY_KIND));

/** Cilium's service handling (kube-proxy replacement): the same loop under the agent's name. */
export const ciliumServicesBehavior = defineBehavior<KubeProxyState>(proxyBehavior(CILIUM_SERVICES_KIND));

function proxyBehavior(kind: string): ComponentBehavior<KubeProxyState> {
  return {
    kind,
    onStart(ctx, s) {
      startInformer(ctx, s.client, s.services);
      startInformer(ctx, s.client, s.slices);
      if (!s.startedEventSent && s.config.mode !== "cilium") {
        s.startedEventSent = true;
        recordStarting(ctx, s);
      }
      // The iptables monitor looks for its canary chains every syncPeriod.
      if (s.config.mode === "iptables") ctx.setTimer(s.config.syncPeriodMs, { name: "iptables-monitor" });
    },
    onStop(s) {
      // A process restart: caches and pending calls are gone, the kernel's rules stay.
      return {
        ...s,
        client: createApiClient(s.client.server, s.client.user),
        ...freshInformers(),
        runner: newRunner(s.config),
        startedEventSent: false,
      };
    },
    onMessage(ctx, s, msg) {
      const ev = handleApiMessage(ctx, s.client, msg);
      if (!ev) return;
      const u =
        handleInformerEvent(ctx, s.client, s.services, ev) ??
        handleInformerEvent(ctx, s.client, s.slices, ev);
      if (!u) return;
      if ((u.deltas.length > 0 || u.justSynced) && s.services.synced && s.slices.synced)
        scheduleRun(ctx, s, requestRun(s.runner, ctx.now));
    },
    onTimer(ctx, s, timer: Timer) {
      if (handleApiTimer(ctx, s.client, timer)) return;
      if (handleInformerTimer(ctx, s.client, s.services, timer)) return;
      if (handleInformerTimer(ctx, s.client, s.slices, timer)) return;
      if (timer.name === "sync-proxy-rules") {
        s.runner.timerId = 0;
        if (!s.services.synced || !s.slices.synced) return;
        syncProxyRules(ctx, s);
        scheduleRun(ctx, s, ranAt(s.runner, ctx.now));
      } else if (timer.name === "iptables-monitor") {
        // The canary chains exist unless the tables were flushed behind kube-proxy's back.
        const canary = s.rules?.iptables.nat.chains.includes("KUBE-PROXY-CANARY") ?? true;
        if (!canary && s.services.synced && s.slices.synced)
          scheduleRun(ctx, s, requestRun(s.runner, ctx.now));
        ctx.setTimer(s.config.syncPeriodMs, { name: "iptables-monitor" });
      }
    },
  };
}
