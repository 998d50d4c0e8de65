import { describe, expect, it } from "vitest";
import { GENERATED_NAME_ALPHABET, generateNameFrom } from "./names-generate";

describe("generateName", () => {
  it("appends five characters of the alphabet and cuts long bases to 58", () => {
    let i = 0;
    const seq = () => i++ % GENERATED_NAME_ALPHABET.length;
    expect(generateNameFrom("web-7d4b9c8f6-", seq)).toBe("web-7d4b9c8f6-bcdfg");
    const long = generateNameFrom("x".repeat(70), () => 26);
    expect(long).toBe(`${"x".repeat(58)}99999`);
    expect(long).toHaveLength(63);
  });
});
