import { describe, expect, it } from "vitest";
import { registerController } from "../../controller-manager/registry";
import { ControllerTestCluster } from "../../controller-manager/testing/cluster";
import { TestKubelets } from "../node-lifecycle/testing/test-kubelet";
import { allocateNext, newCidrSet, occupy, release } from "./cidr-set";
import { NODE_IPAM_CONTROLLER, nodeIpamController } from "./node-ipam-controller";

registerController(nodeIpamController);

describe("cidr set", () => {
  it("hands out /24s in order, skips occupied ones, reuses released ones last", () => {
    const s = newCidrSet("10.244.0.0/16", 24)!;
    expect(s.maxCidrs).toBe(256);
    expect(occupy(s, "10.244.1.0/24")).toBe(true);
    expect(occupy(s, "192.168.0.0/24")).toBe(false);
    expect([allocateNext(s), allocateNext(s)]).toEqual(["10.244.0.0/24", "10.244.2.0/24"]);
    release(s, "10.244.0.0/24");
    expect(allocateNext(s)).toBe("10.244.3.0/24");
    const tiny = newCidrSet("10.0.0.0/23", 24)!;
    expect([allocateNext(tiny), allocateNext(tiny), allocateNext(tiny)]).toEqual([
      "10.0.0.0/24",
      "10.0.1.0/24",
      null,
    ]);
  });
});

describe("node ipam controller", () => {
  it("gives each node a pod CIDR from the cluster CIDR and frees it on deletion", () => {
    const c = new ControllerTestCluster({
      controllers: [NODE_IPAM_CONTROLLER],
      kubelet: false,
      config: { settings: { allocateNodeCidrs: true, clusterCidr: "10.244.0.0/16" } as never },
    });
    const k = new TestKubelets(c);
    k.register("control-plane");
    k.register("worker-1");
    c.advance(1_000);
    expect(c.get("nodes", "", "control-plane")!.spec).toMatchObject({
      podCIDR: "10.244.0.0/24",
      podCIDRs: ["10.244.0.0/24"],
    });
    expect(c.get("nodes", "", "worker-1")!.spec.podCIDR).toBe("10.244.1.0/24");
    c.delete("nodes", "", "worker-1");
    c.advance(1_000);
    k.register("worker-2");
    c.advance(1_000);
    // The allocator moves on from its last candidate before reusing freed ranges.
    expect(c.get("nodes", "", "worker-2")!.spec.podCIDR).toBe("10.244.2.0/24");
  });

  it("does nothing without --allocate-node-cidrs", () => {
    const c = new ControllerTestCluster({ controllers: [NODE_IPAM_CONTROLLER], kubelet: false });
    new TestKubelets(c).register("worker-1");
    c.advance(1_000);
    expect(c.get("nodes", "", "worker-1")!.spec.podCIDR).toBeUndefined();
  });
});
