/**
 * kube-controller-manager's configuration: the flags a learner would recognise, with their
 * v1.32 defaults (cmd/kube-controller-manager/app/options, pkg/controller/apis/config/v1alpha1/defaults.go).
 */

/** The component's configuration (plain data). */
export interface ControllerManagerConfig {
  /** The load balancer (or apiserver) to talk to. */
  server: string;
  /** The host name part of the leader-election identity (`<hostname>_<uuid>`). */
  hostname: string;
  /**
   * `--controllers`: `*` enables those on by default, `name` enables one, `-name` disables one
   * (default `["*"]`).
   */
  controllers: string[];
  /** `--concurrent-…-syncs` overrides by controller name (`{ replicaset: 10 }`). */
  concurrency: Record<string, number>;
  /** `--kube-api-qps` (20) and `--kube-api-burst` (30): each controller's client rate limit. */
  kubeApiQps: number;
  kubeApiBurst: number;
  /** `--leader-elect` (true): only the holder of the `kube-system/kube-controller-manager` Lease runs controllers. */
  leaderElect: boolean;
  /** `--leader-elect-lease-duration` 15 s, `--leader-elect-renew-deadline` 10 s, `--leader-elect-retry-period` 2 s. */
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** `--use-service-account-credentials` (kubeadm sets true): each controller acts as `kube-system/<controller>` SA. */
  useServiceAccountCredentials: boolean;
}

/** kubeadm's kube-controller-manager flags over the KCM defaults. */
export function defaultControllerManagerConfig(
  overrides: Partial<ControllerManagerConfig> = {},
): ControllerManagerConfig {
  return {
    server: "kube-apiserver-lb",
    hostname: "control-plane",
    controllers: ["*"],
    concurrency: {},
    kubeApiQps: 20,
    kubeApiBurst: 30,
    leaderElect: true,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    useServiceAccountCredentials: true,
    ...overrides,
  };
}

/**
 * `--controllers` semantics (app.IsControllerEnabled): an explicit `-name` wins, then an
 * explicit `name`, then `*` enables the controllers that are on by default.
 */
export function isControllerEnabled(
  name: string,
  enabledByDefault: boolean,
  controllers: readonly string[],
): boolean {
  let star = false;
  for (const c of controllers) {
    if (c === name) return true;
    if (c === `-${name}`) return false;
    if (c === "*") star = true;
  }
  return star && enabledByDefault;
}
