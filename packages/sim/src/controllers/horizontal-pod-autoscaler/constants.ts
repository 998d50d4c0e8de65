/**
 * The HPA controller's defaults (kube-controller-manager v1.32,
 * `pkg/controller/podautoscaler/config/v1alpha1/defaults.go`) and names.
 */

/** `--horizontal-pod-autoscaler-sync-period`. */
export const HPA_SYNC_PERIOD_MS = 15_000;
/** `--horizontal-pod-autoscaler-tolerance`: no scaling while |ratio − 1| ≤ 0.1. */
export const HPA_TOLERANCE = 0.1;
/** `--horizontal-pod-autoscaler-downscale-stabilization`. */
export const HPA_DOWNSCALE_STABILIZATION_MS = 300_000;
/** `--horizontal-pod-autoscaler-cpu-initialization-period`. */
export const HPA_CPU_INITIALIZATION_PERIOD_MS = 300_000;
/** `--horizontal-pod-autoscaler-initial-readiness-delay`. */
export const HPA_INITIAL_READINESS_DELAY_MS = 30_000;
/** `--concurrent-horizontal-pod-autoscaler-syncs`. */
export const HPA_CONCURRENT_SYNCS = 5;
/** `scaleUpLimitFactor` / `scaleUpLimitMinimum` (horizontal.go): without `behavior`, at most max(2 × current, 4). */
export const SCALE_UP_LIMIT_FACTOR = 2;
export const SCALE_UP_LIMIT_MINIMUM = 4;
/** The Events source (`v1.EventSource{Component: "horizontal-pod-autoscaler"}`). */
export const HPA_COMPONENT = "horizontal-pod-autoscaler";
