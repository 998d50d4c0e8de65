import { describe, expect, it } from "vitest";
import type { QueuedPodInfo } from "../../framework/interface";
import { newPodInfo } from "../../framework/pod-info";
import { makePod } from "../../testing/wrappers";
import { PrioritySort } from "./priority-sort";

const q = (name: string, priority: number, timestamp: number): QueuedPodInfo => ({
  podInfo: newPodInfo(makePod(name, { priority })),
  timestamp,
  attempts: 0,
  initialAttemptTimestamp: null,
  unschedulablePlugins: [],
  pendingPlugins: [],
  gated: false,
  gatingPlugin: "",
});

describe("PrioritySort", () => {
  it("orders by priority, then by queue time", () => {
    const s = new PrioritySort();
    expect(s.less(q("a", 10, 5), q("b", 0, 1))).toBe(true);
    expect(s.less(q("a", 0, 1), q("b", 0, 2))).toBe(true);
    expect(s.less(q("a", 0, 2), q("b", 0, 1))).toBe(false);
  });
});
