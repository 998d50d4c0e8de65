/**
 * The Deployment controller with the ReplicaSet controller in a real control plane. The fake
 * kubelet (controller-manager/testing) makes pods Running and Ready, standing in for the node
 * side until it exists.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";
import { getControllerOf } from "../framework/controller-ref";
import { isPodReady } from "../framework/pod-util";

function deployment(
  name: string,
  replicas: number,
  image: string,
  spec: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "default", labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "web", image }] },
      },
      ...spec,
    },
  };
}

function cluster(startDelayMs = 2000): ControllerTestCluster {
  const c = new ControllerTestCluster({
    controllers: ["deployment", "replicaset", "serviceaccount"],
    kubelet: { startDelayMs },
  });
  expect(c.waitFor(() => c.get("serviceaccounts", "default", "default") !== undefined)).toBe(true);
  return c;
}

const get = (c: ControllerTestCluster, name: string) => c.get("deployments.apps", "default", name)!;
const replicaSets = (c: ControllerTestCluster, name: string) =>
  c.list("replicasets.apps", "default").filter((rs) => getControllerOf(rs)?.name === name);
const cond = (d: KubeObject, type: string) =>
  (
    d.status?.conditions as { type: string; status: string; reason: string; message: string }[] | undefined
  )?.find((x) => x.type === type);
/** Pods of the Deployment that are not being deleted. */
const livePods = (c: ControllerTestCluster, name: string) => {
  const rss = new Set(replicaSets(c, name).map((rs) => rs.metadata.uid));
  return c
    .list("pods", "default")
    .filter((p) => rss.has(getControllerOf(p)?.uid) && !p.metadata.deletionTimestamp);
};
const complete = (c: ControllerTestCluster, name: string) => {
  const d = get(c, name);
  return (
    d?.status?.observedGeneration === d?.metadata.generation &&
    cond(d, "Progressing")?.reason === "NewReplicaSetAvailable" &&
    d.status?.updatedReplicas === d.spec.replicas &&
    d.status?.availableReplicas === d.spec.replicas &&
    d.status?.replicas === d.spec.replicas
  );
};

