import { eventually, RuntimeTestbed } from "@kubelab/runtime/testing";
import { verifyTicket } from "@kubelab/tickets";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "../../context";
import { createCallerFactory, router } from "../../trpc";
import type { ClusterRuntimeServices } from "./context";
import { clusterRuntimeRouter } from "./router";

const bed = new RuntimeTestbed("api", process.env, 2);
const secret = "k".repeat(40);
let services: ClusterRuntimeServices;
const createCaller = createCallerFactory(router({ clusters: clusterRuntimeRouter }));

beforeAll(async () => {
  await bed.worker();
  services = { client: await bed.client(), pool: bed.pool, ticketSecret: secret, partitions: bed.partitions };
});
afterAll(() => bed.cleanup());

const session = (id: string): SessionUser => ({ id, name: null, email: null, isGuest: true, role: "USER" });
const as = (userId: string) =>
  createCaller({ db: bed.db, user: session(userId), requestId: "t", runtime: services } as never);
const codeOf = (e: unknown) => (e instanceof TRPCError ? e.code : String(e));

describe("clusters router", () => {
  it("creates a cluster that is ready, lists it with its summary, and deletes it", async () => {
    const me = await bed.user();
    const created = await as(me).clusters.create({ name: "lab", spec: {} });
    expect(created.summary).toMatchObject({ healthy: true, etcdLeader: "etcd-0" });
    // The first snapshot (written just after the reply) marks it RUNNING.
    const clusters = await eventually(
      async () => {
        const listed = (await as(me).clusters.list()).clusters;
        return listed[0]?.status === "RUNNING" ? listed : undefined;
      },
      10_000,
      "RUNNING",
    );
    expect(clusters).toHaveLength(1);
    expect(clusters[0]).toMatchObject({ id: created.id, name: "lab", status: "RUNNING", commands: 1 });
    expect(clusters[0]?.summary).toMatchObject({ healthy: true });
    // The first command of its log is its creation.
    const first = await bed.db.clusterCommand.findFirst({ where: { clusterId: created.id, seq: 1n } });
    expect(first?.kind).toBe("CREATE");

    await expect(as(me).clusters.delete({ clusterId: created.id })).resolves.toEqual({ deleted: true });
    expect((await as(me).clusters.list()).clusters).toHaveLength(0);
    expect(await bed.db.cluster.findUnique({ where: { id: created.id } })).toBeNull();
  });

  it("refuses what quotas do not allow, with typed errors", async () => {
    const me = await bed.user();
    await bed.db.accountQuota.create({ data: { userId: me, maxClusters: 1, maxNodesPerCluster: 3 } });
    await as(me).clusters.create({ name: "one", spec: {} });
    const second = await as(me)
      .clusters.create({ name: "two", spec: {} })
      .catch((e) => e);
    expect(codeOf(second)).toBe("FORBIDDEN");
    expect((second as Error).message).toContain("at most 1 clusters");
    const big = await as(await bed.user())
      .clusters.create({ name: "big", spec: { workerNodes: 50 } })
      .catch((e) => e);
    expect(codeOf(big)).toBe("FORBIDDEN");
    const bad = await as(me)
      .clusters.create({ name: "bad", spec: { controlPlane: { replicas: 0 } } })
      .catch((e) => e);
    expect(codeOf(bad)).toBe("BAD_REQUEST");
    expect((bad as Error).message).toContain("controlPlane.replicas");
  });

  it("controls time, within the account's rate limit", async () => {
    const me = await bed.user();
    const { id } = await as(me).clusters.create({ name: "clock", spec: {} });
    const paused = await as(me).clusters.time({ clusterId: id, control: { action: "pause" } });
    expect(paused.speed).toBe(0);
    const advanced = await as(me).clusters.time({
      clusterId: id,
      control: { action: "advance", ms: 10_000 },
    });
    expect(advanced.now).toBe(paused.now + 10_000);
    await bed.db.accountQuota.create({ data: { userId: me, requestsPerSecond: 1 } });
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        as(me)
          .clusters.time({ clusterId: id, control: { action: "step" } })
          .catch((e) => e),
      ),
    );
    expect(results.filter((r) => codeOf(r) === "TOO_MANY_REQUESTS").length).toBeGreaterThanOrEqual(3);
  });

  it("issues websocket tickets for the caller's own clusters only", async () => {
    const me = await bed.user();
    const stranger = await bed.user("stranger");
    const { id } = await as(me).clusters.create({ name: "watched", spec: {} });
    const { ticket } = await as(me).clusters.issueTicket({ clusterId: id });
    expect(verifyTicket(ticket, secret)).toMatchObject({
      ok: true,
      claims: { clusterId: id, subject: me, scope: "view" },
    });
    const refused = await as(stranger)
      .clusters.issueTicket({ clusterId: id })
      .catch((e) => e);
    expect(codeOf(refused)).toBe("NOT_FOUND");
    expect(
      codeOf(
        await as(stranger)
          .clusters.delete({ clusterId: id })
          .catch((e) => e),
      ),
    ).toBe("NOT_FOUND");
  });
});
