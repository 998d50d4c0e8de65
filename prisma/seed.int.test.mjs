import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { builtInLabs } from "./seed/labs.mjs";
import { seed } from "./seed.mjs";

const url = process.env.DATABASE_URL;
const client = new pg.Client({ connectionString: url });
await client.connect();
afterAll(() => client.end());

describe("seed", () => {
  it("writes every built-in lab once, however often it runs", async () => {
    await seed(url);
    await seed(url);
    const { rows } = await client.query(
      `select slug, title, checks from "Lab" where slug = any($1) order by slug`,
      [builtInLabs.map((l) => l.slug)],
    );
    expect(rows.map((r) => r.slug)).toEqual(builtInLabs.map((l) => l.slug).sort());
    for (const row of rows) {
      expect(row.title.en, row.slug).toBeTruthy();
      expect(row.title.ko, row.slug).toBeTruthy();
      expect(row.checks.length, row.slug).toBeGreaterThan(0);
    }
  });

  it("gives every check a resource and an expectation", () => {
    for (const lab of builtInLabs) {
      for (const check of lab.checks) {
        expect(check.resource.apiVersion, `${lab.slug}/${check.id}`).toBeTruthy();
        expect(check.resource.kind, `${lab.slug}/${check.id}`).toBeTruthy();
        expect(check.expect.path ?? check.expect.count, `${lab.slug}/${check.id}`).toBeDefined();
      }
    }
  });
});
