/**
 * One cluster event fanned out to 500 websocket clients by the gateway: the time from the
 * worker's XADD to the event arriving at each client (p50 and p99 over all deliveries).
 *
 *   npm run bench -- runtime-fanout [runs]
 *
 * Needs Redis (REDIS_URL, else the local default); uses a prefix of its own and removes it.
 */

import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket from "ws";
import { createSocketServer } from "../apps/gateway/src/socket-server";
import { createLogger, createMetrics, createRedis } from "../packages/ops/src/index";
import { clusterEventsKey } from "../packages/runtime/src/keys";
import { issueTicket } from "../packages/tickets/src/index";
import { type Figure, median, percentile, report } from "./lib/report";

const runs = Number(process.argv[2] ?? 3);
const CLIENTS = 500;
const EVENTS = 50;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `kubelab-bench-fanout-${randomUUID().slice(0, 6)}`;
const secret = "b".repeat(40);
const redis = createRedis(redisUrl);
const server = createServer((_q, res) => res.end());
const sockets = createSocketServer({
  server,
  logger: createLogger("bench", "silent"),
  metrics: createMetrics("bench"),
  history: redis,
  redisUrl,
  redisPrefix: prefix,
  ticketSecret: secret,
  pingIntervalMs: 30_000,
  maxBufferedBytes: 1_048_576,
  maxConnectionsPerSubject: CLIENTS,
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;

const p50s: number[] = [];
const p99s: number[] = [];
for (let r = 0; r < runs; r++) {
  const clusterId = `fanout-${r}`;
  const latencies: number[] = [];
  const ticket = issueTicket({ clusterId, scope: "view", subject: `bench-${r}` }, secret);
  const clients = await Promise.all(
    Array.from(
      { length: CLIENTS },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(`${url}?cluster=${clusterId}&ticket=${ticket}`);
          ws.on("message", (data) => {
            const { event } = JSON.parse(String(data)) as { event: { sentAt: number } };
            latencies.push(performance.timeOrigin + performance.now() - event.sentAt);
          });
          ws.once("open", () => resolve(ws));
          ws.once("error", reject);
        }),
    ),
  );
  await new Promise((res) => setTimeout(res, 500));
  for (let i = 0; i < EVENTS; i++) {
    const sentAt = performance.timeOrigin + performance.now();
    await redis.xadd(
      clusterEventsKey(prefix, clusterId),
      "MAXLEN",
      "~",
      "10000",
      "*",
      "data",
      JSON.stringify({ type: "status", sentAt }),
    );
    await new Promise((res) => setTimeout(res, 20));
  }
  const deadline = Date.now() + 10_000;
  while (latencies.length < CLIENTS * EVENTS && Date.now() < deadline)
    await new Promise((res) => setTimeout(res, 50));
  p50s.push(percentile(latencies, 50));
  p99s.push(percentile(latencies, 99));
  if (latencies.length < CLIENTS * EVENTS)
    console.warn(`run ${r}: ${latencies.length} of ${CLIENTS * EVENTS} delivered`);
  for (const ws of clients) ws.close();
  await redis.del(clusterEventsKey(prefix, clusterId));
}
const figures: Figure[] = [
  { name: `event to ${CLIENTS} websocket clients, p50`, unit: "ms", runs: p50s },
  {
    name: `event to ${CLIENTS} websocket clients, p99`,
    unit: "ms",
    runs: p99s,
    target: "≤ 100 ms",
    meets: median(p99s) <= 100,
  },
];
report(
  "runtime-fanout",
  "Gateway: one event fanned out to 500 websocket clients",
  `npm run bench -- runtime-fanout ${runs}`,
  figures,
  `${EVENTS} events 20 ms apart per run, from XADD on the cluster's stream to arrival at each client (clients in this process). One blocking reader per cluster feeds all its sockets.`,
);
await sockets.close();
server.close();
redis.disconnect();
process.exit(0);
