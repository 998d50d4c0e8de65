import { describe, expect, it } from "vitest";
import {
  createWorkQueue,
  queueAdd,
  queueAddAfter,
  queueAddRateLimited,
  queueDelayFired,
  queueDone,
  queueForget,
  queueGet,
  queueLength,
  rateLimiterWhen,
} from "./work-queue";

describe("work queue", () => {
  it("never hands one key to two workers and re-queues a key added while processing", () => {
    const q = createWorkQueue();
    queueAdd(q, "a");
    queueAdd(q, "a");
    queueAdd(q, "b");
    expect(queueLength(q)).toBe(2);
    expect(queueGet(q)).toBe("a");
    queueAdd(q, "a"); // changed again while being synced
    expect(queueGet(q)).toBe("b");
    expect(queueGet(q)).toBeUndefined();
    queueDone(q, "a");
    expect(queueGet(q)).toBe("a");
  });

  it("backs off per item 5 ms × 2^n up to 1000 s, and Forget resets it", () => {
    const q = createWorkQueue({ baseDelayMs: 5, maxDelayMs: 1_000_000, bucket: null });
    const delays = Array.from({ length: 20 }, () => rateLimiterWhen(q, "k", 0));
    expect(delays.slice(0, 4)).toEqual([5, 10, 20, 40]);
    expect(delays[19]).toBe(1_000_000);
    queueForget(q, "k");
    expect(rateLimiterWhen(q, "k", 0)).toBe(5);
  });

  it("the overall bucket (10 qps, burst 100) delays the 101st retry at once", () => {
    const q = createWorkQueue();
    for (let i = 0; i < 100; i++) expect(rateLimiterWhen(q, `k${i}`, 0)).toBe(5);
    expect(rateLimiterWhen(q, "k100", 0)).toBe(100);
  });

  it("AddAfter keeps the earliest deadline", () => {
    const q = createWorkQueue();
    expect(queueAddAfter(q, "a", 1000, 0)).toBe(1000);
    expect(queueAddAfter(q, "a", 2000, 0)).toBeNull();
    expect(queueAddAfter(q, "a", 500, 0)).toBe(500);
    queueDelayFired(q, "a", 1000); // stale timer
    expect(queueLength(q)).toBe(0);
    queueDelayFired(q, "a", 500);
    expect(queueGet(q)).toBe("a");
    expect(queueAddRateLimited(q, "a", 0)).toBe(5);
  });
});
