#!/usr/bin/env node
// Generates the Prisma client into packages/db/src/generated (offline).
import { runPrisma } from "./lib/prisma.mjs";

const { status, stdout, stderr } = runPrisma(["generate"]);
if (status !== 0) {
  process.stderr.write(stdout + stderr);
  process.exit(status);
}
