import { describe, expect, it } from "vitest";
import { RuntimeError, toKubernetesStatus } from "./errors";

describe("toKubernetesStatus", () => {
  it("answers a rate limit as the apiserver does: 429 TooManyRequests with retryAfterSeconds", () => {
    const s = toKubernetesStatus(new RuntimeError("RATE_LIMITED", "too many requests", 2));
    expect(s).toEqual({
      code: 429,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "too many requests",
        reason: "TooManyRequests",
        details: { retryAfterSeconds: 2 },
        code: 429,
      },
    });
  });

  it("maps timeouts and outages to 504 and 503", () => {
    expect(toKubernetesStatus(new RuntimeError("TIMEOUT", "slow")).code).toBe(504);
    expect(toKubernetesStatus(new RuntimeError("UNAVAILABLE", "down")).body.reason).toBe(
      "ServiceUnavailable",
    );
  });
});
