import "server-only";
import { createDatabase, type Database } from "@kubelab/db";
import { env } from "../env";

// One set of connections per server process (kept on globalThis so that module
// re-evaluation in development does not open new pools).
const shared = globalThis as unknown as { kubelabDb?: Database };

/** The Prisma client of this process. */
export function db(): Database {
  shared.kubelabDb ??= createDatabase(env().DATABASE_URL);
  return shared.kubelabDb;
}
