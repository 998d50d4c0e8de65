/** `helper.DefaultNormalizeScore` (`pkg/scheduler/framework/plugins/helper/normalize_score.go`). */
import { MAX_NODE_SCORE } from "../../framework/types";

/**
 * Scales scores to [0, maxPriority] relative to the highest one (integer division, as Go);
 * `reverse` flips them (higher raw score, lower final score). All zero: 0, or max when reversed.
 */
export function defaultNormalizeScore(
  scores: number[],
  reverse: boolean,
  maxPriority: number = MAX_NODE_SCORE,
): void {
  let maxCount = 0;
  for (const s of scores) if (s > maxCount) maxCount = s;
  if (maxCount === 0) {
    if (reverse) scores.fill(maxPriority);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let score = Math.trunc((maxPriority * (scores[i] as number)) / maxCount);
    if (reverse) score = maxPriority - score;
    scores[i] = score;
  }
}
