/**
 * Protocol test of `get -w` against a server that answers with Tables (as a real kube-apiserver
 * does for `Accept: …;as=Table`): watch events carry Tables, later ones without column
 * definitions. The fake serves discovery from the simulation's resource registry.
 */

import {
  apiGroupListDocument,
  apiResourceListDocument,
  apiVersionsDocument,
  createResourceRegistry,
} from "@kubelab/sim";
import { describe, expect, test } from "vitest";
import { podPrinter } from "../../printers/table/columns/pods";
import { generateTable } from "../../printers/table/generate-table";
import { kubectl } from "../../testing/run";
import type { HttpRequest, HttpResponse, KubeTransport, WatchEvent, WatchStream } from "../../transport";

const NOW = Date.parse("2025-01-01T00:10:00Z");
const pod = (name: string, phase: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default", creationTimestamp: "2025-01-01T00:00:00Z" },
  spec: { containers: [{ name: "c", image: "nginx" }] },
  status: { phase },
});

class TableServer implements KubeTransport {
  readonly server = "https://example";
  readonly requests: HttpRequest[] = [];
  private reg = createResourceRegistry();
  async request(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    const ok = (body: unknown) => ({ status: 200, headers: {}, body: JSON.stringify(body) });
    if (req.path === "/api") return ok(apiVersionsDocument("x"));
    if (req.path === "/apis") return ok(apiGroupListDocument(this.reg));
    if (req.path === "/api/v1") return ok(apiResourceListDocument(this.reg, "", "v1"));
    if (/^\/apis\/[^/]+\/[^/]+$/.test(req.path)) {
      const [, , g, v] = req.path.split("/");
      return ok(apiResourceListDocument(this.reg, g!, v!));
    }
    expect(req.headers?.accept).toContain("as=Table;v=v1;g=meta.k8s.io");
    const t = generateTable(podPrinter, [pod("a", "Running")], { now: NOW, resourceVersion: "10" });
    return ok(t);
  }
  async watch(req: HttpRequest): Promise<WatchStream> {
    this.requests.push(req);
    const first = generateTable(podPrinter, [pod("b", "Pending")], { now: NOW });
    const second = {
      ...generateTable(podPrinter, [pod("b", "Running")], { now: NOW }),
      columnDefinitions: [],
    };
    const events: WatchEvent[] = [
      { type: "ADDED", object: first },
      { type: "MODIFIED", object: second },
    ];
    return {
      status: 200,
      events: (async function* () {
        for (const e of events) yield e;
      })(),
      cancel() {},
    };
  }
}

describe("get with server-side Tables", () => {
  test("list then watch rows; the watch resumes from the list's resourceVersion", async () => {
    const server = new TableServer();
    const r = await kubectl(Object.assign(server, { now: () => NOW }), "get pods -w");
    expect(r.stdout).toBe(
      "NAME   READY   STATUS    RESTARTS   AGE\na      0/1     Running   0          10m\nb      0/1     Pending   0          10m\nb      0/1     Running   0          10m\n",
    );
    const watch = server.requests[server.requests.length - 1]!;
    expect(watch.query).toMatchObject({ watch: "true", resourceVersion: "10" });
  });

  test("--output-watch-events adds the EVENT column", async () => {
    const server = new TableServer();
    const r = await kubectl(
      Object.assign(server, { now: () => NOW }),
      "get pods --watch-only --output-watch-events",
    );
    expect(r.stdout).toBe(
      "EVENT      NAME   READY   STATUS    RESTARTS   AGE\nADDED      b      0/1     Pending   0          10m\nMODIFIED   b      0/1     Running   0          10m\n",
    );
  });
});
