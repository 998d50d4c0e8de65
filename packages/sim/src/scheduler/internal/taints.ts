/**
 * Taints and tolerations, as `k8s.io/api/core/v1/toleration.go` (`ToleratesTaint`) and
 * `k8s.io/component-helpers/scheduling/corev1` (`TolerationsTolerateTaint`,
 * `FindMatchingUntoleratedTaint`) define them.
 */
import type { Taint, Toleration } from "kubernetes-types/core/v1";

/** `Toleration.ToleratesTaint`: empty effect and empty key match all; operator "" means Equal. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? "") {
    case "":
    case "Equal":
      return (t.value ?? "") === (taint.value ?? "");
    case "Exists":
      return true;
    default:
      return false;
  }
}

/** `TolerationsTolerateTaint`. */
export function tolerationsTolerateTaint(
  tolerations: readonly Toleration[] | undefined,
  taint: Taint,
): boolean {
  if (!tolerations) return false;
  for (let i = 0; i < tolerations.length; i++) {
    if (toleratesTaint(tolerations[i] as Toleration, taint)) return true;
  }
  return false;
}

/** `helper.DoNotScheduleTaintsFilterFunc`: the taints a Filter must respect (NoSchedule, NoExecute). */
export function isDoNotScheduleTaint(t: Taint): boolean {
  return t.effect === "NoSchedule" || t.effect === "NoExecute";
}

/**
 * `FindMatchingUntoleratedTaint` with a filter: the first taint (in node order) that passes the
 * filter and is not tolerated, or null.
 */
export function findMatchingUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[] | undefined,
  include: (t: Taint) => boolean,
): Taint | null {
  for (let i = 0; i < taints.length; i++) {
    const taint = taints[i] as Taint;
    if (!include(taint)) continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return null;
}
