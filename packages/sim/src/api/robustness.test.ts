/**
 * Bodies a learner (or a fuzzer) can send must end in an object or a Status, never in a crash:
 * random JSON is planted at random places of real manifests and pushed through every step.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyObject, updateManagedFields } from "./apply";
import { applyMergePatch, applyStrategicMergePatchToObject, StrategicMergePatchError } from "./patch";
import { isStatus } from "./status";
import type { JsonValue, KubeObject } from "./types";
import { prepareCreate, prepareUpdate } from "./write-pipeline";

const manifests: JsonValue[] = [
  {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", labels: { app: "web" } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            {
              name: "web",
              image: "nginx",
              ports: [{ containerPort: 80 }],
              resources: { limits: { cpu: "1" } },
            },
          ],
        },
      },
    },
  },
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "default" },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
  },
  {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "tick", namespace: "default" },
    spec: {
      schedule: "*/5 * * * *",
      jobTemplate: {
        spec: {
          template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "c", image: "busybox" }] } },
        },
      },
    },
  },
];

const anyJson = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;

/** Replaces the value at a random path of `doc` (walking `steps` choices) with `value`. */
function plant(doc: JsonValue, steps: number[], value: JsonValue): JsonValue {
  const copy = structuredClone(doc);
  let cur: JsonValue = copy;
  for (const s of steps) {
    if (cur === null || typeof cur !== "object") break;
    const keys = Array.isArray(cur) ? cur.map((_, i) => i) : Object.keys(cur);
    if (keys.length === 0) break;
    const k = keys[s % keys.length]!;
    const next: JsonValue = (cur as Record<string | number, JsonValue>)[k]!;
    if (next === null || typeof next !== "object" || s % 3 === 0) {
      (cur as Record<string | number, JsonValue>)[k] = value;
      return copy;
    }
    cur = next;
  }
  return copy;
}

describe("robustness", () => {
  it("prepareCreate/prepareUpdate/updateManagedFields never throw", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...manifests),
        fc.array(fc.nat(20), { minLength: 1, maxLength: 6 }),
        anyJson,
        (m, steps, value) => {
          const body = plant(m, steps, value);
          const r = prepareCreate(body);
          expect(r.object !== undefined || isStatus(r.status)).toBe(true);
          if (r.object) {
            const stored = updateManagedFields(undefined, r.object, {
              manager: "test",
              time: "2024-01-01T00:00:00Z",
            });
            const u = prepareUpdate(structuredClone(stored), stored);
            expect(u.object !== undefined || isStatus(u.status)).toBe(true);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it("patches and apply fail only with their own errors", () => {
    const base = prepareCreate(manifests[0]).object!;
    fc.assert(
      fc.property(fc.array(fc.nat(20), { minLength: 1, maxLength: 6 }), anyJson, (steps, value) => {
        const patch = plant(
          {
            metadata: { labels: { a: "b" } },
            spec: { replicas: 3, template: { spec: { containers: [{ name: "web", image: "x" }] } } },
          },
          steps,
          value,
        );
        applyMergePatch(base, patch);
        try {
          applyStrategicMergePatchToObject(base, patch);
        } catch (e) {
          expect(e).toBeInstanceOf(StrategicMergePatchError);
        }
        if (patch !== null && typeof patch === "object" && !Array.isArray(patch)) {
          const cfg = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "web" },
            ...patch,
          } as KubeObject;
          const r = applyObject(base, cfg, { manager: "fuzz", time: "2024-01-01T00:00:00Z", force: true });
          expect(r.object !== undefined || isStatus(r.status)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });
});
