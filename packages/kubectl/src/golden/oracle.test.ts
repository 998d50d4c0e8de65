/**
 * Golden tests against real kubectl: every case in testdata/oracle/cases.txt was run through the
 * real kubectl v1.32 (scripts/gen-oracle-goldens.mjs); the terminal's kubectl must print the same
 * bytes on stdout and stderr and exit with the same code. These commands need no server.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
// @ts-expect-error plain ESM helper shared with the generator script
import { splitCase } from "../../scripts/oracle-cases.mjs";
import { noServerTransport } from "../testing/no-server";
import { kubectl } from "../testing/run";

const dir = new URL("../../testdata/oracle/", import.meta.url);
const cases = splitCase(readFileSync(new URL("cases.txt", dir), "utf8")) as {
  name: string;
  args: string[];
}[];

function expected(name: string): { code: number; stdout: string; stderr: string } {
  const text = readFileSync(new URL(`${name}.out`, dir), "utf8");
  const code = Number(/^# exit (\d+)$/m.exec(text)![1]);
  const out = text.indexOf("--- stdout\n");
  const err = text.lastIndexOf("--- stderr\n");
  return { code, stdout: text.slice(out + 11, err), stderr: text.slice(err + 11) };
}

describe("kubectl output matches real kubectl 1.32", () => {
  test.each(cases.map((c) => [c.name, c.args] as const))("%s", async (name, args) => {
    const want = expected(name);
    const got = await kubectl(noServerTransport, [...args]);
    expect({ stdout: got.stdout, stderr: got.stderr, code: got.code }).toEqual(want);
  });
});
