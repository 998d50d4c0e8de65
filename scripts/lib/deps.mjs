// Installs dependencies when they are missing or older than the lockfile.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { log } from "./log.mjs";
import { root } from "./paths.mjs";
import { mustRun } from "./run.mjs";

/** Runs `npm ci` on a fresh clone (or after the lockfile changed); otherwise does nothing. */
export async function ensureDependencies() {
  const marker = path.join(root, "node_modules/.package-lock.json");
  const lock = path.join(root, "package-lock.json");
  const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
  if (fresh) return;
  log.step("installing dependencies (npm ci)…");
  await mustRun("npm", ["ci", "--no-audit", "--no-fund"]);
}
