import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger, Metrics } from "@kubelab/ops";
import { createRedis } from "@kubelab/ops";
import { verifyTicket } from "@kubelab/tickets";
import type { Redis } from "ioredis";
import { type WebSocket, WebSocketServer } from "ws";
import { ClusterFeed, type FeedSubscriber } from "./cluster-feed";
import { clusterEventsKey } from "./streams";

/** Path of the websocket endpoint. */
export const WS_PATH = "/ws";

export interface SocketServerOptions {
  server: Server;
  logger: Logger;
  metrics: Metrics;
  /** Connection used for replays (XRANGE). */
  history: Redis;
  redisUrl: string;
  redisPrefix: string;
  ticketSecret: string;
  pingIntervalMs: number;
  maxBufferedBytes: number;
}

/**
 * Websocket endpoint `GET /ws?ticket=…[&lastEventId=…]`. A valid ticket
 * subscribes the socket to its cluster's event stream; each message is
 * `{"id": <stream id>, "event": {...}}`. A client that falls behind by more than
 * `maxBufferedBytes` has messages dropped and, once it has drained, is told
 * `{"type":"dropped","count":n,"resumeFrom":id}` so it can reconnect with
 * `lastEventId` and replay what it missed.
 */
export function createSocketServer(options: SocketServerOptions) {
  const { server, logger, metrics } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const feeds = new Map<string, ClusterFeed>();
  const alive = new WeakMap<WebSocket, boolean>();

  const feedFor = (clusterId: string): ClusterFeed => {
    let feed = feeds.get(clusterId);
    if (!feed) {
      const reader = createRedis(options.redisUrl, { name: `gateway-feed-${clusterId}` });
      reader.on("error", () => {});
      feed = new ClusterFeed(clusterEventsKey(options.redisPrefix, clusterId), reader, logger, () =>
        feeds.delete(clusterId),
      );
      feeds.set(clusterId, feed);
    }
    return feed;
  };

  const refuse = (socket: Duplex, status: number, reason: string) => {
    socket.write(
      `HTTP/1.1 ${status} ${status === 401 ? "Unauthorized" : "Not Found"}\r\n` +
        `Content-Type: text/plain\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
    );
    socket.destroy();
  };

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== WS_PATH) return refuse(socket, 404, "not found");
    const verdict = verifyTicket(url.searchParams.get("ticket") ?? "", options.ticketSecret);
    if (!verdict.ok) {
      logger.info({ reason: verdict.error }, "websocket refused");
      return refuse(socket, 401, `ticket ${verdict.error}`);
    }
    const lastEventId = url.searchParams.get("lastEventId") ?? undefined;
    if (lastEventId !== undefined && !/^\d+-\d+$/.test(lastEventId))
      return refuse(socket, 401, "bad lastEventId");
    wss.handleUpgrade(req, socket, head, (ws) => {
      metrics.websocketConnections.inc();
      alive.set(ws, true);
      ws.on("pong", () => alive.set(ws, true));
      const feed = feedFor(verdict.claims.clusterId);
      let dropped = 0;
      let lastDelivered = lastEventId;
      const subscriber: FeedSubscriber = {
        deliver(id, data) {
          if (ws.readyState !== ws.OPEN) return;
          if (ws.bufferedAmount > options.maxBufferedBytes) {
            dropped++;
            metrics.websocketDropped.inc();
            return;
          }
          if (dropped > 0 && ws.bufferedAmount < options.maxBufferedBytes / 2) {
            ws.send(JSON.stringify({ type: "dropped", count: dropped, resumeFrom: lastDelivered ?? null }));
            dropped = 0;
            return;
          }
          if (dropped > 0) return;
          lastDelivered = id;
          ws.send(`{"id":${JSON.stringify(id)},"event":${data}}`);
        },
      };
      ws.on("close", () => {
        metrics.websocketConnections.dec();
        feed.unsubscribe(subscriber);
      });
      ws.on("error", () => ws.terminate());
      feed.subscribe(subscriber, lastEventId, options.history).catch((error) => {
        logger.warn({ err: error }, "subscribe failed");
        ws.close(1011, "event stream unavailable");
      });
    });
  });

  // Idle connections are pinged; one that did not answer the previous ping is dropped.
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, options.pingIntervalMs);
  pinger.unref();

  return {
    wss,
    close: async () => {
      clearInterval(pinger);
      for (const ws of wss.clients) ws.close(1001, "gateway shutting down");
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
