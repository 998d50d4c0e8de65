import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkFieldSelector,
  FieldSelectorError,
  fieldsMatch,
  formatFieldSelector,
  parseFieldSelector,
} from "./field-selector";
import {
  describeLabelSelector,
  formatLabelSelector,
  LabelSelectorError,
  labelSelectorFromObject,
  labelsMatch,
  parseLabelSelector,
} from "./label-selector";

describe("label selector strings", () => {
  it("parses equality- and set-based requirements, sorted by key", () => {
    const s = parseLabelSelector("tier in (frontend, backend),app=web,!legacy,env!=prod,release,version>2");
    expect(formatLabelSelector(s)).toBe(
      "app=web,env!=prod,!legacy,release,tier in (backend,frontend),version>2",
    );
    expect(labelsMatch(s, { app: "web", tier: "frontend", env: "dev", release: "1", version: "3" })).toBe(
      true,
    );
    expect(labelsMatch(s, { app: "web", tier: "frontend", env: "prod", release: "1", version: "3" })).toBe(
      false,
    );
    expect(labelsMatch(s, { app: "web", tier: "frontend", release: "1", version: "3", legacy: "" })).toBe(
      false,
    );
    expect(labelsMatch(s, { app: "web", tier: "frontend", release: "1", version: "x" })).toBe(false);
    expect(labelsMatch(parseLabelSelector(""), {})).toBe(true);
    expect(labelsMatch(parseLabelSelector("a in (x),a notin (y)"), { a: "x" })).toBe(true);
    expect(labelsMatch(parseLabelSelector("a=="), { a: "" })).toBe(true);
  });

  it("reports parse errors with the apimachinery texts", () => {
    const err = (s: string) => {
      try {
        parseLabelSelector(s);
      } catch (e) {
        expect(e).toBeInstanceOf(LabelSelectorError);
        return (e as Error).message;
      }
      throw new Error(`no error for ${s}`);
    };
    expect(err("a=b,")).toBe("found '', expected: identifier after ','");
    expect(err("a b")).toBe("unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
    expect(err("a=b c")).toBe("found 'c', expected: ',' or 'end of string'");
    expect(err("a in b")).toBe("unable to parse requirement: found 'b' expected: '('");
    expect(err("a=(b)")).toBe("unable to parse requirement: found '(', expected: identifier");
    expect(err("x in (a b)")).toBe("unable to parse requirement: found 'b', expected: ',' or ')'");
    expect(err("=a")).toBe("found '=', expected: !, identifier, or 'end of string'");
    expect(err("a/b/c=d")).toMatch(
      /^unable to parse requirement: <nil>: Invalid value: "a\/b\/c": a qualified name must consist/,
    );
    expect(err("app=-web")).toMatch(
      /^unable to parse requirement: values\[0\]\[app\]: Invalid value: "-web": a valid label must be/,
    );
    expect(err("a>x")).toBe(
      "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer",
    );
  });

  it("property: printing and re-parsing gives the same selector", () => {
    const key = fc.stringMatching(/^[a-z]([a-z0-9.-]{0,10}[a-z0-9])?$/);
    const value = fc.stringMatching(/^[a-zA-Z0-9]([a-zA-Z0-9_.-]{0,8}[a-zA-Z0-9])?$/);
    const req = fc.oneof(
      fc.tuple(key, value).map(([k, v]) => `${k}=${v}`),
      fc.tuple(key, value).map(([k, v]) => `${k}!=${v}`),
      fc
        .tuple(key, fc.array(value, { minLength: 1, maxLength: 3 }))
        .map(([k, vs]) => `${k} in (${vs.join(",")})`),
      fc
        .tuple(key, fc.array(value, { minLength: 1, maxLength: 3 }))
        .map(([k, vs]) => `${k} notin (${vs.join(",")})`),
      key,
      key.map((k) => `!${k}`),
    );
    fc.assert(
      fc.property(fc.array(req, { maxLength: 5 }), fc.dictionary(key, value), (reqs, labels) => {
        const parsed = parseLabelSelector(reqs.join(","));
        const again = parseLabelSelector(formatLabelSelector(parsed));
        expect(again).toEqual(parsed);
        expect(labelsMatch(again, labels)).toBe(labelsMatch(parsed, labels));
      }),
    );
  });
});

describe("LabelSelector objects", () => {
  it("converts matchLabels and matchExpressions", () => {
    const s = labelSelectorFromObject({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["a", "b"] },
        { key: "canary", operator: "DoesNotExist" },
      ],
    });
    expect(formatLabelSelector(s)).toBe("app=web,!canary,tier in (a,b)");
    expect(labelsMatch(s, { app: "web", tier: "b" })).toBe(true);
    expect(labelsMatch(s, { app: "web", tier: "b", canary: "1" })).toBe(false);
  });

  it("nil selects nothing, empty selects everything", () => {
    expect(labelsMatch(labelSelectorFromObject(undefined), {})).toBe(false);
    expect(labelsMatch(labelSelectorFromObject({}), { any: "thing" })).toBe(true);
    expect(describeLabelSelector({})).toBe("<none>");
  });

  it("rejects unknown operators", () => {
    expect(() => labelSelectorFromObject({ matchExpressions: [{ key: "a", operator: "Equals" }] })).toThrow(
      '"Equals" is not a valid label selector operator',
    );
    expect(() =>
      labelSelectorFromObject({ matchExpressions: [{ key: "a", operator: "In", values: [] }] }),
    ).toThrow("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
  });
});

