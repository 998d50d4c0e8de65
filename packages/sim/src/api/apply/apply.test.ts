import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyDefaults } from "../defaults";
import type { JsonValue, KubeObject } from "../types";
import { emptyFieldSet, fromFieldsV1, insertPath, pathString, setPaths, toFieldsV1 } from "./field-set";
import { fieldManagerFromUserAgent } from "./managed-fields";
import { applyObject, ownsField, updateManagedFields } from "./server-side-apply";
import { mergeValues, rootRelationForTest } from "./test-helpers";

// biome-ignore lint/suspicious/noExplicitAny: tests poke into unstructured objects
type Loose = any;

const T1 = "2024-05-01T10:00:00Z";
const T2 = "2024-05-01T11:00:00Z";

const config = (replicas: number, labels: Record<string, string> = { app: "nginx" }): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "nginx", labels },
  spec: {
    replicas,
    selector: { matchLabels: { app: "nginx" } },
    template: {
      metadata: { labels: { app: "nginx" } },
      spec: { containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] },
    },
  },
});

describe("server-side apply", () => {
  it("records what an applier owns in fieldsV1, as the apiserver writes it", () => {
    const r = applyObject(undefined, config(3), { manager: "kubectl", time: T1 });
    expect(r.status).toBeUndefined();
    expect(r.object?.metadata.managedFields).toEqual([
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "apps/v1",
        time: T1,
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": {
            "f:replicas": {},
            "f:selector": {},
            "f:template": {
              "f:metadata": { "f:labels": { "f:app": {} } },
              "f:spec": {
                "f:containers": {
                  'k:{"name":"nginx"}': {
                    ".": {},
                    "f:image": {},
                    "f:name": {},
                    "f:ports": {
                      'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ]);
  });

  it("conflicts with a client-side-apply owner, and force takes the field over", () => {
    const created = updateManagedFields(undefined, applyDefaults(config(3)) as KubeObject, {
      manager: "kubectl-client-side-apply",
      time: T1,
      resetFields: [[{ field: "status" }]],
    });
    const r = applyObject(created, config(5), { manager: "kubectl", time: T2 });
    expect(r.status).toMatchObject({
      code: 409,
      reason: "Conflict",
      message:
        'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
      details: {
        causes: [
          {
            reason: "FieldManagerConflict",
            message: 'conflict with "kubectl-client-side-apply" using apps/v1',
            field: ".spec.replicas",
          },
        ],
      },
    });
    const forced = applyObject(created, config(5), { manager: "kubectl", time: T2, force: true });
    expect(forced.object?.spec.replicas).toBe(5);
    const path = [{ field: "spec" }, { field: "replicas" }];
    expect(ownsField(forced.object!, "kubectl", path)).toBe(true);
    expect(ownsField(forced.object!, "kubectl-client-side-apply", path)).toBe(false);
  });

  it("shares fields applied with the same value, without conflict", () => {
    const created = updateManagedFields(undefined, applyDefaults(config(3)) as KubeObject, {
      manager: "kubectl-create",
      time: T1,
    });
    const r = applyObject(created, config(3), { manager: "kubectl", time: T2 });
    expect(r.status).toBeUndefined();
    const path = [{ field: "spec" }, { field: "replicas" }];
    expect(ownsField(r.object!, "kubectl", path) && ownsField(r.object!, "kubectl-create", path)).toBe(true);
  });

  it("lists several conflicts grouped by manager", () => {
    const created = updateManagedFields(undefined, applyDefaults(config(3)) as KubeObject, {
      manager: "kubectl-edit",
      time: T1,
    });
    const changed = config(4);
    changed.spec.template.spec.containers[0].image = "nginx:1.28";
    const r = applyObject(created, changed, { manager: "kubectl", time: T2 });
    expect(r.status?.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-edit" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
    );
  });

  it("removes fields an applier stops applying, unless someone else owns them", () => {
    const first = applyObject(undefined, config(3, { app: "nginx", tier: "web" }), {
      manager: "kubectl",
      time: T1,
    }).object!;
    const second = applyObject(first, config(3, { app: "nginx" }), { manager: "kubectl", time: T2 }).object!;
    expect(second.metadata.labels).toEqual({ app: "nginx" });
    // Another applier co-owns the label: it stays.
    const shared = applyObject(
      first,
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "nginx", labels: { tier: "web" } } },
      {
        manager: "other",
        time: T1,
      },
    ).object!;
    const third = applyObject(shared, config(3, { app: "nginx" }), { manager: "kubectl", time: T2 }).object!;
    expect(third.metadata.labels).toEqual({ app: "nginx", tier: "web" });
  });

  it("merges list items from live and config in structured-merge-diff order", () => {
    const rel = rootRelationForTest("V1PodSpec");
    const live: JsonValue = { containers: [{ name: "a" }, { name: "b", image: "x" }, { name: "c" }] };
    const cfg: JsonValue = { containers: [{ name: "b", image: "y" }, { name: "d" }] };
    expect(mergeValues(live, cfg, rel)).toEqual({
      containers: [{ name: "a" }, { name: "b", image: "y" }, { name: "c" }, { name: "d" }],
    });
  });
});

describe("managedFields of updates", () => {
  it("marks maps, new pointer structs and list items with '.' as a create does", () => {
    const obj = updateManagedFields(undefined, applyDefaults(config(3)) as KubeObject, {
      manager: "kubectl-client-side-apply",
      time: T1,
      resetFields: [[{ field: "status" }]],
    });
    const f = obj.metadata.managedFields![0]!.fieldsV1 as Loose;
    expect(f["f:metadata"]).toEqual({ "f:labels": { ".": {}, "f:app": {} } });
    expect(f["f:spec"]["."]).toBeUndefined();
    expect(f["f:spec"]["f:strategy"]["f:rollingUpdate"]).toEqual({
      ".": {},
      "f:maxSurge": {},
      "f:maxUnavailable": {},
    });
    expect(f["f:spec"]["f:template"]["f:spec"]["f:containers"]["."]).toBeUndefined();
    expect(f["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']["."]).toEqual({});
    expect(f["f:status"]).toBeUndefined();
  });

  it("moves ownership of changed fields to the writer", () => {
    const created = applyObject(undefined, config(3), { manager: "kubectl", time: T1 }).object!;
    const scaled = structuredClone(created);
    scaled.spec.replicas = 10;
    const after = updateManagedFields(created, scaled, {
      manager: "kube-controller-manager",
      time: T2,
      subresource: "scale",
    });
    const path = [{ field: "spec" }, { field: "replicas" }];
    expect(ownsField(after, "kube-controller-manager", path)).toBe(true);
    expect(ownsField(after, "kubectl", path)).toBe(false);
    expect(after.metadata.managedFields!.map((m) => [m.manager, m.operation, m.subresource])).toEqual([
      ["kubectl", "Apply", undefined],
      ["kube-controller-manager", "Update", "scale"],
    ]);
  });

  it("keeps managedFields (and their times) on a no-op write", () => {
    const created = applyObject(undefined, config(3), { manager: "kubectl", time: T1 }).object!;
    const again = applyObject(created, config(3), { manager: "kubectl", time: T2 }).object!;
    expect(again.metadata.managedFields).toBe(created.metadata.managedFields);
    const updated = updateManagedFields(created, structuredClone(created), { manager: "kubectl", time: T2 });
    expect(updated.metadata.managedFields![0]!.time).toBe(T1);
  });

  it("names managers from the User-Agent", () => {
    expect(fieldManagerFromUserAgent("kubectl/v1.32.4 (linux/amd64) kubernetes/abc")).toBe("kubectl");
  });
});

describe("field sets", () => {
  it("print paths as structured-merge-diff does", () => {
    expect(pathString([{ field: "spec" }, { key: { name: "web" } }, { value: "x" }, { index: 2 }])).toBe(
      '.spec[name="web"][="x"][2]',
    );
  });

  it("property: fieldsV1 round-trips", () => {
    const pe = fc.oneof(
      fc.string({ minLength: 1, maxLength: 4 }).map((field) => ({ field })),
      fc.string({ maxLength: 3 }).map((name) => ({ key: { name } })),
      fc.integer({ min: 0, max: 5 }).map((value) => ({ value })),
    );
    fc.assert(
      fc.property(fc.array(fc.array(pe, { minLength: 1, maxLength: 4 }), { maxLength: 8 }), (paths) => {
        const s = emptyFieldSet();
        for (const p of paths) insertPath(s, p);
        const again = fromFieldsV1(JSON.parse(JSON.stringify(toFieldsV1(s))));
        expect(setPaths(again).map(pathString).sort()).toEqual(setPaths(s).map(pathString).sort());
      }),
    );
  });
});
