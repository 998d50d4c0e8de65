import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/**
 * A websocket ticket: a short-lived capability, issued by the web app (tRPC)
 * to a signed-in user for one cluster and scope, and checked by the gateway.
 * Format: base64url(JSON claims) + "." + base64url(HMAC-SHA256(claims)).
 */
export const ZTicketClaims = z.object({
  /** The cluster whose events the holder may receive. */
  clusterId: z.string().min(1),
  /** What the holder may do: watch only, or also send terminal input. */
  scope: z.enum(["view", "operate"]),
  /** The user (or share link) it was issued to. */
  subject: z.string().min(1),
  /** Expiry, seconds since the Unix epoch. */
  exp: z.number().int(),
});
export type TicketClaims = z.infer<typeof ZTicketClaims>;

/** Why a ticket was refused. */
export type TicketError = "malformed" | "bad-signature" | "expired";

/** Default lifetime: long enough to open a socket, short enough that a leaked ticket is useless. */
export const TICKET_TTL_SECONDS = 60;

function sign(body: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(body).digest();
}

/** Issues a ticket valid for `ttlSeconds` from `now`. */
export function issueTicket(
  claims: Omit<TicketClaims, "exp">,
  secret: string,
  { ttlSeconds = TICKET_TTL_SECONDS, now = Date.now() } = {},
): string {
  const full: TicketClaims = { ...claims, exp: Math.floor(now / 1000) + ttlSeconds };
  const body = Buffer.from(JSON.stringify(full)).toString("base64url");
  return `${body}.${sign(body, secret).toString("base64url")}`;
}

/** Checks signature and expiry; returns the claims or the reason for refusal. */
export function verifyTicket(
  ticket: string,
  secret: string,
  now = Date.now(),
): { ok: true; claims: TicketClaims } | { ok: false; error: TicketError } {
  const [body, signature, extra] = ticket.split(".");
  if (!body || !signature || extra !== undefined) return { ok: false, error: "malformed" };
  const expected = sign(body, secret);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, error: "bad-signature" };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return { ok: false, error: "malformed" };
  }
  const claims = ZTicketClaims.safeParse(parsed);
  if (!claims.success) return { ok: false, error: "malformed" };
  if (claims.data.exp * 1000 <= now) return { ok: false, error: "expired" };
  return { ok: true, claims: claims.data };
}
