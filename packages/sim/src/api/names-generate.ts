/**
 * `metadata.generateName`, as apiserver `pkg/storage/names/generate.go` (v1.32) expands it:
 * the base is cut to 58 characters and 5 random characters from the alphabet of
 * apimachinery `util/rand` are appended. Randomness comes from the caller (the simulation's
 * seeded PRNG), so this stays pure.
 */

/** `rand.String`'s alphabet: no vowels (no words), no confusable characters. */
export const GENERATED_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
/** `randomLength`. */
export const GENERATED_NAME_RANDOM_LENGTH = 5;
/** `MaxGeneratedNameLength` = 63 - 5. */
export const MAX_GENERATED_NAME_BASE_LENGTH = 58;

/** Expands a generateName; `randomIndex(n)` must return an integer in [0, n). */
export function generateNameFrom(base: string, randomIndex: (n: number) => number): string {
  let out =
    base.length > MAX_GENERATED_NAME_BASE_LENGTH ? base.slice(0, MAX_GENERATED_NAME_BASE_LENGTH) : base;
  for (let i = 0; i < GENERATED_NAME_RANDOM_LENGTH; i++) {
    out += GENERATED_NAME_ALPHABET[randomIndex(GENERATED_NAME_ALPHABET.length)]!;
  }
  return out;
}
