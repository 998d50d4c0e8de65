import { spawnSync } from "node:child_process";

/** The result of running a command to completion. */
export interface CommandResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `command args` to completion (no shell) and returns its exit status and output. */
export function runCommand(command: string, args: string[], options: { cwd?: string } = {}): CommandResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) return { status: 127, stdout: "", stderr: result.error.message };
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** True when `command args` starts and exits 0 (used to probe for tools). */
export function commandWorks(command: string, args: string[]): boolean {
  return runCommand(command, args).status === 0;
}
