/**
 * Cron schedules as the CronJob controller parses them (github.com/robfig/cron/v3
 * `ParseStandard`): five fields (minute, hour, day of month, month, day of week) with `*`, `?`,
 * lists, ranges, steps and JAN–DEC / SUN–SAT names; the descriptors `@yearly`/`@annually`,
 * `@monthly`, `@weekly`, `@daily`/`@midnight`, `@hourly` and `@every <duration>`. Day of month
 * and day of week combine as cron does: when both are restricted, either may match.
 * Times are evaluated in a time zone (`spec.timeZone`, else the controller's: UTC) through the
 * platform's IANA database (Intl), which is deterministic.
 */

/** A parsed schedule. */
export type Schedule =
  | {
      kind: "spec";
      minute: boolean[];
      hour: boolean[];
      dom: boolean[];
      month: boolean[];
      dow: boolean[];
      domStar: boolean;
      dowStar: boolean;
    }
  | { kind: "every"; ms: number };

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function parseValue(s: string, names: string[] | null, offset: number): number {
  const lower = s.toLowerCase();
  if (names) {
    const i = names.indexOf(lower);
    if (i >= 0) return i + offset;
  }
  if (!/^\d+$/.test(s))
    throw new Error(`failed to parse int from ${s}: strconv.Atoi: parsing "${s}": invalid syntax`);
  return Number(s);
}

function parseField(
  field: string,
  min: number,
  max: number,
  names: string[] | null = null,
  nameOffset = 0,
): { bits: boolean[]; star: boolean } {
  const bits = new Array<boolean>(max + 1).fill(false);
  let star = false;
  for (const part of field.split(",")) {
    const [range, stepText] = part.split("/") as [string, string | undefined];
    let lo: number;
    let hi: number;
    if (range === "*" || range === "?") {
      lo = min;
      hi = max;
      if (stepText === undefined) star = true;
    } else {
      const [a, b] = range.split("-") as [string, string | undefined];
      lo = parseValue(a, names, nameOffset);
      hi = b !== undefined ? parseValue(b, names, nameOffset) : stepText !== undefined ? max : lo;
    }
    const step = stepText !== undefined ? Number(stepText) : 1;
    if (stepText !== undefined && (!/^\d+$/.test(stepText) || step === 0))
      throw new Error(`step of range should be a positive number: ${part}`);
    if (lo < min) throw new Error(`beginning of range (${lo}) below minimum (${min}): ${part}`);
    if (hi > max) throw new Error(`end of range (${hi}) above maximum (${max}): ${part}`);
    if (lo > hi) throw new Error(`beginning of range (${lo}) beyond end of range (${hi}): ${part}`);
    for (let v = lo; v <= hi; v += step) bits[v] = true;
  }
  return { bits, star };
}

const DESCRIPTORS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/** Go's `time.ParseDuration` for the units `@every` uses (h, m, s, ms). */
function parseDuration(s: string): number {
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    const v = Number(m[1]);
    total += v * { h: 3_600_000, m: 60_000, s: 1000, ms: 1 }[m[2] as "h" | "m" | "s" | "ms"];
    consumed += m[0].length;
  }
  if (consumed !== s.length || s.length === 0)
    throw new Error(`failed to parse duration ${s}: time: invalid duration "${s}"`);
  return total;
}

/** `cron.ParseStandard`. Throws with robfig's messages on invalid input. */
export function parseSchedule(spec: string): Schedule {
  const s = spec.trim();
  if (s.startsWith("@every ")) {
    const ms = parseDuration(s.slice(7).trim());
    // robfig rounds @every below one second up to one second.
    return { kind: "every", ms: Math.max(1000, Math.floor(ms / 1000) * 1000) };
  }
  const expanded = s.startsWith("@") ? DESCRIPTORS[s] : s;
  if (expanded === undefined) throw new Error(`unrecognized descriptor: ${s}`);
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5)
    throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
  const minute = parseField(fields[0]!, 0, 59);
  const hour = parseField(fields[1]!, 0, 23);
  const dom = parseField(fields[2]!, 1, 31);
  const month = parseField(fields[3]!, 1, 12, MONTHS, 1);
  const dow = parseField(fields[4]!, 0, 7, DAYS, 0);
  if (dow.bits[7]) dow.bits[0] = true; // 7 is Sunday too
  return {
    kind: "spec",
    minute: minute.bits,
    hour: hour.bits,
    dom: dom.bits,
    month: month.bits,
    dow: dow.bits,
    domStar: dom.star,
    dowStar: dow.star,
  };
}

