/**
 * `ping` (BusyBox's and iputils'): ICMP echo through the data path. Pod and node addresses
 * answer when their node is up and the CNI works; a ClusterIP does not in iptables mode
 * (kube-proxy only writes TCP/UDP/SCTP rules, so the echo goes to the default gateway and is
 * lost) but does in IPVS mode, where every VIP is an address of the node's kube-ipvs0.
 * Without `-c` a real ping runs until interrupted; an exec'd ping here stops after 4 echoes.
 */
import { UPSTREAM_NAMES } from "../../addons/coredns/records";
import { cidrContains } from "../../kube-proxy/iptables/sync-proxy-rules";
import { isIpvsLocalAddress } from "../../kube-proxy/ipvs/sync-proxy-rules";
import { endpointAt } from "../view";
import {
  beginRun,
  type CommandRun,
  endRun,
  firstAddress,
  type NetworkCommandResult,
  type NetworkExecContext,
  resolveHost,
} from "./common";

/** Echoes sent when no `-c` is given (the exec cannot be interrupted). */
const DEFAULT_COUNT = 4;

/** Whether an echo to `ip` gets a reply: its round trip (ms) and TTL, or null. */
function echo(run: CommandRun, ip: string): { rttMs: number; ttl: number } | null {
  const view = run.ctx.view;
  const node = view.nodes[run.ctx.pod.nodeName];
  if (!node?.up) return null;
  if (ip === run.ctx.pod.ip || cidrContains("127.0.0.0/8", ip)) return { rttMs: 0.05, ttl: 64 };
  if (!run.ctx.pod.hostNetwork && !node.cniUp) return null;
  if (node.proxy?.mode === "ipvs" && isIpvsLocalAddress(node.proxy.ipvs, ip)) return { rttMs: 0.08, ttl: 64 };
  const ep = endpointAt(view, ip);
  if (!ep) {
    for (const ips of Object.values(view.upstream ?? UPSTREAM_NAMES))
      if (ips.includes(ip)) return { rttMs: 12.4, ttl: 115 };
    return null;
  }
  const dst = ep.kind === "node" ? ep.node : view.nodes[ep.pod.nodeName];
  if (!dst?.up) return null;
  if (ep.kind === "node")
    return { rttMs: dst.name === node.name ? 0.05 : 0.4, ttl: dst.name === node.name ? 64 : 63 };
  if (!ep.pod.hostNetwork && (!dst.cniUp || !ep.pod.sandboxReady)) return null;
  return dst.name === node.name ? { rttMs: 0.09, ttl: 64 } : { rttMs: 0.6, ttl: 62 };
}

/** Run `ping argv…`. */
export function ping(ctx: NetworkExecContext, argv: string[]): NetworkCommandResult {
  const run = beginRun(ctx);
  let count = 0;
  let host = "";
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-c") count = Number(argv[++i]);
    else if (/^-c\d+$/.test(a)) count = Number(a.slice(2));
    else if (a === "-W" || a === "-w" || a === "-i" || a === "-s") i++;
    else if (!a.startsWith("-")) host = a;
  }
  const busybox = ctx.userland === "busybox" || ctx.userland === "alpine";
  if (!host)
    return endRun(run, {
      stderr: busybox
        ? "BusyBox v1.36.1 multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n"
        : "ping: usage error: Destination address required\n",
      exitCode: busybox ? 1 : 2,
      durationMs: 1,
    });
  const r = resolveHost(run, host);
  const ip = firstAddress(r);
  const dnsMs = r.kind === "address" ? 0 : r.elapsedMs;
  if (!ip)
    return endRun(run, {
      stderr: busybox
        ? `ping: bad address '${host}'\n`
        : `ping: ${host}: ${r.kind === "notfound" ? "Name or service not known" : "Temporary failure in name resolution"}\n`,
      exitCode: busybox ? 1 : 2,
      durationMs: dnsMs + 1,
    });
  const n = count > 0 ? count : DEFAULT_COUNT;
  const reply = echo(run, ip);
  const display = r.kind === "answer" && !busybox ? r.qname : host;
  const lines: string[] = [
    busybox ? `PING ${host} (${ip}): 56 data bytes` : `PING ${display} (${ip}) 56(84) bytes of data.`,
  ];
  const times: number[] = [];
  for (let i = 0; i < n && reply; i++) {
    // Jitter of a few percent, from the simulation's generator.
    const t = reply.rttMs * (0.9 + 0.2 * ctx.rnd.random());
    times.push(t);
    lines.push(
      busybox
        ? `64 bytes from ${ip}: seq=${i} ttl=${reply.ttl} time=${t.toFixed(3)} ms`
        : `64 bytes from ${ip}: icmp_seq=${i + 1} ttl=${reply.ttl} time=${t < 1 ? t.toFixed(3) : t.toFixed(1)} ms`,
    );
  }
  const received = times.length;
  const loss = Math.round(((n - received) / n) * 100);
  // One echo a second; the last one waits for its reply (or a second when none comes).
  const durationMs = dnsMs + (n - 1) * 1000 + (received > 0 ? times[times.length - 1]! : 1000);
  lines.push("", `--- ${busybox ? host : display} ping statistics ---`);
  if (busybox) {
    lines.push(`${n} packets transmitted, ${received} packets received, ${loss}% packet loss`);
    if (received > 0) {
      const avg = times.reduce((a, b) => a + b, 0) / received;
      lines.push(
        `round-trip min/avg/max = ${Math.min(...times).toFixed(3)}/${avg.toFixed(3)}/${Math.max(...times).toFixed(3)} ms`,
      );
    }
  } else {
    lines.push(
      `${n} packets transmitted, ${received} received, ${loss}% packet loss, time ${Math.round((n - 1) * 1000 + 2)}ms`,
    );
    if (received > 0) {
      const avg = times.reduce((a, b) => a + b, 0) / received;
      const mdev = Math.sqrt(times.reduce((a, b) => a + (b - avg) ** 2, 0) / received);
      lines.push(
        `rtt min/avg/max/mdev = ${Math.min(...times).toFixed(3)}/${avg.toFixed(3)}/${Math.max(...times).toFixed(3)}/${mdev.toFixed(3)} ms`,
      );
    }
  }
  return endRun(run, { stdout: `${lines.join("\n")}\n`, exitCode: received > 0 ? 0 : 1, durationMs });
}
