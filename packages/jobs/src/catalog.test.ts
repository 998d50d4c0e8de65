import { describe, expect, it } from "vitest";
import { jobCatalog, parseJobPayload, QUEUES } from "./catalog";

describe("job catalog", () => {
  it("puts every job on a known queue with a retry policy", () => {
    for (const [name, definition] of Object.entries(jobCatalog)) {
      expect(QUEUES, name).toContain(definition.queue);
      expect(definition.attempts, name).toBeGreaterThan(0);
      expect(definition.timeoutMs, name).toBeGreaterThan(0);
    }
  });

  it("applies payload defaults and refuses bad payloads", () => {
    expect(parseJobPayload("maintenance.purge-expired-guests", {})).toEqual({ batchSize: 500 });
    expect(() => parseJobPayload("maintenance.purge-expired-guests", { batchSize: 0 })).toThrow();
  });
});
