const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

/**
 * Formats an elapsed time the way kubectl prints AGE and "LAST SEEN" columns
 * (apimachinery `pkg/util/duration.HumanDuration`): `95s`, `2m3s`, `150m`,
 * `3h4m`, `30h`, `2d3h`, `45d`, `2y30d`, `9y`. Anything before −1 s is `<invalid>`.
 */
export function humanDuration(ms: number): string {
  // Go converts with truncation toward zero: -1.5 s is "0s", not "<invalid>".
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const years = Math.floor(ms / YEAR);
    const days = Math.floor((ms - years * YEAR) / DAY);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.floor(ms / YEAR)}y`;
}

/** AGE of an object created at `timestamp` (RFC 3339) seen at `now` (ms); `<unknown>` when unset. */
export function translateTimestampSince(timestamp: string | null | undefined, now: number): string {
  if (!timestamp) return "<unknown>";
  return humanDuration(now - Date.parse(timestamp));
}
