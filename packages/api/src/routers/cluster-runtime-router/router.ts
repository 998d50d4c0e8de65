import type { Database } from "@kubelab/db";
import { createClusterRecord, markClusterDeleted, quotaFor } from "@kubelab/runtime";
import { issueTicket, TICKET_TTL_SECONDS } from "@kubelab/tickets";
import { TRPCError } from "@trpc/server";
import { router } from "../../trpc";
import { runtimeProcedure, translating } from "./context";
import { ZClusterRef, ZCreateClusterInput, ZIssueTicketInput, ZTimeControlInput } from "./schemas";

/** The caller's cluster or NOT_FOUND (another owner's cluster is indistinguishable from none). */
async function ownedCluster(db: Database, ownerId: string, clusterId: string) {
  const row = await db.cluster.findFirst({ where: { id: clusterId, ownerId, deletedAt: null } });
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "no such cluster" });
  return row;
}

/**
 * Hosted clusters' lifecycle and time: create (row, partition and first command, then the owner
 * worker builds it), delete, list with summaries, time control, and websocket tickets.
 */
export const clusterRuntimeRouter = router({
  create: runtimeProcedure.input(ZCreateClusterInput).mutation(({ ctx, input }) =>
    translating(async () => {
      const created = await createClusterRecord(ctx.db, ctx.runtime.pool, {
        ownerId: ctx.user.id,
        name: input.name,
        spec: input.spec,
        partitions: ctx.runtime.partitions,
      });
      const booted = await ctx.runtime.client.boot(created.id);
      return { id: created.id, name: created.name, partition: created.partition, summary: booted.result };
    }),
  ),

  delete: runtimeProcedure.input(ZClusterRef).mutation(({ ctx, input }) =>
    translating(async () => {
      if (!(await markClusterDeleted(ctx.db, ctx.user.id, input.clusterId)))
        throw new TRPCError({ code: "NOT_FOUND", message: "no such cluster" });
      // The row is gone from every list already; the owner worker frees memory and data.
      await ctx.runtime.client.drop(input.clusterId).catch(() => {});
      return { deleted: true };
    }),
  ),

  list: runtimeProcedure.query(async ({ ctx }) => {
    const rows = await ctx.db.cluster.findMany({
      where: { ownerId: ctx.user.id, deletedAt: null },
      orderBy: { lastActivityAt: "desc" },
    });
    const quota = await quotaFor(ctx.runtime.pool, ctx.user.id);
    return {
      quota,
      clusters: rows.map((r) => ({
        id: r.id,
        name: r.name,
        status: r.status,
        speed: r.speed,
        virtualTimeMs: Number(r.virtualTimeMs),
        commands: Number(r.lastSeq),
        summary: r.summary,
        spec: r.spec,
        createdAt: r.createdAt,
        lastActivityAt: r.lastActivityAt,
      })),
    };
  }),

  time: runtimeProcedure.input(ZTimeControlInput).mutation(({ ctx, input }) =>
    translating(async () => {
      await ownedCluster(ctx.db, ctx.user.id, input.clusterId);
      const quota = await quotaFor(ctx.runtime.pool, ctx.user.id);
      const c = input.control;
      const applied = await ctx.runtime.client.sendAs<{ now: number; speed?: number }>(
        ctx.user.id,
        quota.requestsPerSecond,
        input.clusterId,
        c.action === "advance"
          ? { type: "time", action: "advance", ms: c.ms }
          : c.action === "speed"
            ? { type: "time", action: "speed", speed: c.speed }
            : { type: "time", action: c.action },
      );
      return { now: applied.result.now, speed: applied.result.speed ?? null, seq: applied.seq };
    }),
  ),

  issueTicket: runtimeProcedure.input(ZIssueTicketInput).mutation(async ({ ctx, input }) => {
    await ownedCluster(ctx.db, ctx.user.id, input.clusterId);
    const ticket = issueTicket(
      { clusterId: input.clusterId, scope: input.scope, subject: ctx.user.id },
      ctx.runtime.ticketSecret,
    );
    return { ticket, expiresInSeconds: TICKET_TTL_SECONDS };
  }),
});
