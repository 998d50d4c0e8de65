/**
 * Test helpers: run kubectl against a transport and collect stdout, stderr and the exit code.
 */
import type { KubectlIO } from "../cli/context";
import { runKubectl } from "../kubectl";
import type { KubeTransport } from "../transport";

/** What one kubectl run printed. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Split a command line the way a shell would for simple cases (quotes, no expansions). */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote = "";
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = "";
      else if (c === "\\" && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      has = true;
    } else if (c === " " || c === "\t") {
      if (has) out.push(cur);
      cur = "";
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** Run `kubectl …` (a command line without the leading `kubectl`) and capture its output. */
export async function kubectl(
  transport: KubeTransport & { now?(): number },
  line: string | string[],
  extra: Partial<KubectlIO> = {},
): Promise<RunResult> {
  let stdout = "";
  let stderr = "";
  const io: KubectlIO = {
    transport,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    ...(transport.now ? { now: () => transport.now!() } : {}),
    ...extra,
  };
  const code = await runKubectl(Array.isArray(line) ? line : splitArgs(line), io);
  return { code, stdout, stderr };
}
