import { describe, expect, it } from "vitest";
import { prepareCreate, prepareUpdate, resetFieldsFor } from "./write-pipeline";

const body = () => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default" },
  spec: {
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx" }] },
    },
  },
});

describe("write pipeline", () => {
  it("decodes, defaults and validates a create without touching the body", () => {
    const b = body();
    const r = prepareCreate(b);
    expect(r.status).toBeUndefined();
    expect(r.object?.spec.replicas).toBe(1);
    expect(r.object?.spec.template.spec.containers[0].imagePullPolicy).toBe("Always");
    expect((b.spec as Record<string, unknown>).replicas).toBeUndefined();
  });

  it("defaults a private copy even when decoding pruned part of the body", () => {
    const b = { ...body(), metadata: { name: "web", namespace: "default", creationTimestamp: null } };
    const r = prepareCreate(b);
    expect(r.object?.spec.template.spec.containers[0].imagePullPolicy).toBe("Always");
    expect((b.spec.template.spec.containers[0] as Record<string, unknown>).imagePullPolicy).toBeUndefined();
    expect((b.spec.template.spec as Record<string, unknown>).restartPolicy).toBeUndefined();
  });

  it("answers 400 for decode errors and 422 for invalid objects", () => {
    const bad = body() as ReturnType<typeof body> & { spec: Record<string, unknown> };
    bad.spec.replicas = "two";
    expect(prepareCreate(bad).status?.code).toBe(400);
    const neg = body() as ReturnType<typeof body> & { spec: Record<string, unknown> };
    neg.spec.replicas = -1;
    expect(prepareCreate(neg).status).toMatchObject({ code: 422, reason: "Invalid" });
    const unknown = { ...body(), spec: { ...body().spec, replica: 3 } };
    expect(prepareCreate(unknown, { fieldValidation: "Strict" }).status?.code).toBe(400);
    expect(prepareCreate(unknown).warnings).toEqual(['unknown field "spec.replica"']);
  });

  it("validates updates against the old object", () => {
    const old = prepareCreate(body()).object!;
    const changed = structuredClone(old);
    changed.spec.selector = { matchLabels: { app: "other" } };
    changed.spec.template.metadata.labels = { app: "other" };
    expect(prepareUpdate(changed, old).status?.message).toMatch(
      /spec\.selector: Invalid value: .*field is immutable$/,
    );
  });

  it("knows which fields endpoints reset", () => {
    expect(resetFieldsFor("Deployment")).toEqual([[{ field: "status" }]]);
    expect(resetFieldsFor("ConfigMap")).toEqual([]);
    expect(resetFieldsFor("Pod", "status")).toEqual([[{ field: "spec" }], [{ field: "metadata" }]]);
  });
});
