import type { RuntimeClient } from "@kubelab/runtime";
import { RuntimeError } from "@kubelab/runtime";
import { TRPCError } from "@trpc/server";
import type pg from "pg";
import type { Context } from "../../context";
import { protectedProcedure } from "../../trpc";

/** What the cluster runtime procedures need from the host app (add as `ctx.runtime`). */
export interface ClusterRuntimeServices {
  client: RuntimeClient;
  /** Raw queries (quotas) on the same database. */
  pool: pg.Pool;
  /** Signs websocket tickets; shared with the gateway. */
  ticketSecret: string;
  /** Number of partitions (must equal the workers'). */
  partitions: number;
}

/** A signed-in caller with the runtime services; INTERNAL_SERVER_ERROR when the host did not provide them. */
export const runtimeProcedure = protectedProcedure.use(({ ctx, next }) => {
  const runtime = (ctx as Context & { runtime?: ClusterRuntimeServices }).runtime;
  if (!runtime)
    throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "the cluster runtime is not configured" });
  return next({ ctx: { ...ctx, runtime } });
});

/** The tRPC error a runtime failure is, with a message a person can act on. */
export function toTRPCError(error: unknown): unknown {
  if (!(error instanceof RuntimeError)) return error;
  const code = (
    {
      NOT_FOUND: "NOT_FOUND",
      BAD_INPUT: "BAD_REQUEST",
      QUOTA_EXCEEDED: "FORBIDDEN",
      RATE_LIMITED: "TOO_MANY_REQUESTS",
      TIMEOUT: "TIMEOUT",
      UNAVAILABLE: "SERVICE_UNAVAILABLE",
    } as const
  )[error.code];
  return new TRPCError({ code, message: error.message, cause: error });
}

/** Runs `fn`, turning runtime failures into typed tRPC errors. */
export async function translating<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toTRPCError(error);
  }
}
