/**
 * Whole clusters for the cluster-* benchmarks: specs beyond the hosted limits (built directly,
 * not through `parseClusterSpec`), Deployments created through the API as kubectl would, and
 * wall-clock measurement of virtual-time runs.
 */

import { Cluster } from "../../packages/sim/src/cluster/cluster";
import type { ApiResult } from "../../packages/sim/src/cluster/io";
import { type ClusterSpec, defaultClusterSpec } from "../../packages/sim/src/cluster/spec";
import { NODE_SIZE_NAMES } from "../../packages/sim/src/cluster/variant";

/** A kubeadm-style cluster: one control-plane node, `workers` medium workers, trace and dashboard off. */
export function benchSpec(workers: number, opts: { trace?: boolean; observe?: boolean } = {}): ClusterSpec {
  const spec = defaultClusterSpec();
  spec.workerNodes = workers;
  spec.trace = opts.trace ?? false;
  if (!opts.observe) spec.observe = [];
  spec.variant.preset = "kubeadm";
  spec.variant.workerPools = [
    { name: "worker", count: workers, size: { ...NODE_SIZE_NAMES.medium! }, runtime: "containerd" },
  ];
  return spec;
}

/** POST a Deployment of `replicas` pods (`kubectl create deployment NAME --image=IMAGE --replicas=N`). */
export function createDeployment(
  c: Cluster,
  name: string,
  replicas: number,
  image = "nginx:1.27",
): ApiResult {
  return c.submit({
    type: "api",
    method: "POST",
    path: "/apis/apps/v1/namespaces/default/deployments",
    body: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, labels: { app: name } },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            containers: [{ name: "app", image, resources: { requests: { cpu: "10m", memory: "16Mi" } } }],
          },
        },
      },
    },
  }).response as ApiResult;
}

/** Running pods as the first apiserver's cache holds them (read-only; counting through the API would add load). */
export function runningPods(c: Cluster): number {
  const sim = (c as unknown as { sim: { componentState<S>(id: string): S } }).sim;
  const st = sim.componentState<{
    cache: { resources: Record<string, { items: Record<string, { status?: { phase?: string } }> }> };
  }>("kube-apiserver-0");
  let n = 0;
  for (const p of Object.values(st.cache.resources["/registry/pods"]?.items ?? {}))
    if (p.status?.phase === "Running") n++;
  return n;
}

/** Ready nodes as the apiserver cache holds them. */
export function readyNodes(c: Cluster): number {
  const sim = (c as unknown as { sim: { componentState<S>(id: string): S } }).sim;
  const st = sim.componentState<{
    cache: {
      resources: Record<
        string,
        { items: Record<string, { status?: { conditions?: { type: string; status: string }[] } }> }
      >;
    };
  }>("kube-apiserver-0");
  let n = 0;
  for (const node of Object.values(st.cache.resources["/registry/minions"]?.items ?? {}))
    if (node.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True")) n++;
  return n;
}

/** Wall-clock milliseconds of `fn`. */
export function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/**
 * Advance in `stepMs` virtual steps until `done()` or `wallLimitMs` of wall time; returns the
 * wall time spent, the virtual time reached and whether it finished.
 */
export function runUntil(
  c: Cluster,
  done: () => boolean,
  opts: { stepMs: number; wallLimitMs: number; virtualLimitMs: number; progress?: (c: Cluster) => string },
): { wallMs: number; virtualMs: number; done: boolean } {
  const t0 = performance.now();
  const v0 = c.now();
  let last = t0;
  while (!done()) {
    if (performance.now() - t0 > opts.wallLimitMs || c.now() - v0 >= opts.virtualLimitMs)
      return { wallMs: performance.now() - t0, virtualMs: c.now() - v0, done: false };
    c.advanceTo(c.now() + opts.stepMs);
    if (opts.progress && performance.now() - last > 5_000) {
      last = performance.now();
      console.log(
        `  t=${((last - t0) / 1000).toFixed(0)} s wall, ${((c.now() - v0) / 1000).toFixed(0)} s virtual: ${opts.progress(c)}`,
      );
    }
  }
  return { wallMs: performance.now() - t0, virtualMs: c.now() - v0, done: true };
}

export { Cluster };
