import { describe, expect, it } from "vitest";
import { allocateIp, createIpam, releaseIp } from "../cni/ipam";
import { humanDuration } from "../runtime/crictl";
import { isInBackOffSince, nextBackoff } from "./backoff";
import { nodeResources } from "./config";
import { goDuration } from "./go-duration";

describe("kubelet helpers", () => {
  it("prints durations as Go does", () => {
    expect(goDuration(1234)).toBe("1.234s");
    expect(goDuration(512)).toBe("512ms");
    expect(goDuration(300_000)).toBe("5m0s");
    expect(goDuration(160_000)).toBe("2m40s");
    expect(goDuration(62_345)).toBe("1m2.345s");
    expect(goDuration(10_000)).toBe("10s");
  });

  it("backs off 10 s doubling to 5 min, and forgets after 10 quiet minutes", () => {
    const b = {};
    nextBackoff(b, "k", 0, 0);
    expect(isInBackOffSince(b, "k", 1000, 5000)).toBe(true);
    expect(isInBackOffSince(b, "k", 1000, 11_000)).toBe(false);
    let t = 0;
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) {
      nextBackoff(b, "k", t, t);
      seen.push((b as Record<string, { backoffMs: number }>).k!.backoffMs);
      t += 1000;
    }
    expect(seen).toEqual([20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
    nextBackoff(b, "k", t + 601_000, t + 601_000);
    expect((b as Record<string, { backoffMs: number }>).k!.backoffMs).toBe(10_000);
  });

  it("allocates pod IPs round-robin from the pod CIDR and reports exhaustion like host-local", () => {
    const s = createIpam("10.244.3.0/29");
    const ips = ["a", "b", "c", "d", "e"].map((id) => allocateIp(s, id));
    expect(ips).toEqual([
      { ip: "10.244.3.2" },
      { ip: "10.244.3.3" },
      { ip: "10.244.3.4" },
      { ip: "10.244.3.5" },
      { ip: "10.244.3.6" },
    ]);
    expect(allocateIp(s, "f")).toEqual({
      error: "failed to allocate for range 0: no IP addresses available in range set: 10.244.3.1-10.244.3.6",
    });
    releaseIp(s, "b");
    expect(allocateIp(s, "g")).toEqual({ ip: "10.244.3.3" });
  });

  it("derives capacity and allocatable from the node size", () => {
    const r = nodeResources({ cpus: 2, memoryGiB: 4, diskGiB: 50 }, 110);
    expect(r.capacity.cpu).toBe("2");
    expect(r.allocatable.pods).toBe("110");
    expect(Number.parseInt(r.capacity.memory!, 10) - Number.parseInt(r.allocatable.memory!, 10)).toBe(
      102_400,
    );
  });

  it("prints crictl ages like docker/go-units", () => {
    expect(humanDuration(500)).toBe("Less than a second");
    expect(humanDuration(45_000)).toBe("45 seconds");
    expect(humanDuration(70_000)).toBe("About a minute");
    expect(humanDuration(3_600_000)).toBe("About an hour");
    expect(humanDuration(5 * 86_400_000)).toBe("5 days");
  });
});
