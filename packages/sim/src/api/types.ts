/**
 * The Kubernetes object model as the simulation stores and serves it: plain JSON data,
 * shaped like `k8s.io/apimachinery/pkg/apis/meta/v1` (types.go). Typed kinds
 * (Pod, Deployment, ...) come from the `kubernetes-types` package; this file holds the
 * metadata every object shares and the `Status` the apiserver answers errors with.
 */
import type {
  FieldsV1,
  LabelSelector,
  LabelSelectorRequirement,
  ManagedFieldsEntry,
  ObjectMeta,
  OwnerReference,
} from "kubernetes-types/meta/v1";

export type {
  FieldsV1,
  LabelSelector,
  LabelSelectorRequirement,
  ManagedFieldsEntry,
  ObjectMeta,
  OwnerReference,
};

/** Any JSON value an object may hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object (the unstructured form of every API object and of its parts). */
export type JsonObject = { [key: string]: JsonValue };

/**
 * An API object: `apiVersion`, `kind`, `metadata`, and any other fields (spec, status, data...).
 * `metadata` is the real `ObjectMeta` shape.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // biome-ignore lint/suspicious/noExplicitAny: objects are unstructured JSON; typed views come from kubernetes-types
  [field: string]: any;
}

/** `metav1.ListMeta`: the metadata of a list response. */
export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  selfLink?: string;
}

/** A list response (`PodList`, `DeploymentList`...). */
export interface KubeList<T extends KubeObject = KubeObject> {
  apiVersion: string;
  kind: string;
  metadata: ListMeta;
  items: T[];
}

/** `metav1.StatusReason` values (apimachinery `pkg/apis/meta/v1/types.go`). "" is `StatusReasonUnknown`. */
export type StatusReason =
  | ""
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Invalid"
  | "ServerTimeout"
  | "StoreReadError"
  | "Timeout"
  | "TooManyRequests"
  | "BadRequest"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "RequestEntityTooLarge"
  | "UnsupportedMediaType"
  | "InternalError"
  | "Expired"
  | "ServiceUnavailable";

/** `metav1.CauseType` values: the field error types plus the apiserver's own causes. */
export type CauseType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "InternalError"
  | "FieldValueTypeInvalid"
  | "UnexpectedServerResponse"
  | "FieldManagerConflict"
  | "ResourceVersionTooLarge";

/** `metav1.StatusCause`: one reason behind a failure (a field error, an apply conflict...). */
export interface StatusCause {
  reason?: CauseType | string;
  message?: string;
  field?: string;
}

/** `metav1.StatusDetails`: what the failure was about. `kind` holds the resource or kind name. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** `metav1.Status`: the body of every error response (and of a successful delete of a collection). */
export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: ListMeta;
  status: "Success" | "Failure";
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

/** A group and a version, e.g. `{ group: "apps", version: "v1" }`; the core group is "". */
export interface GroupVersion {
  group: string;
  version: string;
}

/** A group, version and kind, e.g. apps/v1 Deployment. */
export interface GroupVersionKind extends GroupVersion {
  kind: string;
}

/** A group, version and resource (plural), e.g. apps/v1 deployments. */
export interface GroupVersionResource extends GroupVersion {
  resource: string;
}

/** A group and resource, e.g. `deployments.apps`: how errors name what they are about. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** A group and kind, e.g. `Deployment.apps`: how `Invalid` errors name the object type. */
export interface GroupKind {
  group: string;
  kind: string;
}

/** Splits an `apiVersion` ("apps/v1", "v1") into group and version. */
export function parseApiVersion(apiVersion: string): GroupVersion {
  const slash = apiVersion.indexOf("/");
  if (slash < 0) return { group: "", version: apiVersion };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Joins a group and version into an `apiVersion` ("v1" for the core group). */
export function formatApiVersion(gv: GroupVersion): string {
  return gv.group === "" ? gv.version : `${gv.group}/${gv.version}`;
}

/** `schema.GroupResource.String()`: "pods", "deployments.apps". */
export function formatGroupResource(gr: GroupResource): string {
  return gr.group === "" ? gr.resource : `${gr.resource}.${gr.group}`;
}

/** `schema.GroupKind.String()`: "Pod", "Deployment.apps". */
export function formatGroupKind(gk: GroupKind): string {
  return gk.group === "" ? gk.kind : `${gk.kind}.${gk.group}`;
}
