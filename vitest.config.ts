import { defineConfig } from "vitest/config";

// Two layers: unit tests (`*.test.ts`, no I/O) and integration tests
// (`*.int.test.ts`, against the real PostgreSQL and Redis that `npm test` provides).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          // Whole-cluster simulations take seconds on a busy 2-core machine; a timeout is a
          // hang detector here, never a speed assertion.
          testTimeout: 30_000,
          include: ["{apps,packages,scripts,bench}/**/*.test.{ts,mjs}"],
          exclude: ["**/*.int.test.*", "**/node_modules/**", "**/e2e/**", "**/.next/**", "**/dist/**"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["{apps,packages,scripts,infra,prisma}/**/*.int.test.{ts,mjs}"],
          exclude: ["**/node_modules/**", "**/.next/**", "**/dist/**"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
