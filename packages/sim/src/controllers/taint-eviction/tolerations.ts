/**
 * How long a pod may stay on a node with NoExecute taints (`pkg/controller/tainteviction/
 * taint_eviction.go` `getNoExecuteTaints`, `getMinTolerationTime`; `pkg/apis/core/v1/helper`
 * `GetMatchingTolerations`).
 */
import type { Taint, Toleration } from "kubernetes-types/core/v1";
import { toleratesTaint } from "../../scheduler/internal/taints";

/** `getNoExecuteTaints`. */
export function getNoExecuteTaints(taints: readonly Taint[] | undefined): Taint[] {
  return (taints ?? []).filter((t) => t.effect === "NoExecute");
}

/**
 * `GetMatchingTolerations`: whether every taint is tolerated, and the tolerations used (for each
 * taint, every toleration that tolerates it).
 */
export function getMatchingTolerations(
  taints: readonly Taint[],
  tolerations: readonly Toleration[] | undefined,
): { allTolerated: boolean; used: Toleration[] } {
  if (taints.length === 0) return { allTolerated: true, used: [] };
  if (!tolerations || tolerations.length === 0) return { allTolerated: false, used: [] };
  const used: Toleration[] = [];
  for (const taint of taints) {
    let tolerated = false;
    for (const t of tolerations) {
      if (toleratesTaint(t, taint)) {
        tolerated = true;
        used.push(t);
      }
    }
    if (!tolerated) return { allTolerated: false, used: [] };
  }
  return { allTolerated: true, used };
}

/**
 * `getMinTolerationTime`: the shortest `tolerationSeconds` of the used tolerations, in ms; 0 when
 * none were used or one is ≤ 0; -1 (forever) when none sets `tolerationSeconds`.
 */
export function getMinTolerationTimeMs(used: readonly Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Number.POSITIVE_INFINITY;
  for (const t of used) {
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) {
      if (t.tolerationSeconds <= 0) return 0;
      if (t.tolerationSeconds < min) min = t.tolerationSeconds;
    }
  }
  return min === Number.POSITIVE_INFINITY ? -1 : min * 1000;
}
