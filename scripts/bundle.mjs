#!/usr/bin/env node
// Bundles a Node entry point (worker, gateway, web server) into one ESM file.
// Workspace packages (@kubelab/*) are TypeScript sources and get bundled in;
// every other package stays an import from node_modules.
//   node scripts/bundle.mjs src/main.ts dist/main.js   (run from the app's folder)
import { build } from "esbuild";

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error("usage: bundle.mjs <entry.ts> <out.js>");
  process.exit(2);
}

// The simulation's API machinery deep-imports extensionless files of these packages
// (`@kubernetes/client-node/dist/gen/models/all`), which Node's ESM loader cannot resolve:
// they are bundled in, with `require` provided for their CommonJS parts.
const BUNDLED = /^(@kubelab\/|@kubernetes\/client-node|kubernetes-models|@kubernetes-models\/|ajv|yaml$)/;

const externalNodeModules = {
  name: "external-node-modules",
  setup(b) {
    b.onResolve({ filter: /^[^./]|^\.[^./]|^\.\.[^/]/ }, (args) => {
      if (BUNDLED.test(args.path)) return undefined;
      return { path: args.path, external: true };
    });
  },
};

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
  plugins: [externalNodeModules],
});
