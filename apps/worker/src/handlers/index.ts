import type { Database } from "@kubelab/db";
import { type JobName, parseJobPayload } from "@kubelab/jobs";
import { purgeExpiredGuests } from "./purge-expired-guests";

/** What a handler may use. */
export interface HandlerContext {
  db: Database;
}

type Handler = (ctx: HandlerContext, payload: unknown) => Promise<unknown>;

/** One handler per job of the catalog; the type makes a missing one a compile error. */
export const handlers: Record<JobName, Handler> = {
  "maintenance.purge-expired-guests": (ctx, payload) =>
    purgeExpiredGuests(ctx.db, parseJobPayload("maintenance.purge-expired-guests", payload)),
};