describe("Deployment controller", () => {
  it("a 3-replica Deployment converges: one ReplicaSet <name>-<hash>, 3 available, real conditions and events", () => {
    const c = cluster();
    const t0 = c.sim.now;
    c.create("deployments.apps", deployment("web", 3, "nginx:1.27"));
    expect(c.waitFor(() => complete(c, "web"))).toBe(true);
    // Pods start 2 s after creation (fake kubelet): the rollout completes a few seconds later.
    expect(c.sim.now - t0).toBeLessThan(5_000);

    const d = get(c, "web");
    expect(d.status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(d.status.unavailableReplicas).toBeUndefined();
    expect(d.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("1");
    const [rs, ...others] = replicaSets(c, "web");
    expect(others).toHaveLength(0);
    const hash = rs!.metadata.labels!["pod-template-hash"]!;
    expect(hash).toMatch(/^[456789bcdf]{6,10}$/);
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(rs!.spec.selector.matchLabels).toEqual({ app: "web", "pod-template-hash": hash });
    expect(rs!.metadata.annotations).toEqual({
      "deployment.kubernetes.io/revision": "1",
      "deployment.kubernetes.io/desired-replicas": "3",
      "deployment.kubernetes.io/max-replicas": "4",
    });
    expect(livePods(c, "web").every((p) => p.metadata.labels?.["pod-template-hash"] === hash)).toBe(true);

    expect(cond(d, "Available")).toMatchObject({
      status: "True",
      reason: "MinimumReplicasAvailable",
      message: "Deployment has minimum availability.",
    });
    expect(cond(d, "Progressing")).toMatchObject({
      status: "True",
      reason: "NewReplicaSetAvailable",
      message: `ReplicaSet "web-${hash}" has successfully progressed.`,
    });
    expect(c.events("default", "web").map((e) => `${e.reason}: ${e.message}`)).toEqual([
      `ScalingReplicaSet: Scaled up replica set web-${hash} from 0 to 3`,
    ]);
  });

  it("a rolling update never exceeds maxSurge or maxUnavailable, and rollback restores the previous template", () => {
    const c = cluster(1500);
    const spec = { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } };
    c.create("deployments.apps", deployment("web", 4, "nginx:1.26", spec));
    expect(c.waitFor(() => complete(c, "web"))).toBe(true);
    const v1 = replicaSets(c, "web")[0]!;

    const check = () => {
      const pods = livePods(c, "web");
      const ready = pods.filter(isPodReady).length;
      const sizes = replicaSets(c, "web").reduce((n, rs) => n + (rs.spec.replicas as number), 0);
      maxPods = Math.max(maxPods, pods.length);
      minReady = Math.min(minReady, ready);
      maxSizes = Math.max(maxSizes, sizes);
    };
    let maxPods = 0;
    let minReady = 4;
    let maxSizes = 0;
    c.patch(
      "deployments.apps",
      "default",
      "web",
      { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.27" }] } } } },
      "strategic",
    );
    const done = c.waitFor(
      () => {
        check();
        return complete(c, "web") && get(c, "web").metadata.generation === 2;
      },
      120_000,
      1,
    );
    expect(done).toBe(true);
    // Observed at every virtual millisecond: never more than 4 + 1 pods, never fewer than 4 - 1 ready.
    expect(maxPods).toBe(5);
    expect(maxSizes).toBe(5);
    expect(minReady).toBe(3);
    const rss = replicaSets(c, "web");
    expect(rss).toHaveLength(2);
    const v2 = rss.find((rs) => rs.metadata.uid !== v1.metadata.uid)!;
    expect(v2.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    expect(c.get("replicasets.apps", "default", v1.metadata.name!)!.spec.replicas).toBe(0);
    expect(livePods(c, "web").every((p) => p.spec.containers[0].image === "nginx:1.27")).toBe(true);
    expect(get(c, "web").metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    const scaling = c.events("default", "web").map((e) => e.message);
    expect(scaling).toContain(`Scaled up replica set ${v2.metadata.name} from 0 to 1`);
    expect(scaling).toContain(`Scaled down replica set ${v1.metadata.name} from 4 to 3`);

    // kubectl rollout undo: the template goes back to revision 1's (without its hash label).
    const template = JSON.parse(JSON.stringify(v1.spec.template));
    delete template.metadata.labels["pod-template-hash"];
    const cur = get(c, "web");
    const undo = c.request("PUT", "/apis/apps/v1/namespaces/default/deployments/web", {
      body: { ...cur, spec: { ...cur.spec, template } },
    });
    expect(undo.code).toBe(200);
    expect(c.waitFor(() => complete(c, "web") && get(c, "web").metadata.generation === 3, 120_000)).toBe(
      true,
    );
    const back = c.get("replicasets.apps", "default", v1.metadata.name!)!;
    expect(back.spec.replicas).toBe(4);
    expect(back.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("3");
    expect(back.metadata.annotations?.["deployment.kubernetes.io/revision-history"]).toBe("1");
    expect(get(c, "web").metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("3");
    expect(livePods(c, "web").every((p) => p.spec.containers[0].image === "nginx:1.26")).toBe(true);
    expect(replicaSets(c, "web")).toHaveLength(2);
  });

  it("Recreate deletes every old pod before creating new ones", () => {
    const c = cluster(1000);
    c.create("deployments.apps", deployment("db", 2, "postgres:16", { strategy: { type: "Recreate" } }));
    expect(c.waitFor(() => complete(c, "db"))).toBe(true);
    let overlap = false;
    c.patch(
      "deployments.apps",
      "default",
      "db",
      { spec: { template: { spec: { containers: [{ name: "web", image: "postgres:17" }] } } } },
      "strategic",
    );
    expect(
      c.waitFor(
        () => {
          const images = new Set(livePods(c, "db").map((p) => p.spec.containers[0].image));
          if (images.size > 1) overlap = true;
          return complete(c, "db") && get(c, "db").metadata.generation === 2;
        },
        60_000,
        1,
      ),
    ).toBe(true);
    expect(overlap).toBe(false);
    expect(livePods(c, "db").every((p) => p.spec.containers[0].image === "postgres:17")).toBe(true);
  });

  it("pause holds a template change (DeploymentPaused); resume rolls it out", () => {
    const c = cluster(1000);
    c.create("deployments.apps", deployment("web", 2, "nginx:1.26"));
    expect(c.waitFor(() => complete(c, "web"))).toBe(true);
    c.patch("deployments.apps", "default", "web", { spec: { paused: true } });
    expect(c.waitFor(() => cond(get(c, "web"), "Progressing")?.reason === "DeploymentPaused")).toBe(true);
    expect(cond(get(c, "web"), "Progressing")).toMatchObject({
      status: "Unknown",
      message: "Deployment is paused",
    });
    c.patch(
      "deployments.apps",
      "default",
      "web",
      { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:1.27" }] } } } },
      "strategic",
    );
    c.advance(10_000);
    expect(replicaSets(c, "web")).toHaveLength(1);
    c.patch("deployments.apps", "default", "web", { spec: { paused: false } });
    expect(c.waitFor(() => replicaSets(c, "web").length === 2)).toBe(true);
    expect(
      c.waitFor(
        () =>
          complete(c, "web") && livePods(c, "web").every((p) => p.spec.containers[0].image === "nginx:1.27"),
        60_000,
      ),
    ).toBe(true);
  });

  it("reports ProgressDeadlineExceeded when the new pods never become ready", () => {
    const c = cluster(1000);
    c.create("deployments.apps", deployment("web", 2, "nginx:1.26", { progressDeadlineSeconds: 30 }));
    expect(c.waitFor(() => complete(c, "web"))).toBe(true);
    c.fakeKubelet().active = false; // new pods stay Pending
    const t0 = c.sim.now;
    c.patch(
      "deployments.apps",
      "default",
      "web",
      { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:broken" }] } } } },
      "strategic",
    );
    expect(
      c.waitFor(() => cond(get(c, "web"), "Progressing")?.reason === "ProgressDeadlineExceeded", 120_000),
    ).toBe(true);
    const took = c.sim.now - t0;
    expect(took).toBeGreaterThanOrEqual(30_000);
    expect(took).toBeLessThan(34_000);
    const newRS = replicaSets(c, "web").find(
      (rs) => rs.metadata.annotations?.["deployment.kubernetes.io/revision"] === "2",
    )!;
    expect(cond(get(c, "web"), "Progressing")).toMatchObject({
      status: "False",
      message: `ReplicaSet "${newRS.metadata.name}" has timed out progressing.`,
    });
    // maxUnavailable 25% of 2 rounds down to 0: the old pods all stay; Available stays True.
    expect(cond(get(c, "web"), "Available")?.status).toBe("True");
  });

  it("scales a rollout in progress proportionally (GetProportion, leftovers to the largest)", () => {
    const c = cluster(500);
    const strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } };
    c.create("deployments.apps", deployment("web", 10, "nginx:1", { strategy }));
    expect(c.waitFor(() => complete(c, "web"))).toBe(true);
    c.fakeKubelet().active = false; // the new pods never become ready: the rollout stalls
    c.patch(
      "deployments.apps",
      "default",
      "web",
      { spec: { template: { spec: { containers: [{ name: "web", image: "nginx:2" }] } } } },
      "strategic",
    );
    const sizes = () =>
      replicaSets(c, "web")
        .sort((a, b) =>
          String(a.metadata.annotations?.["deployment.kubernetes.io/revision"]).localeCompare(
            String(b.metadata.annotations?.["deployment.kubernetes.io/revision"]),
          ),
        )
        .map((rs) => rs.spec.replicas as number);
    // maxSurge 3, maxUnavailable 2: the old ReplicaSet goes to 8 and the new one to 5 — the
    // example of the Deployment documentation ("Proportional scaling").
    expect(c.waitFor(() => JSON.stringify(sizes()) === "[8,5]")).toBe(true);
    c.advance(5_000);
    expect(sizes()).toEqual([8, 5]);
    c.patch("deployments.apps", "default", "web", { spec: { replicas: 15 } });
    // 18 allowed (15 + 3): old 8 × 18/13 → 11 (+3), new 5 × 18/13 → 7 (+2), as documented.
    c.waitFor(() => JSON.stringify(sizes()) === "[11,7]");
    expect(sizes()).toEqual([11, 7]);
  });

  it("scales on a replicas change, and keeps only revisionHistoryLimit old ReplicaSets", () => {
    const c = cluster(500);
    c.create("deployments.apps", deployment("web", 2, "nginx:1", { revisionHistoryLimit: 1 }));
    expect(c.waitFor(() => complete(c, "web"))).toBe(true);
    for (const tag of ["2", "3", "4"]) {
      c.patch(
        "deployments.apps",
        "default",
        "web",
        { spec: { template: { spec: { containers: [{ name: "web", image: `nginx:${tag}` }] } } } },
        "strategic",
      );
      expect(
        c.waitFor(
          () =>
            complete(c, "web") &&
            livePods(c, "web").every((p) => p.spec.containers[0].image === `nginx:${tag}`),
          60_000,
        ),
      ).toBe(true);
    }
    expect(c.waitFor(() => replicaSets(c, "web").length === 2)).toBe(true);
    expect(
      replicaSets(c, "web")
        .map((rs) => rs.metadata.annotations?.["deployment.kubernetes.io/revision"])
        .sort(),
    ).toEqual(["3", "4"]);

    c.patch("deployments.apps", "default", "web", { spec: { replicas: 5 } });
    expect(c.waitFor(() => complete(c, "web") && livePods(c, "web").length === 5)).toBe(true);
    const rs = replicaSets(c, "web").find((x) => x.spec.replicas === 5)!;
    // Past 10 distinct ScalingReplicaSet messages in 10 minutes, the recorder's aggregator
    // combines them into one event (client-go EventAggregator), as `kubectl get events` shows.
    const messages = c.events("default", "web").map((e) => e.message);
    expect(messages).toContain(
      `(combined from similar events): Scaled up replica set ${rs.metadata.name} from 2 to 5`,
    );
    expect(messages.filter((m) => !m.startsWith("(combined"))).toHaveLength(9);
  });
});
