import { describe, expect, test } from "vitest";
import { createThreeWayPatch } from "./three-way-patch";

describe("three-way patch (kubectl apply)", () => {
  const original = {
    spec: {
      replicas: 2,
      template: {
        spec: {
          containers: [
            { name: "a", image: "a:1" },
            { name: "b", image: "b:1" },
          ],
        },
      },
    },
    metadata: { labels: { x: "1" } },
  };
  const current = {
    spec: {
      replicas: 5,
      template: {
        spec: {
          containers: [
            { name: "a", image: "a:1", imagePullPolicy: "IfNotPresent" },
            { name: "b", image: "b:1" },
          ],
        },
      },
    },
    metadata: { labels: { x: "1", added: "by-controller" } },
  };

  test("unchanged configuration: no patch even when the live object has more fields", () => {
    expect(
      createThreeWayPatch(original, original, { ...current, spec: { ...current.spec, replicas: 2 } }, true),
    ).toEqual({});
  });

  test("changed fields are set, removed fields deleted, merge lists patched by key", () => {
    const modified = {
      spec: { replicas: 2, template: { spec: { containers: [{ name: "a", image: "a:2" }] } } },
      metadata: {},
    };
    expect(createThreeWayPatch(original, modified, current, true)).toEqual({
      metadata: { labels: null },
      spec: {
        replicas: 2,
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "a" }],
            containers: [
              { name: "a", image: "a:2" },
              { name: "b", $patch: "delete" },
            ],
          },
        },
      },
    });
  });

  test("custom resources get a merge patch (lists replaced)", () => {
    const o = { spec: { items: [1, 2] } };
    expect(createThreeWayPatch(o, { spec: { items: [1] } }, o, false)).toEqual({ spec: { items: [1] } });
  });
});
