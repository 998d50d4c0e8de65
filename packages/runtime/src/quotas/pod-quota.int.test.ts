import { afterAll, describe, expect, it } from "vitest";
import { CommandLog } from "../log/command-log";
import { eventually, RuntimeTestbed } from "../testing/testbed";

const bed = new RuntimeTestbed("podquota", process.env, 2);
afterAll(() => bed.cleanup());

const pod = (name: string) => ({
  type: "api" as const,
  method: "POST" as const,
  path: "/api/v1/namespaces/default/pods",
  body: {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { containers: [{ name: "app", image: "nginx:1.27" }] },
  },
});

describe("pods per cluster", () => {
  it("refuses a pod beyond the account's quota with a Forbidden Status, and logs nothing for it", async () => {
    await bed.worker();
    const client = await bed.client();
    const owner = await bed.user();
    await bed.db.accountQuota.create({ data: { userId: owner, maxPodsPerCluster: 1 } });
    const id = await bed.cluster(client, owner);
    // Pods need the namespace's default ServiceAccount, which its controller creates shortly
    // after start (until then the apiserver refuses pods with 403, as a real one does).
    await eventually(
      async () => {
        const sa = await client.send<{ code: number }>(id, {
          type: "api",
          method: "GET",
          path: "/api/v1/namespaces/default/serviceaccounts/default",
        });
        return sa.result.code === 200;
      },
      20_000,
      "default ServiceAccount",
    );
    const first = await client.send<{ code: number }>(id, pod("one"));
    expect(first.result.code).toBe(201);
    const before = await new CommandLog(bed.pool).commandsAfter(id, 0);
    const second = await client.send<{ code: number; body: { reason: string; message: string } }>(
      id,
      pod("two"),
    );
    expect(second.result.code).toBe(403);
    expect(second.result.body.reason).toBe("Forbidden");
    expect(second.result.body.message).toBe(
      'pods "two" is forbidden: exceeded quota: kubelab-account, requested: pods=1, used: pods=1, limited: pods=1',
    );
    expect(await new CommandLog(bed.pool).commandsAfter(id, 0)).toHaveLength(before.length);
  });
});
