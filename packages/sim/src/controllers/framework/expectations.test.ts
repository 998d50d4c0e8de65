import { describe, expect, it } from "vitest";
import {
  creationObserved,
  deletionObserved,
  EXPECTATIONS_TIMEOUT_MS,
  type Expectations,
  expectCreations,
  expectDeletions,
  satisfiedExpectations,
} from "./expectations";

describe("expectations", () => {
  it("are satisfied once every expected creation was observed", () => {
    const e: Expectations = {};
    expect(satisfiedExpectations(e, "ns/rs", 0)).toBe(true);
    expectCreations(e, "ns/rs", 2, 0);
    expect(satisfiedExpectations(e, "ns/rs", 1)).toBe(false);
    creationObserved(e, "ns/rs");
    expect(satisfiedExpectations(e, "ns/rs", 1)).toBe(false);
    creationObserved(e, "ns/rs");
    expect(satisfiedExpectations(e, "ns/rs", 1)).toBe(true);
  });

  it("track deletions by object key and expire after 5 minutes", () => {
    const e: Expectations = {};
    expectDeletions(e, "ns/rs", ["ns/a", "ns/b"], 0);
    deletionObserved(e, "ns/rs", "ns/other");
    deletionObserved(e, "ns/rs", "ns/a");
    deletionObserved(e, "ns/rs", "ns/a");
    expect(satisfiedExpectations(e, "ns/rs", 1)).toBe(false);
    expect(satisfiedExpectations(e, "ns/rs", EXPECTATIONS_TIMEOUT_MS + 1)).toBe(true);
    deletionObserved(e, "ns/rs", "ns/b");
    expect(satisfiedExpectations(e, "ns/rs", 1)).toBe(true);
  });
});
