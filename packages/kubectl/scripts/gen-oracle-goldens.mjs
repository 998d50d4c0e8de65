#!/usr/bin/env node
// Runs every case of testdata/oracle/cases.txt through the real kubectl on the PATH and stores
// what it printed (stdout, stderr, exit code) as testdata/oracle/<case>.out. The golden test
// compares the terminal's kubectl with these files; they are never written from our own output.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { splitCase } from "./oracle-cases.mjs";

const dir = new URL("../testdata/oracle/", import.meta.url);
const version = execFileSync("kubectl", ["version", "--client"], { encoding: "utf8" }).split("\n")[0];
for (const { name, args } of splitCase(readFileSync(new URL("cases.txt", dir), "utf8"))) {
  const r = spawnSync("kubectl", args, {
    encoding: "utf8",
    // biome-ignore lint/style/noProcessEnv: the oracle needs the caller's PATH to find kubectl
    env: { ...process.env, KUBECONFIG: "/dev/null" },
  });
  writeFileSync(
    new URL(`${name}.out`, dir),
    `# ${version}\n# exit ${r.status}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`,
  );
}
