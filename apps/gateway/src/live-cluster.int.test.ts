import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger, createMetrics } from "@kubelab/ops";
import type { RuntimeClient } from "@kubelab/runtime";
import { RuntimeTestbed } from "@kubelab/runtime/testing";
import { issueTicket } from "@kubelab/tickets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createSocketServer } from "./socket-server";
import { clusterEventsKey, compareStreamIds } from "./streams";

// Done-when 5, through the real runtime: a websocket client sees a change within one event of
// it happening, reconnects without gaps, and is refused with a forged, expired or other-cluster
// ticket.

const secret = "t".repeat(40);
const bed = new RuntimeTestbed("gw-live", process.env, 2);
let client: RuntimeClient;
let server: Server;
let sockets: ReturnType<typeof createSocketServer>;
let base = "";

beforeAll(async () => {
  await bed.worker();
  client = await bed.client();
  server = createServer((_q, res) => res.end());
  sockets = createSocketServer({
    server,
    logger: createLogger("test", "silent"),
    metrics: createMetrics("test"),
    history: bed.redis(),
    redisUrl: bed.redisUrl,
    redisPrefix: bed.prefix,
    ticketSecret: secret,
    pingIntervalMs: 30_000,
    maxBufferedBytes: 1_048_576,
    presence: client,
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
});
afterAll(async () => {
  await sockets.close();
  await new Promise((r) => server.close(r));
  await bed.cleanup();
});

interface Message {
  id: string;
  event: {
    type: string;
    changes?: { type: string; resource: string; object: { metadata: { name: string } } }[];
  };
}

function open(query: string) {
  const ws = new WebSocket(`${base}?${query}`);
  const messages: Message[] = [];
  ws.on("message", (d) => messages.push(JSON.parse(String(d))));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("unexpected-response", (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once("error", reject);
  });
  return { ws, messages, opened };
}

const namespace = (name: string) => ({
  type: "api" as const,
  method: "POST" as const,
  path: "/api/v1/namespaces",
  body: { apiVersion: "v1", kind: "Namespace", metadata: { name } },
});

/** Names of namespaces added, in the order the socket received them. */
const addedNamespaces = (messages: Message[]) =>
  messages.flatMap((m) =>
    (m.event.changes ?? [])
      .filter((c) => c.resource === "namespaces" && c.type === "ADDED")
      .map((c) => c.object.metadata.name),
  );

async function until(check: () => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("live cluster over the gateway", () => {
  it("shows a change right after it is acknowledged, and resumes without gaps", async () => {
    const owner = await bed.user();
    const id = await bed.cluster(client, owner);
    const ticket = () => issueTicket({ clusterId: id, scope: "view", subject: owner }, secret);
    const first = open(`cluster=${id}&ticket=${ticket()}`);
    await first.opened;
    await new Promise((r) => setTimeout(r, 100));

    await client.send(id, namespace("team-a"));
    // The change was in the stream before the acknowledgement came back…
    const [[lastAtAck]] = (await bed
      .redis()
      .xrevrange(clusterEventsKey(bed.prefix, id), "+", "-", "COUNT", 1)) as [[string, string[]]];
    // …or is the very next event (the dashboard's watch hears of it a few virtual ms after the
    // response), and the client receives it.
    await until(() => addedNamespaces(first.messages).includes("team-a"));
    const change = first.messages.find((m) => addedNamespaces([m]).includes("team-a"))!;
    const between = (await bed
      .redis()
      .xrange(clusterEventsKey(bed.prefix, id), `(${lastAtAck}`, `(${change.id}`)) as unknown[];
    expect(compareStreamIds(change.id, lastAtAck) <= 0 || between.length === 0).toBe(true);
    await client.send(id, namespace("team-b"));
    await until(() => addedNamespaces(first.messages).includes("team-b"));
    // What the first client had when it left: messages still in flight during the close
    // handshake are not "seen" and the second connection rightly replays them.
    const lastId = first.messages.at(-1)!.id;
    const seen = new Set(first.messages.map((m) => m.id));
    first.ws.close();

    // While nobody is connected, more changes happen.
    for (const n of ["team-c", "team-d", "team-e"]) await client.send(id, namespace(n));

    const second = open(`cluster=${id}&ticket=${ticket()}&lastEventId=${lastId}`);
    await second.opened;
    await client.send(id, namespace("team-f"));
    await until(() => addedNamespaces(second.messages).includes("team-f"));
    // Everything missed, in order, then the live change; nothing seen before is repeated.
    expect(addedNamespaces(second.messages)).toEqual(["team-c", "team-d", "team-e", "team-f"]);
    expect(second.messages.some((m) => seen.has(m.id))).toBe(false);
    second.ws.close();
  });

  it("refuses forged, expired and other-cluster tickets", async () => {
    const owner = await bed.user();
    const mine = await bed.cluster(client, owner);
    const other = await bed.cluster(client, await bed.user("other"));
    const forged = issueTicket({ clusterId: mine, scope: "view", subject: owner }, "f".repeat(40));
    const expired = issueTicket({ clusterId: mine, scope: "view", subject: owner }, secret, {
      now: Date.now() - 120_000,
    });
    await expect(open(`cluster=${mine}&ticket=${forged}`).opened).rejects.toThrow("HTTP 401");
    await expect(open(`cluster=${mine}&ticket=${expired}`).opened).rejects.toThrow("HTTP 401");
    const forMine = issueTicket({ clusterId: mine, scope: "view", subject: owner }, secret);
    await expect(open(`cluster=${other}&ticket=${forMine}`).opened).rejects.toThrow("HTTP 403");
  });
});
