/**
 * An HTTP GET over a connection the data path opened: the backend program answers as the node
 * side's behaviour model says (`httpResponse`: nginx's welcome page, httpd's "It works!"…) and
 * writes its access-log line, which the caller appends to that container's log.
 */
import { formatLogTime } from "../node/process/log-time";
import { accessLogLine, type HttpAnswer, httpResponse } from "../node/process/programs";
import type { ConnectResult } from "./connect";
import type { NetworkView } from "./view";

/** A log line for a container (an effect the caller applies). */
export interface LogEffect {
  kind: "log";
  namespace: string;
  pod: string;
  container: string;
  stream: "stdout" | "stderr";
  text: string;
  at: number;
}

/** What an HTTP exchange returns. */
export type HttpResult =
  | { kind: "response"; answer: HttpAnswer; log: LogEffect | null }
  | { kind: "empty-reply" };

/** GET `path` on a connected backend. */
export function httpGet(
  view: NetworkView,
  conn: ConnectResult & { kind: "connected" },
  req: { path: string; userAgent: string; at: number },
): HttpResult {
  const program = conn.listener.http;
  const hostname = conn.endpoint.kind === "pod" ? conn.endpoint.pod.hostname : conn.endpoint.node.name;
  const answer = program ? httpResponse(program, req.path, req.at - conn.listener.since, { hostname }) : null;
  // A socket that does not speak HTTP closes the connection: curl's "(52) Empty reply from server".
  if (!answer) return { kind: "empty-reply" };
  const line = accessLogLine(
    program!,
    { clientIP: conn.clientIP, method: "GET", path: req.path, userAgent: req.userAgent },
    answer,
    (fmt) => formatLogTime(fmt, view.epochMs + req.at),
  );
  const log: LogEffect | null =
    line && conn.endpoint.kind === "pod"
      ? {
          kind: "log",
          namespace: conn.endpoint.pod.namespace,
          pod: conn.endpoint.pod.name,
          container: conn.listener.container,
          stream: line.err ? "stderr" : "stdout",
          text: line.text,
          at: req.at,
        }
      : null;
  return { kind: "response", answer, log };
}

/** Split an URL into host, port and path (`http://web:8080/x` → web, 8080, /x). */
export function parseUrl(url: string): { scheme: string; host: string; port: number; path: string } | null {
  const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^/:?#]+)(?::(\d+))?([^#]*)/i.exec(url);
  if (!m) return null;
  const scheme = (m[1] ?? "http").toLowerCase();
  const port = m[3] ? Number(m[3]) : scheme === "https" ? 443 : 80;
  let path = m[4] || "/";
  if (!path.startsWith("/")) path = `/${path}`;
  return { scheme, host: m[2]!, port, path };
}
