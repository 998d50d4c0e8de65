import { describe, expect, it } from "vitest";
import { CycleState } from "../../framework/cycle-state";
import { newPodInfo } from "../../framework/pod-info";
import { makePod, testRandomInt } from "../../testing/wrappers";
import { DefaultBinder } from "./default-binder";

describe("DefaultBinder", () => {
  it("produces the v1.Binding to POST to pods/<name>/binding", () => {
    const out = new DefaultBinder().bind(
      new CycleState(testRandomInt()),
      newPodInfo(makePod("web", { namespace: "shop", uid: "u-1" })),
      "node-7",
    );
    expect(out.binding).toEqual({
      apiVersion: "v1",
      kind: "Binding",
      metadata: { namespace: "shop", name: "web", uid: "u-1" },
      target: { kind: "Node", name: "node-7" },
    });
  });
});
