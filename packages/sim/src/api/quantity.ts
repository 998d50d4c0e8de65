/**
 * Kubernetes resource quantities ("100m", "1Gi", "1.5", "2e3"), parsed and printed as
 * apimachinery `pkg/api/resource/quantity.go` (kubernetes-1.32.0) does:
 * - the grammar `<signedNumber><suffix>` with binary (Ki..Ei), decimal (n u m "" k M G T P E)
 *   or exponent (e3, E-2) suffixes, and its error texts;
 * - values rounded up (away from zero) to nano precision, "if you want some resources, you
 *   should get some resources";
 * - the canonical form: the suffix kind is kept, the number is an integer with the largest
 *   suffix that keeps it exact ("1.5" -> "1500m", "1024Ki" -> "1Mi", "0.5Gi" -> "512Mi"),
 *   and a binary quantity below 1024 or with fractions prints as decimal ("1.5Ki" -> "1536").
 *
 * Values are exact `bigint` nano-units, so sums never drift.
 */

/** How a quantity prints: the kind of suffix it was written with. */
export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

/** A parsed quantity: its exact value in nano-units (value × 10⁹) and its format. */
export interface Quantity {
  nanos: bigint;
  format: QuantityFormat;
}

/** `ErrFormatWrong`. */
export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/** `ErrSuffix`. */
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";
/** `ErrNumeric`. */
export const QUANTITY_NUMERIC_ERROR = "unable to parse numeric part of quantity";

/** Thrown by `parseQuantity` with one of the apimachinery error texts. */
export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuantityError";
  }
}

const NANO = 1_000_000_000n;
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
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
// The binary table also maps "" to 2^0, used when printing whole numbers below 1Ki.
const BINARY_BY_EXPONENT = new Map([
  [0, ""],
  ...Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s] as const),
]);
const SUFFIX_CHARS = "eEinumkKMGTP";
/** BinarySI quantities are capped at 2⁶³-1 (`maxAllowed`). */
const MAX_ALLOWED_NANOS = (2n ** 63n - 1n) * NANO;

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";

interface Split {
  negative: boolean;
  num: string;
  denom: string;
  suffix: string;
}

/** `parseQuantityString`: splits sign, integer digits, fraction digits and suffix. */
function splitQuantity(str: string): Split {
  let pos = 0;
  const end = str.length;
  let negative = false;
  if (str[0] === "-") {
    negative = true;
    pos++;
  } else if (str[0] === "+") {
    pos++;
  }
  while (pos < end && str[pos] === "0") pos++;
  if (pos >= end) return { negative, num: "0", denom: "", suffix: "" };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  if (i >= end) return { negative, num, denom: "", suffix: "" };
  if (num === "") num = "0";
  pos = i;
  let denom = "";
  if (str[pos] === ".") {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { negative, num, denom, suffix: "" };
    pos = i;
  }
  const suffixStart = pos;
  i = pos;
  while (i < end && SUFFIX_CHARS.includes(str[i]!)) i++;
  if (i >= end) return { negative, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === "-" || str[pos] === "+") pos++;
  for (i = pos; i < end; i++) {
    if (!isDigit(str[i])) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  }
  return { negative, num, denom, suffix: str.slice(suffixStart) };
}

/** `suffixHandler.interpret`: base, exponent and format of a suffix. */
function interpretSuffix(suffix: string): { base: 10 | 2; exponent: number; format: QuantityFormat } {
  const dec = DECIMAL_SUFFIXES[suffix];
  if (dec !== undefined) return { base: 10, exponent: dec, format: "DecimalSI" };
  const bin = BINARY_SUFFIXES[suffix];
  if (bin !== undefined) return { base: 2, exponent: bin, format: "BinarySI" };
  if (suffix.length > 1 && (suffix[0] === "e" || suffix[0] === "E") && /^[+-]?\d+$/.test(suffix.slice(1))) {
    return { base: 10, exponent: Number.parseInt(suffix.slice(1), 10), format: "DecimalExponent" };
  }
  throw new QuantityError(QUANTITY_SUFFIX_ERROR);
}

/** Divides rounding away from zero. */
function divAwayFromZero(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b === 0n ? q : a < 0n === b < 0n ? q + 1n : q - 1n;
}

/** `resource.ParseQuantity`. Throws `QuantityError` with the apimachinery text. */
export function parseQuantity(input: string): Quantity {
  const str = input;
  if (str.length === 0) throw new QuantityError(QUANTITY_FORMAT_ERROR);
  const { negative, num, denom, suffix } = splitQuantity(str);
  const { base, exponent, format: parsedFormat } = interpretSuffix(suffix);
  let format = parsedFormat;
  // value = (num.denom) × base^exponent, computed exactly as a fraction n / d.
  let n = BigInt(num + denom);
  let d = 10n ** BigInt(denom.length);
  if (base === 10) {
    if (exponent >= 0) n *= 10n ** BigInt(exponent);
    else d *= 10n ** BigInt(-exponent);
  } else {
    n *= 2n ** BigInt(exponent);
  }
  let nanos = divAwayFromZero(n * NANO, d);
  if (format === "BinarySI" && nanos > MAX_ALLOWED_NANOS) nanos = MAX_ALLOWED_NANOS;
  // A binary quantity between 0 and 1 prints as decimal ("avoids rounding and hopefully confusion").
  if (format === "BinarySI" && nanos < NANO && nanos > 0n) format = "DecimalSI";
  return { nanos: negative ? -nanos : nanos, format };
}

