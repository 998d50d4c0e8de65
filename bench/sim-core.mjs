// Runs bench/sim-core.ts: bundles it with esbuild (installed at the root) into a temporary file
// and imports it. Usage: node bench/sim-core.mjs
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const dir = mkdtempSync(join(tmpdir(), "sim-core-bench-"));
const outfile = join(dir, "sim-core.mjs");
try {
  await build({
    entryPoints: [new URL("./sim-core.ts", import.meta.url).pathname],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    // Bundled CommonJS dependencies (ajv) call require().
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: "error",
  });
  await import(pathToFileURL(outfile).href);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
