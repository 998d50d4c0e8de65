/**
 * The tool that builds the cluster, after the apiserver answers: `kubeadm init` uploading its
 * configuration, the bootstrap token and the addons (or a managed provider doing the same). A
 * component so that it runs in virtual time like everything else: it POSTs its objects one by
 * one through the load balancer as the cluster admin, retries what fails (the apiserver may not
 * be ready yet, as kubeadm's `wait-control-plane` phase waits), and is done once all exist.
 */
import type { KubeObject } from "../api/types";
import {
  type ApiClientEvent,
  type ApiClientState,
  apiRequest,
  createApiClient,
  handleApiMessage,
  handleApiTimer,
} from "../apiserver/client/api-client";
import { ADMIN_USER } from "../apiserver/http";
import { groupResourceForKind, resourcePath } from "../controllers/framework/resources";
import { type Context, defineBehavior } from "../core/component";

/** The component kind. */
export const CLUSTER_BOOTSTRAP_KIND = "cluster-bootstrap";

/** kubeadm retries API calls every 500 ms … a few s (`apiclient` backoff); one second here. */
const RETRY_MS = 1_000;

/** The bootstrapper's state. */
export interface ClusterBootstrapState {
  client: ApiClientState;
  objects: KubeObject[];
  /** Index of the object being created. */
  next: number;
  /** Failed attempts so far (for the UI; retries go on). */
  failures: number;
  /** Virtual time it finished, or null. */
  doneAt: number | null;
}

/** A bootstrapper that will create `objects` through `apiEndpoint`. */
export function createClusterBootstrap(apiEndpoint: string, objects: KubeObject[]): ClusterBootstrapState {
  return { client: createApiClient(apiEndpoint, ADMIN_USER), objects, next: 0, failures: 0, doneAt: null };
}

function pathOf(obj: KubeObject): string {
  const gr = groupResourceForKind(obj.apiVersion, obj.kind);
  if (!gr) throw new Error(`no resource for ${obj.apiVersion} ${obj.kind}`);
  return resourcePath(gr, obj.metadata.namespace ?? "");
}

function onResponse(ctx: Context, s: ClusterBootstrapState, ev: ApiClientEvent): void {
  if (ev.kind !== "response" || ev.tag !== "create") return;
  // 409: it exists already (a restarted bootstrap, or a component created it first).
  if ((ev.code >= 200 && ev.code < 300) || ev.code === 409) {
    s.next++;
    if (s.next >= s.objects.length) {
      s.doneAt = ctx.now;
      // Done for good: the objects live in the API now, not in every snapshot.
      s.objects = [];
      return;
    }
    ctx.setTimer(0, { name: "create" });
    return;
  }
  s.failures++;
  ctx.setTimer(RETRY_MS, { name: "create" });
}

/** The bootstrapper's behaviour. */
export const clusterBootstrapBehavior = defineBehavior<ClusterBootstrapState>({
  kind: CLUSTER_BOOTSTRAP_KIND,
  onStart(ctx, s) {
    if (s.doneAt === null) ctx.setTimer(0, { name: "create" });
  },
  onMessage(ctx, s, msg) {
    const ev = handleApiMessage(ctx, s.client, msg);
    if (ev) onResponse(ctx, s, ev);
  },
  onTimer(ctx, s, timer) {
    const ev = handleApiTimer(ctx, s.client, timer);
    if (ev) {
      onResponse(ctx, s, ev);
      return;
    }
    if (timer.name !== "create" || s.doneAt !== null) return;
    const obj = s.objects[s.next];
    if (!obj) return;
    apiRequest(ctx, s.client, { method: "POST", path: pathOf(obj), body: obj }, "create", undefined, {
      timeoutMs: 10_000,
    });
  },
});
