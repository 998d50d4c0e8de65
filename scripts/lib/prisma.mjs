// Runs the Prisma CLI offline. Prisma 6 checks for native engine files even when
// the JavaScript engine is used; pointing the variables at an existing file
// satisfies the check without a download (see STACK-NOTES).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { root } from "./paths.mjs";

export { root };
export const schemaPath = path.join(root, "prisma/schema.prisma");

/** Runs `prisma <args>` from the repository root; returns { status, stdout, stderr }. */
export function runPrisma(args, { env = {}, capture = true } = {}) {
  const bin = path.join(root, "node_modules/.bin/prisma");
  const result = spawnSync(bin, args, {
    cwd: root,
    encoding: "utf8",
    stdio: capture ? "pipe" : "inherit",
    env: {
      ...process.env,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: "1",
      PRISMA_QUERY_ENGINE_LIBRARY: schemaPath,
      PRISMA_SCHEMA_ENGINE_BINARY: schemaPath,
      ...env,
    },
  });
  return { status: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}
