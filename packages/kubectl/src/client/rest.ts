/**
 * A small REST client over the transport: JSON bodies, `Status` errors turned into `ApiError`,
 * `Warning` headers collected (kubectl prints them as `Warning: …` on stderr).
 */
import type { HttpMethod, HttpRequest, HttpResponse, KubeTransport } from "../transport";
import { ApiError, statusFromResponse } from "./errors";

/** The Accept header `kubectl get` sends to get server-side Tables (cli-runtime `TransformRequests`). */
export const TABLE_ACCEPT =
  "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

/** JSON over the transport. */
export class RestClient {
  /** Warnings the server sent (RFC 7234 `299 - "text"` values, unquoted). */
  readonly warnings: string[] = [];

  constructor(readonly transport: KubeTransport) {}

  /** Send a request; throws ApiError for non-2xx responses. */
  async do(req: HttpRequest): Promise<HttpResponse> {
    const res = await this.transport.request(req);
    this.collectWarnings(res);
    if (res.status < 200 || res.status > 299) throw new ApiError(statusFromResponse(res.status, res.body));
    return res;
  }

  collectWarnings(res: { headers: Record<string, string> }): void {
    const w = res.headers.warning;
    if (!w) return;
    for (const line of w.split("\n")) {
      const m = /^\d{3} \S+ "((?:[^"\\]|\\.)*)"/.exec(line);
      this.warnings.push(m ? m[1]!.replace(/\\(.)/g, "$1") : line);
    }
  }

  /** GET a JSON document. */
  async getJson(
    path: string,
    query: Record<string, string> = {},
    accept = "application/json",
  ): Promise<unknown> {
    const res = await this.do({ method: "GET", path, query, headers: { accept } });
    return JSON.parse(res.body);
  }

  /** Send a JSON body (or a patch with its content type) and parse the answer. */
  async send(
    method: HttpMethod,
    path: string,
    body: unknown,
    opts: { query?: Record<string, string>; contentType?: string } = {},
  ): Promise<unknown> {
    const res = await this.do({
      method,
      path,
      query: opts.query ?? {},
      headers: { accept: "application/json", "content-type": opts.contentType ?? "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    return res.body ? JSON.parse(res.body) : {};
  }
}
