import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JsonValue } from "../types";
import { applyMergePatch, createMergePatch } from "./json-merge-patch";
import { applyJsonPatch, checkJsonPatchBody, JsonPatchError } from "./json-patch";
import {
  applyStrategicMergePatch,
  applyStrategicMergePatchToObject,
  StrategicMergePatchError,
  strategicMergePatchErrorStatus,
} from "./strategic-merge-patch";

// biome-ignore lint/suspicious/noExplicitAny: tests poke into unstructured objects
type Loose = any;

// JSON documents without nulls (null means "delete" in merge patches).
const jsonLeaf = fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean());
const jsonDoc = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, jsonLeaf, fc.array(tie("value"), { maxLength: 3 }), tie("object")),
  object: fc.dictionary(
    fc.string({ minLength: 1, maxLength: 4 }).filter((k) => !k.startsWith("$") && k !== "__proto__"),
    tie("value"),
    {
      maxKeys: 4,
    },
  ),
})).object as fc.Arbitrary<Record<string, JsonValue>>;

describe("JSON merge patch (RFC 7386)", () => {
  it("merges maps, deletes with null, replaces arrays", () => {
    expect(
      applyMergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { b: { c: null, x: 1 }, e: [3], f: "new" }),
    ).toEqual({ a: 1, b: { d: 3, x: 1 }, e: [3], f: "new" });
    expect(applyMergePatch({ a: 1 }, [1])).toEqual([1]);
  });

  it("property: applying createMergePatch(a, b) to a gives b", () => {
    fc.assert(
      fc.property(jsonDoc, jsonDoc, (a, b) => {
        expect(applyMergePatch(a, createMergePatch(a, b))).toEqual(b);
      }),
    );
  });

  it("property: an empty patch changes nothing, and patching is idempotent", () => {
    fc.assert(
      fc.property(jsonDoc, jsonDoc, (a, p) => {
        expect(applyMergePatch(a, {})).toEqual(a);
        const once = applyMergePatch(a, p);
        expect(applyMergePatch(once, p)).toEqual(once);
      }),
    );
  });
});

describe("JSON patch (RFC 6902)", () => {
  const doc = { spec: { replicas: 1, containers: [{ name: "a" }, { name: "b" }] }, "a/b": { "c~d": 1 } };

  it("applies add, remove, replace, move, copy and test", () => {
    const out = applyJsonPatch(doc, [
      { op: "test", path: "/spec/replicas", value: 1 },
      { op: "replace", path: "/spec/replicas", value: 3 },
      { op: "add", path: "/spec/containers/1", value: { name: "mid" } },
      { op: "add", path: "/spec/containers/-", value: { name: "end" } },
      { op: "remove", path: "/spec/containers/0" },
      { op: "copy", from: "/spec/replicas", path: "/spec/copied" },
      { op: "move", from: "/a~1b/c~0d", path: "/moved" },
    ]);
    expect(out).toEqual({
      spec: { replicas: 3, containers: [{ name: "mid" }, { name: "b" }, { name: "end" }], copied: 3 },
      "a/b": {},
      moved: 1,
    });
    // The input is untouched.
    expect(doc.spec.replicas).toBe(1);
  });

  it("fails a test op and missing paths with the library's texts", () => {
    expect(() => applyJsonPatch(doc, [{ op: "test", path: "/spec/replicas", value: 2 }])).toThrow(
      new JsonPatchError("testing value /spec/replicas failed: test failed"),
    );
    expect(() => applyJsonPatch(doc, [{ op: "replace", path: "/spec/nope", value: 2 }])).toThrow(
      "replace operation does not apply: doc is missing key: /spec/nope: missing value",
    );
    expect(() => applyJsonPatch(doc, [{ op: "add", path: "/x/y", value: 2 }])).toThrow(
      'add operation does not apply: doc is missing path: "/x/y": missing value',
    );
    expect(() => applyJsonPatch(doc, [{ op: "frob", path: "/x" }])).toThrow("Unexpected kind: frob");
  });

  it("refuses bodies that are not patches and patches that are too long", () => {
    expect(checkJsonPatchBody({ op: "add" })?.code).toBe(400);
    expect(checkJsonPatchBody(Array.from({ length: 10001 }, () => ({ op: "test", path: "" })))?.message).toBe(
      "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001",
    );
    expect(checkJsonPatchBody([])).toBeUndefined();
  });

  it("property: add then remove at a new key restores the document", () => {
    fc.assert(
      fc.property(jsonDoc, fc.string({ minLength: 1, maxLength: 5 }), jsonLeaf, (d, k, v) => {
        fc.pre(!(k in d));
        const ptr = `/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`;
        expect(
          applyJsonPatch(d, [
            { op: "add", path: ptr, value: v },
            { op: "remove", path: ptr },
          ]),
        ).toEqual(d);
      }),
    );
  });
});

