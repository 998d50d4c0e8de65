/**
 * Builds `worker-process.ts` once (esbuild, as the apps are bundled) and starts it as a child
 * process, so tests can kill a real worker process.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

let bundled: Promise<string> | undefined;

/** The repository root: from this file, or the working directory when this code is itself bundled. */
function repositoryRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return here.endsWith(path.join("packages", "runtime", "src", "testing"))
    ? path.resolve(here, "../../../..")
    : process.cwd();
}

function bundle(): Promise<string> {
  const root = repositoryRoot();
  if (!bundled) {
    // Inside the repository's node_modules, so the external packages resolve from the bundle.
    const cache = path.join(root, "node_modules/.cache");
    mkdirSync(cache, { recursive: true });
    const outfile = path.join(mkdtempSync(path.join(cache, "kubelab-worker-")), "worker.mjs");
    const entry = path.join(root, "packages/runtime/src/testing/worker-process.ts");
    bundled = build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "error",
      external: ["pg", "ioredis", "bullmq", "@prisma/*", "pino", "prom-client"],
      // Bundled CommonJS dependencies (ajv) call require().
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    }).then(() => outfile);
  }
  return bundled;
}

/** A running worker process. */
export interface WorkerProcess {
  child: ChildProcess;
  workerId: string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

/** Start a worker process and wait until it has joined. */
export async function spawnWorker(config: {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  partitions: number;
  leaseMs: number;
  snapshotEvery?: number;
  /** Extra node flags (e.g. `--cpu-prof` to profile a benchmark's worker). */
  nodeArgs?: string[];
}): Promise<WorkerProcess> {
  const file = await bundle();
  const root = repositoryRoot();
  const { nodeArgs = [], ...settings } = config;
  const child = spawn(process.execPath, [...nodeArgs, file, JSON.stringify(settings)], {
    stdio: ["ignore", "pipe", "inherit"],
    cwd: root,
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const workerId = await new Promise<string>((resolve, reject) => {
    let out = "";
    let ready = false;
    child.stdout?.on("data", (chunk: Buffer) => {
      if (ready) {
        // The worker's own warnings and errors (JSON log lines) go to this process's stderr.
        process.stderr.write(chunk);
        return;
      }
      out += chunk.toString();
      const m = /ready (\S+)/.exec(out);
      if (m?.[1]) {
        ready = true;
        resolve(m[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`worker process exited with ${code} before it was ready`)));
  });
  return { child, workerId, exited };
}
