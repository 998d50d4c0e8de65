import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger, createMetrics, createRedis } from "@kubelab/ops";
import { issueTicket } from "@kubelab/tickets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createSocketServer } from "./socket-server";
import { clusterEventsKey } from "./streams";

const secret = "x".repeat(40);
const prefix = `${process.env.REDIS_PREFIX ?? "kubelab-test"}-gw-${randomUUID().slice(0, 8)}`;
const redis = createRedis(process.env.REDIS_URL ?? "");
let server: Server;
let sockets: ReturnType<typeof createSocketServer>;
let wsUrl = "";

beforeAll(async () => {
  server = createServer((_req, res) => res.end());
  sockets = createSocketServer({
    server,
    logger: createLogger("test", "silent"),
    metrics: createMetrics("test"),
    history: redis,
    redisUrl: process.env.REDIS_URL ?? "",
    redisPrefix: prefix,
    ticketSecret: secret,
    pingIntervalMs: 30_000,
    maxBufferedBytes: 1_048_576,
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  wsUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
});

afterAll(async () => {
  await sockets.close();
  await new Promise((r) => server.close(r));
  redis.disconnect();
});

const publish = (clusterId: string, event: object) =>
  redis.xadd(clusterEventsKey(prefix, clusterId), "MAXLEN", "~", "10000", "*", "data", JSON.stringify(event));

/** Opens a socket and collects its messages. */
function connect(query: string) {
  const ws = new WebSocket(`${wsUrl}?${query}`);
  const messages: { id: string; event: { n: number } }[] = [];
  ws.on("message", (data) => messages.push(JSON.parse(String(data))));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once("error", reject);
  });
  return { ws, messages, opened };
}

async function until(check: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("gateway websocket", () => {
  it("delivers a cluster's new events, and only that cluster's", async () => {
    const ticket = issueTicket({ clusterId: "c-live", scope: "view", subject: "u1" }, secret);
    const client = connect(`cluster=c-live&ticket=${ticket}`);
    await client.opened;
    await new Promise((r) => setTimeout(r, 100));
    await publish("c-other", { n: -1 });
    await publish("c-live", { n: 1 });
    await until(() => client.messages.length === 1);
    expect(client.messages[0]?.event).toEqual({ n: 1 });
    client.ws.close();
  });

  it("resumes after a disconnect from the last event id, with no gap and no duplicate", async () => {
    const ticket = () => issueTicket({ clusterId: "c-resume", scope: "view", subject: "u1" }, secret);
    const first = connect(`cluster=c-resume&ticket=${ticket()}`);
    await first.opened;
    await new Promise((r) => setTimeout(r, 100));
    await publish("c-resume", { n: 1 });
    await publish("c-resume", { n: 2 });
    await until(() => first.messages.length === 2);
    first.ws.close();
    const lastEventId = first.messages[1]?.id ?? "";

    // Events that happen while nobody is connected.
    await publish("c-resume", { n: 3 });
    await publish("c-resume", { n: 4 });

    const second = connect(`cluster=c-resume&ticket=${ticket()}&lastEventId=${lastEventId}`);
    await second.opened;
    await publish("c-resume", { n: 5 });
    await until(() => second.messages.length >= 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(second.messages.map((m) => m.event.n)).toEqual([3, 4, 5]);
    second.ws.close();
  });

  it("refuses forged, expired and malformed tickets with 401", async () => {
    const forged = issueTicket({ clusterId: "c-live", scope: "view", subject: "u1" }, "y".repeat(40));
    const expired = issueTicket({ clusterId: "c-live", scope: "view", subject: "u1" }, secret, {
      now: Date.now() - 120_000,
    });
    for (const ticket of [forged, expired, "nonsense"]) {
      await expect(connect(`cluster=c-live&ticket=${ticket}`).opened).rejects.toThrow("HTTP 401");
    }
    await expect(connect("cluster=c-live").opened).rejects.toThrow("HTTP 401");
  });

  it("refuses a valid ticket for another cluster with 403", async () => {
    const ticket = issueTicket({ clusterId: "c-mine", scope: "view", subject: "u1" }, secret);
    await expect(connect(`cluster=c-theirs&ticket=${ticket}`).opened).rejects.toThrow("HTTP 403");
    await expect(connect(`ticket=${ticket}`).opened).rejects.toThrow("HTTP 400");
  });
});
