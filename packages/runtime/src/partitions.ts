/**
 * Clusters are spread over a fixed number of partitions by a hash of their id. The count is
 * fixed for a deployment's lifetime (changing it would move clusters between queues); the
 * partition is also stored on the cluster's row when it is created.
 */

/** 32-bit FNV-1a: fast, stable across processes and versions, and well spread for short ids. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The partition (0..count-1) a cluster belongs to. */
export function partitionOf(clusterId: string, count: number): number {
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`partition count must be a positive integer, got ${count}`);
  return fnv1a(clusterId) % count;
}
