import { describe, expect, it } from "vitest";
import { compileLabelSelector, isEmptySelector, selectorFromSet, selectorMatches } from "./label-selector";

describe("label selectors", () => {
  it("nil selects nothing and {} selects everything", () => {
    const nothing = compileLabelSelector(undefined)!;
    const everything = compileLabelSelector({})!;
    expect(selectorMatches(nothing, { a: "b" })).toBe(false);
    expect(selectorMatches(everything, {})).toBe(true);
    expect(isEmptySelector(everything)).toBe(true);
    expect(isEmptySelector(nothing)).toBe(false);
  });

  it("evaluates matchLabels and set-based expressions", () => {
    const s = compileLabelSelector({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["front", "edge"] },
        { key: "canary", operator: "DoesNotExist" },
        { key: "env", operator: "NotIn", values: ["prod"] },
      ],
    })!;
    expect(selectorMatches(s, { app: "web", tier: "edge" })).toBe(true);
    expect(selectorMatches(s, { app: "web", tier: "edge", env: "prod" })).toBe(false);
    expect(selectorMatches(s, { app: "web", tier: "edge", canary: "" })).toBe(false);
    expect(selectorMatches(s, { app: "api", tier: "edge" })).toBe(false);
    expect(selectorMatches(s, { app: "web" })).toBe(false);
  });

  it("rejects invalid selectors", () => {
    expect(compileLabelSelector({ matchExpressions: [{ key: "a", operator: "In" }] })).toBeNull();
    expect(compileLabelSelector({ matchExpressions: [{ key: "a", operator: "Bogus" }] })).toBeNull();
  });

  it("builds selectors from label sets", () => {
    expect(selectorMatches(selectorFromSet({ a: "1" }), { a: "1", b: "2" })).toBe(true);
    expect(selectorMatches(selectorFromSet({ a: "1" }), { a: "2" })).toBe(false);
  });
});
