/**
 * `kubectl logs` (kubectl `pkg/cmd/logs`): the `log` subresource of a pod, or of the first pod of
 * a workload (`deploy/web`), with `-c`, `--all-containers`, `-f`, `-p`, `--tail`, `--since`,
 * `--timestamps`, `--limit-bytes`; the default-container notice on stderr.
 */
import { resourcePath } from "../../client/discovery";
import { ApiError, RawError, statusFromResponse } from "../../client/errors";
import type { Command } from "../command";
import type { CommandContext } from "../context";
import { bool, num, str } from "../flags";
import { parseDuration } from "../watch-until";

// biome-ignore lint/suspicious/noExplicitAny: pods are unstructured JSON
type Obj = any;

/** Find the pod a `TYPE/NAME` argument means: the pod itself or the first pod its selector picks. */
async function resolvePod(ctx: CommandContext, arg: string): Promise<Obj> {
  const podMapping = await ctx.discovery.mappingFor("pods");
  if (!arg.includes("/")) return ctx.rest.getJson(resourcePath(podMapping, ctx.namespace, arg));
  const [type, name] = [arg.slice(0, arg.indexOf("/")), arg.slice(arg.indexOf("/") + 1)];
  const m = await ctx.discovery.mappingFor(type);
  if (m.kind === "Pod") return ctx.rest.getJson(resourcePath(m, ctx.namespace, name));
  const owner = (await ctx.rest.getJson(resourcePath(m, ctx.namespace, name))) as Obj;
  const sel = owner.spec?.selector;
  const labels: Record<string, string> =
    m.kind === "Service" || m.kind === "ReplicationController" ? (sel ?? {}) : (sel?.matchLabels ?? {});
  const selector = Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const list = (await ctx.rest.getJson(resourcePath(podMapping, ctx.namespace), {
    labelSelector: selector,
  })) as { items?: Obj[] };
  const pods = list.items ?? [];
  if (pods.length === 0) throw new RawError(`error: timed out waiting for the condition`);
  if (pods.length > 1) ctx.err(`Found ${pods.length} pods, using pod/${pods[0].metadata.name}\n`);
  return pods[0];
}

/** The `logs` command. */
export const logsCommand: Command = {
  path: ["logs"],
  flags: [
    { name: "container", short: "c", type: "string", default: "" },
    { name: "all-containers", type: "bool", default: false },
    { name: "follow", short: "f", type: "bool", default: false },
    { name: "previous", short: "p", type: "bool", default: false },
    { name: "tail", type: "int", default: -1 },
    { name: "since", type: "string", default: "0s" },
    { name: "since-time", type: "string", default: "" },
    { name: "timestamps", type: "bool", default: false },
    { name: "limit-bytes", type: "int", default: 0 },
    { name: "selector", short: "l", type: "string", default: "" },
    { name: "prefix", type: "bool", default: false },
    { name: "ignore-errors", type: "bool", default: false },
    { name: "pod-running-timeout", type: "string", default: "20s" },
    { name: "max-log-requests", type: "int", default: 5 },
    { name: "insecure-skip-tls-backend", type: "bool", default: false },
  ],
  async run(ctx, args) {
    if (args.length === 0 && !str(ctx.flags, "selector")) {
      throw new RawError(
        "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples",
      );
    }
    const pod = await resolvePod(ctx, args[0]!);
    let container = str(ctx.flags, "container") || args[1] || "";
    const containers: string[] = (pod.spec?.containers ?? []).map((c: Obj) => c.name);
    const all = bool(ctx.flags, "all-containers");
    if (!container && !all) {
      const annotated = pod.metadata?.annotations?.["kubectl.kubernetes.io/default-container"];
      container = annotated && containers.includes(annotated) ? annotated : (containers[0] ?? "");
      if (!annotated && containers.length > 1) {
        ctx.err(`Defaulted container "${container}" out of: ${containers.join(", ")}\n`);
      }
    }
    const query: Record<string, string> = {};
    if (bool(ctx.flags, "follow")) query.follow = "true";
    if (bool(ctx.flags, "previous")) query.previous = "true";
    if (num(ctx.flags, "tail") >= 0) query.tailLines = String(num(ctx.flags, "tail"));
    if (bool(ctx.flags, "timestamps")) query.timestamps = "true";
    if (num(ctx.flags, "limit-bytes") > 0) query.limitBytes = String(num(ctx.flags, "limit-bytes"));
    const since = parseDuration(str(ctx.flags, "since"));
    if (since > 0) query.sinceSeconds = String(Math.ceil(since / 1000));
    if (str(ctx.flags, "since-time")) query.sinceTime = str(ctx.flags, "since-time");
    const podMapping = await ctx.discovery.mappingFor("pods");
    const path = resourcePath(
      podMapping,
      pod.metadata?.namespace ?? ctx.namespace,
      pod.metadata?.name,
      "log",
    );
    for (const c of all ? containers : [container]) {
      const q = { ...query, container: c };
      if (query.follow && ctx.io.transport.stream) {
        const s = await ctx.io.transport.stream({
          method: "GET",
          path,
          query: q,
          headers: { accept: "*/*" },
        });
        if (s.status < 200 || s.status > 299)
          throw new ApiError(statusFromResponse(s.status, s.errorBody ?? ""));
        const abort = () => s.cancel();
        ctx.io.signal?.addEventListener("abort", abort);
        try {
          for await (const chunk of s.chunks) ctx.out(chunk);
        } finally {
          ctx.io.signal?.removeEventListener("abort", abort);
        }
        continue;
      }
      const res = await ctx.rest.do({ method: "GET", path, query: q, headers: { accept: "*/*" } });
      ctx.out(
        bool(ctx.flags, "prefix")
          ? res.body.replace(/^(?=.)/gm, `[pod/${pod.metadata?.name}/${c}] `)
          : res.body,
      );
    }
    return 0;
  },
};
