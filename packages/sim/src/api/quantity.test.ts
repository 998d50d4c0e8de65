import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addQuantities,
  canonicalizeQuantity,
  formatQuantity,
  milliValue,
  parseQuantity,
  parseQuantityJson,
  QUANTITY_FORMAT_ERROR,
  QUANTITY_SUFFIX_ERROR,
  QuantityError,
  wholeValue,
} from "./quantity";

describe("quantities", () => {
  it("canonicalises as apimachinery does", () => {
    const cases: [string, string][] = [
      ["100m", "100m"],
      ["0.1", "100m"],
      ["1.5", "1500m"],
      ["1500", "1500"],
      ["1000", "1k"],
      ["2e3", "2e3"],
      ["1E3", "1e3"],
      ["1Gi", "1Gi"],
      ["1024Ki", "1Mi"],
      ["1.5Gi", "1536Mi"],
      ["0.5Gi", "512Mi"],
      ["1.5Ki", "1536"],
      ["100Mi", "100Mi"],
      ["0", "0"],
      ["-1", "-1"],
      ["+5", "5"],
      ["0.0000000001", "1n"],
      ["1E", "1E"],
      ["128974848", "128974848"],
      ["129e6", "129e6"],
      ["123Mi", "123Mi"],
      ["5.", "5"],
      [".5", "500m"],
    ];
    for (const [input, want] of cases) expect([input, canonicalizeQuantity(input)]).toEqual([input, want]);
  });

  it("rejects what the apiserver rejects, with its texts", () => {
    expect(() => parseQuantity("")).toThrow(QUANTITY_FORMAT_ERROR);
    expect(() => parseQuantity("1Gb")).toThrow(QUANTITY_FORMAT_ERROR);
    expect(() => parseQuantity("abc")).toThrow(QUANTITY_FORMAT_ERROR);
    expect(() => parseQuantity("1Gii")).toThrow(QUANTITY_SUFFIX_ERROR);
    expect(() => parseQuantity("5MM")).toThrow(QUANTITY_SUFFIX_ERROR);
    expect(() => parseQuantity("1 Gi")).toThrow(QUANTITY_FORMAT_ERROR);
    expect(() => parseQuantity("1e3x")).toThrow(QUANTITY_FORMAT_ERROR);
  });

  it("reads JSON numbers and strings", () => {
    expect(formatQuantity(parseQuantityJson(2))).toBe("2");
    expect(formatQuantity(parseQuantityJson(0.25))).toBe("250m");
    expect(formatQuantity(parseQuantityJson(" 1Gi "))).toBe("1Gi");
  });

  it("gives milli and whole values rounded up", () => {
    expect(milliValue(parseQuantity("1"))).toBe(1000);
    expect(milliValue(parseQuantity("0.0001"))).toBe(1);
    expect(wholeValue(parseQuantity("1500m"))).toBe(2);
    expect(wholeValue(parseQuantity("1Ki"))).toBe(1024);
    expect(formatQuantity(addQuantities(parseQuantity("100m"), parseQuantity("1")))).toBe("1100m");
  });

  const decimalArb = fc
    .tuple(
      fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
      fc.constantFrom("n", "u", "m", "", "k", "M", "G", "T"),
    )
    .map(([n, s]) => `${n}${s}`);
  const binaryArb = fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 6n }), fc.constantFrom("Ki", "Mi", "Gi", "Ti"))
    .map(([n, s]) => `${n}${s}`);
  const fractionArb = fc
    .tuple(fc.nat(10 ** 6), fc.nat(10 ** 6), fc.constantFrom("", "m", "k", "Mi", "Gi", "e3", "e-2"))
    .map(([a, b, s]) => `${a}.${b}${s}`);

  it("round-trips: the canonical form parses to the same value and is stable", () => {
    fc.assert(
      fc.property(fc.oneof(decimalArb, binaryArb, fractionArb), (s) => {
        const q = parseQuantity(s);
        const text = formatQuantity(q);
        const again = parseQuantity(text);
        expect(again.nanos).toBe(q.nanos);
        expect(formatQuantity(again)).toBe(text);
      }),
    );
  });

  it("never loses value below nano precision except by rounding up", () => {
    fc.assert(
      fc.property(fc.nat(10 ** 9), fc.nat(999_999_999), (whole, frac) => {
        const q = parseQuantity(`${whole}.${String(frac).padStart(9, "0")}5`);
        // One more nano than the truncated value: rounded away from zero.
        expect(q.nanos).toBe(BigInt(whole) * 1_000_000_000n + BigInt(frac) + 1n);
      }),
    );
  });
});

describe("quantity parser on arbitrary input", () => {
  it("property: only QuantityError is thrown", () => {
    const text = fc.string({
      unit: fc.constantFrom("1", "0", ".", "-", "+", "e", "E", "k", "Ki", "M", "m", "n", "u", "i", " ", "x"),
      maxLength: 12,
    });
    fc.assert(
      fc.property(text, (s) => {
        try {
          const q = parseQuantity(s);
          expect(parseQuantity(formatQuantity(q)).nanos).toBe(q.nanos);
        } catch (e) {
          expect(e).toBeInstanceOf(QuantityError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
