/**
 * Constructors for every `Status` a real kube-apiserver answers with, with the reason,
 * HTTP code, details and message texts of `k8s.io/apimachinery/pkg/api/errors/errors.go`
 * (kubernetes-1.32.0) and the apiserver handlers that use them (sources per function).
 *
 * Each returns plain data (the response body). `StatusError` wraps one for code that
 * prefers to throw.
 */
import { aggregateFieldErrors, type FieldErrorList, fieldErrorBody, goQuote } from "./field-errors";
import {
  formatGroupKind,
  formatGroupResource,
  type GroupKind,
  type GroupResource,
  type Status,
  type StatusCause,
  type StatusDetails,
  type StatusReason,
} from "./types";

/** The message a stale `resourceVersion` gets (apiserver `registry/generic/registry/store.go` OptimisticLockErrorMsg). */
export const OPTIMISTIC_LOCK_ERROR_MSG =
  "the object has been modified; please apply your changes to the latest version and try again";

/** The default request body limit, 3 MiB (apiserver `server/config.go` MaxRequestBodyBytes = 3 * 1024 * 1024). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;

/** At most this many operations in one JSON patch (apiserver `endpoints/handlers/patch.go` maxJSONPatchOperations). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

function failure(code: number, reason: StatusReason, message: string, details?: StatusDetails): Status {
  const s: Status = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  };
  if (details) s.details = details;
  return s;
}

function resourceDetails(gr: GroupResource, name?: string): StatusDetails {
  const d: StatusDetails = {};
  if (name) d.name = name;
  if (gr.group) d.group = gr.group;
  if (gr.resource) d.kind = gr.resource;
  return d;
}

/** A successful Status (what a `DELETE` of a collection or some subresources return). */
export function newSuccessStatus(details?: StatusDetails): Status {
  const s: Status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 200 };
  if (details) s.details = details;
  return s;
}

/** 404 NotFound: `deployments.apps "web" not found`. */
export function newNotFound(gr: GroupResource, name: string): Status {
  return failure(
    404,
    "NotFound",
    `${formatGroupResource(gr)} ${goQuote(name)} not found`,
    resourceDetails(gr, name),
  );
}

/** 409 AlreadyExists: `pods "x" already exists`. */
export function newAlreadyExists(gr: GroupResource, name: string): Status {
  return failure(
    409,
    "AlreadyExists",
    `${formatGroupResource(gr)} ${goQuote(name)} already exists`,
    resourceDetails(gr, name),
  );
}

/** 409 AlreadyExists after `generateName` produced a taken name (retry after 1 s as the registry does). */
export function newGenerateNameConflict(gr: GroupResource, name: string, retryAfterSeconds = 1): Status {
  return failure(
    409,
    "AlreadyExists",
    `${formatGroupResource(gr)} ${goQuote(name)} already exists, the server was not able to generate a unique name for the object`,
    { ...resourceDetails(gr, name), retryAfterSeconds },
  );
}

