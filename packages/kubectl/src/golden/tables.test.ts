/**
 * Golden tests of printed output (kwok style: `*.input.yaml` objects, `*.output.txt` expected
 * text; `UPDATE_GOLDEN=1` rewrites the outputs). The objects are served by a read-only fixture
 * API; the expected outputs follow the kubectl and kubernetes sources (printers.go, describe.go,
 * tableprinter.go, go-yaml, encoding/json) and were checked by hand — real kubectl cannot print
 * tables of local files, so these are not oracle outputs (see oracle.test.ts for those).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parseManifest } from "../cli/manifests";
import { FixtureTransport, servesKind } from "../testing/fixture-transport";
import { kubectl, splitArgs } from "../testing/run";

const dir = new URL("../../testdata/tables/", import.meta.url);
const objects = parseManifest(
  readFileSync(new URL("cluster.input.yaml", dir), "utf8"),
  "cluster.input.yaml",
).map((m) => m.obj);
const NOW = Date.parse("2025-01-01T01:00:00Z");
const update = process.env.UPDATE_GOLDEN === "1";

const cases = readFileSync(new URL("commands.txt", dir), "utf8")
  .split("\n")
  .filter((l) => l.trim() !== "" && !l.startsWith("#"))
  .map((l) => {
    const idx = l.indexOf(" | ");
    return { name: l.slice(0, idx).trim(), line: l.slice(idx + 3).trim() };
  });

describe("fixtures", () => {
  test("every fixture is a served kind", () => {
    for (const o of objects)
      expect(servesKind(String(o.apiVersion), String(o.kind)), String(o.kind)).toBe(true);
  });
});

describe("printed output matches the golden files", () => {
  test.each(cases.map((c) => [c.name, c.line] as const))("%s", async (name, line) => {
    // Arguments split on spaces, except that an `-o …` / `--sort-by=…` value runs to the end.
    const args = /(-o (?:jsonpath|custom-columns)=)/.test(line)
      ? [...splitArgs(line.slice(0, line.indexOf(" -o "))), "-o", line.slice(line.indexOf(" -o ") + 4)]
      : splitArgs(line);
    const r = await kubectl(new FixtureTransport(objects, NOW), args);
    const text = `$ kubectl ${line}\n# exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
    const file = new URL(`${name}.output.txt`, dir);
    if (update || !existsSync(file)) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, "utf8"));
    // The same command against a server that answers with Tables prints the same bytes.
    const viaTable = await kubectl(new FixtureTransport(objects, NOW, true), args);
    expect(viaTable).toEqual(r);
  });
});
