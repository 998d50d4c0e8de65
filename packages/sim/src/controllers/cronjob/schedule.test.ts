import { describe, expect, it } from "vitest";
import { parseEpoch } from "../../core/time";
import { nextActivation, parseSchedule } from "./schedule";

const at = (iso: string) => parseEpoch(iso);
const next = (spec: string, from: string, tz = "") => {
  const t = nextActivation(parseSchedule(spec), at(from), tz);
  return t === null
    ? null
    : new Intl.DateTimeFormat("sv-SE", { timeZone: "UTC", dateStyle: "short", timeStyle: "medium" }).format(
        t,
      );
};

describe("cron schedules (robfig/cron ParseStandard)", () => {
  it("steps, ranges, lists, names and descriptors", () => {
    expect(next("*/5 * * * *", "2025-01-01T00:02:00Z")).toBe("2025-01-01 00:05:00");
    expect(next("*/5 * * * *", "2025-01-01T00:05:00Z")).toBe("2025-01-01 00:10:00");
    expect(next("0 9 * * MON-FRI", "2025-01-03T10:00:00Z")).toBe("2025-01-06 09:00:00"); // Fri → Mon
    expect(next("30 2 1,15 * *", "2025-01-02T00:00:00Z")).toBe("2025-01-15 02:30:00");
    expect(next("@hourly", "2025-01-01T10:59:59Z")).toBe("2025-01-01 11:00:00");
    expect(next("@monthly", "2025-01-31T12:00:00Z")).toBe("2025-02-01 00:00:00");
    expect(next("@yearly", "2025-06-01T00:00:00Z")).toBe("2026-01-01 00:00:00");
    expect(next("0 0 29 2 *", "2025-01-01T00:00:00Z")).toBe("2028-02-29 00:00:00");
    expect(next("@every 90s", "2025-01-01T00:00:00Z")).toBe("2025-01-01 00:01:30");
  });

  it("day of month OR day of week when both are restricted", () => {
    // The 13th, or any Friday.
    expect(next("0 0 13 * 5", "2025-01-01T00:00:00Z")).toBe("2025-01-03 00:00:00");
    expect(next("0 0 13 * 5", "2025-01-10T00:00:01Z")).toBe("2025-01-13 00:00:00");
  });

  it("evaluates in a time zone, across daylight saving time", () => {
    // 09:00 in Paris is 08:00 UTC in winter, 07:00 UTC in summer.
    expect(next("0 9 * * *", "2025-01-10T12:00:00Z", "Europe/Paris")).toBe("2025-01-11 08:00:00");
    expect(next("0 9 * * *", "2025-07-10T12:00:00Z", "Europe/Paris")).toBe("2025-07-11 07:00:00");
    // 02:30 does not exist on 2025-03-30 in Paris: that day is skipped.
    expect(next("30 2 * * *", "2025-03-29T12:00:00Z", "Europe/Paris")).toBe("2025-03-31 00:30:00");
  });

  it("rejects malformed schedules with robfig's messages", () => {
    expect(() => parseSchedule("* * * *")).toThrow("expected exactly 5 fields, found 4: [* * * *]");
    expect(() => parseSchedule("61 * * * *")).toThrow("end of range (61) above maximum (59): 61");
    expect(() => parseSchedule("@fortnightly")).toThrow("unrecognized descriptor: @fortnightly");
  });
});
