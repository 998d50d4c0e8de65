import { describe, expect, it } from "vitest";
import { Cluster } from "./cluster";
import type { ClusterInput, ClusterOutput } from "./io";
import { defaultClusterSpec, parseClusterSpec } from "./spec";

const configMap = (name: string) => ({
  type: "api" as const,
  method: "POST" as const,
  path: "/api/v1/namespaces/default/configmaps",
  body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { k: name } },
});
const namespace = (name: string): ClusterInput => ({
  type: "api",
  method: "POST",
  path: "/api/v1/namespaces",
  body: { apiVersion: "v1", kind: "Namespace", metadata: { name } },
});

/** A command log entry as the runtime records it: the input and the virtual time it was applied at. */
interface Recorded {
  at: number;
  input: ClusterInput;
}

/** Drives a cluster the way the worker does: wake-ups at arbitrary times, inputs at recorded times. */
function drive(cluster: Cluster, inputs: Recorded[], wakeEveryMs: number | null): ClusterOutput[] {
  const outputs: ClusterOutput[] = [];
  for (const { at, input } of inputs) {
    if (wakeEveryMs !== null) {
      while (cluster.now() + wakeEveryMs < at)
        outputs.push(...cluster.advanceTo(cluster.now() + wakeEveryMs));
    }
    outputs.push(...cluster.advanceTo(at));
    outputs.push(...cluster.submit(input).outputs);
  }
  return outputs;
}

