import { describe, expect, it } from "vitest";
import { controlPlaneBehaviors } from "../apiserver/control-plane";
import { Simulation } from "../core/simulation";
import { defaultControllerManagerConfig, isControllerEnabled } from "./config";
import { enabledControllers, kubeControllerManagerBehavior } from "./controller-manager";
import { ControllerTestCluster } from "./testing/cluster";
import { fakeKubeletBehavior } from "./testing/fake-kubelet";

const rs = (name: string) => ({
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name, namespace: "default" },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx" }] } },
  },
});

describe("kube-controller-manager", () => {
  it("--controllers: names and aliases, '-name' disables, '*' enables the defaults", () => {
    expect(isControllerEnabled(["replicaset-controller", "replicaset"], true, ["*"])).toBe(true);
    expect(isControllerEnabled(["replicaset-controller", "replicaset"], true, ["-replicaset", "*"])).toBe(
      false,
    );
    expect(isControllerEnabled(["replicaset-controller", "replicaset"], true, ["job"])).toBe(false);
    expect(isControllerEnabled(["x"], false, ["*"])).toBe(false);
    expect(isControllerEnabled(["x"], false, ["*", "x"])).toBe(true);
    const cfg = defaultControllerManagerConfig({ controllers: ["*", "-serviceaccount-controller"] });
    expect(enabledControllers(cfg)).toContain("replicaset-controller");
    expect(enabledControllers(cfg)).not.toContain("serviceaccount-controller");
  });

  it("runs controllers only in the leader; another replica takes over when the leader dies", () => {
    const c = new ControllerTestCluster({ managers: 2, controllers: ["replicaset", "serviceaccount"] });
    const lease = () => c.get("leases.coordination.k8s.io", "kube-system", "kube-controller-manager");
    expect(
      c.waitFor(() => lease() !== undefined && c.get("serviceaccounts", "default", "default") !== undefined),
    ).toBe(true);
    const holder = lease()!.spec.holderIdentity as string;
    const leader = holder.startsWith("control-plane-0_") ? 0 : 1;
    const other = 1 - leader;
    expect(holder).toMatch(
      /^control-plane-[01]_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(c.manager(leader).leading).toBe(true);
    expect(Object.keys(c.manager(leader).informers).length).toBeGreaterThan(0);
    // The standby watches nothing and runs no controller.
    expect(c.manager(other).leading).toBe(false);
    expect(c.manager(other).informers).toEqual({});

    c.create("replicasets.apps", rs("before"));
    expect(c.waitFor(() => c.list("pods", "default").length === 1)).toBe(true);

    // Kill the leader: the standby acquires the lease once it has not changed for 15 s.
    const killedAt = c.sim.now;
    c.sim.stop(c.managers[leader]!);
    expect(c.waitFor(() => c.manager(other).leading, 30_000)).toBe(true);
    const takeover = c.sim.now - killedAt;
    expect(takeover).toBeGreaterThan(10_000);
    expect(takeover).toBeLessThan(15_000 + 4_400 + 2_000);
    expect(lease()!.spec.holderIdentity).toMatch(new RegExp(`^control-plane-${other}_`));
    expect(lease()!.spec.leaseTransitions).toBe(1);

    // The new leader reconciles what changed meanwhile.
    c.create("replicasets.apps", rs("after"));
    expect(c.waitFor(() => c.list("pods", "default").length === 2)).toBe(true);
    const events = c.list("events", "kube-system").filter((e) => e.reason === "LeaderElection");
    expect(events.map((e) => e.message)).toEqual(
      expect.arrayContaining([`${holder} became leader`, `${lease()!.spec.holderIdentity} became leader`]),
    );
  });

  it("a leader cut off from the apiserver stops leading after the renew deadline and restarts", () => {
    const c = new ControllerTestCluster({ managers: 2, controllers: ["replicaset"], kubelet: false });
    expect(c.waitFor(() => c.manager(0).leading || c.manager(1).leading)).toBe(true);
    const leader = c.manager(0).leading ? 0 : 1;
    c.sim.cutLink(c.managers[leader]!, c.h.cp.loadBalancer);
    const cutAt = c.sim.now;
    expect(c.waitFor(() => !c.manager(leader).leading, 30_000)).toBe(true);
    expect(c.sim.now - cutAt).toBeLessThanOrEqual(12_500);
    expect(c.manager(leader).restarts).toBe(1);
    expect(c.waitFor(() => c.manager(1 - leader).leading, 30_000)).toBe(true);
  });

  it("a snapshot taken mid-rollout restores to exactly the same future", () => {
    const c = new ControllerTestCluster({
      managers: 2,
      controllers: ["deployment", "replicaset", "serviceaccount", "garbagecollector"],
      kubelet: { startDelayMs: 700 },
    });
    c.sim.configureTrace({ enabled: true });
    c.waitFor(() => c.get("serviceaccounts", "default", "default") !== undefined);
    c.h.send("POST", "/apis/apps/v1/namespaces/default/deployments", {
      body: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web" },
        spec: {
          replicas: 5,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "c", image: "nginx" }] },
          },
        },
      },
    });
    c.advance(1234); // in the middle of slow-start batches and status writes
    c.sim.drainTrace();
    const snapshot = c.sim.serialize();
    const behaviors = [...controlPlaneBehaviors, kubeControllerManagerBehavior, fakeKubeletBehavior];
    const restored = Simulation.restore(snapshot, behaviors);
    c.advance(20_000);
    restored.advanceBy(20_000);
    const a = c.sim.drainTrace();
    const b = restored.drainTrace();
    expect(a.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
    expect(restored.serialize()).toBe(c.sim.serialize());
  });
});
