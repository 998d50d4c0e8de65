import { describe, expect, test } from "vitest";
import { executeJsonPath, JsonPathError, parseJsonPath } from "./jsonpath";

const list = {
  kind: "List",
  items: [
    {
      metadata: { name: "a", labels: { "app.kubernetes.io/name": "x" } },
      status: { conditions: [{ type: "Ready", status: "True" }], phase: "Running" },
    },
    {
      metadata: { name: "b" },
      status: { conditions: [{ type: "Ready", status: "False" }], phase: "Pending" },
      spec: { replicas: 3 },
    },
  ],
};
const run = (t: string, data: unknown = list, allowMissingKeys = true) =>
  executeJsonPath(parseJsonPath(t), data, { allowMissingKeys });

describe("kubectl JSONPath", () => {
  test("wildcards, indices, negative slices", () => {
    expect(run("{.items[*].metadata.name}")).toBe("a b");
    expect(run("{.items[0].metadata.name}")).toBe("a");
    expect(run("{.items[-1:].metadata.name}")).toBe("b");
  });
  test("range blocks with literals", () => {
    expect(run('{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}')).toBe(
      "a\tRunning\nb\tPending\n",
    );
  });
  test("filters compare values; existence filters", () => {
    expect(run('{.items[?(@.status.phase=="Pending")].metadata.name}')).toBe("b");
    expect(run("{.items[?(@.spec.replicas>2)].metadata.name}")).toBe("b");
    expect(run("{.items[?(@.spec)].metadata.name}")).toBe("b");
    expect(run('{.items[*].status.conditions[?(@.type=="Ready")].status}')).toBe("True False");
  });
  test("escaped dots in keys, maps as JSON, text around actions", () => {
    expect(run("{.items[0].metadata.labels.app\\.kubernetes\\.io/name}")).toBe("x");
    expect(run("{.items[0].metadata.labels}")).toBe('{"app.kubernetes.io/name":"x"}');
    expect(run("name={.items[1].metadata.name}!")).toBe("name=b!");
  });
  test("recursive descent", () => {
    expect(run("{..phase}")).toBe("Running Pending");
  });
  test("missing keys are empty by default and errors otherwise", () => {
    expect(run("{.items[0].nope}")).toBe("");
    expect(() => run("{.items[0].nope}", list, false)).toThrow(JsonPathError);
  });
});