describe("Cluster", () => {
  it("creates a small cluster that serves API requests right away", () => {
    const cluster = Cluster.create(defaultClusterSpec(), 7);
    const summary = cluster.summary();
    expect(summary.healthy).toBe(true);
    expect(summary.etcdLeader).toBe("etcd-0");
    expect(summary.apiServers).toEqual([{ id: "kube-apiserver-0", up: true, state: "ready" }]);
    const { response } = cluster.submit(configMap("first"));
    expect(response).toMatchObject({
      code: 201,
      body: { metadata: { name: "first", namespace: "default" } },
    });
    const again = cluster.submit(configMap("first")).response;
    expect(again).toMatchObject({ code: 409, body: { kind: "Status", reason: "AlreadyExists" } });
  });

  it("reports the dashboard's watch events with resourceVersions", () => {
    const cluster = Cluster.create(defaultClusterSpec(), 1);
    cluster.advanceTo(cluster.now() + 100);
    const created = cluster.submit(namespace("team-a"));
    const later = cluster.advanceTo(cluster.now() + 100);
    const changes = [...created.outputs, ...later]
      .flatMap((o) => (o.type === "watch" ? o.changes : []))
      .filter((c) => (c.object as { metadata: { name: string } }).metadata.name === "team-a");
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      type: "ADDED",
      resource: "namespaces",
      object: {
        kind: "Namespace",
        metadata: { name: "team-a", resourceVersion: expect.stringMatching(/^\d+$/) },
      },
    });
  });

  it("streams a client's watch and stops it on cancel", () => {
    const cluster = Cluster.create(defaultClusterSpec(), 2);
    const opened = cluster.submit({
      type: "api",
      method: "GET",
      path: "/api/v1/namespaces/default/configmaps",
      query: { watch: "true" },
    }).response as { code: number; watchId: number };
    expect(opened.code).toBe(200);
    const out = [...cluster.submit(configMap("watched")).outputs, ...cluster.advanceTo(cluster.now() + 50)];
    const events = out.flatMap((o) =>
      o.type === "api-watch" && o.watchId === opened.watchId ? o.events : [],
    );
    expect(events.map((e) => e.type)).toEqual(["ADDED"]);
    expect(cluster.submit({ type: "watch-cancel", watchId: opened.watchId }).response).toEqual({
      cancelled: true,
    });
    const after = [
      ...cluster.submit(configMap("unwatched")).outputs,
      ...cluster.advanceTo(cluster.now() + 50),
    ];
    expect(after.some((o) => o.type === "api-watch")).toBe(false);
  });

  it("records trace messages and a status summary when health changes", () => {
    const cluster = Cluster.create(defaultClusterSpec(), 3);
    const { outputs } = cluster.submit(configMap("traced"));
    const trace = outputs.flatMap((o) => (o.type === "trace" ? o.events : []));
    expect(
      trace.some((t) => t.from === "api-client" && t.to === "kube-apiserver-lb" && t.verb === "POST"),
    ).toBe(true);
    const stopped = cluster.submit({ type: "fault", action: "stop", component: "etcd-0" });
    expect(stopped.response).toEqual({ ok: true });
    const status = stopped.outputs.find((o) => o.type === "status");
    expect(status).toMatchObject({ summary: { healthy: false, etcdLeader: null } });
    expect(cluster.submit({ type: "fault", action: "stop", component: "nope" }).response).toEqual({
      ok: false,
      error: 'no component named "nope"',
    });
  });

  it("moves time by hand: advance and step", () => {
    const cluster = Cluster.create(defaultClusterSpec(), 4);
    const t0 = cluster.now();
    expect(cluster.submit({ type: "time", action: "advance", ms: 5_000 }).response).toEqual({
      now: t0 + 5_000,
    });
    const next = cluster.nextWakeAt();
    expect(next).not.toBeNull();
    expect(cluster.submit({ type: "time", action: "step" }).response).toEqual({ now: next });
  });

  it("restores from a snapshot plus replayed inputs to exactly the uninterrupted cluster", {
    timeout: 60_000,
  }, () => {
    const spec = { ...defaultClusterSpec(), controlPlane: { replicas: 2, etcdMembers: 3 } };
    const inputs: Recorded[] = [];
    let at = 2_500;
    for (let i = 0; i < 30; i++) {
      at += 37 + ((i * 7919) % 400);
      inputs.push({ at, input: i % 5 === 4 ? namespace(`ns-${i}`) : configMap(`cm-${i}`) });
    }
    inputs.push({ at: at + 100, input: { type: "fault", action: "stop", component: "etcd-2" } });
    inputs.push({ at: at + 300, input: configMap("after-fault") });
    inputs.push({ at: at + 400, input: { type: "time", action: "advance", ms: 3_000 } });
    const end = at + 10_000;

    // The live run: woken every 50 ms (as while watched), a snapshot taken after input 12.
    const live = Cluster.create(spec, 99);
    drive(live, inputs.slice(0, 13), 50);
    const snapshotAt = live.now();
    const snapshot = live.serialize();
    drive(live, inputs.slice(13), 50);
    live.advanceTo(end);

    // Recovery: the snapshot, then the later inputs at their recorded times, no wake-ups between.
    const recovered = Cluster.restore(snapshot);
    expect(recovered.now()).toBe(snapshotAt);
    drive(recovered, inputs.slice(13), null);
    recovered.advanceTo(end);
    expect(recovered.serialize()).toBe(live.serialize());

    // And from scratch, woken at other moments: the same cluster again.
    const fresh = Cluster.create(spec, 99);
    drive(fresh, inputs, 333);
    fresh.advanceTo(end);
    expect(fresh.serialize()).toBe(live.serialize());

    // A different seed is a different cluster (the comparison can fail).
    const other = Cluster.create(spec, 100);
    drive(other, inputs, null);
    other.advanceTo(end);
    expect(other.serialize()).not.toBe(live.serialize());
  });
});

describe("parseClusterSpec", () => {
  it("fills defaults and stacks etcd on the control-plane nodes", () => {
    expect(parseClusterSpec({})).toEqual({ ok: true, spec: defaultClusterSpec() });
    const r = parseClusterSpec({ controlPlane: { replicas: 3 }, workerNodes: 2 });
    expect(r.ok && r.spec.controlPlane).toEqual({ replicas: 3, etcdMembers: 3 });
  });

  it("names every bad field", () => {
    const r = parseClusterSpec({
      controlPlane: { replicas: 0, x: 1 },
      workerNodes: 1.5,
      epoch: "yesterday",
      color: "red",
    });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors.map((e) => e.field).sort()).toEqual(
        ["color", "controlPlane.replicas", "controlPlane.x", "epoch", "workerNodes"].sort(),
      );
  });
});
