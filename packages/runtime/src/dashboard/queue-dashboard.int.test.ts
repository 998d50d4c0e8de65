import { bullPrefix } from "@kubelab/jobs";
import { Queue } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { partitionQueueName } from "../keys";
import { RuntimeTestbed } from "../testing/testbed";
import { createQueueDashboard } from "./queue-dashboard";

const bed = new RuntimeTestbed("dash", process.env, 2);
afterAll(() => bed.cleanup());

describe("queue dashboard", () => {
  it("shows partitions and failed jobs to administrators only, and retries a job", async () => {
    await bed.worker();
    const redis = bed.redis();
    const dashboard = createQueueDashboard({
      redis,
      prefix: bed.prefix,
      partitions: bed.partitions,
      basePath: "/admin/queues",
      authorize: async (req) => req.headers.get("x-test-role") === "ADMIN",
    });
    const get = (path: string, role = "ADMIN") =>
      dashboard(new Request(`http://web${path}`, { headers: { "x-test-role": role } }));

    expect((await get("/admin/queues", "USER")).status).toBe(403);
    const page = await get("/admin/queues");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("partition-1");

    // A job that failed for good on partition 0 (a payload the worker refuses).
    const q = new Queue(partitionQueueName(0), { connection: redis, prefix: bullPrefix(bed.prefix) });
    const job = await q.add("input", { clusterId: "x" }, { attempts: 1 });
    await new Promise<void>((resolve) => {
      const poll = async () => ((await job.isFailed()) ? resolve() : setTimeout(poll, 50));
      void poll();
    });
    const overview = (await (await get("/admin/queues/api/overview")).json()) as {
      workers: string[];
      queues: { queue: string; holder: string | null; counts: { failed: number } }[];
    };
    expect(overview.workers).toHaveLength(1);
    const p0 = overview.queues.find((x) => x.queue === "partition-0")!;
    expect(p0.holder).toBe(overview.workers[0]);
    expect(p0.counts.failed).toBe(1);
    const failed = (await (await get("/admin/queues/queues/partition-0/failed")).json()) as {
      id: string;
      failedReason: string;
    }[];
    expect(failed[0]?.failedReason).toMatch(/invalid|expected/i);

    const retryUrl = `http://web/admin/queues/queues/partition-0/failed/${failed[0]!.id}/retry`;
    const forged = await dashboard(
      new Request(retryUrl, { method: "POST", headers: { "x-test-role": "ADMIN" } }),
    );
    expect(forged.status).toBe(400);
    const retried = await dashboard(
      new Request(retryUrl, { method: "POST", headers: { "x-test-role": "ADMIN", "x-kubelab-admin": "1" } }),
    );
    expect(retried.status).toBe(200);
    await q.close();
  });
});
