import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { defineBehavior, type Message, type Timer } from "../../core/component";
import { Simulation } from "../../core/simulation";
import { controlPlaneBehaviors } from "../control-plane";
import { ADMIN_USER } from "../http";
import { ControlPlaneHarness } from "../testing";
import { type ApiClientState, createApiClient, handleApiMessage, handleApiTimer } from "./api-client";
import {
  createInformer,
  handleInformerEvent,
  handleInformerTimer,
  type InformerState,
  informerByIndex,
  informerList,
  startInformer,
} from "./informer";

/** A minimal controller-like component: one informer over ConfigMaps, recording what it sees. */
interface WatcherState {
  client: ApiClientState;
  configMaps: InformerState;
  seen: string[];
  lists: number;
  synced: boolean;
}

const watcher = defineBehavior<WatcherState>({
  kind: "test-watcher",
  onStart(ctx, s) {
    startInformer(ctx, s.client, s.configMaps);
  },
  onMessage(ctx, s, msg: Message) {
    const ev = handleApiMessage(ctx, s.client, msg);
    if (!ev) return;
    if (ev.kind === "response" && ev.tag === "cms:list") s.lists++;
    const update = handleInformerEvent(ctx, s.client, s.configMaps, ev);
    if (!update) return;
    if (update.justSynced) s.synced = true;
    for (const d of update.deltas) s.seen.push(`${d.type} ${d.object.metadata.name}`);
  },
  onTimer(ctx, s, timer: Timer) {
    const ev = handleApiTimer(ctx, s.client, timer);
    if (ev) return;
    handleInformerTimer(ctx, s.client, s.configMaps, timer);
  },
});

function setup(spec = {}) {
  const h = new ControlPlaneHarness({ seed: 5, spec, behaviors: [watcher] }).boot();
  const state: WatcherState = {
    client: createApiClient(h.cp.loadBalancer, ADMIN_USER),
    configMaps: createInformer("cms", "/api/v1/namespaces/default/configmaps", { labelSelector: "team=a" }),
    seen: [],
    lists: 0,
    synced: false,
  };
  h.sim.addComponent("watcher", "test-watcher", state);
  h.sim.advanceBy(100);
  return h;
}

const cm = (name: string, team: string, data = "1"): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, labels: { team } },
  data: { v: data },
});

