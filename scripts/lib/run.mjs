// Runs a command with inherited output and resolves with its exit code.
import { spawn } from "node:child_process";
import { root } from "./paths.mjs";

/** Runs `cmd args` in the repository root (or `cwd`); resolves with the exit code. */
export function run(cmd, args, { env = process.env, cwd = root, quiet = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: quiet ? "ignore" : "inherit" });
    child.on("error", () => resolve(127));
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Like `run` but throws when the command fails. */
export async function mustRun(cmd, args, options) {
  const code = await run(cmd, args, options);
  if (code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${code}`);
}
