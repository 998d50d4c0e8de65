/**
 * The queue dashboard for administrators: live workers, every partition's lease holder and
 * fencing token, job counts per state, failed jobs with their reasons, and retry/clean actions.
 * A Fetch API handler (`Request` → `Response`), so the web app mounts it as a route handler
 * (`app/admin/queues/[[...path]]/route.ts`) behind its own session check, passed as `authorize`:
 * the handler refuses everyone `authorize` does not accept, whatever the mount.
 */
import { bullPrefix, QUEUES } from "@kubelab/jobs";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { partitionLeaseKey, partitionQueueName, partitionTokenKey, workersKey } from "../keys";

/** Settings of the dashboard. */
export interface QueueDashboardOptions {
  redis: Redis;
  prefix: string;
  partitions: number;
  /** Path it is mounted at, e.g. `/admin/queues`. */
  basePath: string;
  /** True only for administrators (the web app checks its session's role). */
  authorize: (request: Request) => Promise<boolean>;
}

const STATES = ["waiting", "active", "delayed", "failed", "completed"] as const;

/** One queue's line on the dashboard. */
export interface QueueOverview {
  queue: string;
  partition: number | null;
  holder: string | null;
  token: number | null;
  counts: Record<(typeof STATES)[number], number>;
}

/** Builds the handler. */
export function createQueueDashboard(
  options: QueueDashboardOptions,
): (request: Request) => Promise<Response> {
  const queues = new Map<string, Queue>();
  const queue = (name: string) => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: options.redis, prefix: bullPrefix(options.prefix) });
      q.on("error", () => {});
      queues.set(name, q);
    }
    return q;
  };
  const queueNames = () => [
    ...QUEUES.map((name) => ({ name, partition: null as number | null })),
    ...Array.from({ length: options.partitions }, (_, p) => ({ name: partitionQueueName(p), partition: p })),
  ];
  const known = (name: string) => queueNames().some((q) => q.name === name);

  async function overview() {
    const now = Date.now();
    const workers = (await options.redis.zrangebyscore(workersKey(options.prefix), now, "+inf")) as string[];
    const lines: QueueOverview[] = [];
    for (const { name, partition } of queueNames()) {
      const counts = (await queue(name).getJobCounts(...STATES)) as QueueOverview["counts"];
      let holder: string | null = null;
      let token: number | null = null;
      if (partition !== null) {
        const [lease, counter] = await options.redis.mget(
          partitionLeaseKey(options.prefix, partition),
          partitionTokenKey(options.prefix, partition),
        );
        holder = lease ? (lease.split("|")[0] ?? null) : null;
        token = lease ? Number(lease.split("|")[1]) : counter ? Number(counter) : null;
      }
      lines.push({ queue: name, partition, holder, token, counts });
    }
    return { workers, queues: lines };
  }

  return async (request: Request): Promise<Response> => {
    if (!(await options.authorize(request))) return text(403, "forbidden");
    const url = new URL(request.url);
    if (!url.pathname.startsWith(options.basePath)) return text(404, "not found");
    const parts = url.pathname.slice(options.basePath.length).split("/").filter(Boolean);
    if (request.method === "GET" && parts.length === 0) return html(page(await overview()));
    if (request.method === "GET" && parts.join("/") === "api/overview") return json(await overview());
    const [kind, name, what, jobId, action] = parts;
    if (kind !== "queues" || !name || !known(name)) return text(404, "not found");
    if (request.method === "GET" && what === "failed" && !jobId) {
      const jobs = await queue(name).getFailed(0, 99);
      return json(
        jobs.map((j) => ({
          id: j.id,
          name: j.name,
          failedReason: j.failedReason,
          attemptsMade: j.attemptsMade,
          timestamp: j.timestamp,
          clusterId: (j.data as { clusterId?: string }).clusterId ?? null,
        })),
      );
    }
    if (request.method !== "POST") return text(405, "method not allowed");
    // A custom header: a cross-site form cannot send it, so actions cannot be forged from elsewhere.
    if (request.headers.get("x-kubelab-admin") !== "1") return text(400, "missing x-kubelab-admin header");
    if (what === "failed" && jobId && action === "retry") {
      const job = await queue(name).getJob(jobId);
      if (!job) return text(404, "no such job");
      await job.retry("failed");
      return json({ retried: jobId });
    }
    if (what === "failed" && !jobId) {
      const removed = await queue(name).clean(0, 10_000, "failed");
      return json({ removed: removed.length });
    }
    return text(404, "not found");
  };
}

function text(status: number, body: string): Response {
  return new Response(`${body}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}
function json(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}
function html(body: string): Response {
  return new Response(body, {
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
  });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(data: { workers: string[]; queues: QueueOverview[] }): string {
  const rows = data.queues
    .map(
      (q) =>
        `<tr><td>${escapeHtml(q.queue)}</td><td>${escapeHtml(q.holder ?? "—")}</td><td>${q.token ?? "—"}</td>${STATES.map(
          (s) => `<td>${q.counts[s] ?? 0}</td>`,
        ).join("")}</tr>`,
    )
    .join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>Kubelab queues</title>
<style>body{font:14px system-ui;margin:2rem}table{border-collapse:collapse}td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child,td:nth-child(2){text-align:left}</style></head>
<body><h1>Queues</h1><p>Live workers: ${data.workers.map(escapeHtml).join(", ") || "none"}</p>
<table><thead><tr><th>queue</th><th>lease holder</th><th>fencing token</th>${STATES.map((s) => `<th>${s}</th>`).join("")}</tr></thead><tbody>${rows}</tbody></table>
<p>JSON: <code>api/overview</code>; failed jobs: <code>queues/&lt;queue&gt;/failed</code>; POST <code>queues/&lt;queue&gt;/failed/&lt;id&gt;/retry</code> with header <code>x-kubelab-admin: 1</code>.</p></body></html>`;
}