/** 409 Conflict: `Operation cannot be fulfilled on deployments.apps "web": <err>`. */
export function newConflict(
  gr: GroupResource,
  name: string,
  err: string = OPTIMISTIC_LOCK_ERROR_MSG,
): Status {
  return failure(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${formatGroupResource(gr)} ${goQuote(name)}: ${err}`,
    resourceDetails(gr, name),
  );
}

/** 409 Conflict from server-side apply (causes of type FieldManagerConflict, see apply conflicts). */
export function newApplyConflict(causes: StatusCause[], message: string): Status {
  return failure(409, "Conflict", message, { causes });
}

/**
 * 422 Invalid with one cause per field error. The message is
 * `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`
 * (several errors: `... is invalid: [a, b]`). kubectl reprints it as `The Deployment "web" is invalid: ...`.
 */
export function newInvalid(gk: GroupKind, name: string, errs: FieldErrorList): Status {
  const causes: StatusCause[] = errs.map((e) => ({
    reason: e.type,
    message: fieldErrorBody(e),
    field: e.field,
  }));
  const details: StatusDetails = {};
  if (name) details.name = name;
  if (gk.group) details.group = gk.group;
  details.kind = gk.kind;
  details.causes = causes;
  const agg = aggregateFieldErrors(errs);
  const head = `${formatGroupKind(gk)} ${goQuote(name)} is invalid`;
  return failure(422, "Invalid", agg === "" ? head : `${head}: ${agg}`, details);
}

/** 400 BadRequest with the given message. */
export function newBadRequest(message: string): Status {
  return failure(400, "BadRequest", message);
}

/** 401 Unauthorized (message defaults to "not authorized"). */
export function newUnauthorized(message = ""): Status {
  return failure(401, "Unauthorized", message === "" ? "not authorized" : message);
}

/**
 * 403 Forbidden: `pods "x" is forbidden: <err>`, `pods is forbidden: <err>` without a name,
 * `forbidden: <err>` without a resource.
 */
export function newForbidden(gr: GroupResource, name: string, err: string): Status {
  let message: string;
  if (gr.group === "" && gr.resource === "") message = `forbidden: ${err}`;
  else if (name === "") message = `${formatGroupResource(gr)} is forbidden: ${err}`;
  else message = `${formatGroupResource(gr)} ${goQuote(name)} is forbidden: ${err}`;
  return failure(403, "Forbidden", message, resourceDetails(gr, name));
}

/** What an authorization decision was about (`authorizer.Attributes`). */
export interface ForbiddenAttributes {
  user: string;
  verb: string;
  /** Absent for non-resource requests (then `path` is used). */
  resource?: string;
  subresource?: string;
  apiGroup?: string;
  namespace?: string;
  name?: string;
  path?: string;
}

/**
 * 403 Forbidden as RBAC denies it (apiserver `endpoints/handlers/responsewriters/errors.go`):
 * `pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"`,
 * `... at the cluster scope`, or `forbidden: User "jane" cannot get path "/metrics"`.
 * A non-empty `reason` is appended after ": ".
 */
export function newForbiddenByRbac(a: ForbiddenAttributes, reason = ""): Status {
  const sanitize = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  let msg: string;
  const q = goQuote;
  if (a.resource === undefined) {
    msg = `User ${q(a.user)} cannot ${a.verb} path ${q(a.path ?? "")}`;
  } else {
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const group = a.apiGroup ?? "";
    msg = a.namespace
      ? `User ${q(a.user)} cannot ${a.verb} resource ${q(resource)} in API group ${q(group)} in the namespace ${q(a.namespace)}`
      : `User ${q(a.user)} cannot ${a.verb} resource ${q(resource)} in API group ${q(group)} at the cluster scope`;
  }
  msg = sanitize(msg);
  const err = reason === "" ? msg : `${msg}: ${reason}`;
  return newForbidden({ group: a.apiGroup ?? "", resource: a.resource ?? "" }, a.name ?? "", err);
}

/** 405 MethodNotAllowed: `<action> is not supported on resources of kind "pods"`. */
export function newMethodNotSupported(gr: GroupResource, action: string): Status {
  return failure(
    405,
    "MethodNotAllowed",
    `${action} is not supported on resources of kind ${goQuote(formatGroupResource(gr))}`,
    resourceDetails(gr),
  );
}

/** 406 NotAcceptable (apiserver `handlers/negotiation/errors.go`). */
export function newNotAcceptable(accepted: readonly string[]): Status {
  return failure(406, "NotAcceptable", `only the following media types are accepted: ${accepted.join(", ")}`);
}

/** 415 UnsupportedMediaType (apiserver `handlers/negotiation/errors.go`), e.g. an unknown patch type. */
export function newUnsupportedMediaType(accepted: readonly string[]): Status {
  return failure(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")}`,
  );
}

/** 413 RequestEntityTooLarge: `Request entity too large: limit is 3145728`. */
export function newRequestEntityTooLarge(message = `limit is ${MAX_REQUEST_BODY_BYTES}`): Status {
  return failure(413, "RequestEntityTooLarge", `Request entity too large: ${message}`);
}

/**
 * 504 Timeout: `Timeout: request did not complete within requested timeout - context deadline exceeded`
 * (apiserver `endpoints/handlers/finisher/finisher.go`).
 */
export function newTimeout(
  message = "request did not complete within requested timeout - context deadline exceeded",
  retryAfterSeconds = 0,
): Status {
  return failure(504, "Timeout", `Timeout: ${message}`, { retryAfterSeconds });
}

/** 500 ServerTimeout: `The <op> operation against <resource> could not be completed at this time, please try again.` */
export function newServerTimeout(gr: GroupResource, operation: string, retryAfterSeconds: number): Status {
  return failure(
    500,
    "ServerTimeout",
    `The ${operation} operation against ${formatGroupResource(gr)} could not be completed at this time, please try again.`,
    { ...resourceDetails(gr, operation), retryAfterSeconds },
  );
}

/**
 * 422 Invalid as `NewGenericServerResponse(422, ...)` builds it: the generic text, the
 * server's own message dropped (what a JSON patch that fails to apply gets).
 */
export function newUnprocessableEntity(_serverMessage = ""): Status {
  return failure(422, "Invalid", "the server rejected our request due to an error in our request", {});
}

/** 503 ServiceUnavailable with the given message. */
export function newServiceUnavailable(message: string): Status {
  return failure(503, "ServiceUnavailable", message);
}

/** 500 InternalError: `Internal error occurred: <err>`, with the error as the single cause. */
export function newInternalError(err: string): Status {
  return failure(500, "InternalError", `Internal error occurred: ${err}`, { causes: [{ message: err }] });
}

/**
 * 500 with an empty reason: how a storage error that is no Status (e.g. `etcdserver: request timed out`)
 * reaches clients (apiserver `responsewriters/status.go` ErrorToAPIStatus); kubectl prints
 * `Error from server: etcdserver: request timed out`.
 */
export function newStorageError(message: string): Status {
  return failure(500, "", message);
}

/** 410 Gone with the given message. */
export function newGone(message: string): Status {
  return failure(410, "Gone", message);
}

/** 410 Expired with the given message (compacted revisions, old continue tokens). */
export function newResourceExpired(message: string): Status {
  return failure(410, "Expired", message);
}

/** 410 Expired for a watch from a compacted revision (apiserver `storage/etcd3/errors.go`). */
export function newWatchExpired(): Status {
  return newResourceExpired("The resourceVersion for the provided watch is too old.");
}

/** 410 Expired for a watch the watch cache no longer covers (apiserver `storage/cacher/watch_cache.go`). */
export function newTooOldResourceVersion(requested: number, oldestAvailable: number): Status {
  return newResourceExpired(`too old resource version: ${requested} (${oldestAvailable - 1})`);
}

/** 410 Expired for a list at a compacted resourceVersion (apiserver `storage/etcd3/errors.go`). */
export function newListExpired(): Status {
  return newResourceExpired("The resourceVersion for the provided list is too old.");
}

/**
 * 410 Expired for a compacted `continue` token. With `newContinue` (a token to go on at the
 * latest revision) the message offers it and `metadata.continue` carries it, as etcd3's
 * handleCompactedErrorForPaging does.
 */
export function newContinueExpired(newContinue?: string): Status {
  if (newContinue === undefined) {
    return newResourceExpired(
      "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
    );
  }
  const s = newResourceExpired(
    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
  );
  s.metadata = { continue: newContinue };
  return s;
}

/** 429 TooManyRequests: `Too many requests: <message>` (the max-in-flight filter's form). */
export function newTooManyRequests(message: string, retryAfterSeconds = 1): Status {
  return failure(429, "TooManyRequests", `Too many requests: ${message}`, { retryAfterSeconds });
}

/** An `Error` carrying a Status, for pure code that prefers to throw and let the handler answer. */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? "unknown error");
    this.name = "StatusError";
  }
}

/** True when the value is a failure Status body. */
export function isStatus(value: unknown): value is Status {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { kind?: unknown }).kind === "Status" &&
    typeof (value as { code?: unknown }).code === "number"
  );
}
