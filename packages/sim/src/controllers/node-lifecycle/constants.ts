/**
 * The node lifecycle controller's defaults (kube-controller-manager v1.32) and the names it
 * uses. Each value says where it comes from.
 */

/** `--node-monitor-period`: how often node health is checked (KCM `config/v1alpha1/defaults.go`). */
export const NODE_MONITOR_PERIOD_MS = 5_000;

/**
 * `--node-monitor-grace-period`: 40 s through v1.31, **50 s from v1.32** (kubernetes PR #126287,
 * CHANGELOG-1.32). It must exceed the HTTP/2 ping timeout + read-idle timeout (30 s + 15 s).
 */
export const NODE_MONITOR_GRACE_PERIOD_MS = 50_000;

/** `--node-startup-grace-period`: the grace before a node has ever posted a Ready condition (defaults.go). */
export const NODE_STARTUP_GRACE_PERIOD_MS = 60_000;

/** `--node-eviction-rate`: NoExecute taints per second per healthy zone (KCM flag reference). */
export const NODE_EVICTION_RATE = 0.1;

/** `--secondary-node-eviction-rate`: the rate in a partially disrupted large zone. */
export const SECONDARY_NODE_EVICTION_RATE = 0.01;

/** `--large-cluster-size-threshold`: zones up to this size stop evicting when partially disrupted. */
export const LARGE_CLUSTER_SIZE_THRESHOLD = 50;

/** `--unhealthy-zone-threshold`: share of not-Ready nodes (at least 3) that makes a zone partially disrupted. */
export const UNHEALTHY_ZONE_THRESHOLD = 0.55;

/** `scheduler.NodeEvictionPeriod`: the period of the NoExecute tainting pass (rate_limited_queue.go). */
export const NODE_EVICTION_PERIOD_MS = 100;

/** `scheduler.EvictionRateLimiterBurst`: the token bucket of each zone holds one token. */
export const EVICTION_RATE_LIMITER_BURST = 1;

/** `scheduler.NodeHealthUpdateRetry` / `NodeStatusUpdateRetry`: attempts to write a node's health. */
export const NODE_HEALTH_UPDATE_RETRY = 5;

/** The Events source of the controller (`v1.EventSource{Component: "node-controller"}`). */
export const NODE_CONTROLLER_COMPONENT = "node-controller";

/** `v1.NamespaceNodeLease`: where kubelets renew their Leases. */
export const NODE_LEASE_NAMESPACE = "kube-node-lease";

/** Well-known taint keys (`k8s.io/api/core/v1/well_known_taints.go`). */
export const TAINT_NODE_NOT_READY = "node.kubernetes.io/not-ready";
export const TAINT_NODE_UNREACHABLE = "node.kubernetes.io/unreachable";
export const TAINT_NODE_UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
export const TAINT_NODE_MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure";
export const TAINT_NODE_DISK_PRESSURE = "node.kubernetes.io/disk-pressure";
export const TAINT_NODE_NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable";
export const TAINT_NODE_PID_PRESSURE = "node.kubernetes.io/pid-pressure";

/** `labelNodeDisruptionExclusion`: nodes with this label are left out of zone health. */
export const LABEL_NODE_EXCLUDE_DISRUPTION = "node.kubernetes.io/exclude-disruption";

/** Topology labels (`k8s.io/api/core/v1/well_known_labels.go`). */
export const LABEL_TOPOLOGY_ZONE = "topology.kubernetes.io/zone";
export const LABEL_TOPOLOGY_REGION = "topology.kubernetes.io/region";
export const LABEL_FAILURE_DOMAIN_BETA_ZONE = "failure-domain.beta.kubernetes.io/zone";
export const LABEL_FAILURE_DOMAIN_BETA_REGION = "failure-domain.beta.kubernetes.io/region";
