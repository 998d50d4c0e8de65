/**
 * What every network command shares: its context (the view, the pod it runs in, the image's
 * userland, the simulation's randomness), its result, and name resolution for hosts given as a
 * name or an address.
 */
import type { NetRandom, NetTrace, Source } from "../connect";
import { GLIBC_TIMING, type LookupResult, lookupHost, MUSL_TIMING } from "../dns-client";
import type { LogEffect } from "../http";
import { podResolvConf, type ResolvConf } from "../resolv-conf";
import type { NetworkView, PodNet } from "../view";

/** Which userland the image has (decides tool flavours and the C library). */
export type Userland = "busybox" | "alpine" | "debian" | "ubuntu" | "distroless" | "scratch";

/** Where and how a command runs. */
export interface NetworkExecContext {
  view: NetworkView;
  pod: PodNet;
  userland: Userland;
  /** The image tag (busybox 1.28 prints nslookup differently). */
  imageTag?: string;
  rnd: NetRandom;
}

/** An effect the caller applies after the command. */
export type NetworkEffect =
  | LogEffect
  | { kind: "recent"; node: string; list: string; ip: string; at: number }
  | { kind: "trace"; text: string };

/** The result of a command, as an exec'd program's. */
export interface NetworkCommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** How long the command ran (virtual ms). */
  durationMs: number;
  effects: NetworkEffect[];
}

/** State threaded through one command. */
export interface CommandRun {
  ctx: NetworkExecContext;
  src: Source;
  trace: NetTrace;
  effects: NetworkEffect[];
  rc: ResolvConf;
}

/** Start a command run. */
export function beginRun(ctx: NetworkExecContext): CommandRun {
  const node = ctx.view.nodes[ctx.pod.nodeName];
  return {
    ctx,
    src: { kind: "pod", pod: ctx.pod },
    trace: { hops: [], recentSets: [] },
    effects: [],
    rc: podResolvConf(ctx.pod, {
      clusterDNS: ctx.view.clusterDNS,
      clusterDomain: ctx.view.clusterDomain,
      hostSearch: node?.hostSearch,
    }),
  };
}

/** Finish: collect the trace and affinity effects into the result. */
export function endRun(
  run: CommandRun,
  out: { stdout?: string; stderr?: string; exitCode: number; durationMs: number },
): NetworkCommandResult {
  const at = run.ctx.view.now;
  for (const r of run.trace.recentSets) run.effects.push({ kind: "recent", ...r, at });
  for (const h of run.trace.hops) run.effects.push({ kind: "trace", text: h });
  return {
    stdout: out.stdout ?? "",
    stderr: out.stderr ?? "",
    exitCode: out.exitCode,
    durationMs: Math.max(1, Math.round(out.durationMs)),
    effects: run.effects,
  };
}

/** Whether the image's C library is musl (Alpine, BusyBox's static builds). */
export function isMusl(u: Userland): boolean {
  return u === "busybox" || u === "alpine";
}

/** Whether a string is a dotted IPv4 address. */
export function isIPv4(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s);
}

/** getaddrinfo for a host: an address as is, else the resolver with the search list. */
export function resolveHost(run: CommandRun, host: string): LookupResult | { kind: "address"; ip: string } {
  if (isIPv4(host)) return { kind: "address", ip: host };
  if (host === "localhost") return { kind: "address", ip: "127.0.0.1" };
  if (host === run.ctx.pod.hostname) return { kind: "address", ip: run.ctx.pod.ip };
  return lookupHost(
    run.ctx.view,
    run.src,
    run.rc,
    host,
    "A",
    isMusl(run.ctx.userland) ? MUSL_TIMING : GLIBC_TIMING,
    run.ctx.rnd,
    run.trace,
  );
}

/** The first address of a lookup that succeeded. */
export function firstAddress(r: LookupResult | { kind: "address"; ip: string }): string | null {
  if (r.kind === "address") return r.ip;
  if (r.kind !== "answer") return null;
  return r.answer.answers.find((a) => a.type === "A")?.data ?? null;
}
