/**
 * kube-controller-manager at scale: D Deployments of R replicas created at once, converged by
 * the Deployment and ReplicaSet controllers (with the ServiceAccount controller and the garbage
 * collector watching) until every Deployment reports R available. Pods are made Running/Ready
 * by the test kubelet stand-in (no scheduler or nodes: this measures the controllers and the
 * control plane). Client QPS is unlimited (large clusters raise --kube-api-qps). Trace off.
 * Prints the figures; it does not write BENCHMARKS.md.
 *
 *   npm run bench -- controller-manager-scale [deployments] [replicas]
 */
import { ControllerTestCluster } from "../packages/sim/src/controller-manager/testing/cluster";

const DEPLOYMENTS = Number(process.argv[2] ?? 150);
const REPLICAS = Number(process.argv[3] ?? 100);

const t0 = performance.now();
const c = new ControllerTestCluster({
  seed: 3,
  controllers: ["deployment", "replicaset", "serviceaccount", "garbagecollector"],
  config: { kubeApiQps: -1 },
  kubelet: { startDelayMs: 2000 },
});
c.sim.configureTrace({ enabled: false });
c.waitFor(() => c.get("serviceaccounts", "default", "default") !== undefined);
const tBoot = performance.now();
for (let i = 0; i < DEPLOYMENTS; i++) {
  const name = `app-${i}`;
  c.h.send("POST", "/apis/apps/v1/namespaces/default/deployments", {
    body: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name },
      spec: {
        replicas: REPLICAS,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: "web", image: "nginx:1.27" }] },
        },
      },
    },
  });
}
const v0 = c.sim.now;
let events = 0;
const deployments = () => c.manager().informers["deployments.apps"]?.items ?? {};
const done = () => {
  const ds = Object.values(deployments());
  return ds.length === DEPLOYMENTS && ds.every((d) => d.status?.availableReplicas === REPLICAS);
};
while (!done()) {
  events += c.sim.advanceBy(1000);
  if (c.sim.now - v0 > 3_600_000) break;
}
const t1 = performance.now();
const rt = c.manager().controllers;
console.log(
  JSON.stringify(
    {
      deployments: DEPLOYMENTS,
      replicas: REPLICAS,
      pods: Object.keys(c.manager().informers.pods?.items ?? {}).length,
      converged: done(),
      bootMs: Math.round(tBoot - t0),
      convergeWallMs: Math.round(t1 - tBoot),
      convergeVirtualMs: c.sim.now - v0,
      events,
      syncs: Object.fromEntries(Object.entries(rt).map(([k, v]) => [k, v.syncs])),
      heapMB: Math.round(process.memoryUsage().heapUsed / 1e6),
    },
    null,
    1,
  ),
);
