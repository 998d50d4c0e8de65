import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseGraph, stringifyGraph } from "./graph-json";

describe("graph JSON", () => {
  it("round-trips any JSON value like JSON does", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(parseGraph(stringifyGraph(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
    );
  });

  it("writes a shared object once and restores the sharing", () => {
    const value = { spec: { replicas: 3 }, big: "x".repeat(1000) };
    const list = [1, 2, 3];
    const state = { a: { v: value, l: list }, b: [value, value], c: { l: list } };
    const text = stringifyGraph(state);
    expect(text.split("xxxxxxxxxx").length).toBeLessThan(JSON.stringify(state).split("xxxxxxxxxx").length);
    const back = parseGraph(text) as typeof state;
    expect(back).toEqual(state);
    expect(back.b[0]).toBe(back.a.v);
    expect(back.b[1]).toBe(back.a.v);
    expect(back.c.l).toBe(back.a.l);
    // Key order (what for-in iterates, hence determinism) survives.
    expect(Object.keys(back.a)).toEqual(["v", "l"]);
  });

  it("is stable: writing a restored graph gives the same text", () => {
    const shared = { x: 1 };
    const state = { p: { 2: shared, 1: "one", k: shared }, q: [shared, { y: [shared] }] };
    const text = stringifyGraph(state);
    expect(stringifyGraph(parseGraph(text))).toBe(text);
  });
});
