/**
 * The worked example of packages/sim/README.md, run as a test so that it stays true: a small
 * controller that watches pods with an informer and keeps a ConfigMap with the pod count per
 * namespace, writing through the API client.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { defineBehavior } from "../../core/component";
import { ADMIN_USER } from "../http";
import { ControlPlaneHarness } from "../testing";
import {
  type ApiClientState,
  apiRequest,
  createApiClient,
  handleApiMessage,
  handleApiTimer,
} from "./api-client";
import {
  createInformer,
  handleInformerEvent,
  handleInformerTimer,
  type InformerState,
  informerByIndex,
  startInformer,
} from "./informer";

interface PodCounterState {
  client: ApiClientState;
  pods: InformerState;
  /** Namespaces to recount: a work queue is plain data too. */
  dirty: string[];
  syncScheduled: boolean;
  errors: number;
}

const podCounter = defineBehavior<PodCounterState>({
  kind: "pod-counter",
  onStart(ctx, s) {
    startInformer(ctx, s.client, s.pods); // LIST (resourceVersion=0), then WATCH from its resourceVersion
  },
  onMessage(ctx, s, msg) {
    const ev = handleApiMessage(ctx, s.client, msg); // null: not an answer to one of our calls
    if (!ev) return;
    const update = handleInformerEvent(ctx, s.client, s.pods, ev);
    if (update) {
      for (const d of update.deltas) s.dirty.push(d.object.metadata.namespace ?? "");
      if (s.dirty.length > 0 && !s.syncScheduled) {
        s.syncScheduled = true;
        ctx.setTimer(0, { name: "sync" }); // batch everything that arrived at this instant
      }
      return;
    }
    if (ev.kind === "response" && ev.tag === "count-written" && ev.code >= 400) {
      // ev.body is the Status; ev.data is what we attached when sending.
      s.errors++;
    }
  },
  onTimer(ctx, s, timer) {
    if (handleApiTimer(ctx, s.client, timer)) return;
    if (handleInformerTimer(ctx, s.client, s.pods, timer)) return;
    if (timer.name !== "sync") return;
    s.syncScheduled = false;
    for (const ns of new Set(s.dirty.splice(0))) {
      const count = informerByIndex(s.pods, "namespace", ns).length;
      apiRequest(
        ctx,
        s.client,
        {
          method: "PATCH",
          path: "/api/v1/namespaces/default/configmaps/pod-count",
          contentType: "application/merge-patch+json",
          body: { data: { [ns]: String(count) } },
        },
        "count-written",
        { ns },
      );
    }
  },
});

describe("README worked example: a pod counter built on the client and informer", () => {
  it("keeps the count current as pods come and go", () => {
    const h = new ControlPlaneHarness({ seed: 11, behaviors: [podCounter] }).boot();
    h.request("POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "pod-count" } },
    });
    h.request("POST", "/api/v1/namespaces/default/serviceaccounts", {
      body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } },
    });
    h.sim.addComponent("pod-counter", "pod-counter", {
      client: createApiClient(h.cp.loadBalancer, ADMIN_USER),
      pods: createInformer("pods", "/api/v1/pods", { indexers: ["namespace", "spec.nodeName"] }),
      dirty: [],
      syncScheduled: false,
      errors: 0,
    } satisfies PodCounterState);
    const pod = (name: string) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name },
      spec: { containers: [{ name: "c", image: "nginx" }] },
    });
    for (const name of ["a", "b", "c"])
      h.request("POST", "/api/v1/namespaces/default/pods", { body: pod(name) });
    h.request("DELETE", "/api/v1/namespaces/default/pods/b");
    h.sim.advanceBy(100);
    const cm = h.request("GET", "/api/v1/namespaces/default/configmaps/pod-count").body as KubeObject;
    expect(cm.data).toEqual({ default: "2" });
    expect(h.sim.componentState<PodCounterState>("pod-counter").errors).toBe(0);
  });
});
