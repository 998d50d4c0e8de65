import { createServer } from "node:http";
import {
  createLogger,
  createMetrics,
  createPgPool,
  createRedis,
  listenUntilSignal,
  postgresCheck,
  redisCheck,
  withOps,
} from "@kubelab/ops";
import { RuntimeClient } from "@kubelab/runtime";
import { env } from "./env";
import { createSocketServer } from "./socket-server";

// The gateway: websockets for live cluster events, and /healthz, /readyz, /metrics.
const logger = createLogger("gateway", env.LOG_LEVEL);
const metrics = createMetrics("gateway");
const history = createRedis(env.REDIS_URL, { name: "gateway-history" });
const probeRedis = createRedis(env.REDIS_URL, { name: "gateway-probe", offlineQueue: false });
const pool = createPgPool(env.DATABASE_URL, 2);
for (const r of [history, probeRedis])
  r.on("error", (error) => logger.debug({ err: error.message }, "redis"));

const server = createServer(
  withOps({ logger, metrics, checks: [postgresCheck(pool), redisCheck(probeRedis)] }, (_req, res) => {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  }),
);
// Only `watch` is used (presence and wake-ups): no reply subscription is needed.
const runtime = new RuntimeClient({
  redis: history,
  subscriber: history,
  prefix: env.REDIS_PREFIX,
  partitions: env.PARTITIONS,
});
const sockets = createSocketServer({
  server,
  logger,
  metrics,
  history,
  redisUrl: env.REDIS_URL,
  redisPrefix: env.REDIS_PREFIX,
  ticketSecret: env.TICKET_SECRET,
  pingIntervalMs: env.WS_PING_INTERVAL_MS,
  maxBufferedBytes: env.WS_MAX_BUFFERED_BYTES,
  maxConnectionsPerSubject: env.WS_MAX_CONNECTIONS_PER_USER,
  presence: runtime,
});

await listenUntilSignal(server, env.PORT, logger, async () => {
  await sockets.close();
  await Promise.all([pool.end(), history.quit(), probeRedis.quit()]);
});
