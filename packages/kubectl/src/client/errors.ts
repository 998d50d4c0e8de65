/**
 * Errors as kubectl prints them: kubectl `pkg/cmd/util/helpers.go` (checkErr,
 * StandardErrorMessage, MultilineError, statusCausesToAggrError) over the `Status` the server sent.
 */

/** A `metav1.Status` failure. */
export interface Status {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { type?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
}

/** An error response of the API server (client-go `StatusError`). */
export class ApiError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? "");
  }
}

/** A client-side error kubectl reports as `error: <message>`. */
export class CommandError extends Error {}

/** An error whose text is printed exactly as given (kubectl's already-formatted messages). */
export class RawError extends Error {}

/**
 * client-go's decoding of a non-2xx response without a Status body (rest `transformResponse` /
 * `newUnstructuredResponseError`): the generic message per code.
 */
export function statusFromResponse(code: number, body: string): Status {
  try {
    const parsed = JSON.parse(body) as Status;
    if (parsed && parsed.kind === "Status") return parsed;
  } catch {
    // not JSON: fall through
  }
  // apimachinery errors.NewGenericServerResponse reasons and messages.
  const generic: Record<number, [string, string]> = {
    400: ["BadRequest", "the server rejected our request for an unknown reason"],
    401: ["Unauthorized", "the server has asked for the client to provide credentials"],
    403: ["Forbidden", "the server does not allow access to the requested resource"],
    404: ["NotFound", "the server could not find the requested resource"],
    405: ["MethodNotAllowed", "the server does not allow this method on the requested resource"],
    406: ["NotAcceptable", "the server was unable to respond with a content type that the client supports"],
    409: ["Conflict", "the server reported a conflict"],
    410: ["Expired", "the server could not find the requested resource"],
    413: ["RequestEntityTooLarge", "the server has received a request that is too large"],
    415: ["UnsupportedMediaType", "the server does not support the media type sent in the request"],
    422: ["Invalid", "the server rejected our request due to an error in our request"],
    429: ["TooManyRequests", "the server has received too many requests and has asked us to try again later"],
    500: ["InternalError", "an error on the server has prevented the request from succeeding"],
    503: ["ServiceUnavailable", "the server is currently unable to handle the request"],
    504: [
      "Timeout",
      "the server was unable to return a response in the time allotted, but may still be processing the request",
    ],
  };
  const [reason, message] = generic[code] ?? [
    "Unknown",
    `an error on the server ("${body.trim()}") has prevented the request from succeeding`,
  ];
  return { kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message };
}

/** statusCausesToAggrError: `field: message` per cause, duplicates dropped. */
function causeMessages(causes: NonNullable<Status["details"]>["causes"]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of causes ?? []) {
    const msg = `${c.field ?? ""}: ${c.message ?? ""}`;
    if (seen.has(msg)) continue;
    seen.add(msg);
    out.push(msg);
  }
  return out;
}

/** The text kubectl prints for an error (with its final newline). */
export function formatError(err: unknown): string {
  if (err instanceof ApiError) {
    const s = err.status;
    if (s.reason === "Invalid") {
      const d = s.details;
      if (!d) return `${s.message ?? ""}\n`;
      let text = "The request is invalid";
      if (d.kind || d.name) text = `The ${d.kind ?? ""} "${d.name ?? ""}" is invalid`;
      else if (d.group) text = `The ${d.group} is invalid`;
      const msgs = causeMessages(d.causes);
      if (msgs.length === 0) return `${text}\n`;
      // MultilineError: one cause on the same line, several as a "* " list under the prefix.
      if (msgs.length === 1) return `${text}: ${msgs[0]}\n`;
      return `${text}: \n${msgs.map((m) => `* ${m}\n`).join("")}`;
    }
    if (s.reason === "Unauthorized")
      return `error: You must be logged in to the server (${s.message ?? ""})\n`;
    if (s.reason) return `Error from server (${s.reason}): ${s.message ?? ""}\n`;
    return `Error from server: ${s.message ?? ""}\n`;
  }
  if (err instanceof RawError) return err.message.endsWith("\n") ? err.message : `${err.message}\n`;
  const msg = err instanceof Error ? err.message : String(err);
  const text = msg.startsWith("error: ") ? msg : `error: ${msg}`;
  return text.endsWith("\n") ? text : `${text}\n`;
}
