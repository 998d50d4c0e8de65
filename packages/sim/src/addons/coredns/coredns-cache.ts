/**
 * The API side of CoreDNS: the `kubernetes` plugin's informers on Services and EndpointSlices,
 * authenticated as the `kube-system/coredns` ServiceAccount (authorised by the add-on's
 * `system:coredns` ClusterRoleBinding). Every CoreDNS replica holds the same caches, so the
 * simulation keeps them once per cluster (component id `coredns`); whether a query is answered
 * depends on the replica the kube-dns Service's rules pick being Running and reachable (see
 * `network/`). The caches survive the control plane going away, as the real plugin's do:
 * names keep resolving from what CoreDNS last saw.
 */
import type { KubeObject } from "../../api/types";
import {
  type ApiClientState,
  createApiClient,
  handleApiMessage,
  handleApiTimer,
} from "../../apiserver/client/api-client";
import {
  createInformer,
  handleInformerEvent,
  handleInformerTimer,
  type InformerState,
  informerByIndex,
  informerGet,
  informerList,
  registerIndexFunction,
  startInformer,
} from "../../apiserver/client/informer";
import type { UserInfo } from "../../apiserver/http";
import { defineBehavior } from "../../core/component";
import type { DnsSource } from "./records";

/** The component kind. */
export const COREDNS_KIND = "coredns";

/** The identity of the coredns ServiceAccount's token. */
export const COREDNS_USER: UserInfo = {
  username: "system:serviceaccount:kube-system:coredns",
  groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"],
};

const SLICE_INDEX = "coredns:service";
const CLUSTER_IP_INDEX = "coredns:clusterIP";
registerIndexFunction(SLICE_INDEX, (o) => {
  const svc = o.metadata.labels?.["kubernetes.io/service-name"];
  return svc ? [`${o.metadata.namespace ?? ""}/${svc}`] : [];
});
registerIndexFunction(CLUSTER_IP_INDEX, (o) => {
  const ip = o.spec?.clusterIP;
  return ip && ip !== "None" ? [ip] : [];
});

/** CoreDNS's API caches. */
export interface CoreDnsState {
  client: ApiClientState;
  services: InformerState;
  slices: InformerState;
}

/** A new CoreDNS cache talking to `server`. */
export function createCoreDnsCache(server: string): CoreDnsState {
  return { client: createApiClient(server, COREDNS_USER), ...freshInformers() };
}

function freshInformers(): Pick<CoreDnsState, "services" | "slices"> {
  return {
    services: createInformer("services", "/api/v1/services", { indexers: ["namespace", CLUSTER_IP_INDEX] }),
    slices: createInformer("endpointslices", "/apis/discovery.k8s.io/v1/endpointslices", {
      indexers: ["namespace", SLICE_INDEX],
    }),
  };
}

/** Whether the plugin has synced (CoreDNS's `/ready` answers 200 only then). */
export function coreDnsSynced(s: CoreDnsState): boolean {
  return s.services.synced && s.slices.synced;
}

/** The lookups the resolver needs, over the caches. */
export function dnsSourceOf(s: CoreDnsState): DnsSource {
  return {
    service: (ns, name) => informerGet(s.services, ns, name),
    slices: (ns, name): KubeObject[] => informerByIndex(s.slices, SLICE_INDEX, `${ns}/${name}`),
    namespaceKnown: (ns) => informerList(s.services, ns).length > 0,
    serviceByClusterIP: (ip) => informerByIndex(s.services, CLUSTER_IP_INDEX, ip)[0],
  };
}

/** The behaviour. */
export const coreDnsCacheBehavior = defineBehavior<CoreDnsState>({
  kind: COREDNS_KIND,
  onStart(ctx, s) {
    startInformer(ctx, s.client, s.services);
    startInformer(ctx, s.client, s.slices);
  },
  onStop(s) {
    return { client: createApiClient(s.client.server, s.client.user), ...freshInformers() };
  },
  onMessage(ctx, s, msg) {
    const ev = handleApiMessage(ctx, s.client, msg);
    if (!ev) return;
    if (handleInformerEvent(ctx, s.client, s.services, ev)) return;
    handleInformerEvent(ctx, s.client, s.slices, ev);
  },
  onTimer(ctx, s, timer) {
    if (handleApiTimer(ctx, s.client, timer)) return;
    if (handleInformerTimer(ctx, s.client, s.services, timer)) return;
    handleInformerTimer(ctx, s.client, s.slices, timer);
  },
});
