/** `metrics.k8s.io/v1beta1` NodeMetrics and PodMetrics as metrics-server serves them. */

/** NodeMetrics. */
export interface NodeMetrics {
  apiVersion: "metrics.k8s.io/v1beta1";
  kind: "NodeMetrics";
  metadata: {
    name: string;
    labels?: Record<string, string>;
    creationTimestamp?: string;
    resourceVersion?: string;
  };
  timestamp: string;
  window: string;
  usage: { cpu: string; memory: string };
}

/** PodMetrics. */
export interface PodMetrics {
  apiVersion: "metrics.k8s.io/v1beta1";
  kind: "PodMetrics";
  metadata: {
    name: string;
    namespace: string;
    labels?: Record<string, string>;
    creationTimestamp?: string;
    resourceVersion?: string;
  };
  timestamp: string;
  window: string;
  containers: { name: string; usage: { cpu: string; memory: string } }[];
}
