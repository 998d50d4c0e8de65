import { describe, expect, it } from "vitest";
import { issueTicket, verifyTicket } from "./index";

const secret = "s".repeat(32);
const claims = { clusterId: "c1", scope: "view" as const, subject: "u1" };

describe("websocket tickets", () => {
  it("round-trips claims within their lifetime", () => {
    const now = 1_700_000_000_000;
    const result = verifyTicket(issueTicket(claims, secret, { now }), secret, now + 59_000);
    expect(result).toEqual({ ok: true, claims: { ...claims, exp: 1_700_000_060 } });
  });

  it("refuses an expired ticket", () => {
    const now = 1_700_000_000_000;
    expect(verifyTicket(issueTicket(claims, secret, { now }), secret, now + 60_000)).toEqual({
      ok: false,
      error: "expired",
    });
  });

  it("refuses a forged or altered ticket", () => {
    const ticket = issueTicket(claims, secret);
    expect(verifyTicket(ticket, "another-secret-of-enough-length!")).toMatchObject({
      error: "bad-signature",
    });
    const [body, sig] = ticket.split(".");
    const forgedBody = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body ?? "", "base64url").toString()), clusterId: "c2" }),
    ).toString("base64url");
    expect(verifyTicket(`${forgedBody}.${sig}`, secret)).toMatchObject({ error: "bad-signature" });
    expect(verifyTicket("garbage", secret)).toMatchObject({ error: "malformed" });
    expect(verifyTicket("a.b.c", secret)).toMatchObject({ error: "malformed" });
  });
});
