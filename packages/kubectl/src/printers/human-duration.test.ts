import { describe, expect, it } from "vitest";
import { humanDuration, translateTimestampSince } from "./human-duration";

const s = 1_000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

// Cases from apimachinery's duration_test.go (HumanDuration).
describe("humanDuration", () => {
  it.each([
    [-2 * s, "<invalid>"],
    [-1 * s, "0s"],
    [-1.5 * s, "0s"],
    [0, "0s"],
    [1 * s, "1s"],
    [119 * s, "119s"],
    [2 * m, "2m"],
    [2 * m + 3 * s, "2m3s"],
    [9 * m + 59 * s, "9m59s"],
    [10 * m, "10m"],
    [150 * m, "150m"],
    [3 * h, "3h"],
    [3 * h + 4 * m, "3h4m"],
    [8 * h, "8h"],
    [47 * h + 59 * m, "47h"],
    [48 * h, "2d"],
    [2 * d + 3 * h, "2d3h"],
    [8 * d, "8d"],
    [729 * d, "729d"],
    [730 * d, "2y"],
    [730 * d + 30 * d, "2y30d"],
    [8 * 365 * d, "8y"],
  ])("%d ms → %s", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe("translateTimestampSince", () => {
  it("prints <unknown> for a missing timestamp and an age otherwise", () => {
    const created = "2026-01-01T00:00:00Z";
    expect(translateTimestampSince(undefined, 0)).toBe("<unknown>");
    expect(translateTimestampSince(created, Date.parse(created) + 95 * s)).toBe("95s");
  });
});
