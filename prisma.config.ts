import { defineConfig } from "prisma/config";

// Prisma's native engines cannot be downloaded in every environment, so the CLI
// runs on its JavaScript engine through the pg driver adapter; generate and
// `migrate diff` need nothing else. Migrations are applied by scripts/migrate.mjs.
export default defineConfig({
  engine: "js",
  experimental: { adapter: true },
  schema: "prisma/schema.prisma",
  adapter: async () => {
    const { PrismaPg } = await import("@prisma/adapter-pg");
    // A short idle timeout lets the CLI exit as soon as it is done.
    return new PrismaPg({
      connectionString: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
      idleTimeoutMillis: 50,
    });
  },
});
