/**
 * A small parser for Kubernetes resource quantities (`100m`, `512Mi`, `1.5Gi`, `129e6`), private to
 * the scheduler. It gives exactly what the scheduler reads from a `resource.Quantity`:
 * `Value()` and `MilliValue()`, both rounded up the way apimachinery rounds
 * (`k8s.io/apimachinery/pkg/api/resource/quantity.go`: `ScaledValue` uses ceiling).
 *
 * NOTE: the "api" helper is writing `packages/sim/src/api/quantity.ts`; once it exists this file
 * can be replaced by it (same two functions).
 */

interface ParsedQuantity {
  /** Signed integer mantissa (the number with its decimal point removed). */
  mantissa: bigint;
  /** Power of ten applied to the mantissa (decimal point shift, decimal SI suffix, `e` exponent). */
  pow10: number;
  /** Power of two applied to the mantissa (binary SI suffix). */
  pow2: number;
}

// Suffixes from apimachinery `suffix.go`: binary SI (powers of 2^10) and decimal SI (powers of 10).
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIXES: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const QUANTITY_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:([eE])([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

function parse(text: string): ParsedQuantity {
  const m = QUANTITY_RE.exec(text.trim());
  if (!m || (m[2] === "" && (m[3] === undefined || m[3] === ""))) {
    throw new Error(
      `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${JSON.stringify(text)}`,
    );
  }
  const sign = m[1] === "-" ? -1n : 1n;
  const whole = m[2] ?? "";
  const fraction = m[3] ?? "";
  const digits = `${whole}${fraction}` || "0";
  let pow10 = -fraction.length;
  let pow2 = 0;
  if (m[4] !== undefined) {
    pow10 += Number(m[5]);
  } else {
    const suffix = m[6] ?? "";
    const binary = BINARY_SUFFIXES[suffix];
    if (binary !== undefined) pow2 = binary;
    else pow10 += DECIMAL_SUFFIXES[suffix] ?? 0;
  }
  return { mantissa: sign * BigInt(digits), pow10, pow2 };
}

/** ceil(q × 10^shift) as a number (apimachinery rounds scaled values up). */
function scaledCeil(q: ParsedQuantity, shift: number): number {
  let num = q.mantissa * (1n << BigInt(q.pow2));
  let den = 1n;
  const e = q.pow10 + shift;
  if (e >= 0) num *= 10n ** BigInt(e);
  else den = 10n ** BigInt(-e);
  let r = num / den; // truncates toward zero: already the ceiling for negative values
  if (num % den !== 0n && num > 0n) r += 1n;
  return Number(r);
}

interface QuantityValues {
  value: number;
  milli: number;
}

// A memo of parsed strings. Pure (same input, same output), so it is not simulation state.
const memo = new Map<string, QuantityValues>();

function values(text: string | number): QuantityValues {
  const key = typeof text === "number" ? String(text) : text;
  let v = memo.get(key);
  if (v === undefined) {
    const q = parse(key);
    v = { value: scaledCeil(q, 0), milli: scaledCeil(q, 3) };
    if (memo.size > 100_000) memo.clear();
    memo.set(key, v);
  }
  return v;
}

/** `Quantity.Value()`: the quantity rounded up to an integer (memory, pods, storage, extended resources). */
export function quantityValue(text: string | number): number {
  return values(text).value;
}

/** `Quantity.MilliValue()`: the quantity × 1000 rounded up (CPU is counted in millicores). */
export function quantityMilliValue(text: string | number): number {
  return values(text).milli;
}
