/**
 * Waiting on one object through a watch (kubectl `wait` and `delete --wait`): list it by name,
 * then watch from that resourceVersion until a condition holds, it is deleted, or time runs out.
 */
import { type ResourceMapping, resourcePath } from "../client/discovery";
import { ApiError, statusFromResponse } from "../client/errors";
import type { CommandContext } from "./context";

/** What a wait saw: the condition met (with the object), the object gone, or a timeout. */
export type WaitOutcome =
  | { kind: "met"; obj: Record<string, unknown> }
  | { kind: "deleted" }
  | { kind: "timeout" };

/**
 * Watch `name` until `check(obj)` is true (or, with `check` null, until the object is deleted).
 * `uid` ties a deletion wait to the object that was deleted (a new one with the same name counts as gone).
 */
export async function waitForObject(
  ctx: CommandContext,
  m: ResourceMapping,
  ns: string | undefined,
  name: string,
  check: ((obj: Record<string, unknown>) => boolean) | null,
  opts: { uid?: string; timeoutMs: number },
): Promise<WaitOutcome> {
  // watchtools.UntilWithSync: list, watch from there, and list+watch again when a watch ends
  // before the deadline (servers close watches after --min-request-timeout).
  const deadline = ctx.now() + opts.timeoutMs;
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const outcome = await listAndWatch(ctx, m, ns, name, check, opts, deadline);
    if (outcome.kind !== "timeout" || ctx.now() >= deadline || ctx.io.signal?.aborted) return outcome;
  }
  return { kind: "timeout" };
}

async function listAndWatch(
  ctx: CommandContext,
  m: ResourceMapping,
  ns: string | undefined,
  name: string,
  check: ((obj: Record<string, unknown>) => boolean) | null,
  opts: { uid?: string },
  deadline: number,
): Promise<WaitOutcome> {
  const query = { fieldSelector: `metadata.name=${name}` };
  const listed = (await ctx.rest.getJson(resourcePath(m, ns), query)) as {
    items?: Record<string, unknown>[];
    metadata?: { resourceVersion?: string };
  };
  // List items carry no apiVersion/kind; give them the mapping's, as client-go's decoding does.
  const gv = m.group ? `${m.group}/${m.version}` : m.version;
  const first = listed.items?.[0];
  const current = first ? { apiVersion: gv, kind: m.kind, ...first } : undefined;
  const uidOf = (o: Record<string, unknown>) => (o.metadata as { uid?: string } | undefined)?.uid;
  if (check === null && (!current || (opts.uid && uidOf(current) !== opts.uid))) return { kind: "deleted" };
  if (check !== null && current && check(current)) return { kind: "met", obj: current };
  const remaining = Math.max(1, Math.ceil((deadline - ctx.now()) / 1000));
  const stream = await ctx.io.transport.watch({
    method: "GET",
    path: resourcePath(m, ns),
    query: {
      ...query,
      watch: "true",
      resourceVersion: listed.metadata?.resourceVersion ?? "",
      timeoutSeconds: String(Math.min(remaining, 1800)),
    },
    headers: { accept: "application/json" },
  });
  if (stream.status !== 200) throw new ApiError(statusFromResponse(stream.status, stream.errorBody ?? ""));
  const abort = () => stream.cancel();
  ctx.io.signal?.addEventListener("abort", abort);
  try {
    for await (const ev of stream.events) {
      if (ev.type === "ERROR") {
        // 410 Gone: the resourceVersion expired; list again.
        if ((ev.object as { code?: number }).code === 410) return { kind: "timeout" };
        throw new ApiError(ev.object as Record<string, unknown>);
      }
      if (ev.type === "BOOKMARK") continue;
      const obj = { apiVersion: gv, kind: m.kind, ...(ev.object as Record<string, unknown>) };
      if (check === null) {
        if (ev.type === "DELETED" && (!opts.uid || uidOf(obj) === opts.uid)) return { kind: "deleted" };
        continue;
      }
      if (ev.type !== "DELETED" && check(obj)) return { kind: "met", obj };
      if (ctx.now() >= deadline) break;
    }
  } finally {
    ctx.io.signal?.removeEventListener("abort", abort);
    stream.cancel();
  }
  return { kind: "timeout" };
}

/** kubectl's duration flags (`30s`, `5m`, `1h`, `0`): milliseconds. */
export function parseDuration(s: string): number {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let matched = "";
  for (let m = re.exec(s); m; m = re.exec(s)) {
    matched += m[0];
    const v = Number(m[1]);
    total += m[2] === "ms" ? v : m[2] === "s" ? v * 1000 : m[2] === "m" ? v * 60_000 : v * 3_600_000;
  }
  if (matched !== s) throw new Error(`time: invalid duration "${s}"`);
  return total;
}
