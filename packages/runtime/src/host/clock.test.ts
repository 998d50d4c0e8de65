import { describe, expect, it } from "vitest";
import {
  clockTarget,
  DEFAULT_WAKE_POLICY,
  nextWakeWall,
  reanchor,
  runUntil,
  wallAt,
  withSpeed,
} from "./clock";

const policy = { ...DEFAULT_WAKE_POLICY, liveFloorMs: 50, settlingFloorMs: 1_000 };

describe("virtual clock", () => {
  it("follows wall time at its speed, and stands still after `until`", () => {
    const c = { virtual: 5_000, wall: 1_000_000, speed: 2, until: 1_003_000 };
    expect(clockTarget(c, 1_000_500)).toBe(6_000);
    expect(clockTarget(c, 1_003_000)).toBe(11_000);
    expect(clockTarget(c, 1_009_000)).toBe(11_000);
    expect(wallAt(c, 7_000)).toBe(1_001_000);
    expect(wallAt(c, 20_000)).toBe(Number.POSITIVE_INFINITY);
    expect(clockTarget({ ...c, until: null }, 1_009_000)).toBe(23_000);
  });

  it("continues from the simulation when it ran ahead (a long request)", () => {
    const c = { virtual: 0, wall: 0, speed: 1, until: null };
    expect(reanchor(c, 7_000, 1_000)).toEqual({ virtual: 7_000, wall: 1_000, speed: 1, until: null });
    expect(reanchor(c, 500, 1_000)).toEqual({ virtual: 1_000, wall: 1_000, speed: 1, until: null });
  });

  it("pauses and changes speed from where it reads", () => {
    const c = { virtual: 0, wall: 0, speed: 1, until: null };
    const paused = withSpeed(c, 0, 0, 2_000);
    expect(clockTarget(paused, 60_000)).toBe(2_000);
    expect(() => withSpeed(c, 5_000, 0, 0)).toThrow(RangeError);
    expect(runUntil(c, 0, 2_000, 3_000)).toEqual({ virtual: 2_000, wall: 2_000, speed: 1, until: 3_000 });
  });
});

describe("wake-ups", () => {
  const clock = { virtual: 10_000, wall: 100_000, speed: 1, until: null };

  it("wakes live clusters at their next timer, at most every live floor", () => {
    expect(nextWakeWall(clock, 10_400, "live", policy, 100_000)).toBe(100_400);
    expect(nextWakeWall(clock, 10_010, "live", policy, 100_000)).toBe(100_050);
  });

  it("coalesces settling wake-ups and stops with the clock", () => {
    const settling = { ...clock, until: 102_500 };
    expect(nextWakeWall(settling, 10_100, "settling", policy, 100_000)).toBe(101_000);
    // The last wake-up is when the clock stops, even if the next timer is later.
    expect(nextWakeWall(settling, 20_000, "settling", policy, 102_000)).toBe(102_500);
    expect(nextWakeWall(settling, 20_000, "settling", policy, 102_500)).toBeNull();
  });

  it("never wakes a paused cluster or one with nothing pending", () => {
    expect(nextWakeWall({ ...clock, speed: 0 }, 10_100, "live", policy, 100_000)).toBeNull();
    expect(nextWakeWall(clock, null, "live", policy, 100_000)).toBeNull();
  });
});
