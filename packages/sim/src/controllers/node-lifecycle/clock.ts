/**
 * The controller's clock in Unix ms, as the Go controllers read `time.Now()`: object timestamps
 * (creation, lease renewals, condition transitions) are Unix times, so comparisons need the
 * same base. The framework hands controllers virtual ms since the epoch and the current
 * `metav1.Time`; the cluster epoch is a whole second, so the two give Unix ms exactly.
 */
import { parseEpoch } from "../../core/time";

/** What the clock needs from a controller context. */
export interface ClockSource {
  readonly now: number;
  timestamp(): string;
}

/** Now, in Unix ms. */
export function unixNow(c: ClockSource): number {
  return parseEpoch(c.timestamp()) + (c.now % 1000);
}
