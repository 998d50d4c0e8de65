/**
 * π to N significant digits, computed (not looked up) with Machin's formula
 * π = 16·atan(1/5) − 4·atan(1/239) in BigInt fixed point, then rounded half-to-even at N digits as
 * Perl's `Math::BigFloat->bpi(N)` does. This is what the Kubernetes documentation's Job
 * `perl -Mbignum=bpi -wle "print bpi(2000)"` prints.
 */

function arctanInverse(x: bigint, unity: bigint): bigint {
  // atan(1/x) = Σ (-1)^k / ((2k+1) x^(2k+1))
  let sum = 0n;
  let power = unity / x;
  const x2 = x * x;
  let k = 1n;
  let sign = 1n;
  while (power !== 0n) {
    sum += (sign * power) / k;
    power /= x2;
    k += 2n;
    sign = -sign;
  }
  return sum;
}

/** The decimal digits of π with `digits` significant digits (`3.14159…`), correctly rounded. */
export function piDigits(digits: number): string {
  const n = Math.max(1, Math.floor(digits));
  const guard = 12;
  const unity = 10n ** BigInt(n - 1 + guard);
  const pi = 16n * arctanInverse(5n, unity) - 4n * arctanInverse(239n, unity);
  // pi = π·10^(n-1+guard); keep n significant digits, rounding half to even.
  const scale = 10n ** BigInt(guard);
  let q = pi / scale;
  const r = pi % scale;
  const half = scale / 2n;
  if (r > half || (r === half && q % 2n === 1n)) q += 1n;
  const s = q.toString();
  return s.length === 1 ? s : `${s[0]}.${s.slice(1)}`;
}

/**
 * Roughly how long Perl's bignum takes for `bpi(n)` on one core: quadratic in the digits,
 * about 4.4 s for the documentation's 2,000 digits (the Job's pod runs for a few seconds).
 */
export function piComputeMs(digits: number): number {
  return Math.max(20, Math.round(0.0011 * digits * digits));
}
