#!/usr/bin/env node
// Runs a benchmark from bench/ (TypeScript, bundled with esbuild so it can use
// the workspace packages), which prints its figures and updates BENCHMARKS.md.
//   npm run bench               lists them
//   npm run bench -- <name>     runs bench/<name>.ts
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { root } from "./lib/paths.mjs";

const dir = path.join(root, "bench");
const names = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
  .map((f) => f.slice(0, -3));
const [name, ...rest] = process.argv.slice(2);
if (!name) {
  console.log(`benchmarks: ${names.join(", ") || "(none)"}\nrun one with: npm run bench -- <name>`);
  process.exit(0);
}
const entry = path.join(dir, `${name}.ts`);
if (!existsSync(entry)) {
  console.error(`no benchmark named ${name}; there are: ${names.join(", ")}`);
  process.exit(2);
}
const outfile = path.join(mkdtempSync(path.join(tmpdir(), "kubelab-bench-")), `${name}.mjs`);
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
  packages: "bundle",
  // Bundled CommonJS dependencies (ajv) call require().
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  // @kubelab/sim reads the API models of @kubernetes/client-node by a deep import, which an
  // external ESM import cannot resolve: only the package root stays external.
  external: ["pg", "ioredis", "bullmq", "@prisma/*", "pino", "prom-client", "ws"],
  plugins: [
    {
      name: "client-node-root-external",
      setup(b) {
        b.onResolve({ filter: /^@kubernetes\/client-node$/ }, (args) => ({
          path: args.path,
          external: true,
        }));
      },
    },
  ],
});
const result = spawnSync(process.execPath, ["--expose-gc", outfile, ...rest], {
  stdio: "inherit",
  cwd: root,
});
process.exit(result.status ?? 1);
