import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatTimestamp, parseEpoch } from "./time";

describe("time", () => {
  it("parses and formats RFC 3339 timestamps like the real calendar", () => {
    expect(parseEpoch("1970-01-01T00:00:00Z")).toBe(0);
    expect(parseEpoch("2024-02-29T23:59:59Z")).toBe(1709251199000);
    expect(formatTimestamp(1709251199000)).toBe("2024-02-29T23:59:59Z");
    expect(formatTimestamp(1709251199123, true)).toBe("2024-02-29T23:59:59.123000Z");
  });
  it("round-trips any second between 1970 and 2200", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7_258_118_400 }), (s) => {
        expect(parseEpoch(formatTimestamp(s * 1000))).toBe(s * 1000);
      }),
    );
  });
});
