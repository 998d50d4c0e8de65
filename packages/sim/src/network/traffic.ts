/**
 * Steady request flows (a load generator: "100 requests per second from pod P to http://web")
 * turned into the request rate each backend container receives, by sending a sample of
 * connections through the same data path `curl` uses — DNS, the source node's rules, the
 * backend's listener — and scaling the shares to the flow's rate. The metrics pipeline turns
 * these rates into CPU (`cpuMilliPerRps` of the image's profile).
 */
import { connect, type NetRandom, type Source } from "./connect";
import { GLIBC_TIMING, lookupHost } from "./dns-client";
import { parseUrl } from "./http";
import { podResolvConf } from "./resolv-conf";
import type { NetworkView } from "./view";

/** One steady flow of requests. */
export interface TrafficFlow {
  /** The client pod (`namespace/name`). */
  from: string;
  /** The URL requested (`http://php-apache`, `http://web.prod:8080/`). */
  url: string;
  /** Requests per second. */
  rps: number;
}

/** Requests per second a container receives: `namespace/pod/container` → rps. */
export type ContainerLoad = Record<string, number>;

/** Connections sampled per flow (shares are estimated from them; the PRNG keeps it deterministic). */
const SAMPLES = 200;

/** The load each backend container receives from `flows`. */
export function distributeTraffic(
  view: NetworkView,
  flows: readonly TrafficFlow[],
  rnd: NetRandom,
): ContainerLoad {
  const load: ContainerLoad = {};
  for (const f of flows) {
    const pod = Object.values(view.podsByIP).find((p) => `${p.namespace}/${p.name}` === f.from);
    const u = parseUrl(f.url);
    if (!pod || !u || f.rps <= 0) continue;
    const src: Source = { kind: "pod", pod };
    const trace = { hops: [], recentSets: [] };
    let ip = u.host;
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(u.host)) {
      const rc = podResolvConf(pod, view);
      const r = lookupHost(view, src, rc, u.host, "A", GLIBC_TIMING, rnd, trace);
      const a = r.kind === "answer" ? r.answer.answers.find((x) => x.type === "A")?.data : undefined;
      if (!a) continue;
      ip = a;
    }
    let delivered = 0;
    const hits: Record<string, number> = {};
    for (let i = 0; i < SAMPLES; i++) {
      const c = connect(view, src, ip, u.port, "tcp", rnd, trace);
      if (c.kind !== "connected" || c.endpoint.kind !== "pod") continue;
      const key = `${c.endpoint.pod.namespace}/${c.endpoint.pod.name}/${c.listener.container}`;
      hits[key] = (hits[key] ?? 0) + 1;
      delivered++;
    }
    if (delivered === 0) continue;
    for (const [k, n] of Object.entries(hits)) load[k] = (load[k] ?? 0) + (f.rps * n) / SAMPLES;
  }
  return load;
}
