import { describe, expect, it } from "vitest";
import { PluginEnv } from "../../testing/plugin-env";
import { makeNode, makePod } from "../../testing/wrappers";

describe("NodePorts", () => {
  const env = new PluginEnv(
    [makeNode("n1"), makeNode("n2")],
    [
      makePod("web", { nodeName: "n1", hostPorts: [80] }),
      makePod("dns", {
        nodeName: "n2",
        containers: [
          { name: "c", ports: [{ containerPort: 53, hostPort: 53, protocol: "UDP", hostIP: "10.0.0.2" }] },
        ],
      }),
    ],
  );

  it("skips pods without host ports", () => {
    expect(env.filter("NodePorts", makePod("p"), "n1")).toBe("Skip");
  });

  it("rejects a node where the host port is taken", () => {
    expect(env.filter("NodePorts", makePod("p", { hostPorts: [80] }), "n1")).toMatchObject({
      code: "Unschedulable",
      reasons: ["node(s) didn't have free ports for the requested pod ports"],
    });
    expect(env.filter("NodePorts", makePod("p", { hostPorts: [80] }), "n2")).toBeNull();
    expect(env.filter("NodePorts", makePod("p", { hostPorts: [8080] }), "n1")).toBeNull();
  });

  it("0.0.0.0 conflicts with any IP on the same protocol; other protocols and IPs do not", () => {
    const udpAny = makePod("u", {
      containers: [{ name: "c", ports: [{ containerPort: 53, hostPort: 53, protocol: "UDP" }] }],
    });
    expect(env.filter("NodePorts", udpAny, "n2")).not.toBeNull();
    const tcp = makePod("t", { containers: [{ name: "c", ports: [{ containerPort: 53, hostPort: 53 }] }] });
    expect(env.filter("NodePorts", tcp, "n2")).toBeNull();
    const otherIP = makePod("o", {
      containers: [
        { name: "c", ports: [{ containerPort: 53, hostPort: 53, protocol: "UDP", hostIP: "10.0.0.3" }] },
      ],
    });
    expect(env.filter("NodePorts", otherIP, "n2")).toBeNull();
  });
});
