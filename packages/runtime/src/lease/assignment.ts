/**
 * Which worker should own which partition: rendezvous (highest-random-weight) hashing over the
 * live workers. Every worker computes the same answer from the same membership, and when a
 * worker joins or leaves only the partitions it wins or held move (about 1/n of them).
 */
import { fnv1a } from "../partitions";

/** The score of `worker` for `partition` (the highest score owns it). */
export function rendezvousScore(worker: string, partition: number): number {
  // Mix the partition in twice so that consecutive partitions do not correlate.
  return fnv1a(`${partition}:${worker}:${partition}`);
}

/** The worker that should own `partition`, or undefined when no worker is live. */
export function desiredOwner(partition: number, workers: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const w of workers) {
    const s = rendezvousScore(w, partition);
    if (s > bestScore || (s === bestScore && best !== undefined && w < best)) {
      best = w;
      bestScore = s;
    }
  }
  return best;
}

/** The partitions `worker` should own among `count`, given the live workers. */
export function desiredPartitions(worker: string, workers: readonly string[], count: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < count; p++) if (desiredOwner(p, workers) === worker) out.push(p);
  return out;
}
