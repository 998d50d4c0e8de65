/**
 * The kube-scheduler process's configuration: the part of `KubeSchedulerConfiguration`
 * (`k8s.io/kube-scheduler/config/v1`, defaults in `pkg/scheduler/apis/config/v1/defaults.go`)
 * the simulation uses, plus where the process runs and how it reaches the apiserver.
 */
import type { UserInfo } from "../../apiserver/http";
import {
  DEFAULT_LEASE_DURATION_MS,
  DEFAULT_RENEW_DEADLINE_MS,
  DEFAULT_RETRY_PERIOD_MS,
} from "../../leader-election/leader-elector";
import { DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE, defaultProfile, type Profile } from "../framework/profile";
import { DEFAULT_POD_INITIAL_BACKOFF_MS, DEFAULT_POD_MAX_BACKOFF_MS } from "../queue/scheduling-queue";
import { DEFAULT_CLIENT_BURST, DEFAULT_CLIENT_QPS } from "./client-rate-limiter";

/** kube-scheduler's `leaderElection` block (component-base `LeaderElectionConfiguration`). */
export interface SchedulerLeaderElection {
  /** `leaderElect`, default true. */
  leaderElect: boolean;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** `resourceNamespace` / `resourceName`: default `kube-system` / `kube-scheduler` (`SchedulerDefaultLockObject*`). */
  resourceNamespace: string;
  resourceName: string;
}

/** What a kube-scheduler process is started with. */
export interface KubeSchedulerConfig {
  /** The host the process runs on: the first half of its leader election identity. */
  hostname: string;
  /** Where its client sends requests (the apiserver load balancer's component id). */
  apiServer: string;
  /** Who it is to the apiserver: kubeadm's `scheduler.conf` user `system:kube-scheduler`. */
  user: UserInfo;
  /** One framework per profile, chosen by the pod's `spec.schedulerName`. */
  profiles: Profile[];
  /** Scheduler-wide `percentageOfNodesToScore` (0: adaptive). */
  percentageOfNodesToScore: number;
  /** `podInitialBackoffSeconds` (1 s) and `podMaxBackoffSeconds` (10 s), in ms. */
  podInitialBackoffMs: number;
  podMaxBackoffMs: number;
  leaderElection: SchedulerLeaderElection;
  /** `clientConnection`: client-side rate limit of the scheduler's API client (qps 50, burst 100). */
  clientConnection: { qps: number; burst: number };
}

/** kubeadm's kube-scheduler user (the CN of `scheduler.conf`'s client certificate). */
export const KUBE_SCHEDULER_USER: UserInfo = {
  username: "system:kube-scheduler",
  groups: ["system:authenticated"],
};

/** A configuration with v1.32's defaults; `overrides` replace top-level fields. */
export function defaultKubeSchedulerConfig(
  overrides: Partial<KubeSchedulerConfig> & Pick<KubeSchedulerConfig, "hostname" | "apiServer">,
): KubeSchedulerConfig {
  return {
    user: KUBE_SCHEDULER_USER,
    profiles: [defaultProfile()],
    percentageOfNodesToScore: DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE,
    podInitialBackoffMs: DEFAULT_POD_INITIAL_BACKOFF_MS,
    podMaxBackoffMs: DEFAULT_POD_MAX_BACKOFF_MS,
    clientConnection: { qps: DEFAULT_CLIENT_QPS, burst: DEFAULT_CLIENT_BURST },
    ...overrides,
    leaderElection: {
      leaderElect: true,
      leaseDurationMs: DEFAULT_LEASE_DURATION_MS,
      renewDeadlineMs: DEFAULT_RENEW_DEADLINE_MS,
      retryPeriodMs: DEFAULT_RETRY_PERIOD_MS,
      resourceNamespace: "kube-system",
      resourceName: "kube-scheduler",
      ...overrides.leaderElection,
    },
  };
}
