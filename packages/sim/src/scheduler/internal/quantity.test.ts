import { describe, expect, it } from "vitest";
import { quantityMilliValue, quantityValue } from "./quantity";

describe("quantity", () => {
  it("reads CPU in millicores", () => {
    expect(quantityMilliValue("100m")).toBe(100);
    expect(quantityMilliValue("1")).toBe(1000);
    expect(quantityMilliValue("2.5")).toBe(2500);
    expect(quantityMilliValue("0.1")).toBe(100);
    expect(quantityMilliValue(4)).toBe(4000);
  });

  it("reads binary and decimal suffixes and exponents", () => {
    expect(quantityValue("512Mi")).toBe(512 * 1024 * 1024);
    expect(quantityValue("1.5Gi")).toBe(1610612736);
    expect(quantityValue("1G")).toBe(1_000_000_000);
    expect(quantityValue("129e6")).toBe(129_000_000);
    expect(quantityValue("110")).toBe(110);
    expect(quantityValue("1k")).toBe(1000);
  });

  it("rounds up like apimachinery (Value and MilliValue use ceiling)", () => {
    expect(quantityValue("100m")).toBe(1);
    expect(quantityValue("1500m")).toBe(2);
    expect(quantityMilliValue("1u")).toBe(1);
    expect(quantityValue("-1500m")).toBe(-1);
  });

  it("rejects malformed quantities", () => {
    expect(() => quantityValue("abc")).toThrow(/quantities must match/);
    expect(() => quantityValue("")).toThrow();
  });
});
