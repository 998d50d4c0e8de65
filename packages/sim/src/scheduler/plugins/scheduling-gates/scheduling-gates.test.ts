import { describe, expect, it } from "vitest";
import { makePod } from "../../testing/wrappers";
import { SchedulingGates } from "./scheduling-gates";

describe("SchedulingGates", () => {
  it("holds pods that have scheduling gates, with the Go-formatted list", () => {
    const p = new SchedulingGates();
    expect(p.preEnqueue(makePod("a"))).toBeNull();
    expect(
      p.preEnqueue(makePod("b", { schedulingGates: [{ name: "example.com/quota" }, { name: "wait" }] })),
    ).toMatchObject({
      code: "UnschedulableAndUnresolvable",
      reasons: ["waiting for scheduling gates: [example.com/quota wait]"],
    });
  });
});
