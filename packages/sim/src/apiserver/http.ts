/**
 * The HTTP surface of the simulated kube-apiserver: requests and responses as messages that
 * mirror real HTTP requests (method, path, query, body, user) and responses (status code, body:
 * the object, a list, or a `Status` on errors, exactly as a real server answers).
 */
import type { Message } from "../core/component";

/** The HTTP methods the apiserver serves. A watch is a GET with `?watch=true`. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Who is asking (what authentication established). */
export interface UserInfo {
  username: string;
  groups?: string[];
  uid?: string;
}

/** The cluster-admin identity kubeadm's admin.conf uses (client cert O=kubeadm:cluster-admins in 1.29+). */
export const ADMIN_USER: UserInfo = {
  username: "kubernetes-admin",
  groups: ["kubeadm:cluster-admins", "system:authenticated"],
};

/** The git commit of the v1.32.0 release, as user agents abbreviate it (`kubernetes/70d3cc9`). */
const RELEASE = "v1.32.0 (linux/amd64) kubernetes/70d3cc9";

/**
 * The User-Agent the well-known components send (client-go `DefaultKubernetesUserAgent`:
 * `<binary>/<version> (<os>/<arch>) kubernetes/<commit>`), by the identity they authenticate as;
 * a client that sets none gets Go's `Go-http-client/1.1`. Used when a request carries no
 * `userAgent`, so that managedFields name the component as in a real cluster.
 */
export function defaultUserAgent(user: UserInfo): string {
  const name = user.username;
  if (name === "system:kube-scheduler") return `kube-scheduler/${RELEASE}`;
  // The controllers' own service accounts (--use-service-account-credentials) are named *-controller.
  const sa = name.startsWith("system:serviceaccount:kube-system:") ? name.slice(34) : "";
  if (
    name === "system:kube-controller-manager" ||
    sa.endsWith("-controller") ||
    sa === "generic-garbage-collector"
  )
    return `kube-controller-manager/${RELEASE}`;
  if (name.startsWith("system:node:")) return `kubelet/${RELEASE}`;
  if (name === "system:kube-proxy") return `kube-proxy/${RELEASE}`;
  if (name === ADMIN_USER.username) return `kubectl/${RELEASE}`;
  return "Go-http-client/1.1";
}

/** An HTTP request. `verb` is the method (it is what the trace shows). */
export interface ApiRequest extends Message {
  verb: HttpMethod;
  /** Correlation id, unique per requesting component. */
  requestId: number;
  /** The component that made the request; responses go back to it (through the load balancer). */
  origin: string;
  /** E.g. `/api/v1/namespaces/default/pods` or `/apis/apps/v1/namespaces/default/deployments/web`. */
  path: string;
  /** Query parameters (`labelSelector`, `fieldSelector`, `limit`, `continue`, `resourceVersion`, `watch`, …). */
  query?: Record<string, string>;
  /** The request body (an object for POST/PUT, a patch for PATCH, DeleteOptions for DELETE). */
  body?: unknown;
  /** `Content-Type` (PATCH: `application/merge-patch+json`, `application/json-patch+json`, `application/strategic-merge-patch+json`, `application/apply-patch+yaml`). */
  contentType?: string;
  user: UserInfo;
  /** `User-Agent`: its first segment is the default field manager (`kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9`). */
  userAgent?: string;
}

/** An HTTP response. `code` 0 means no HTTP response at all (the connection failed: `error`). */
export interface ApiResponse extends Message {
  verb: "RESPONSE";
  requestId: number;
  code: number;
  body?: unknown;
  /** Set when no server answered (connection refused / reset), with the text a Go client prints. */
  error?: string;
  /** `Warning` response headers (`299 - "unknown field \"spec.foo\""` in HTTP; the texts here). */
  warnings?: string[];
}

/** One watch event (`metav1.WatchEvent`). */
export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: unknown;
}

/** Watch events pushed on an open watch (one HTTP chunk; may carry several events). */
export interface WatchEventMessage extends Message {
  verb: "WATCH-EVENT";
  requestId: number;
  events: WatchEvent[];
}

/** The end of a watch stream (timeout, server shutdown, connection lost). */
export interface WatchClosed extends Message {
  verb: "WATCH-CLOSED";
  requestId: number;
  reason?: string;
}

/** A client closing one of its watches. */
export interface WatchCancel extends Message {
  verb: "WATCH-CANCEL";
  requestId: number;
  origin: string;
}

/** True when the request is a watch (`GET …?watch=true` or `watch=1`). */
export function isWatchRequest(req: ApiRequest): boolean {
  const w = req.query?.watch;
  return req.verb === "GET" && (w === "true" || w === "1");
}