// ---- calendar arithmetic (proleptic Gregorian, no Date: nothing may read the wall clock) ----------

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The inverse: [year, month, day]. */
function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, sec = 0): number {
  return daysFromCivil(y, mo, d) * DAY_MS + h * 3_600_000 + mi * 60_000 + sec * 1000;
}

// ---- time zones -------------------------------------------------------------------------------

const FORMATTERS: Record<string, Intl.DateTimeFormat> = {};

/** Whether a time zone name is known (`time.LoadLocation`). */
export function isValidTimeZone(tz: string): boolean {
  if (tz === "" || tz === "UTC" || tz === "Local") return true;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = FORMATTERS[tz];
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    FORMATTERS[tz] = f;
  }
  return f;
}

/** The zone's offset from UTC at an instant (ms). */
function offsetMs(tz: string, unixMs: number): number {
  if (tz === "" || tz === "UTC" || tz === "Local") return 0;
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(unixMs))
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  const asUtc = utcMs(parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(unixMs / 1000) * 1000;
}

/** The instant of a local wall-clock time in a zone (the later one in a DST overlap, none in a gap). */
function localToUnix(tz: string, y: number, mo: number, d: number, h: number, mi: number): number | null {
  const wall = utcMs(y, mo, d, h, mi);
  const guess = wall - offsetMs(tz, wall);
  const t = wall - offsetMs(tz, guess);
  // Verify (a wall time inside a DST gap does not exist).
  return t + offsetMs(tz, t) === wall ? t : null;
}

function localParts(tz: string, unixMs: number): { y: number; mo: number; d: number; h: number; mi: number } {
  const local = unixMs + offsetMs(tz, unixMs);
  const days = Math.floor(local / DAY_MS);
  const [y, mo, d] = civilFromDays(days);
  const rest = local - days * DAY_MS;
  return { y, mo, d, h: Math.floor(rest / 3_600_000), mi: Math.floor((rest % 3_600_000) / 60_000) };
}

/** `Schedule.Next`: the first activation strictly after `afterMs` (Unix ms), or null within 5 years. */
export function nextActivation(s: Schedule, afterMs: number, tz = ""): number | null {
  if (s.kind === "every") {
    // robfig ConstantDelaySchedule: next = t + delay, rounded down to the second.
    return Math.floor((afterMs + s.ms) / 1000) * 1000;
  }
  const start = localParts(tz, afterMs + 60_000 - (afterMs % 60_000));
  let y = start.y;
  let mo = start.mo;
  let d = start.d;
  let first = true;
  for (let day = 0; day < 366 * 5; day++) {
    if (!first) [y, mo, d] = civilFromDays(daysFromCivil(y, mo, d) + 1);
    if (s.month[mo] && dayMatches(s, y, mo, d)) {
      for (let h = first ? start.h : 0; h < 24; h++) {
        if (!s.hour[h]) continue;
        for (let mi = first && h === start.h ? start.mi : 0; mi < 60; mi++) {
          if (!s.minute[mi]) continue;
          const t = localToUnix(tz, y, mo, d, h, mi);
          if (t !== null && t > afterMs) return t;
        }
      }
    }
    first = false;
  }
  return null;
}

function dayMatches(s: Extract<Schedule, { kind: "spec" }>, y: number, mo: number, d: number): boolean {
  const domMatch = s.dom[d] === true;
  // 1970-01-01 was a Thursday (4).
  const dowMatch = s.dow[(((daysFromCivil(y, mo, d) + 4) % 7) + 7) % 7] === true;
  if (s.domStar || s.dowStar) return domMatch && dowMatch;
  return domMatch || dowMatch;
}
