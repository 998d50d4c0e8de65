import { createDatabase } from "@kubelab/db";
import { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import type { SessionUser } from "../../context";
import { createCaller } from "../../root";

const db = createDatabase(process.env.DATABASE_URL ?? "");
afterAll(() => db.$disconnect());

const asUser = (user: SessionUser | null) => createCaller({ db, user, requestId: "test" });
const sessionOf = (u: { id: string; name: string | null }): SessionUser => ({
  id: u.id,
  name: u.name,
  email: null,
  isGuest: true,
  role: "USER",
});

describe("cluster.list", () => {
  it("returns only the caller's own clusters", async () => {
    const alice = await db.user.create({ data: { name: "alice", isGuest: true } });
    const bob = await db.user.create({ data: { name: "bob", isGuest: true } });
    await db.cluster.create({ data: { ownerId: alice.id, name: "lab", spec: {}, seed: 1, partition: 3 } });
    await db.cluster.create({ data: { ownerId: bob.id, name: "lab", spec: {}, seed: 2, partition: 5 } });
    await db.cluster.create({
      data: { ownerId: bob.id, name: "gone", spec: {}, seed: 3, partition: 5, deletedAt: new Date() },
    });

    const mine = await asUser(sessionOf(alice)).cluster.list();
    expect(mine.map((c) => c.name)).toEqual(["lab"]);
    const bobs = await asUser(sessionOf(bob)).cluster.list();
    expect(bobs).toHaveLength(1);
    expect(bobs[0]?.virtualTimeMs).toBe(0);
  });

  it("refuses a caller without a session with UNAUTHORIZED", async () => {
    const error = await asUser(null)
      .cluster.list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("UNAUTHORIZED");
  });
});
