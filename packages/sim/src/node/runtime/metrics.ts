/**
 * Resource usage of containers, as cAdvisor/the CRI stats report it to the kubelet's
 * `/metrics/resource` and `/stats/summary` (what metrics-server turns into `kubectl top` and the
 * HPA's CPU utilisation): the image's idle CPU and memory, plus the CPU its requests cost, plus
 * what its process burns (stress hogs), CPU capped at the container's limit (CFS throttling),
 * memory from the process (which the limit OOM-kills before it is exceeded).
 */
import { processRss } from "../process/interpreter";
import { catchUp } from "./runtime";
import type { Container, RuntimeState } from "./state";

/** One container's usage at an instant. */
export interface ContainerUsage {
  name: string;
  /** CPU in millicores. */
  cpuMilli: number;
  /** Working set in bytes. */
  memoryBytes: number;
}

/** Requests per second a container served over its last full 10 s window. */
export function requestRate(c: Container, now: number): number {
  const w = c.requests;
  if (!w) return 0;
  if (now - w.windowStart >= 20_000) return 0;
  if (now - w.windowStart >= 10_000) return w.count / 10;
  return w.lastRate;
}

/** Count one request served by a container (called for each HTTP request it answers). */
export function countRequest(c: Container, now: number): void {
  let w = c.requests;
  if (!w) {
    w = { windowStart: now, count: 0, lastRate: 0 };
    c.requests = w;
  }
  if (now - w.windowStart >= 10_000) {
    // Close the window; a gap of more than one window means the rate fell to zero.
    w.lastRate = now - w.windowStart < 20_000 ? w.count / 10 : 0;
    w.windowStart = now - ((now - w.windowStart) % 10_000);
    w.count = 0;
  }
  w.count++;
}

/** The usage of a running container now (null when it is not running). */
export function containerUsage(s: RuntimeState, c: Container, now: number): ContainerUsage | null {
  if (c.state !== "CONTAINER_RUNNING" || !c.proc) return null;
  catchUp(s, c, now);
  const img = s.images[c.imageName];
  const profile = img?.profile ?? {
    idleCpuMilli: 1,
    idleMemoryMiB: 10,
    cpuMilliPerRps: 1,
    memoryMiBPerRps: 0,
  };
  const rps = requestRate(c, now);
  let cpu = profile.idleCpuMilli + rps * profile.cpuMilliPerRps + c.proc.cpuMilli;
  if (c.config.cpuLimitMilli > 0) cpu = Math.min(cpu, c.config.cpuLimitMilli);
  cpu = Math.min(cpu, s.cfg.cpus * 1000);
  const memory = processRss(c.proc, now) + rps * profile.memoryMiBPerRps * 1024 * 1024;
  return { name: c.config.name, cpuMilli: Math.round(cpu), memoryBytes: Math.round(memory) };
}

/** The usage of a pod's running containers (by pod UID). */
export function podUsage(s: RuntimeState, podUid: string, now: number): ContainerUsage[] {
  const out: ContainerUsage[] = [];
  for (const c of Object.values(s.containers)) {
    if (c.config.podUid !== podUid) continue;
    const u = containerUsage(s, c, now);
    if (u) out.push(u);
  }
  return out;
}

/** The node's total usage (all running containers, plus the system's own ~5 % CPU and 600 MiB). */
export function nodeUsage(s: RuntimeState, now: number): { cpuMilli: number; memoryBytes: number } {
  let cpu = Math.round(s.cfg.cpus * 1000 * 0.05);
  let mem = 600 * 1024 * 1024;
  for (const c of Object.values(s.containers)) {
    const u = containerUsage(s, c, now);
    if (!u) continue;
    cpu += u.cpuMilli;
    mem += u.memoryBytes;
  }
  return { cpuMilli: cpu, memoryBytes: mem };
}
