// Runs the apps as child processes and restarts one that crashes (with a
// growing delay), the way docker compose's restart policy and Kubernetes do.
import { spawn } from "node:child_process";
import { log } from "./log.mjs";

const MAX_DELAY_MS = 30_000;
/** A process that stayed up this long is considered healthy again: its back-off resets. */
const STABLE_AFTER_MS = 60_000;

export class Supervisor {
  #apps = new Map();
  #stopping = false;

  /** Starts `name` (`cmd args` in `cwd` with `env`) and keeps it running. */
  start(name, cmd, args, { cwd, env }) {
    const app = { name, cmd, args, cwd, env, child: undefined, delay: 1_000, startedAt: 0, restarts: 0 };
    this.#apps.set(name, app);
    this.#spawn(app);
  }

  #spawn(app) {
    app.startedAt = Date.now();
    app.child = spawn(app.cmd, app.args, { cwd: app.cwd, env: app.env, stdio: "inherit" });
    app.child.on("exit", (code, signal) => {
      app.child = undefined;
      if (this.#stopping) return;
      if (Date.now() - app.startedAt > STABLE_AFTER_MS) app.delay = 1_000;
      app.restarts++;
      log.warn(`${app.name} exited (${signal ?? `code ${code}`}); restarting in ${app.delay / 1000} s`);
      setTimeout(() => !this.#stopping && this.#spawn(app), app.delay);
      app.delay = Math.min(app.delay * 2, MAX_DELAY_MS);
    });
  }

  /** Sends SIGTERM to every app and resolves when all have exited (SIGKILL after 15 s). */
  async stop() {
    this.#stopping = true;
    const exits = [...this.#apps.values()]
      .filter((app) => app.child)
      .map(
        (app) =>
          new Promise((resolve) => {
            const child = app.child;
            const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
            child.once("exit", () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill("SIGTERM");
          }),
      );
    await Promise.all(exits);
  }
}
