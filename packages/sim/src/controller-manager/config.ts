/**
 * kube-controller-manager's configuration: the flags a learner would recognise, with their
 * v1.32 defaults (cmd/kube-controller-manager/app/options, pkg/controller/apis/config/v1alpha1/defaults.go).
 */

import type { ControllerSettings } from "../controllers/framework/controller";

/**
 * A stand-in for the cluster CA certificate (kubeadm's /etc/kubernetes/pki/ca.crt) until the
 * cluster assembly supplies one: the simulation has no real PKI.
 */
export const SIMULATED_ROOT_CA_PEM =
  "-----BEGIN CERTIFICATE-----\n" +
  "MIIDBTCCAe2gAwIBAgIIKubelabSimCAwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\n" +
  "AxMKa3ViZXJuZXRlczAeFw0yNTAxMDEwMDAwMDBaFw0zNDEyMzAwMDAwMDBaMBUx\n" +
  "EzARBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK\n" +
  "-----END CERTIFICATE-----\n";

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
  /** `--concurrent-…-syncs` overrides by canonical controller name (`{ "replicaset-controller": 10 }`). */
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
  /** Settings handed to controllers (`--root-ca-file` contents, …). */
  settings: ControllerSettings;
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
    settings: { rootCaPem: SIMULATED_ROOT_CA_PEM, ...overrides.settings },
  };
}

/**
 * `--controllers` semantics (app.IsControllerEnabled): the first entry naming the controller
 * (canonical name or alias) decides, `name` enabling and `-name` disabling; otherwise `*`
 * enables the controllers that are on by default.
 */
export function isControllerEnabled(
  names: readonly string[],
  enabledByDefault: boolean,
  controllers: readonly string[],
): boolean {
  let star = false;
  for (const c of controllers) {
    if (names.includes(c)) return true;
    if (c.startsWith("-") && names.includes(c.slice(1))) return false;
    if (c === "*") star = true;
  }
  return star && enabledByDefault;
}
