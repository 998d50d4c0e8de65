/**
 * Done-when 4 of issue 4: Service traffic from a pod reaches only ready backends through DNS and
 * the proxy rules, in both proxy modes; with CoreDNS down, lookups fail with the real texts.
 * Real components: control plane, kube-controller-manager (Deployment, ReplicaSet, EndpointSlice
 * controllers), kube-proxy per node, CoreDNS's caches. The scheduler, kubelets and runtime are
 * played by `NetworkTestCluster` (see there).
 */
import { describe, expect, it } from "vitest";
import type { ProxyMode } from "../kube-proxy/config";
import { NetworkTestCluster } from "./testing/network-test-cluster";

function webCluster(mode: ProxyMode) {
  const t = new NetworkTestCluster({ mode });
  t.create({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default" },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] },
      },
    },
  });
  const svc = t.create({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "default" },
    spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 80 }] },
  });
  t.create({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "nobackend", namespace: "default" },
    spec: { selector: { app: "nothing" }, ports: [{ port: 80 }] },
  });
  t.clientPod("client");
  t.run(8_000);
  return { t, clusterIP: svc.spec.clusterIP as string };
}

function webPods(t: NetworkTestCluster): string[] {
  return t.c
    .list("pods", "default")
    .filter((p) => p.metadata.labels?.app === "web" && !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name!)
    .sort();
}

