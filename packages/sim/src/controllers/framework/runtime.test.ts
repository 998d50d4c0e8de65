/**
 * The framework run for real: a toy controller inside the kube-controller-manager component,
 * against a control plane. It keeps a ConfigMap `pod-count` per namespace with the number of
 * pods, which exercises shared informers, handlers, a sync with a step, failure back-off and
 * the event recorder.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { registerController } from "../../controller-manager/registry";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";
import { defineController, isSuccess } from "./controller";
import { keyOf, splitKey } from "./controller-ref";

interface CounterData {
  writes: number;
}

const podCounter = defineController<CounterData>({
  name: "test-pod-counter",
  component: "pod-counter",
  workers: 2,
  enabledByDefault: false,
  informers: [
    { resource: "pods", indexers: ["namespace"] },
    { resource: "configmaps" },
    { resource: "namespaces" },
  ],
  init: () => ({ writes: 0 }),
  handlers: {
    pods: (c, d) => c.enqueue(d.object.metadata.namespace ?? ""),
    namespaces: (c, d) => c.enqueue(d.object.metadata.name ?? ""),
    configmaps: (c, d) => c.enqueue(d.object.metadata.namespace ?? ""),
  },
  sync(c, key) {
    const ns = c.get("namespaces", "", key);
    if (!ns) return;
    const n = String(c.list("pods", key).length);
    const cm = c.get("configmaps", key, "pod-count");
    if (cm?.data?.n === n) return;
    const body: KubeObject = cm
      ? { ...cm, data: { n } }
      : { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "pod-count", namespace: key }, data: { n } };
    if (cm) c.update("configmaps", body, { label: n });
    else c.create("configmaps", key, body, { label: n });
    c.continueWith("written", { namespace: key });
  },
  steps: {
    written(c, results, data) {
      const r = results[0]!;
      if (!isSuccess(r)) {
        c.fail(`writing pod-count: ${r.code}`);
        return;
      }
      c.data.writes++;
      const ns = c.get("namespaces", "", (data as { namespace: string }).namespace);
      if (ns) c.event(ns, "Normal", "Counted", `Counted ${String(r.label)} pods`);
    },
  },
});
registerController(podCounter);

function pod(ns: string, name: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns },
    spec: { containers: [{ name: "c", image: "nginx" }] },
  };
}

describe("controller runtime", () => {
  it("runs a controller over shared informers: handlers → queue → sync → step", () => {
    const c = new ControllerTestCluster({ controllers: ["test-pod-counter"], kubelet: false });
    c.create("serviceaccounts", {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "default", namespace: "default" },
    });
    for (const name of ["a", "b", "c"]) c.create("pods", pod("default", name));
    expect(c.waitFor(() => c.get("configmaps", "default", "pod-count")?.data?.n === "3")).toBe(true);

    const m = c.manager();
    expect(Object.keys(m.informers).sort()).toEqual(["configmaps", "namespaces", "pods"]);
    expect(m.informers.pods!.path).toBe("/api/v1/pods");
    // Every bootstrap namespace got its count too.
    expect(c.get("configmaps", "kube-system", "pod-count")?.data?.n).toBe("0");

    // A change of the watched objects is seen through the watch and synced again.
    c.request("DELETE", "/api/v1/namespaces/default/pods/a");
    expect(c.waitFor(() => c.get("configmaps", "default", "pod-count")?.data?.n === "2")).toBe(true);
    c.advance(100);
    const events = c.events("default", "default").filter((e) => e.reason === "Counted");
    expect(events.map((e) => e.message)).toContain("Counted 2 pods");
    expect(events[0]!.source).toEqual({ component: "pod-counter" });
    expect(events[0]!.involvedObject.kind).toBe("Namespace");
  });

  it("retries a failing sync with the queue's exponential back-off", () => {
    const c = new ControllerTestCluster({ controllers: ["test-pod-counter"], kubelet: false });
    c.waitFor(() => c.get("configmaps", "default", "pod-count") !== undefined);
    const m = c.manager();
    const rt = m.controllers["test-pod-counter"]!;
    // Make the controller's writes fail: terminate a namespace (NamespaceLifecycle then rejects
    // creates in it with 403) and delete its ConfigMap, which the controller wants back.
    c.create("namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name: "doomed" } });
    c.waitFor(() => c.get("configmaps", "doomed", "pod-count") !== undefined);
    c.request("DELETE", "/api/v1/namespaces/doomed");
    c.request("DELETE", "/api/v1/namespaces/doomed/configmaps/pod-count");
    // The namespace stays Terminating (no namespace controller runs), so creates are forbidden.
    expect(c.waitFor(() => (rt.errors.doomed ?? "").includes("403"), 5_000, 1)).toBe(true);
    const failuresAt = (n: number) => {
      c.waitFor(() => (rt.queue.failures.doomed ?? 0) >= n, 60_000, 1);
      return c.sim.now;
    };
    const t3 = failuresAt(3);
    const t6 = failuresAt(6);
    // 5, 10, 20, 40, 80 ms back-off (plus request latency): the retries spread out.
    expect(t6 - t3).toBeGreaterThanOrEqual(20 + 40 + 80);
    expect(keyOf(c.get("namespaces", "", "doomed")!)).toBe("doomed");
    expect(splitKey("ns/name")).toEqual({ namespace: "ns", name: "name" });
  });
});
