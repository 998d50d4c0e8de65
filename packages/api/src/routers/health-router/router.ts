import { publicProcedure, router } from "../../trpc";

/** Liveness of the API itself (the database is probed by `/readyz`). */
export const healthRouter = router({
  ping: publicProcedure.query(({ ctx }) => ({ ok: true as const, requestId: ctx.requestId })),
});