describe("strategic merge patch", () => {
  const deploy = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", finalizers: ["a", "b"], labels: { app: "web" } },
    spec: {
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      template: {
        spec: {
          containers: [
            {
              name: "web",
              image: "nginx:1",
              env: [{ name: "A", value: "1" }],
              ports: [{ containerPort: 80, protocol: "TCP" }],
            },
            { name: "side", image: "busybox" },
          ],
          tolerations: [{ key: "a", operator: "Exists" }],
        },
      },
    },
  };

  it("merges containers by name and env by name (kubectl set image, set env)", () => {
    const out = applyStrategicMergePatchToObject(deploy, {
      spec: {
        template: {
          spec: { containers: [{ name: "web", image: "nginx:2", env: [{ name: "B", value: "2" }] }] },
        },
      },
    }) as Loose;
    expect(out.spec.template.spec.containers).toEqual([
      {
        name: "web",
        image: "nginx:2",
        env: [
          { name: "A", value: "1" },
          { name: "B", value: "2" },
        ],
        ports: [{ containerPort: 80, protocol: "TCP" }],
      },
      { name: "side", image: "busybox" },
    ]);
  });

  it("replaces atomic lists and deletes with $patch and null", () => {
    const out = applyStrategicMergePatchToObject(deploy, {
      metadata: { labels: { app: null, tier: "fe" } },
      spec: {
        template: {
          spec: {
            containers: [{ name: "side", $patch: "delete" }],
            tolerations: [{ key: "b", operator: "Exists" }],
          },
        },
      },
    }) as Loose;
    expect(out.metadata.labels).toEqual({ tier: "fe" });
    expect(out.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(["web"]);
    expect(out.spec.template.spec.tolerations).toEqual([{ key: "b", operator: "Exists" }]);
  });

  it("honours $retainKeys on the Deployment strategy (switching to Recreate)", () => {
    const out = applyStrategicMergePatchToObject(deploy, {
      spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } },
    }) as Loose;
    expect(out.spec.strategy).toEqual({ type: "Recreate" });
    expect(() =>
      applyStrategicMergePatchToObject(deploy, {
        spec: { strategy: { $retainKeys: ["type"], rollingUpdate: {} } },
      }),
    ).toThrow("patch content doesn't match retainKeys list");
  });

  it("handles primitive merge lists, $deleteFromPrimitiveList and {$patch: replace}", () => {
    const out = applyStrategicMergePatchToObject(deploy, {
      metadata: { finalizers: ["c", "a"], "$deleteFromPrimitiveList/finalizers": ["b"] },
    }) as Loose;
    expect(out.metadata.finalizers).toEqual(["a", "c"]);
    const replaced = applyStrategicMergePatchToObject(deploy, {
      spec: { template: { spec: { containers: [{ $patch: "replace" }, { name: "only", image: "x" }] } } },
    }) as Loose;
    expect(replaced.spec.template.spec.containers).toEqual([{ name: "only", image: "x" }]);
  });

  it("orders merged lists by $setElementOrder", () => {
    const out = applyStrategicMergePatchToObject(deploy, {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "side" }, { name: "new" }, { name: "web" }],
            containers: [{ name: "new", image: "n" }],
          },
        },
      },
    }) as Loose;
    expect(out.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual([
      "side",
      "new",
      "web",
    ]);
  });

  it("interleaves server-only items as mergeSortedSlice does", () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      spec: { containers: [{ name: "a" }, { name: "b" }, { name: "c" }] },
    };
    const out = applyStrategicMergePatchToObject(pod, {
      spec: { "$setElementOrder/containers": [{ name: "c" }, { name: "a" }] },
    }) as Loose;
    expect(out.spec.containers.map((c: { name: string }) => c.name)).toEqual(["b", "c", "a"]);
  });

  it("reports a missing merge key as the apiserver does", () => {
    try {
      applyStrategicMergePatch(
        deploy,
        { spec: { template: { spec: { containers: [{ image: "x" }] } } } },
        "V1Deployment",
      );
      throw new Error("no error");
    } catch (e) {
      expect(e).toBeInstanceOf(StrategicMergePatchError);
      expect((e as Error).message).toBe("map: map[image:x] does not contain declared merge key: name");
      expect(strategicMergePatchErrorStatus(e as StrategicMergePatchError)).toMatchObject({
        code: 500,
        reason: "",
      });
    }
  });

  it("is undefined for kinds without a Go type (custom resources)", () => {
    expect(
      applyStrategicMergePatchToObject({ apiVersion: "example.com/v1", kind: "Foo" }, {}),
    ).toBeUndefined();
  });

  it("property: without lists, SMP equals JSON merge patch", () => {
    const noLists = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, jsonLeaf, tie("object")),
      object: fc.dictionary(
        fc.string({ minLength: 1, maxLength: 4 }).filter((k) => !k.startsWith("$") && k !== "__proto__"),
        tie("value"),
        { maxKeys: 4 },
      ),
    })).object as fc.Arbitrary<Record<string, JsonValue>>;
    fc.assert(
      fc.property(noLists, noLists, (a, p) => {
        const labelsA = { metadata: { annotations: a } };
        const patch = { metadata: { annotations: p } };
        expect(
          applyStrategicMergePatchToObject({ apiVersion: "v1", kind: "ConfigMap", ...labelsA }, patch),
        ).toEqual(applyMergePatch({ apiVersion: "v1", kind: "ConfigMap", ...labelsA }, patch));
      }),
    );
  });
});
