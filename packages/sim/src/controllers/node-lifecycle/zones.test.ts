import { describe, expect, it } from "vitest";
import {
  newRateLimitedTimedQueue,
  queueAdd,
  queueNextWake,
  queueRemove,
  queueTry,
  swapLimiter,
} from "./rate-limited-queue";
import { computeZoneState, getZoneKey, zoneEvictionQps } from "./zones";

const ready = (s: string) => ({ type: "Ready", status: s });

describe("zones", () => {
  it("computes the zone key from region and zone labels", () => {
    expect(getZoneKey({ metadata: { name: "n" } })).toBe("");
    expect(
      getZoneKey({
        metadata: {
          name: "n",
          labels: { "topology.kubernetes.io/region": "eu", "topology.kubernetes.io/zone": "eu-1a" },
        },
      }),
    ).toBe("eu:\u0000:eu-1a");
  });

  it("classifies zone health as ComputeZoneState does", () => {
    expect(computeZoneState([ready("Unknown"), ready("False")]).state).toBe("FullDisruption");
    expect(computeZoneState([ready("True"), ready("Unknown"), ready("Unknown")]).state).toBe("Normal");
    expect(
      computeZoneState([ready("True"), ready("Unknown"), ready("Unknown"), ready("Unknown")]).state,
    ).toBe("PartialDisruption");
    expect(computeZoneState([ready("True"), null]).notReady).toBe(1);
    expect(zoneEvictionQps("PartialDisruption", 10)).toBe(0);
    expect(zoneEvictionQps("PartialDisruption", 51)).toBe(0.01);
    expect(zoneEvictionQps("Normal", 3)).toBe(0.1);
  });
});

describe("rate-limited timed queue", () => {
  it("lets one node through immediately, then one per 10 s at 0.1 qps", () => {
    const q = newRateLimitedTimedQueue(0.1, 0);
    for (const n of ["a", "b", "c"]) queueAdd(q, n, `uid-${n}`, 0);
    expect(queueAdd(q, "a", "uid-a", 0)).toBe(false);
    const processed: [string, number][] = [];
    for (let t = 0; t <= 25_000; t += 100) {
      queueTry(q, t, (v) => {
        processed.push([v.value, t]);
        return { done: true };
      });
    }
    expect(processed).toEqual([
      ["a", 0],
      ["b", 10_000],
      ["c", 20_000],
    ]);
    // Processed values stay known until removed, so they are not queued twice.
    expect(queueAdd(q, "a", "uid-a", 30_000)).toBe(false);
    expect(queueRemove(q, "a")).toBe(true);
    expect(queueAdd(q, "a", "uid-a", 30_000)).toBe(true);
  });

  it("retries a value later and reports its next wake-up", () => {
    const q = newRateLimitedTimedQueue(0.1, 0);
    queueAdd(q, "a", "u", 0);
    queueTry(q, 0, () => ({ done: false, retryAfterMs: 50 }));
    expect(q.queue[0]!.processAt).toBe(51);
    expect(queueNextWake(q, 100)).toBe(10_000);
  });

  it("stops with a zero-rate limiter", () => {
    const q = newRateLimitedTimedQueue(0.1, 0);
    swapLimiter(q, 0, 0);
    queueAdd(q, "a", "u", 0);
    let n = 0;
    queueTry(q, 60_000, () => {
      n++;
      return { done: true };
    });
    expect(n).toBe(0);
    expect(queueNextWake(q, 60_000)).toBeNull();
  });
});
