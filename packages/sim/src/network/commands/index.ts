/**
 * The network commands a container shell can run, and the entry point the container runtime's
 * exec calls: `runNetworkCommand(ctx, argv)` returns what the program printed, its exit code, how
 * long it ran and the effects to apply (access-log lines for backend containers, ClientIP
 * affinity updates, trace text), or null when `argv[0]` is not one of them.
 */
import type { NetworkCommandResult, NetworkExecContext } from "./common";
import { curl } from "./curl";
import { dig } from "./dig";
import { nslookup } from "./nslookup";
import { ping } from "./ping";
import { wget } from "./wget";

export type { NetworkCommandResult, NetworkEffect, NetworkExecContext, Userland } from "./common";
export { curl, dig, nslookup, ping, wget };

const COMMANDS: Record<string, (ctx: NetworkExecContext, argv: string[]) => NetworkCommandResult> = {
  curl,
  wget,
  nslookup,
  dig,
  ping,
};

/** The programs this module implements. */
export const NETWORK_COMMANDS = Object.keys(COMMANDS);

/** Run a network program (`argv[0]` may be a path: `/usr/bin/curl`). */
export function runNetworkCommand(
  ctx: NetworkExecContext,
  argv: readonly string[],
): NetworkCommandResult | null {
  const exe = argv[0] ?? "";
  const name = exe.slice(exe.lastIndexOf("/") + 1);
  const cmd = COMMANDS[name];
  return cmd ? cmd(ctx, [name, ...argv.slice(1)]) : null;
}
