/**
 * End to end against a whole simulated kubeadm cluster (three workers, controllers, scheduler,
 * kubelets): what a learner types, with the output a real cluster gives.
 */
import { describe, expect, test } from "vitest";
import { createCluster } from "../../sim/src/cluster/testing";
import { ClusterTransport } from "./testing/cluster-transport";
import { kubectl } from "./testing/run";

describe("kubectl on a simulated kubeadm cluster", () => {
  test("nodes come up; a deployment rolls out; scale and delete --wait", async () => {
    const t = new ClusterTransport(createCluster({ preset: "kubeadm" }));
    // Bring the cluster up (kubeadm init and joins take a few virtual minutes).
    for (let i = 0; i < 40; i++) {
      t.advance(15_000);
      const nodes = await kubectl(t, [
        "get",
        "nodes",
        "-o",
        'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}',
      ]);
      if (nodes.stdout.split(" ").filter((s) => s === "True").length === 4) break;
    }
    const nodes = await kubectl(t, "get nodes");
    expect(nodes.stdout.split("\n")[0]).toMatch(/^NAME +STATUS +ROLES +AGE +VERSION$/);
    expect(nodes.stdout.match(/ Ready /g)?.length).toBe(4);

    expect((await kubectl(t, "create deployment web --image=nginx:1.27 --replicas=3")).stdout).toBe(
      "deployment.apps/web created\n",
    );
    const status = await kubectl(t, "rollout status deployment/web --timeout=5m");
    expect(status.code).toBe(0);
    expect(status.stdout.trimEnd().split("\n").pop()).toBe('deployment "web" successfully rolled out');

    const pods = await kubectl(t, "get pods");
    const rows = pods.stdout.trimEnd().split("\n").slice(1);
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toMatch(/^web-[a-z0-9]+-[a-z0-9]{5} +1\/1 +Running +0 +\d+s$/);

    expect((await kubectl(t, "get deploy web")).stdout).toMatch(
      /^NAME +READY +UP-TO-DATE +AVAILABLE +AGE\nweb +3\/3 +3 +3 +\S+\n$/,
    );
    const describe = await kubectl(t, "describe deployment web");
    expect(describe.stdout).toContain(
      "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n",
    );
    expect(describe.stdout).toMatch(
      /Normal +ScalingReplicaSet +\S+ +deployment-controller +Scaled up replica set web-[a-z0-9]+ from 0 to 3/,
    );

    expect((await kubectl(t, "scale deployment web --replicas=1")).stdout).toBe(
      "deployment.apps/web scaled\n",
    );
    await kubectl(t, "rollout status deployment/web --timeout=5m");
    const pod = (await kubectl(t, ["get", "pods", "-o", "jsonpath={.items[0].metadata.name}"])).stdout;
    const del = await kubectl(t, `delete pod ${pod}`);
    expect(del).toEqual({ code: 0, stdout: `pod "${pod}" deleted\n`, stderr: "" });
    // --wait returned only once the pod was gone.
    expect((await kubectl(t, `get pod ${pod}`)).stderr).toBe(
      `Error from server (NotFound): pods "${pod}" not found\n`,
    );
  }, 120_000);
});
