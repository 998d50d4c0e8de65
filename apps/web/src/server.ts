import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  createLogger,
  createMetrics,
  createPgPool,
  createRedis,
  listenUntilSignal,
  postgresCheck,
  REQUEST_ID_HEADER,
  redisCheck,
  withOps,
} from "@kubelab/ops";
import next from "next";
import { env } from "./env";

// The web server: Next.js (pages, tRPC, next-auth) behind a thin Node server
// that adds request ids, JSON request logs, latency metrics and the
// /healthz, /readyz and /metrics endpoints.
const config = env();
const logger = createLogger("web", config.LOG_LEVEL);
const metrics = createMetrics("web");
const probeRedis = createRedis(config.REDIS_URL, { name: "web-probe", offlineQueue: false });
probeRedis.on("error", (error) => logger.debug({ err: error.message }, "redis"));
const pool = createPgPool(config.DATABASE_URL, 2);

// The bundle lives in dist/; the Next.js app (and its .next build) one level up.
const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const app = next({ dev: false, dir, hostname: "localhost", port: config.PORT });
await app.prepare();
const handle = app.getRequestHandler();

const server = createServer(
  withOps({ logger, metrics, checks: [postgresCheck(pool), redisCheck(probeRedis)] }, async (req, res) => {
    // Downstream code (tRPC context) sees the same id the log lines carry.
    req.headers[REQUEST_ID_HEADER] = String(res.getHeader(REQUEST_ID_HEADER));
    await handle(req, res);
  }),
);

await listenUntilSignal(
  server,
  config.PORT,
  logger,
  async () => {
    await app.close();
    await Promise.all([pool.end(), probeRedis.quit()]);
  },
  config.HOST,
);
logger.info({ url: config.NEXTAUTH_URL }, "web ready");
