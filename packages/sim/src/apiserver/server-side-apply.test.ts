/**
 * managedFields on every write and server-side apply (`PATCH` with
 * `application/apply-patch+yaml`), as a client sees them.
 */
import type { ManagedFieldsEntry } from "kubernetes-types/meta/v1";
import { describe, expect, it } from "vitest";
import type { KubeObject, Status } from "../api/types";
import { ControlPlaneHarness } from "./testing";

const APPLY = "application/apply-patch+yaml";
const CM = "/api/v1/namespaces/default/configmaps";
const DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";

function boot(): ControlPlaneHarness {
  const h = new ControlPlaneHarness({ seed: 3 }).boot();
  h.sim.advanceBy(1000);
  return h;
}

function managed(obj: unknown): ManagedFieldsEntry[] {
  return ((obj as KubeObject).metadata.managedFields ?? []) as ManagedFieldsEntry[];
}

const configMapYaml = (a: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  labels:\n    app: web\ndata:\n  a: ${a}\n  b: two\n`;

describe("server-side apply and managedFields", () => {
  it("creates an object from a YAML apply, owned by the applying manager", () => {
    const h = boot();
    const r = h.request("PATCH", `${CM}/cfg`, {
      contentType: APPLY,
      query: { fieldManager: "kubectl" },
      body: configMapYaml("one"),
    });
    expect(r.code).toBe(201);
    const cm = r.body as KubeObject;
    expect(cm.data).toEqual({ a: "one", b: "two" });
    expect(cm.metadata.uid).toBeDefined();
    expect(managed(cm)).toEqual([
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "v1",
        time: "2025-01-01T00:00:03Z",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:data": { "f:a": {}, "f:b": {} }, "f:metadata": { "f:labels": { "f:app": {} } } },
      },
    ]);
  });

  it("re-applies a change, is a no-op when nothing changes, and prunes what is no longer applied", () => {
    const h = boot();
    const first = h.request("PATCH", `${CM}/cfg`, {
      contentType: APPLY,
      query: { fieldManager: "kubectl" },
      body: configMapYaml("one"),
    }).body as KubeObject;
    h.sim.advanceBy(5000);
    const changed = h.request("PATCH", `${CM}/cfg`, {
      contentType: APPLY,
      query: { fieldManager: "kubectl" },
      body: configMapYaml("three"),
    });
    expect(changed.code).toBe(200);
    const c = changed.body as KubeObject;
    expect(c.data).toEqual({ a: "three", b: "two" });
    expect(Number(c.metadata.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    expect(managed(c)[0]!.time).toBe("2025-01-01T00:00:08Z");
    h.sim.advanceBy(5000);
    const same = h.request("PATCH", `${CM}/cfg`, {
      contentType: APPLY,
      query: { fieldManager: "kubectl" },
      body: configMapYaml("three"),
    }).body as KubeObject;
    expect(same.metadata.resourceVersion).toBe(c.metadata.resourceVersion);
    expect(managed(same)[0]!.time).toBe("2025-01-01T00:00:08Z");
    // JSON is YAML: a JSON text works as well. Dropping `b` and the label removes them.
    const pruned = h.request("PATCH", `${CM}/cfg`, {
      contentType: APPLY,
      query: { fieldManager: "kubectl" },
      body: JSON.stringify({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "cfg" },
        data: { a: "three" },
      }),
    }).body as KubeObject;
    expect(pruned.data).toEqual({ a: "three" });
    expect(pruned.metadata.labels).toBeUndefined();
    expect(managed(pruned)[0]!.fieldsV1).toEqual({ "f:data": { "f:a": {} } });
  });

  it("answers a conflict with another manager with the real 409, and force takes the field over", () => {
    const h = boot();
    h.request("PATCH", `${CM}/cfg`, {
      contentType: APPLY,
      query: { fieldManager: "kubectl" },
      body: configMapYaml("one"),
    });
    // `kubectl edit` writes with its own field manager.
    const edited = h.request("PATCH", `${CM}/cfg`, {
      contentType: "application/merge-patch+json",
      query: { fieldManager: "kubectl-edit" },
      body: { data: { a: "edited" } },
    });
    expect(managed(edited.body).map((m) => [m.manager, m.operation, m.fieldsV1])).toEqual([
      ["kubectl", "Apply", { "f:data": { "f:b": {} }, "f:metadata": { "f:labels": { "f:app": {} } } }],
      ["kubectl-edit", "Update", { "f:data": { "f:a": {} } }],
    ]);
    const conflict = h.request("PATCH", `${CM}/cfg`, {
      contentType: APPLY,
      query: { fieldManager: "kubectl" },
      body: configMapYaml("three"),
    });
    expect(conflict.code).toBe(409);
    expect(conflict.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: 'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.a',
      reason: "Conflict",
      details: {
        causes: [
          {
            reason: "FieldManagerConflict",
            message: 'conflict with "kubectl-edit" using v1',
            field: ".data.a",
          },
        ],
      },
      code: 409,
    });
    const unchanged = h.request("GET", `${CM}/cfg`).body as KubeObject;
    expect(unchanged.data?.a).toBe("edited");
    const forced = h.request("PATCH", `${CM}/cfg`, {
      contentType: APPLY,
      query: { fieldManager: "kubectl", force: "true" },
      body: configMapYaml("three"),
    });
    expect(forced.code).toBe(200);
    expect((forced.body as KubeObject).data).toEqual({ a: "three", b: "two" });
    // kubectl-edit owned nothing else: its entry is gone.
    expect(managed(forced.body).map((m) => m.manager)).toEqual(["kubectl"]);
  });

  it("records each writer: creator, scale subresource, status writer; conflicts name the subresource", () => {
    const h = boot();
    const created = h.request("POST", DEPLOYMENTS, {
      query: { fieldManager: "kubectl-client-side-apply" },
      body: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web" },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: "web" } },
          template: {
            metadata: { labels: { app: "web" } },
            spec: { containers: [{ name: "nginx", image: "nginx" }] },
          },
        },
      },
    });
    const entry = managed(created.body)[0]!;
    expect(entry).toMatchObject({
      manager: "kubectl-client-side-apply",
      operation: "Update",
      apiVersion: "apps/v1",
    });
    // The creator owns what it sent and what defaulting added, but never status.
    const spec = (entry.fieldsV1 as Record<string, Record<string, unknown>>)["f:spec"]!;
    expect(Object.keys(spec).sort()).toEqual([
      "f:progressDeadlineSeconds",
      "f:replicas",
      "f:revisionHistoryLimit",
      "f:selector",
      "f:strategy",
      "f:template",
    ]);
    expect(entry.fieldsV1).not.toHaveProperty("f:status");
    // `kubectl scale` (user agent kubectl) and the controller's status write.
    h.request("PATCH", `${DEPLOYMENTS}/web/scale`, {
      contentType: "application/merge-patch+json",
      body: { spec: { replicas: 3 } },
    });
    const d = h.request("GET", `${DEPLOYMENTS}/web`).body as KubeObject;
    h.request("PUT", `${DEPLOYMENTS}/web/status`, {
      body: { ...d, status: { replicas: 3, observedGeneration: 2 } },
      userAgent: "kube-controller-manager/v1.32.0 (linux/amd64) kubernetes/70d3cc9/deployment-controller",
    });
    const now = h.request("GET", `${DEPLOYMENTS}/web`).body as KubeObject;
    // Entries are sorted as the apiserver encodes them: operation, time, then manager.
    expect(managed(now).map((m) => [m.manager, m.operation, m.subresource ?? ""])).toEqual([
      ["kube-controller-manager", "Update", "status"],
      ["kubectl", "Update", "scale"],
      ["kubectl-client-side-apply", "Update", ""],
    ]);
    const [status, scale, creator] = managed(now);
    expect(status!.fieldsV1).toEqual({
      "f:status": { ".": {}, "f:observedGeneration": {}, "f:replicas": {} },
    });
    expect(scale!.fieldsV1).toEqual({ "f:spec": { "f:replicas": {} } });
    // The scale write took spec.replicas from the creator.
    expect(creator!.fieldsV1).not.toHaveProperty(["f:spec", "f:replicas"]);
    const conflict = h.request("PATCH", `${DEPLOYMENTS}/web`, {
      contentType: APPLY,
      query: { fieldManager: "mine" },
      body: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 5 } },
    });
    expect(conflict.code).toBe(409);
    expect((conflict.body as Status).message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    );
  });

  it("rejects what the real apiserver rejects", () => {
    const h = boot();
    const cfg = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" } };
    const noManager = h.request("PATCH", `${CM}/cfg`, { contentType: APPLY, body: cfg });
    expect(noManager.code).toBe(422);
    expect((noManager.body as Status).message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
    const forceOnMerge = h.request("PATCH", `${CM}/cfg`, {
      contentType: "application/merge-patch+json",
      query: { force: "true" },
      body: {},
    });
    expect((forceOnMerge.body as Status).message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
    const unknown = h.request("PATCH", `${CM}/cfg`, {
      contentType: APPLY,
      query: { fieldManager: "kubectl" },
      body: { ...cfg, dta: { a: "1" } },
    });
    expect(unknown.code).toBe(500);
    expect((unknown.body as Status).message).toBe(
      "failed to create typed patch object (default/cfg; /v1, Kind=ConfigMap): .dta: field not declared in schema",
    );
    const version = h.request("PATCH", `${CM}/cfg`, {
      contentType: APPLY,
      query: { fieldManager: "kubectl" },
      body: { ...cfg, apiVersion: "v2" },
    });
    expect((version.body as Status).message).toBe(
      "Incorrect version specified in apply patch. Specified patch version: v2, expected: v1",
    );
    const yaml = h.request("PATCH", `${CM}/cfg`, {
      contentType: APPLY,
      query: { fieldManager: "kubectl" },
      body: "metadata: name: cfg",
    });
    expect(yaml.code).toBe(400);
    expect((yaml.body as Status).message).toBe(
      "error decoding YAML: error converting YAML to JSON: yaml: line 1: mapping values are not allowed in this context",
    );
    const invalid = h.request("PATCH", `${DEPLOYMENTS}/web`, {
      contentType: APPLY,
      query: { fieldManager: "kubectl" },
      body: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: -1 } },
    });
    expect(invalid.code).toBe(422);
    expect(h.request("GET", `${DEPLOYMENTS}/web`).code).toBe(404);
  });

  it("names the field manager after the user agent when none is given", () => {
    const h = boot();
    const byKubectl = h.request("POST", CM, {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { k: "v" } },
    });
    expect(managed(byKubectl.body)[0]!.manager).toBe("kubectl");
    const byHelm = h.request("POST", CM, {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "b" }, data: { k: "v" } },
      userAgent: "helm/v3.16.3 (linux/amd64)",
    });
    expect(managed(byHelm.body)[0]!.manager).toBe("helm");
    const sysNs = h.request("GET", "/api/v1/namespaces/kube-system").body as KubeObject;
    expect(managed(sysNs)[0]).toMatchObject({ manager: "kube-apiserver", operation: "Update" });
  });
});
