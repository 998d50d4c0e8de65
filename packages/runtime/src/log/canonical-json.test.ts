import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json";

describe("canonicalJson", () => {
  it("orders keys as jsonb does: by length, then bytewise", () => {
    const v = canonicalJson({
      metadata: { name: "a" },
      kind: "ConfigMap",
      data: { b: 1, a: 2, é: 3, z: 4 },
      apiVersion: "v1",
    });
    expect(JSON.stringify(v)).toBe(
      '{"data":{"a":2,"b":1,"z":4,"é":3},"kind":"ConfigMap","metadata":{"name":"a"},"apiVersion":"v1"}',
    );
  });

  it("drops undefined members and normalises -0, like a round trip through jsonb", () => {
    expect(JSON.stringify(canonicalJson({ a: undefined, b: [undefined, -0] }))).toBe('{"b":[null,0]}');
  });
});
