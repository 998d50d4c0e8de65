/**
 * How the kubectl command line reaches a cluster: plain HTTP to the Kubernetes REST API, the way
 * real kubectl does through client-go. The web terminal supplies an implementation over HTTP to the
 * per-cluster API (`<site>/k8s/<clusterId>`); tests supply one over the simulated apiserver.
 */

/** The HTTP methods kubectl uses. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** One HTTP request. `path` has no query string; `query` holds the parameters (unencoded). */
export interface HttpRequest {
  method: HttpMethod;
  path: string;
  query?: Record<string, string>;
  /** `Accept`, `Content-Type` (lower-case names). */
  headers?: Record<string, string>;
  /** The body, already serialised (JSON or YAML text). */
  body?: string;
}

/** One HTTP response; `headers` names are lower-case (`warning` may hold several, joined by `\n`). */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One event of a watch stream (`metav1.WatchEvent`). */
export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: unknown;
}

/** An open watch: its events as they arrive, ending when the server closes it or it is cancelled. */
export interface WatchStream {
  /** The HTTP status of the watch request (200, or an error Status in `errorBody`). */
  status: number;
  errorBody?: string;
  events: AsyncIterable<WatchEvent>;
  cancel(): void;
}

/** A byte stream of a subresource (`pods/log?follow=true`, `pods/exec`). */
export interface StreamResponse {
  status: number;
  /** The error body when `status` is not 2xx. */
  errorBody?: string;
  chunks: AsyncIterable<string>;
  cancel(): void;
}

/** The interactive side of `kubectl exec` (`v5.channel.k8s.io`): stdin in, stdout/stderr out, exit status. */
export interface ExecSession {
  stdout: AsyncIterable<string>;
  stderr: AsyncIterable<string>;
  writeStdin(data: string): void;
  closeStdin(): void;
  /** The `Status` the server sends on the error channel when the command ends (exit code in details.causes). */
  result: Promise<unknown>;
}

/**
 * A connection to a cluster's API. `request` rejects with a `ConnectionError` when no server
 * answers at all (connection refused, timeout).
 */
export interface KubeTransport {
  /** The server URL kubectl would print (`https://…/k8s/<clusterId>`), used in error texts. */
  readonly server: string;
  request(req: HttpRequest): Promise<HttpResponse>;
  /** A `GET …?watch=true` request, streamed. */
  watch(req: HttpRequest): Promise<WatchStream>;
  /** A streamed GET (logs with `follow=true`). Optional: without it logs are read in one request. */
  stream?(req: HttpRequest): Promise<StreamResponse>;
  /** `POST …/pods/<name>/exec?command=…&stdin=…&tty=…` upgraded to a websocket. */
  exec?(req: HttpRequest): Promise<ExecSession>;
}

/** No HTTP response at all; `message` is what client-go's error says (e.g. `dial tcp …: connect: connection refused`). */
export class ConnectionError extends Error {
  constructor(
    message: string,
    readonly refused = false,
  ) {
    super(message);
  }
}
