import { randomUUID } from "node:crypto";
import { createDatabase } from "@kubelab/db";
import { JobQueues } from "@kubelab/jobs";
import { createLogger, createMetrics, createRedis } from "@kubelab/ops";
import { QueueEvents } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { startJobWorkers } from "./worker";

// The worker consumes the catalog's jobs from real Redis and acts on the real
// database: the purge job removes expired sandbox accounts and nothing else.

const db = createDatabase(process.env.DATABASE_URL ?? "");
const connection = createRedis(process.env.REDIS_URL ?? "");
const prefix = `${process.env.REDIS_PREFIX ?? "kubelab-test"}-${randomUUID().slice(0, 8)}`;

afterAll(async () => {
  await db.$disconnect();
  connection.disconnect();
});

describe("maintenance.purge-expired-guests", () => {
  it("deletes expired guests with their clusters, keeps the rest", async () => {
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 86_400_000);
    const expired = await db.user.create({ data: { name: "expired", isGuest: true, guestExpiresAt: past } });
    await db.cluster.create({ data: { ownerId: expired.id, name: "c1", spec: {}, seed: 1, partition: 0 } });
    const fresh = await db.user.create({ data: { name: "fresh", isGuest: true, guestExpiresAt: future } });
    const member = await db.user.create({ data: { name: "member", email: `${randomUUID()}@example.test` } });

    const metrics = createMetrics("test");
    const workers = await startJobWorkers({
      connection,
      redisPrefix: prefix,
      db,
      logger: createLogger("test", "silent"),
      metrics,
      concurrency: 1,
    });
    const queues = new JobQueues(connection, prefix);
    const events = new QueueEvents("maintenance", {
      connection: createRedis(process.env.REDIS_URL ?? ""),
      prefix: `${prefix}:bull`,
    });
    try {
      await events.waitUntilReady();
      const job = await queues.enqueue("maintenance.purge-expired-guests", { batchSize: 100 });
      // The hourly schedule also runs once at start; either run may do the deleting.
      await job.waitUntilFinished(events, 20_000);

      expect(await db.user.findUnique({ where: { id: expired.id } })).toBeNull();
      expect(await db.cluster.count({ where: { ownerId: expired.id } })).toBe(0);
      expect(await db.user.findUnique({ where: { id: fresh.id } })).not.toBeNull();
      expect(await db.user.findUnique({ where: { id: member.id } })).not.toBeNull();

      // The job was timed, and the hourly schedule shows as one delayed job.
      expect(await metrics.registry.getSingleMetricAsString("job_duration_seconds")).toMatch(
        /job_duration_seconds_count\{[^}]*name="maintenance.purge-expired-guests"[^}]*outcome="completed"[^}]*\} [1-9]/,
      );
      await workers.refreshQueueDepth();
      expect(await metrics.registry.getSingleMetricAsString("queue_depth")).toMatch(
        /queue_depth\{[^}]*queue="maintenance",state="delayed"[^}]*\} 1/,
      );
    } finally {
      await events.close();
      await queues.close();
      await workers.close();
    }
  });

  it("refuses to enqueue a payload the catalog rejects", async () => {
    const queues = new JobQueues(connection, prefix);
    await expect(queues.enqueue("maintenance.purge-expired-guests", { batchSize: -1 })).rejects.toThrow();
    expect(await queues.queue("maintenance").getWaitingCount()).toBe(0);
    await queues.close();
  });
});
