// Well-known paths of the repository.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Project-local state: databases started by the scripts, generated secrets. Git-ignored. */
export const dataDir = path.join(root, ".data");
