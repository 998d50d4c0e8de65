import type { Taint, Toleration } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import { type EvictionQueue, processPodOnNode } from "./eviction-plan";
import { getMatchingTolerations, getMinTolerationTimeMs } from "./tolerations";

const unreachable: Taint = { key: "node.kubernetes.io/unreachable", effect: "NoExecute" };
const notReady: Taint = { key: "node.kubernetes.io/not-ready", effect: "NoExecute" };
/** What the DefaultTolerationSeconds admission plugin adds to every pod. */
const defaults: Toleration[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
];

describe("tolerations", () => {
  it("finds the tolerations used and the shortest toleration time", () => {
    const { allTolerated, used } = getMatchingTolerations([unreachable], defaults);
    expect(allTolerated).toBe(true);
    expect(getMinTolerationTimeMs(used)).toBe(300_000);
    expect(
      getMatchingTolerations([unreachable, { key: "x", effect: "NoExecute" }], defaults).allTolerated,
    ).toBe(false);
    expect(getMinTolerationTimeMs([{ operator: "Exists" }])).toBe(-1);
    expect(getMinTolerationTimeMs([{ operator: "Exists", tolerationSeconds: 0 }])).toBe(0);
  });
});

describe("processPodOnNode", () => {
  it("schedules deletion after tolerationSeconds and keeps the earlier schedule on later updates", () => {
    const q: EvictionQueue = {};
    expect(processPodOnNode(q, "default/web", defaults, [unreachable], 1000)).toEqual({
      cancelled: false,
      scheduledAt: 301_000,
    });
    // The taint is swapped to not-ready 20 s later: the deletion already scheduled is kept.
    expect(processPodOnNode(q, "default/web", defaults, [notReady], 21_000)).toEqual({
      cancelled: false,
      scheduledAt: null,
    });
    expect(q["default/web"]).toEqual({ createdAt: 1000, fireAt: 301_000, fired: false });
    // So is it when tolerations change: the Go code compares the existing start + the new
    // toleration with now + the new toleration, which favours the existing deletion.
    const short: Toleration[] = [
      {
        key: "node.kubernetes.io/unreachable",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 60,
      },
    ];
    expect(processPodOnNode(q, "default/web", short, [unreachable], 30_000)).toEqual({
      cancelled: false,
      scheduledAt: null,
    });
  });

  it("deletes right away when a taint is not tolerated", () => {
    const q: EvictionQueue = {};
    expect(processPodOnNode(q, "default/p", [], [unreachable], 5000)).toEqual({
      cancelled: false,
      scheduledAt: 5000,
    });
  });

  it("cancels when the taints are gone or tolerated forever", () => {
    const q: EvictionQueue = {};
    processPodOnNode(q, "default/p", defaults, [unreachable], 0);
    expect(processPodOnNode(q, "default/p", defaults, [], 10_000)).toEqual({
      cancelled: true,
      scheduledAt: null,
    });
    processPodOnNode(q, "default/p", defaults, [unreachable], 20_000);
    expect(
      processPodOnNode(
        q,
        "default/p",
        [{ key: "node.kubernetes.io/unreachable", operator: "Exists" }],
        [unreachable],
        30_000,
      ),
    ).toEqual({ cancelled: true, scheduledAt: null });
  });

  it("does not schedule a tolerating pod twice once its deletion fired", () => {
    const q: EvictionQueue = {};
    processPodOnNode(q, "default/p", defaults, [unreachable], 0);
    q["default/p"]!.fired = true;
    expect(processPodOnNode(q, "default/p", defaults, [unreachable], 1000)).toEqual({
      cancelled: false,
      scheduledAt: null,
    });
  });
});
