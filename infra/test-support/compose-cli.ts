import { userInfo } from "node:os";
import { commandWorks, runCommand } from "./find-command";

/** A Docker Compose command line that works on this machine. */
export interface ComposeCli {
  /** What to run: `docker` with `compose` first, or `docker-compose`. */
  command: string;
  prefixArgs: string[];
  /** The first line of its `version` output, for the test log. */
  version: string;
}

/** Either a working Compose CLI, or the reason none could be found or installed. */
export type ComposeLookup = { cli: ComposeCli } | { reason: string };

function probe(command: string, prefixArgs: string[]): ComposeCli | undefined {
  const result = runCommand(command, [...prefixArgs, "version"]);
  if (result.status !== 0) return undefined;
  return { command, prefixArgs, version: result.stdout.trim().split("\n")[0] ?? "" };
}

function locate(): ComposeCli | undefined {
  // The Compose v2 plugin (`docker compose`) is what users run; a standalone
  // `docker-compose` binary (v2, or Debian's v1 1.29) validates the same file.
  return probe("docker", ["compose"]) ?? probe("docker-compose", []);
}

/**
 * Finds a Compose CLI, installing Debian's `docker-compose` package with
 * apt-get when none is present and the tests run as root (a fresh machine of
 * this project's kind: Debian, root, Debian's archive reachable). No Docker
 * engine is needed: `config` only parses, validates and resolves the file.
 * The npm registry has no package that ships the Compose v2 binary, and
 * Debian 12 packages only v1 (1.29.2), which validates against the Compose
 * specification schema too.
 */
export function findOrInstallCompose(log: (line: string) => void): ComposeLookup {
  const found = locate();
  if (found) return { cli: found };
  if (!commandWorks("apt-get", ["--version"])) {
    return {
      reason: "no `docker compose` or `docker-compose`, and no apt-get to install Debian's docker-compose",
    };
  }
  if (userInfo().uid !== 0) {
    return { reason: "no `docker compose` or `docker-compose`; run `sudo apt-get install docker-compose`" };
  }
  const install = [
    "-o",
    "DPkg::Lock::Timeout=120",
    "install",
    "-y",
    "--no-install-recommends",
    "docker-compose",
  ];
  log("no Compose CLI found: installing Debian's docker-compose with apt-get");
  let result = runCommand("apt-get", install);
  if (result.status !== 0) {
    // A fresh machine may have no package lists yet.
    runCommand("apt-get", ["-o", "DPkg::Lock::Timeout=120", "update"]);
    result = runCommand("apt-get", install);
  }
  const installed = locate();
  if (installed) return { cli: installed };
  return { reason: `installing docker-compose with apt-get failed:\n${result.stderr.slice(-2000)}` };
}

/** Runs `compose <args>` from `cwd` with the CLI found by {@link findOrInstallCompose}. */
export function runCompose(cli: ComposeCli, args: string[], cwd: string) {
  return runCommand(cli.command, [...cli.prefixArgs, ...args], { cwd });
}