/** Parses, or returns undefined where `parseQuantity` would throw. */
export function tryParseQuantity(input: string): Quantity | undefined {
  try {
    return parseQuantity(input);
  } catch {
    return undefined;
  }
}

/**
 * Parses a quantity as it arrives in JSON: a string or a bare number (Quantity.UnmarshalJSON
 * accepts both; `null` is zero).
 */
export function parseQuantityJson(value: unknown): Quantity {
  if (value === null) return { nanos: 0n, format: "DecimalSI" };
  if (typeof value === "number") return parseQuantity(numberToQuantityText(value));
  if (typeof value === "string") return parseQuantity(value.trim());
  throw new QuantityError(QUANTITY_FORMAT_ERROR);
}

/** Writes a JS number without exponent notation for small magnitudes (1e21 stays as exponent). */
function numberToQuantityText(n: number): string {
  const s = String(n);
  if (!s.includes("e")) return s;
  // "1e-7" -> "1e-7" is valid quantity syntax too (DecimalExponent).
  return s.replace("e+", "e");
}

/** `Quantity.String()`: the canonical text. */
export function formatQuantity(q: Quantity): string {
  if (q.nanos === 0n) return "0";
  const negative = q.nanos < 0n;
  const abs = negative ? -q.nanos : q.nanos;
  const sign = negative ? "-" : "";
  let format = q.format;
  if (format === "BinarySI") {
    // Below 1024 or not a whole number of bytes: show as DecimalSI to keep precision.
    if (abs < 1024n * NANO || abs % NANO !== 0n) format = "DecimalSI";
  }
  if (format === "BinarySI") {
    let number = abs / NANO;
    let exp = 0;
    while (exp < 60 && number % 1024n === 0n) {
      number /= 1024n;
      exp += 10;
    }
    return `${sign}${number}${BINARY_BY_EXPONENT.get(exp)}`;
  }
  // Decimal: largest exponent (multiple of 3, from -9) that keeps an integer mantissa.
  let number = abs;
  let exp = -9;
  while (number % 1000n === 0n) {
    number /= 1000n;
    exp += 3;
  }
  if (format === "DecimalExponent") return `${sign}${number}${exp === 0 ? "" : `e${exp}`}`;
  // Past E (10^18) there is no SI suffix; multiply the mantissa out.
  while (exp > 18) {
    number *= 1000n;
    exp -= 3;
  }
  return `${sign}${number}${DECIMAL_BY_EXPONENT.get(exp)}`;
}

/** Parses and prints a quantity in canonical form ("1.5" -> "1500m"). */
export function canonicalizeQuantity(input: string): string {
  return formatQuantity(parseQuantity(input));
}

/** `Quantity.MilliValue()`: the value in thousandths, rounded up (away from zero). */
export function milliValue(q: Quantity): number {
  return Number(divAwayFromZero(q.nanos, 1_000_000n));
}

/** `Quantity.Value()`: the value in whole units, rounded up (away from zero). */
export function wholeValue(q: Quantity): number {
  return Number(divAwayFromZero(q.nanos, NANO));
}

/** The value as a floating-point number (for ratios such as HPA utilisation). */
export function quantityToNumber(q: Quantity): number {
  return Number(q.nanos) / 1e9;
}

/** A quantity from a number of units (e.g. bytes) in a given format. */
export function quantityFromValue(value: number, format: QuantityFormat = "DecimalSI"): Quantity {
  return { nanos: BigInt(Math.round(value)) * NANO, format };
}

/** A quantity from thousandths (e.g. CPU millicores), DecimalSI. */
export function quantityFromMilli(milli: number): Quantity {
  return { nanos: BigInt(Math.round(milli)) * 1_000_000n, format: "DecimalSI" };
}

/** Compares two quantities by value: negative, zero or positive. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** `Quantity.Add`: the sum keeps the first operand's format (zero takes the other's). */
export function addQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos + b.nanos, format: a.nanos === 0n && a.format !== b.format ? b.format : a.format };
}

/** `Quantity.Sub`. */
export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos - b.nanos, format: a.format };
}

/**
 * The millivalue of a quantity string, memoised: schedulers and quota read the same
 * handful of request strings millions of times.
 */
const milliCache = new Map<string, number>();
export function parseMilliValue(input: string): number {
  let v = milliCache.get(input);
  if (v === undefined) {
    v = milliValue(parseQuantity(input));
    if (milliCache.size > 10_000) milliCache.clear();
    milliCache.set(input, v);
  }
  return v;
}