describe("informer", () => {
  it("lists, then follows changes through the watch with its selector", () => {
    const h = setup();
    const st = () => h.sim.componentState<WatcherState>("watcher");
    expect(st().synced).toBe(true);
    const a = h.request("POST", "/api/v1/namespaces/default/configmaps", { body: cm("a", "a") })
      .body as KubeObject;
    h.request("POST", "/api/v1/namespaces/default/configmaps", { body: cm("b", "b") });
    h.request("PUT", "/api/v1/namespaces/default/configmaps/a", { body: { ...a, data: { v: "2" } } });
    h.request("DELETE", "/api/v1/namespaces/default/configmaps/a");
    h.sim.advanceBy(20);
    expect(st().seen).toEqual(["ADDED a", "MODIFIED a", "DELETED a"]);
    h.request("POST", "/api/v1/namespaces/default/configmaps", { body: cm("c", "a") });
    h.sim.advanceBy(20);
    expect(informerList(st().configMaps, "default").map((o) => o.metadata.name)).toEqual(["c"]);
    expect(informerByIndex(st().configMaps, "namespace", "default")).toHaveLength(1);
  });

  it("resumes from its resourceVersion on another apiserver when its apiserver dies", () => {
    const h = setup({ apiServers: 2 });
    const st = () => h.sim.componentState<WatcherState>("watcher");
    h.request("POST", "/api/v1/namespaces/default/configmaps", { body: cm("x", "a") });
    h.sim.advanceBy(20);
    const lb = h.sim.componentState<{ routes: Record<string, string> }>(h.cp.loadBalancer);
    const serving = Object.entries(lb.routes).find(([k]) => k.startsWith("watcher#"))![1];
    h.sim.stop(serving);
    h.request("POST", "/api/v1/namespaces/default/configmaps", { body: cm("y", "a") });
    h.sim.advanceBy(5000);
    expect(st().seen).toEqual(["ADDED x", "ADDED y"]);
    // It re-watched from its resourceVersion: no second list.
    expect(st().lists).toBe(1);
  });

  it("relists after 410 Gone when its resourceVersion fell out of the watch cache", () => {
    const h = setup({ apiServers: 2, apiServer: { watchCacheCapacity: 5 } });
    const st = () => h.sim.componentState<WatcherState>("watcher");
    h.request("POST", "/api/v1/namespaces/default/configmaps", { body: cm("first", "a") });
    h.sim.advanceBy(20);
    const lb = h.sim.componentState<{ routes: Record<string, string> }>(h.cp.loadBalancer);
    const serving = Object.entries(lb.routes).find(([k]) => k.startsWith("watcher#"))![1];
    h.sim.stop(serving);
    for (let i = 0; i < 12; i++)
      h.send("POST", "/api/v1/namespaces/default/configmaps", { body: cm(`n${i}`, "a") });
    h.sim.advanceBy(5000);
    expect(st().lists).toBe(2);
    expect(informerList(st().configMaps).length).toBe(13);
  });

  it("gives up a watch that went silent behind a cut link and catches up once the link heals", () => {
    const h = setup();
    const st = () => h.sim.componentState<WatcherState>("watcher");
    const lb = h.cp.loadBalancer;
    h.sim.cutLink("watcher", lb);
    h.request("POST", "/api/v1/namespaces/default/configmaps", { body: cm("during-cut", "a") });
    h.sim.advanceBy(60_000);
    expect(st().seen).toEqual([]);
    // Silence beyond a bookmark period plus the 45 s health check: the watch is abandoned,
    // then retried with back-off; the retries die too (45 s each) until the link heals.
    h.sim.advanceBy(120_000);
    expect(st().configMaps.phase).not.toBe("idle");
    const retriesBefore = st().client.nextRequestId;
    h.sim.advanceBy(120_000);
    expect(st().client.nextRequestId).toBeGreaterThan(retriesBefore);
    h.sim.healLink("watcher", lb);
    h.sim.advanceBy(90_000);
    expect(st().seen).toEqual(["ADDED during-cut"]);
    // It resumed its watch from its resourceVersion: no relist was needed.
    expect(st().lists).toBe(1);
  });

  it("retries a list that got no answer", () => {
    const h = new ControlPlaneHarness({ seed: 5, behaviors: [watcher] }).boot();
    h.sim.cutLink("watcher", h.cp.loadBalancer);
    h.sim.addComponent("watcher", "test-watcher", {
      client: createApiClient(h.cp.loadBalancer, ADMIN_USER),
      configMaps: createInformer("cms", "/api/v1/namespaces/default/configmaps"),
      seen: [],
      lists: 0,
      synced: false,
    } satisfies WatcherState);
    const t0 = h.sim.now;
    h.request("POST", "/api/v1/namespaces/default/configmaps", { body: cm("a", "a") });
    h.sim.advanceTo(t0 + 44_900);
    expect(h.sim.componentState<WatcherState>("watcher").configMaps.phase).toBe("listing");
    h.sim.advanceTo(t0 + 45_100);
    // 45 s without an answer: given up, back-off (800 ms) before the next list.
    expect(h.sim.componentState<WatcherState>("watcher").configMaps.phase).toBe("backoff");
    h.sim.healLink("watcher", h.cp.loadBalancer);
    h.sim.advanceBy(60_000);
    const st = h.sim.componentState<WatcherState>("watcher");
    expect(st.synced).toBe(true);
    expect(st.seen).toEqual(["ADDED a"]);
  });

  it("keeps working after a snapshot and restore", () => {
    const h = setup();
    h.request("POST", "/api/v1/namespaces/default/configmaps", { body: cm("before", "a") });
    const restored = Simulation.restore(h.sim.serialize(), [...controlPlaneBehaviors, watcher]);
    restored.addMailbox("kubectl2");
    restored.inject("kubectl2", "kube-apiserver-lb", {
      verb: "POST",
      requestId: 1,
      origin: "kubectl2",
      path: "/api/v1/namespaces/default/configmaps",
      user: ADMIN_USER,
      body: cm("after", "a"),
    });
    restored.advanceBy(100);
    expect(restored.componentState<WatcherState>("watcher").seen).toEqual(["ADDED before", "ADDED after"]);
  });
});
