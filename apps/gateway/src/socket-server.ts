import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger, Metrics } from "@kubelab/ops";
import { createRedis } from "@kubelab/ops";
import { verifyTicket } from "@kubelab/tickets";
import type { Redis } from "ioredis";
import { type WebSocket, WebSocketServer } from "ws";
import { ClusterFeed, type FeedSubscriber } from "./cluster-feed";
import { clusterEventsKey } from "./streams";

const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
};

/** Path of the websocket endpoint. */
export const WS_PATH = "/ws";

/** What the gateway tells the runtime about viewers (`RuntimeClient.watch`): someone follows a cluster live. */
export interface ViewerPresence {
  watch(clusterId: string, ttlMs: number): Promise<void>;
}

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
  /** Tells the runtime a cluster is watched, so its time runs live (absent: time is not driven). */
  presence?: ViewerPresence;
  /** Most sockets one ticket subject (a user, a share link) may hold open at once. */
  maxConnectionsPerSubject?: number;
}

/**
 * Websocket endpoint `GET /ws?cluster=<id>&ticket=…[&lastEventId=…]`. A valid ticket for
 * that cluster (401 when forged or expired, 403 when issued for another cluster) subscribes the
 * socket to the cluster's event stream; each message is
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
  const perSubject = new Map<string, number>();
  const maxPerSubject = options.maxConnectionsPerSubject ?? 20;
  // Viewers are announced for this long and refreshed at a third of it while sockets stay open.
  const presenceTtlMs = 15_000;
  const watched = new Map<string, number>();
  const announce = (clusterId: string) =>
    options.presence
      ?.watch(clusterId, presenceTtlMs)
      .catch((error) => logger.warn({ err: error }, "presence failed"));

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
      `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\n` +
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
    const cluster = url.searchParams.get("cluster");
    if (!cluster) return refuse(socket, 400, "cluster required");
    if (cluster !== verdict.claims.clusterId) {
      logger.info({ reason: "other-cluster" }, "websocket refused");
      return refuse(socket, 403, "ticket is for another cluster");
    }
    const subject = verdict.claims.subject;
    if ((perSubject.get(subject) ?? 0) >= maxPerSubject)
      return refuse(socket, 429, `at most ${maxPerSubject} live connections per user`);
    const lastEventId = url.searchParams.get("lastEventId") ?? undefined;
    if (lastEventId !== undefined && !/^\d+-\d+$/.test(lastEventId))
      return refuse(socket, 400, "bad lastEventId");
    wss.handleUpgrade(req, socket, head, (ws) => {
      metrics.websocketConnections.inc();
      perSubject.set(subject, (perSubject.get(subject) ?? 0) + 1);
      const clusterId = verdict.claims.clusterId;
      watched.set(clusterId, (watched.get(clusterId) ?? 0) + 1);
      void announce(clusterId);
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
        const left = (perSubject.get(subject) ?? 1) - 1;
        if (left > 0) perSubject.set(subject, left);
        else perSubject.delete(subject);
        const viewers = (watched.get(clusterId) ?? 1) - 1;
        if (viewers > 0) watched.set(clusterId, viewers);
        else watched.delete(clusterId);
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
  // Watched clusters are re-announced before their presence expires.
  const presenceTimer = setInterval(() => {
    for (const clusterId of watched.keys()) void announce(clusterId);
  }, presenceTtlMs / 3);
  presenceTimer.unref();

  return {
    wss,
    close: async () => {
      clearInterval(pinger);
      clearInterval(presenceTimer);
      for (const ws of wss.clients) ws.close(1001, "gateway shutting down");
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
