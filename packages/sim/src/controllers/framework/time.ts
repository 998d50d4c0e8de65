/** Timestamps as controllers read and compare them (RFC 3339 `metav1.Time`, Unix ms). */
import { parseEpoch } from "../../core/time";

/** Parse a `metav1.Time` / `MicroTime` string (UTC, `Z`) to Unix ms; NaN if malformed. */
export function parseTimestampMs(ts: string): number {
  try {
    return parseEpoch(ts);
  } catch {
    return Number.NaN;
  }
}
