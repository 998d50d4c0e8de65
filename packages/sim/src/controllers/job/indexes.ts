/**
 * Completion indexes of Indexed Jobs (pkg/controller/job/indexed_job_utils.go): the
 * `batch.kubernetes.io/job-completion-index` annotation and label, and the interval strings of
 * `status.completedIndexes` ("1,3-5,7").
 */
import type { KubeObject } from "../../api/types";

/** `batch.JobCompletionIndexAnnotation` (also the pod label with PodIndexLabel, on since 1.28). */
export const COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

/** `getCompletionIndex`: the pod's index, or -1 when absent or invalid. */
export function completionIndex(pod: KubeObject): number {
  const v = pod.metadata.annotations?.[COMPLETION_INDEX];
  if (v === undefined || !/^\d+$/.test(v)) return -1;
  return Number(v);
}

/** Parse "1,3-5" into a sorted list of indexes below `completions`. */
export function parseIndexes(s: string | undefined, completions: number): number[] {
  const out: number[] = [];
  if (!s) return out;
  for (const part of s.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    for (let i = a; i <= b && i < completions; i++) out.push(i);
  }
  return [...new Set(out)].sort((x, y) => x - y);
}

/** Format sorted indexes as intervals ("1,3-5"). */
export function formatIndexes(indexes: readonly number[]): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}
