/**
 * The timestamp formats programs print in their logs, from virtual Unix milliseconds (no Date:
 * the calendar arithmetic is done by hand so nothing reads the wall clock).
 */

const DAYS = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]; // 1970-01-01 was a Thursday
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Broken-down UTC time. */
export interface CivilTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  weekday: string;
}

/** Split Unix ms into calendar fields (UTC). */
export function civil(unixMs: number): CivilTime {
  const days = Math.floor(unixMs / 86_400_000);
  let rest = unixMs - days * 86_400_000;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp + (mp < 10 ? 3 : -9);
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const ms = rest - second * 1000;
  return { year, month, day, hour, minute, second, ms, weekday: DAYS[((days % 7) + 7) % 7]! };
}

const p2 = (n: number) => String(n).padStart(2, "0");
const p3 = (n: number) => String(n).padStart(3, "0");

/** The log time formats of well-known programs. */
export type LogTimeFormat =
  | "date"
  | "nginx"
  | "nginx-access"
  | "apache"
  | "apache-access"
  | "redis"
  | "postgres"
  | "mysql"
  | "klog"
  | "rfc3339"
  | "etcd"
  | "coredns";

/** Format a virtual instant the way a program prints it. */
export function formatLogTime(format: LogTimeFormat, unixMs: number): string {
  const c = civil(unixMs);
  const mon = MONTHS[c.month - 1]!;
  const hms = `${p2(c.hour)}:${p2(c.minute)}:${p2(c.second)}`;
  switch (format) {
    case "date": // busybox/coreutils `date`: "Wed Jan  1 00:00:05 UTC 2025"
      return `${c.weekday} ${mon} ${String(c.day).padStart(2, " ")} ${hms} UTC ${c.year}`;
    case "nginx": // error log: "2025/01/01 00:00:05"
      return `${c.year}/${p2(c.month)}/${p2(c.day)} ${hms}`;
    case "nginx-access":
    case "apache-access": // "01/Jan/2025:00:00:05 +0000"
      return `${p2(c.day)}/${mon}/${c.year}:${hms} +0000`;
    case "apache": // "Wed Jan 01 00:00:05.123456 2025"
      return `${c.weekday} ${mon} ${p2(c.day)} ${hms}.${p3(c.ms)}000 ${c.year}`;
    case "redis": // "01 Jan 2025 00:00:05.123"
      return `${p2(c.day)} ${mon} ${c.year} ${hms}.${p3(c.ms)}`;
    case "postgres": // "2025-01-01 00:00:05.123 UTC"
      return `${c.year}-${p2(c.month)}-${p2(c.day)} ${hms}.${p3(c.ms)} UTC`;
    case "mysql": // "2025-01-01T00:00:05.123456Z"
      return `${c.year}-${p2(c.month)}-${p2(c.day)}T${hms}.${p3(c.ms)}000Z`;
    case "klog": // "I0101 00:00:05.123456" without the severity letter: "0101 00:00:05.123456"
      return `${p2(c.month)}${p2(c.day)} ${hms}.${p3(c.ms)}000`;
    case "etcd": // zap JSON "2025-01-01T00:00:05.123456Z"
    case "rfc3339":
      return `${c.year}-${p2(c.month)}-${p2(c.day)}T${hms}.${p3(c.ms)}000Z`;
    case "coredns":
      return `${c.year}-${p2(c.month)}-${p2(c.day)}T${hms}Z`;
  }
}
