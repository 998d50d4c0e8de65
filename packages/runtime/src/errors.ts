import type { RuntimeErrorCode } from "./protocol";

/** A runtime failure with a code the API layers translate (tRPC error, Kubernetes `Status`). */
export class RuntimeError extends Error {
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    /** For RATE_LIMITED: seconds until a retry can succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "RuntimeError";
  }
}

/** The Kubernetes `Status` a runtime error is to an API client (apimachinery's reasons and codes). */
export function toKubernetesStatus(error: RuntimeError): { code: number; body: Record<string, unknown> } {
  const status = (code: number, reason: string, details?: Record<string, unknown>) => ({
    code,
    body: {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: error.message,
      reason,
      ...(details ? { details } : {}),
      code,
    },
  });
  switch (error.code) {
    case "RATE_LIMITED":
      // apiserver's max-in-flight answer: 429 TooManyRequests with Retry-After.
      return status(429, "TooManyRequests", { retryAfterSeconds: error.retryAfterSeconds ?? 1 });
    case "QUOTA_EXCEEDED":
      // What admission answers for an exceeded ResourceQuota.
      return status(403, "Forbidden");
    case "NOT_FOUND":
      return status(404, "NotFound");
    case "BAD_INPUT":
      return status(400, "BadRequest");
    case "TIMEOUT":
      // The apiserver's own request timeout (504 Timeout).
      return status(504, "Timeout", { retryAfterSeconds: 1 });
    default:
      return status(503, "ServiceUnavailable", { retryAfterSeconds: 1 });
  }
}
