/**
 * The StatefulSet controller in a running control plane, with the fake kubelet reporting pods
 * Running and Ready 2 s after they appear (and confirming graceful deletions).
 */
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { registerController } from "../../controller-manager/registry";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";
import { ensureDefaultServiceAccount } from "../node-lifecycle/testing/test-kubelet";
import { STATEFULSET_CONTROLLER, statefulSetController } from "./statefulset-controller";

registerController(statefulSetController);

const STS = "statefulsets.apps";

function setup(spec: Record<string, unknown> = {}) {
  const c = new ControllerTestCluster({
    controllers: [STATEFULSET_CONTROLLER],
    kubelet: { startDelayMs: 2_000 },
  });
  ensureDefaultServiceAccount(c);
  c.create(STS, {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "web", namespace: "default" },
    spec: {
      serviceName: "nginx",
      replicas: 3,
      selector: { matchLabels: { app: "nginx" } },
      template: {
        metadata: { labels: { app: "nginx" } },
        spec: {
          containers: [
            {
              name: "nginx",
              image: "registry.k8s.io/nginx-slim:0.24",
              volumeMounts: [{ name: "www", mountPath: "/usr/share/nginx/html" }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: "www" },
          spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
        },
      ],
      ...spec,
    },
  });
  return c;
}

function pods(c: ControllerTestCluster): KubeObject[] {
  return c
    .list("pods", "default")
    .filter((p) => p.metadata.labels?.app === "nginx")
    .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
}

/** Creation time (virtual ms) of each pod, recorded while running. */
function watchCreations(
  c: ControllerTestCluster,
  until: () => boolean,
  timeoutMs: number,
): Record<string, number> {
  const seen: Record<string, number> = {};
  c.waitFor(
    () => {
      for (const p of pods(c)) if (seen[p.metadata.name!] === undefined) seen[p.metadata.name!] = c.sim.now;
      return until();
    },
    timeoutMs,
    50,
  );
  return seen;
}

function ready(p: KubeObject): boolean {
  return (
    p.status?.conditions?.some((x: Record<string, string>) => x.type === "Ready" && x.status === "True") ??
    false
  );
}

describe("statefulset controller", () => {
  it("creates pods in order, each after its predecessor is Ready, with stable identity and PVCs", () => {
    const c = setup();
    const created = watchCreations(c, () => pods(c).filter(ready).length === 3, 60_000);
    expect(Object.keys(created).sort()).toEqual(["web-0", "web-1", "web-2"]);
    // OrderedReady: each waits for the previous pod to be Running and Ready (2 s here).
    expect(created["web-1"]! - created["web-0"]!).toBeGreaterThanOrEqual(2_000);
    expect(created["web-2"]! - created["web-1"]!).toBeGreaterThanOrEqual(2_000);

    const sts = c.get(STS, "default", "web")!;
    const web1 = c.get("pods", "default", "web-1")!;
    expect(web1.metadata.labels).toMatchObject({
      app: "nginx",
      "statefulset.kubernetes.io/pod-name": "web-1",
      "apps.kubernetes.io/pod-index": "1",
      "controller-revision-hash": sts.status.updateRevision,
    });
    expect(web1.spec.hostname).toBe("web-1");
    expect(web1.spec.subdomain).toBe("nginx");
    expect(web1.spec.volumes[0]).toEqual({ name: "www", persistentVolumeClaim: { claimName: "www-web-1" } });
    const pvc = c.get("persistentvolumeclaims", "default", "www-web-1")!;
    expect(pvc.metadata.labels).toEqual({ app: "nginx" });
    expect(pvc.spec.resources.requests.storage).toBe("1Gi");

    expect(sts.status).toMatchObject({
      observedGeneration: 1,
      replicas: 3,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
    });
    expect(sts.status.currentRevision).toBe(sts.status.updateRevision);
    expect(sts.status.updateRevision).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(c.list("controllerrevisions.apps", "default").map((r) => r.metadata.name)).toEqual([
      sts.status.updateRevision,
    ]);
    const messages = c.events("default", "web").map((e) => e.message);
    expect(messages).toContain("create Claim www-web-0 Pod web-0 in StatefulSet web success");
    expect(messages).toContain("create Pod web-0 in StatefulSet web successful");
  });

  it("scales down from the highest ordinal, one at a time, keeping the PVCs", () => {
    const c = setup();
    c.waitFor(() => pods(c).filter(ready).length === 3, 60_000);
    c.patch(STS, "default", "web", { spec: { replicas: 1 } });
    const gone: string[] = [];
    c.waitFor(
      () => {
        for (const n of ["web-2", "web-1"])
          if (!gone.includes(n) && !c.get("pods", "default", n)) gone.push(n);
        return gone.length === 2;
      },
      60_000,
      50,
    );
    expect(gone).toEqual(["web-2", "web-1"]);
    expect(c.events("default", "web").map((e) => e.message)).toContain(
      "delete Pod web-2 in StatefulSet web successful",
    );
    // whenScaled: Retain (the default) keeps the claims for a later scale-up.
    expect(c.get("persistentvolumeclaims", "default", "www-web-2")).toBeDefined();
  });

  it("rolls an update from the highest ordinal down to the partition", () => {
    const c = setup({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } } });
    c.waitFor(() => pods(c).filter(ready).length === 3, 60_000);
    const before = c.get(STS, "default", "web")!.status.updateRevision;
    c.patch(
      STS,
      "default",
      "web",
      {
        spec: {
          template: { spec: { containers: [{ name: "nginx", image: "registry.k8s.io/nginx-slim:0.27" }] } },
        },
      },
      "strategic",
    );
    const order: string[] = [];
    c.waitFor(
      () => {
        for (const p of pods(c))
          if (p.spec.containers[0].image.endsWith(":0.27") && !order.includes(p.metadata.name!))
            order.push(p.metadata.name!);
        const sts = c.get(STS, "default", "web")!;
        return sts.status.updatedReplicas === 2 && sts.status.readyReplicas === 3;
      },
      60_000,
      50,
    );
    expect(order).toEqual(["web-2", "web-1"]);
    // Below the partition the pod keeps the old revision.
    expect(c.get("pods", "default", "web-0")!.spec.containers[0].image).toBe(
      "registry.k8s.io/nginx-slim:0.24",
    );
    const sts = c.get(STS, "default", "web")!;
    expect(sts.status.currentRevision).toBe(before);
    expect(sts.status.updateRevision).not.toBe(before);
    expect(sts.status).toMatchObject({ currentReplicas: 1, updatedReplicas: 2 });
    expect(
      c
        .list("controllerrevisions.apps", "default")
        .map((r) => r.revision)
        .sort(),
    ).toEqual([1, 2]);
  });

  it("creates all pods at once with podManagementPolicy Parallel", () => {
    const c = setup({ podManagementPolicy: "Parallel" });
    c.advance(500);
    expect(pods(c).map((p) => p.metadata.name)).toEqual(["web-0", "web-1", "web-2"]);
  });

  it("hands the PVC of a scaled-down pod to that pod with whenScaled: Delete", () => {
    const c = setup({
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Delete" },
    });
    c.waitFor(() => pods(c).filter(ready).length === 3, 60_000);
    const web2 = c.get("pods", "default", "web-2")!;
    c.patch(STS, "default", "web", { spec: { replicas: 2 } });
    c.waitFor(() => !c.get("pods", "default", "web-2"), 30_000);
    // The garbage collector (not running here) then deletes the claim with its owner.
    expect(c.get("persistentvolumeclaims", "default", "www-web-2")!.metadata.ownerReferences).toEqual([
      { apiVersion: "v1", kind: "Pod", name: "web-2", uid: web2.metadata.uid },
    ]);
    expect(c.get("persistentvolumeclaims", "default", "www-web-0")!.metadata.ownerReferences).toBeUndefined();
  });
});