describe.each(["iptables", "ipvs", "cilium"] as const)("Service traffic (%s mode)", (mode) => {
  it("resolves the Service name through CoreDNS and reaches only ready backends", () => {
    const { t, clusterIP } = webCluster(mode);
    const ns = t.exec("client", ["nslookup", "web"]);
    expect(ns.exitCode).toBe(0);
    expect(ns.stdout).toBe(
      `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tweb.default.svc.cluster.local\nAddress: ${clusterIP}\n\n`,
    );
    const pods = webPods(t);
    expect(pods).toHaveLength(3);
    // One backend fails its readiness probe: the EndpointSlice marks it, kube-proxy drops it.
    t.setReady(pods[0]!, false);
    t.run(3_000);
    for (let i = 0; i < 60; i++) {
      const r = t.exec("client", ["wget", "-qO-", "http://web"]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain("Welcome to nginx!");
    }
    const hits = (pod: string) => (t.logs[`default/${pod}/nginx`] ?? []).length;
    expect(hits(pods[0]!)).toBe(0);
    expect(hits(pods[1]!)).toBeGreaterThan(10);
    expect(hits(pods[2]!)).toBeGreaterThan(10);
    expect(hits(pods[1]!) + hits(pods[2]!)).toBe(60);
    // nginx's access log: the client pod's address, BusyBox wget's user agent.
    const clientIP = t.c.get("pods", "default", "client")!.status.podIP;
    expect(t.logs[`default/${pods[1]}/nginx`]![0]).toMatch(
      new RegExp(
        `^${clientIP.replace(/\./g, "\\.")} - - \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000\\] "GET / HTTP/1.1" 200 615 "-" "Wget" "-"$`,
      ),
    );
  });

  it("refuses connections to a Service without endpoints", () => {
    const { t } = webCluster(mode);
    const r = t.exec("client", ["curl", "-sS", "http://nobackend"], "alpine");
    expect(r.exitCode).toBe(7);
    expect(r.stderr).toMatch(
      /^curl: \(7\) Failed to connect to nobackend port 80 after \d+ ms: Couldn't connect to server\n$/,
    );
    const w = t.exec("client", ["wget", "-q", "-O-", "http://nobackend"]);
    expect(w.stderr).toMatch(
      /^wget: can't connect to remote host \(10\.\d+\.\d+\.\d+\): Connection refused\n$/,
    );
  });

  it("answers NXDOMAIN for unknown names and forwards external names upstream", () => {
    const { t } = webCluster(mode);
    const r = t.exec("client", ["nslookup", "x"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("** server can't find x.default.svc.cluster.local: NXDOMAIN\n");
    const ext = t.exec("client", ["nslookup", "kubernetes.io"]);
    expect(ext.exitCode).toBe(0);
    expect(ext.stdout).toContain("Name:\tkubernetes.io\nAddress: 147.75.40.148");
    const c = t.exec("client", ["curl", "http://nosuchservice"], "alpine");
    expect(c.exitCode).toBe(6);
    expect(c.stderr).toContain("curl: (6) Could not resolve host: nosuchservice\n");
  });

  it("stops resolving when CoreDNS is scaled to zero, and resolves again when it is back", () => {
    const { t } = webCluster(mode);
    t.scale("kube-system", "coredns", 0);
    t.run(5_000);
    expect(
      t.c.list("pods", "kube-system").filter((p) => p.metadata.labels?.["k8s-app"] === "kube-dns"),
    ).toHaveLength(0);
    const ns = t.exec("client", ["nslookup", "web"]);
    expect(ns.exitCode).toBe(1);
    expect(ns.stdout).toBe(";; connection timed out; no servers could be reached\n\n");
    expect(ns.durationMs).toBeGreaterThanOrEqual(10_000);
    const w = t.exec("client", ["wget", "-qO-", "http://web"]);
    expect(w.stderr).toBe("wget: bad address 'web'\n");
    const c = t.exec("client", ["curl", "-sS", "http://web"], "debian");
    expect(c.stderr).toBe("curl: (6) Could not resolve host: web\n");
    // The Service's IP still works: only names are gone.
    t.scale("kube-system", "coredns", 2);
    t.run(8_000);
    expect(t.exec("client", ["nslookup", "web"]).exitCode).toBe(0);
  });

  it("times out when the backends' node is partitioned", () => {
    const { t, clusterIP } = webCluster(mode);
    t.scale("default", "web", 1);
    t.run(5_000);
    const pods = t.c
      .list("pods", "default")
      .filter((p) => p.metadata.labels?.app === "web" && !p.metadata.deletionTimestamp);
    expect(pods).toHaveLength(1);
    const webNode = pods[0]!.spec.nodeName as string;
    const other = t.nodes.find((n) => n !== webNode)!;
    t.clientPod("client-2", "curlimages/curl:8.11.1", other);
    expect(t.exec("client-2", ["curl", "-s", "http://web"], "alpine").exitCode).toBe(0);
    // The node is cut off: packets to its pods are lost; nothing answers, nothing refuses. (By
    // address: a CoreDNS replica on that node would also make some lookups time out.)
    t.down.add(webNode);
    const r = t.exec("client-2", ["curl", "-sS", "--connect-timeout", "5", `http://${clusterIP}`], "alpine");
    expect(r.exitCode).toBe(28);
    expect(r.stderr).toBe("curl: (28) Connection timed out after 5001 milliseconds\n");
    expect(r.durationMs).toBeGreaterThanOrEqual(5_000);
  });
});

describe("ping", () => {
  it("gets no answer from a ClusterIP in iptables mode, and one in IPVS mode", () => {
    const a = webCluster("iptables");
    const r = a.t.exec("client", ["ping", "-c", "3", a.clusterIP]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("3 packets transmitted, 0 packets received, 100% packet loss");
    const k = webCluster("cilium");
    expect(k.t.exec("client", ["ping", "-c", "1", k.clusterIP]).stdout).toContain("100% packet loss");
    const b = webCluster("ipvs");
    const s = b.t.exec("client", ["ping", "-c", "2", b.clusterIP]);
    expect(s.exitCode).toBe(0);
    expect(s.stdout).toMatch(
      new RegExp(`64 bytes from ${b.clusterIP.replace(/\./g, "\\.")}: seq=0 ttl=64 time=\\d+\\.\\d{3} ms`),
    );
    const pod = b.t.c.get("pods", "default", webPods(b.t)[0]!)!.status.podIP;
    expect(b.t.exec("client", ["ping", "-c", "1", pod]).stdout).toContain(
      "1 packets transmitted, 1 packets received, 0% packet loss",
    );
  });
});

describe("dig and resolv.conf", () => {
  it("queries CoreDNS with dig and reads SRV records of named ports", () => {
    const { t, clusterIP } = webCluster("iptables");
    const short = t.exec("client", ["dig", "+short", "web.default.svc.cluster.local"], "debian");
    expect(short.stdout).toBe(`${clusterIP}\n`);
    const srv = t.exec(
      "client",
      ["dig", "+short", "SRV", "_dns._udp.kube-dns.kube-system.svc.cluster.local"],
      "debian",
    );
    expect(srv.stdout).toBe("0 100 53 kube-dns.kube-system.svc.cluster.local.\n");
    const full = t.exec("client", ["dig", "web.default.svc.cluster.local"], "debian");
    expect(full.stdout).toContain(";; ->>HEADER<<- opcode: QUERY, status: NOERROR");
    expect(full.stdout).toContain(`web.default.svc.cluster.local.\t30\tIN\tA\t${clusterIP}`);
    expect(full.stdout).toContain(";; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)");
  });
});
