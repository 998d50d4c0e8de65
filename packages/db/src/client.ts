import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";

export type Database = InstanceType<typeof PrismaClient>;

/**
 * A Prisma client on the `pg` driver adapter (Prisma's JavaScript engine; no
 * native query engine is needed). One per process.
 */
export function createDatabase(url: string, options: { max?: number } = {}): Database {
  const adapter = new PrismaPg({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
  });
  return new PrismaClient({ adapter });
}