describe("field selectors", () => {
  const pod = {
    metadata: { name: "web-1", namespace: "default" },
    spec: { nodeName: "node-1" },
    status: { phase: "Running", podIPs: [{ ip: "10.244.1.5" }] },
  };

  it("parses and matches", () => {
    const reqs = checkFieldSelector(
      parseFieldSelector("spec.nodeName=node-1,status.phase!=Failed"),
      "",
      "Pod",
    );
    expect(fieldsMatch(reqs, pod)).toBe(true);
    expect(fieldsMatch(parseFieldSelector("status.podIP=10.244.1.5"), pod)).toBe(true);
    expect(fieldsMatch(parseFieldSelector("spec.hostNetwork=false"), pod)).toBe(true);
    expect(fieldsMatch(parseFieldSelector("metadata.name==web-2"), pod)).toBe(false);
    expect(checkFieldSelector(parseFieldSelector("spec.host=n"), "", "Pod")[0]?.field).toBe("spec.nodeName");
  });

  it("matches Event involvedObject fields", () => {
    const ev = { involvedObject: { kind: "Pod", name: "web-1" }, reason: "Scheduled", type: "Normal" };
    const reqs = checkFieldSelector(
      parseFieldSelector("involvedObject.kind=Pod,involvedObject.name=web-1"),
      "",
      "Event",
    );
    expect(fieldsMatch(reqs, ev)).toBe(true);
  });

  it("rejects unsupported labels and bad syntax with the real texts", () => {
    expect(() => checkFieldSelector(parseFieldSelector("spec.replicas=3"), "apps", "Deployment")).toThrow(
      new FieldSelectorError("field label not supported: spec.replicas"),
    );
    expect(() => parseFieldSelector("foo")).toThrow("invalid selector: 'foo'; can't understand 'foo'");
  });

  it("escapes values", () => {
    const reqs = parseFieldSelector("metadata.name=a\\,b");
    expect(reqs[0]?.value).toBe("a,b");
    expect(formatFieldSelector(reqs)).toBe("metadata.name=a\\,b");
  });
});

describe("selector parsers on arbitrary input", () => {
  it("property: parsers only ever throw their own errors", () => {
    const text = fc.string({
      unit: fc.constantFrom(
        "a",
        "b",
        "=",
        "!",
        ",",
        "(",
        ")",
        " ",
        "in",
        "notin",
        "/",
        ".",
        "-",
        "<",
        ">",
        "1",
        "\\",
      ),
      maxLength: 25,
    });
    fc.assert(
      fc.property(text, (s) => {
        try {
          const r = parseLabelSelector(s);
          // Whatever parses prints back to something that parses the same way.
          expect(parseLabelSelector(formatLabelSelector(r))).toEqual(r);
        } catch (e) {
          expect(e).toBeInstanceOf(LabelSelectorError);
        }
        try {
          parseFieldSelector(s);
        } catch (e) {
          expect(e).toBeInstanceOf(FieldSelectorError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
