import { describe, expect, it } from "vitest";
import {
  FieldPath,
  formatBadValue,
  formatFieldError,
  goQuote,
  invalid,
  RenderedValue,
  tooMany,
} from "./field-errors";

describe("field paths", () => {
  it("print children, indexes and keys as Go does", () => {
    const p = FieldPath.root("spec").child("template", "spec", "containers").index(0).child("image");
    expect(p.toString()).toBe("spec.template.spec.containers[0].image");
    expect(FieldPath.root("metadata").child("labels").key("app").toString()).toBe("metadata.labels[app]");
  });
});

describe("bad values", () => {
  it("render like fmt: %v numbers, %q strings, Stringers bare", () => {
    expect(formatBadValue(-1)).toBe("-1");
    expect(formatBadValue(true)).toBe("true");
    expect(formatBadValue('a"b\n')).toBe('"a\\"b\\n"');
    expect(formatBadValue(null)).toBe("null");
    expect(formatBadValue(new RenderedValue("100m"))).toBe("100m");
    expect(formatBadValue(["a", "b"])).toBe('[]string{"a", "b"}');
    expect(goQuote("héllo")).toBe('"héllo"');
  });

  it("formats whole errors", () => {
    expect(formatFieldError(invalid("metadata.name", "Web", "a lowercase RFC 1123 subdomain"))).toBe(
      'metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain',
    );
    expect(formatFieldError(tooMany("spec.x", 5, 3))).toBe("spec.x: Too many: 5: must have at most 3 items");
    expect(formatFieldError(tooMany("spec.x", -1, 3))).toBe("spec.x: Too many: must have at most 3 items");
  });
});
