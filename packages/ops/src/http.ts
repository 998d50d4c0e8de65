import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "./logger";
import type { Metrics } from "./metrics";
import { checkReadiness, type ReadinessCheck } from "./readiness";

/** What the operations endpoints need to answer. */
export interface OpsContext {
  logger: Logger;
  metrics: Metrics;
  checks: ReadinessCheck[];
  /** Runs before `/metrics` is rendered (e.g. to refresh queue depth gauges). */
  beforeScrape?: () => Promise<void>;
}

/** Request id header: taken from the caller (a proxy) when present, otherwise generated. */
export const REQUEST_ID_HEADER = "x-request-id";

/** Reduces a path to a label of bounded cardinality: `/k8s/abc123/api/v1/pods` → `/k8s`. */
export function routeLabel(pathname: string): string {
  const first = pathname.split("/")[1] ?? "";
  if (first === "") return "/";
  if (first === "_next") return "/_next";
  return `/${first.slice(0, 32)}`;
}

/**
 * Wraps an HTTP handler with a request id (echoed in the response), one JSON
 * log line per request and the latency histogram. Ops endpoints are answered
 * first: `/healthz` (alive), `/readyz` (dependencies), `/metrics` (Prometheus).
 */
export function withOps(
  ctx: OpsContext,
  next: (req: IncomingMessage, res: ServerResponse, log: Logger) => void | Promise<void>,
) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers[REQUEST_ID_HEADER];
    const requestId =
      typeof incoming === "string" && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const log = ctx.logger.child({ requestId });
    const url = new URL(req.url ?? "/", "http://localhost");
    const isProbe = url.pathname === "/healthz" || url.pathname === "/readyz" || url.pathname === "/metrics";
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(url.pathname);
      ctx.metrics.httpRequestDuration.observe(
        { method: req.method ?? "GET", route, status: res.statusCode },
        seconds,
      );
      if (!isProbe || res.statusCode >= 400) {
        log.info(
          {
            method: req.method,
            path: url.pathname,
            status: res.statusCode,
            ms: Math.round(seconds * 1e4) / 10,
          },
          "request",
        );
      }
    });
    try {
      if (await answerOps(ctx, url.pathname, res)) return;
      await next(req, res, log);
    } catch (error) {
      log.error({ err: error }, "request failed");
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader("content-type", "text/plain; charset=utf-8");
        res.end(`internal error (request id ${requestId})\n`);
      } else {
        res.end();
      }
    }
  };
}

async function answerOps(ctx: OpsContext, pathname: string, res: ServerResponse): Promise<boolean> {
  switch (pathname) {
    case "/healthz":
      res
        .writeHead(200, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" })
        .end("ok\n");
      return true;
    case "/readyz": {
      const report = await checkReadiness(ctx.checks);
      res
        .writeHead(report.status, {
          "content-type": "text/plain; charset=utf-8",
          "cache-control": "no-store",
        })
        .end(report.body);
      return true;
    }
    case "/metrics": {
      await ctx.beforeScrape?.().catch((error) => ctx.logger.warn({ err: error }, "metrics refresh failed"));
      const body = await ctx.metrics.registry.metrics();
      res.writeHead(200, { "content-type": ctx.metrics.registry.contentType }).end(body);
      return true;
    }
    default:
      return false;
  }
}
