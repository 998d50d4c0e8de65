import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../api/types";
import { parseEpoch } from "../../core/time";
import { newRevision, podRevision } from "./stateful-pods";
import { completeRollingUpdate, planStatefulSetUpdate } from "./statefulset-plan";

const NOW = parseEpoch("2025-01-01T01:00:00Z");

function sts(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "db", namespace: "default", uid: "sts-uid", generation: 1 },
    spec: {
      replicas: 3,
      serviceName: "db",
      selector: { matchLabels: { app: "db" } },
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
      template: {
        metadata: { labels: { app: "db" } },
        spec: { containers: [{ name: "pg", image: "postgres:16" }] },
      },
      volumeClaimTemplates: [
        { metadata: { name: "data" }, spec: { resources: { requests: { storage: "1Gi" } } } },
      ],
      ...spec,
    },
  };
}

function running(_set: KubeObject, ordinal: number, revision: string, ready = true): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `db-${ordinal}`,
      namespace: "default",
      uid: `uid-${ordinal}`,
      labels: {
        app: "db",
        "statefulset.kubernetes.io/pod-name": `db-${ordinal}`,
        "apps.kubernetes.io/pod-index": String(ordinal),
        "controller-revision-hash": revision,
      },
    },
    spec: { volumes: [{ name: "data", persistentVolumeClaim: { claimName: `data-db-${ordinal}` } }] },
    status: {
      phase: "Running",
      conditions: [
        { type: "Ready", status: ready ? "True" : "False", lastTransitionTime: "2025-01-01T00:00:00Z" },
      ],
    },
  };
}

const noClaims = () => undefined;

describe("planStatefulSetUpdate", () => {
  it("creates the lowest missing ordinal with its claim, and nothing more while it is not ready", () => {
    const set = sts();
    const rev = newRevision(set, 1, 0);
    const plan = planStatefulSetUpdate(set, rev, rev, 0, [], noClaims, NOW);
    expect(plan.actions).toHaveLength(1);
    const a = plan.actions[0]!;
    expect(a.kind).toBe("createPod");
    if (a.kind !== "createPod") return;
    expect(a.pod.metadata.name).toBe("db-0");
    expect(a.pod.metadata.generateName).toBe("db-");
    expect(podRevision(a.pod)).toBe(rev.metadata.name);
    expect(a.claims.map((c) => [c.metadata?.name, c.metadata?.labels])).toEqual([
      ["data-db-0", { app: "db" }],
    ]);
    const notReady = planStatefulSetUpdate(
      set,
      rev,
      rev,
      0,
      [running(set, 0, rev.metadata.name!, false)],
      noClaims,
      NOW,
    );
    expect(notReady.actions).toEqual([]);
    const next = planStatefulSetUpdate(
      set,
      rev,
      rev,
      0,
      [running(set, 0, rev.metadata.name!)],
      (n) => (n === "data-db-0" ? ({ metadata: { name: n } } as KubeObject) : undefined),
      NOW,
    );
    expect(next.actions.map((x) => (x.kind === "createPod" ? x.pod.metadata.name : x.kind))).toEqual([
      "db-1",
    ]);
  });

  it("creates every missing pod at once with Parallel", () => {
    const set = sts({ podManagementPolicy: "Parallel" });
    const rev = newRevision(set, 1, 0);
    const plan = planStatefulSetUpdate(set, rev, rev, 0, [], noClaims, NOW);
    expect(plan.actions.map((x) => (x.kind === "createPod" ? x.pod.metadata.name : x.kind))).toEqual([
      "db-0",
      "db-1",
      "db-2",
    ]);
  });

  it("scales down from the highest ordinal", () => {
    const set = sts({ replicas: 1 });
    const rev = newRevision(set, 1, 0);
    const pods = [0, 1, 2].map((i) => running(set, i, rev.metadata.name!));
    const plan = planStatefulSetUpdate(set, rev, rev, 0, pods, noClaims, NOW);
    expect(plan.actions.map((x) => [x.kind, x.kind === "deletePod" ? x.pod.metadata.name : ""])).toEqual([
      ["deletePod", "db-2"],
    ]);
  });

  it("updates from the highest ordinal down to the partition, one at a time", () => {
    const set = sts({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } } });
    const oldRev = newRevision(set, 1, 0);
    const changed = {
      ...set,
      spec: {
        ...set.spec,
        template: { ...set.spec.template, spec: { containers: [{ name: "pg", image: "postgres:17" }] } },
      },
    };
    const newRev = newRevision(changed, 2, 0);
    expect(newRev.metadata.name).not.toBe(oldRev.metadata.name);
    const pods = [0, 1, 2].map((i) => running(set, i, oldRev.metadata.name!));
    const first = planStatefulSetUpdate(changed, oldRev, newRev, 0, pods, noClaims, NOW);
    expect(first.actions.map((x) => (x.kind === "deletePod" ? x.pod.metadata.name : x.kind))).toEqual([
      "db-2",
    ]);
    const updated = [pods[0]!, pods[1]!, running(set, 2, newRev.metadata.name!)];
    const second = planStatefulSetUpdate(changed, oldRev, newRev, 0, updated, noClaims, NOW);
    expect(second.actions.map((x) => (x.kind === "deletePod" ? x.pod.metadata.name : x.kind))).toEqual([
      "db-1",
    ]);
    const done = [pods[0]!, running(set, 1, newRev.metadata.name!), running(set, 2, newRev.metadata.name!)];
    const third = planStatefulSetUpdate(changed, oldRev, newRev, 0, done, noClaims, NOW);
    expect(third.actions).toEqual([]);
    expect(third.status).toMatchObject({ currentReplicas: 1, updatedReplicas: 2, readyReplicas: 3 });
    // The partition keeps db-0 old, so the update never "completes".
    completeRollingUpdate(changed, third.status);
    expect(third.status.currentRevision).toBe(oldRev.metadata.name);
  });
});
