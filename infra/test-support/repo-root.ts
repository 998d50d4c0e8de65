import path from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute path of the repository root (the folder holding docker-compose.yml). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
