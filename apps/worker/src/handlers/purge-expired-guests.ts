import type { Database } from "@kubelab/db";
import type { ParsedJobPayload } from "@kubelab/jobs";

/**
 * Deletes sandbox accounts whose expiry passed; their clusters, tokens and
 * share links go with them (foreign keys cascade). Returns how many were removed.
 */
export async function purgeExpiredGuests(
  db: Database,
  payload: ParsedJobPayload<"maintenance.purge-expired-guests">,
  now = new Date(),
): Promise<{ deleted: number }> {
  const expired = await db.user.findMany({
    where: { isGuest: true, guestExpiresAt: { lt: now } },
    select: { id: true },
    take: payload.batchSize,
  });
  if (expired.length === 0) return { deleted: 0 };
  const { count } = await db.user.deleteMany({
    // Re-check the condition: a guest upgraded between the two queries must survive.
    where: { id: { in: expired.map((u) => u.id) }, isGuest: true, guestExpiresAt: { lt: now } },
  });
  return { deleted: count };
}
