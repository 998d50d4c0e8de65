import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1";
import type { StorageClass } from "kubernetes-types/storage/v1";
import { describe, expect, it } from "vitest";
import { PluginEnv } from "../../testing/plugin-env";
import { makeNode, makePod } from "../../testing/wrappers";

const pvc = (
  name: string,
  spec: PersistentVolumeClaim["spec"],
  extra: Partial<PersistentVolumeClaim> = {},
): PersistentVolumeClaim => ({
  metadata: { name, namespace: "default" },
  spec,
  ...extra,
});
const local = (name: string, node: string): PersistentVolume => ({
  metadata: { name },
  spec: {
    storageClassName: "local",
    capacity: { storage: "10Gi" },
    accessModes: ["ReadWriteOnce"],
    nodeAffinity: {
      required: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: [node] }] },
        ],
      },
    },
  },
  status: { phase: "Available" },
});
const classes: Record<string, StorageClass> = {
  local: {
    metadata: { name: "local" },
    provisioner: "kubernetes.io/no-provisioner",
    volumeBindingMode: "WaitForFirstConsumer",
  },
  standard: {
    metadata: { name: "standard" },
    provisioner: "rancher.io/local-path",
    volumeBindingMode: "Immediate",
  },
};

describe("VolumeBinding", () => {
  const claims: Record<string, PersistentVolumeClaim> = {
    bound: pvc("bound", { volumeName: "pv-n1", storageClassName: "local" }),
    pending: pvc("pending", { storageClassName: "standard", resources: { requests: { storage: "1Gi" } } }),
    wait: pvc("wait", {
      storageClassName: "local",
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "5Gi" } },
    }),
    gone: pvc(
      "gone",
      { storageClassName: "standard" },
      { metadata: { name: "gone", namespace: "default", deletionTimestamp: "2025-01-01T00:00:00Z" } },
    ),
  };
  const pvs: PersistentVolume[] = [
    { ...local("pv-n1", "n1"), status: { phase: "Bound" } },
    local("pv-n2", "n2"),
  ];
  const env = new PluginEnv([makeNode("n1"), makeNode("n2"), makeNode("n3")], [], {
    persistentVolumeClaim: (_ns, name) => claims[name],
    persistentVolume: (name) => pvs.find((p) => p.metadata?.name === name),
    persistentVolumes: () => pvs,
    storageClass: (name) => classes[name],
  });
  const withClaim = (claimName: string) =>
    makePod("p", { volumes: [{ name: "data", persistentVolumeClaim: { claimName } }] });

  it("skips pods without claims and rejects missing, deleting or unbound immediate claims", () => {
    expect(env.filter("VolumeBinding", makePod("p"), "n1")).toBe("Skip");
    expect(env.filter("VolumeBinding", withClaim("nope"), "n1")).toMatchObject({
      code: "UnschedulableAndUnresolvable",
      reasons: ['persistentvolumeclaim "nope" not found'],
    });
    expect(env.filter("VolumeBinding", withClaim("gone"), "n1")).toMatchObject({
      reasons: ['persistentvolumeclaim "gone" is being deleted'],
    });
    expect(env.filter("VolumeBinding", withClaim("pending"), "n1")).toMatchObject({
      reasons: ["pod has unbound immediate PersistentVolumeClaims"],
    });
  });

  it("follows a bound volume's node affinity", () => {
    expect(env.filter("VolumeBinding", withClaim("bound"), "n1")).toBeNull();
    expect(env.filter("VolumeBinding", withClaim("bound"), "n2")).toMatchObject({
      reasons: ["node(s) had volume node affinity conflict"],
    });
  });

  it("finds an available local volume for a WaitForFirstConsumer claim", () => {
    expect(env.filter("VolumeBinding", withClaim("wait"), "n2")).toBeNull();
    expect(env.filter("VolumeBinding", withClaim("wait"), "n3")).toMatchObject({
      reasons: ["node(s) didn't find available persistent volumes to bind"],
    });
  });
});
