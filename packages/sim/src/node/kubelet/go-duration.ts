/**
 * Go's `time.Duration.String()` (the kubelet prints pull times with it after
 * `Truncate(time.Millisecond)`: `1.234s`, `512ms`, `1m2.345s`).
 */

/** Format a duration in milliseconds as Go prints a Duration truncated to milliseconds. */
export function goDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms));
  if (total === 0) return "0s";
  if (total < 1000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const sMs = total % 60_000;
  const sec = Math.floor(sMs / 1000);
  const frac = sMs % 1000;
  const secText = frac === 0 ? `${sec}s` : `${sec}.${String(frac).padStart(3, "0").replace(/0+$/, "")}s`;
  if (h > 0) return `${h}h${m}m${secText}`;
  if (m > 0) return `${m}m${secText}`;
  return secText;
}
