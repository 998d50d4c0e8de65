/**
 * `kubectl events` (kubectl `pkg/cmd/events`), `kubectl wait` (`pkg/cmd/wait`),
 * `kubectl top node|pod` (`pkg/cmd/top`, metrics.k8s.io) and `kubectl drain` (`pkg/drain`).
 */
import { milliValue, parseQuantity, wholeValue } from "@kubelab/sim";
import { type ResourceMapping, resourcePath } from "../../client/discovery";
import { ApiError, CommandError, RawError } from "../../client/errors";
import { translateTimestampSince } from "../../printers/human-duration";
import { findResults, parseJsonPath } from "../../printers/jsonpath";
import { KUBECTL_TABLE, TabWriter } from "../../printers/tabwriter";
import type { Command } from "../command";
import { type CommandContext, kindPrefix } from "../context";
import { bool, str } from "../flags";
import { parseDuration, waitForObject } from "../watch-until";

// biome-ignore lint/suspicious/noExplicitAny: objects are unstructured JSON
type Obj = any;

const eventsCommand: Command = {
  path: ["events"],
  flags: [
    { name: "all-namespaces", short: "A", type: "bool", default: false },
    { name: "for", type: "string", default: "" },
    { name: "types", type: "stringSlice", default: [] },
    { name: "watch", short: "w", type: "bool", default: false },
    { name: "no-headers", type: "bool", default: false },
    { name: "output", short: "o", type: "string", default: "" },
    { name: "chunk-size", type: "int", default: 500 },
  ],
  async run(ctx) {
    const allNs = bool(ctx.flags, "all-namespaces");
    const m = await ctx.discovery.mappingFor("events");
    const q: Record<string, string> = {};
    const forArg = str(ctx.flags, "for");
    if (forArg) {
      const [type, name] = forArg.split("/");
      const fm = await ctx.discovery.mappingFor(type!);
      q.fieldSelector = `involvedObject.kind=${fm.kind},involvedObject.name=${name}`;
    }
    const list = (await ctx.rest.getJson(resourcePath(m, allNs ? undefined : ctx.namespace), q)) as {
      items?: Obj[];
    };
    const types = (ctx.flags.types as string[]).map((t) => t.toLowerCase());
    let items = (list.items ?? []).filter(
      (e) => types.length === 0 || types.includes(String(e.type).toLowerCase()),
    );
    // SortableEvents by last timestamp (eventTime for events without one).
    const ts = (e: Obj) => Date.parse(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? "") || 0;
    items = [...items].sort((a, b) => ts(a) - ts(b));
    if (items.length === 0) {
      ctx.err(allNs ? "No events found.\n" : `No events found in ${ctx.namespace} namespace.\n`);
      return 0;
    }
    const now = ctx.now();
    const w = new TabWriter(KUBECTL_TABLE);
    if (!bool(ctx.flags, "no-headers"))
      w.write(`${allNs ? "NAMESPACE\t" : ""}LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE\n`);
    for (const e of items) {
      let first = translateTimestampSince(e.eventTime, now);
      if (!e.eventTime) first = translateTimestampSince(e.firstTimestamp, now);
      let interval = first;
      if (e.series)
        interval = `${translateTimestampSince(e.series.lastObservedTime, now)} (x${e.series.count} over ${first})`;
      else if ((e.count ?? 0) > 1)
        interval = `${translateTimestampSince(e.lastTimestamp, now)} (x${e.count} over ${first})`;
      const obj = `${e.involvedObject?.kind}/${e.involvedObject?.name}`;
      w.write(
        `${allNs ? `${e.metadata?.namespace}\t` : ""}${interval}\t${e.type}\t${e.reason}\t${obj}\t${String(e.message ?? "").trim()}\n`,
      );
    }
    ctx.out(w.flush());
    return 0;
  },
};

/** Parse `--for`: `condition=Ready[=true]`, `delete`, `jsonpath={.status.phase}=Running`, `create`. */
function waitCheck(forArg: string): ((obj: Obj) => boolean) | null | "create" {
  if (forArg === "delete") return null;
  if (forArg === "create") return "create";
  if (forArg.startsWith("condition=")) {
    const rest = forArg.slice("condition=".length);
    const idx = rest.indexOf("=");
    const type = idx >= 0 ? rest.slice(0, idx) : rest;
    const value = idx >= 0 ? rest.slice(idx + 1) : "true";
    return (obj) => {
      const c = (obj.status?.conditions ?? []).find(
        (x: Obj) => String(x.type).toLowerCase() === type.toLowerCase(),
      );
      if (!c) return false;
      // Conditions observed for an older generation do not count.
      if (
        c.observedGeneration !== undefined &&
        obj.metadata?.generation !== undefined &&
        c.observedGeneration < obj.metadata.generation
      )
        return false;
      return String(c.status).toLowerCase() === value.toLowerCase();
    };
  }
  if (forArg.startsWith("jsonpath=")) {
    const rest = forArg.slice("jsonpath=".length);
    const m = /^(\{.*\})(?:=(.*))?$/.exec(rest) ?? /^([^=]*)(?:=(.*))?$/.exec(rest);
    const expr = m![1]!.startsWith("{") ? m![1]! : `{${m![1]}}`;
    const value = m![2];
    const t = parseJsonPath(expr);
    return (obj) => {
      const r = findResults(t, obj, { allowMissingKeys: true }).flat();
      if (value === undefined) return r.length > 0;
      return r.length === 1 && String(r[0]) === value;
    };
  }
  throw new CommandError(`unrecognized condition: "${forArg}"`);
}

const waitCommand: Command = {
  path: ["wait"],
  flags: [
    { name: "for", type: "string", default: "" },
    { name: "timeout", type: "string", default: "30s" },
    { name: "selector", short: "l", type: "string", default: "" },
    { name: "all", type: "bool", default: false },
    { name: "all-namespaces", short: "A", type: "bool", default: false },
    { name: "field-selector", type: "string", default: "" },
    { name: "filename", short: "f", type: "stringSlice", default: [] },
    { name: "output", short: "o", type: "string", default: "" },
    { name: "local", type: "bool", default: false },
  ],
  async run(ctx, args) {
    const forArg = str(ctx.flags, "for");
    if (!forArg) throw new CommandError("--for must be specified");
    const check = waitCheck(forArg);
    const timeout = parseDuration(str(ctx.flags, "timeout"));
    const targets: { m: ResourceMapping; ns?: string; name: string }[] = [];
    for (const g of await ctx.resolveArgs(args)) {
      const ns = g.mapping.namespaced ? ctx.namespace : undefined;
      if (g.names.length > 0)
        for (const n of g.names) targets.push(ns ? { m: g.mapping, ns, name: n } : { m: g.mapping, name: n });
      else {
        const q: Record<string, string> = {};
        if (str(ctx.flags, "selector")) q.labelSelector = str(ctx.flags, "selector");
        const l = (await ctx.rest.getJson(resourcePath(g.mapping, ns), q)) as { items?: Obj[] };
        for (const i of l.items ?? [])
          targets.push(
            ns ? { m: g.mapping, ns, name: i.metadata.name } : { m: g.mapping, name: i.metadata.name },
          );
      }
    }
    if (targets.length === 0) throw new CommandError("no matching resources found");
    for (const t of targets) {
      const opts = { timeoutMs: timeout > 0 ? timeout : 1 };
      let outcome: Awaited<ReturnType<typeof waitForObject>>;
      if (check === "create") outcome = await waitForObject(ctx, t.m, t.ns, t.name, () => true, opts);
      else outcome = await waitForObject(ctx, t.m, t.ns, t.name, check, opts);
      if (outcome.kind === "timeout") {
        throw new CommandError(
          `timed out waiting for the condition on ${t.m.group ? `${t.m.resource}.${t.m.group}` : t.m.resource}/${t.name}`,
        );
      }
      if (outcome.kind === "deleted" && check !== null) {
        throw new ApiError({
          kind: "Status",
          status: "Failure",
          reason: "NotFound",
          code: 404,
          message: `${t.m.group ? `${t.m.resource}.${t.m.group}` : t.m.resource} "${t.name}" not found`,
        });
      }
      ctx.out(`${kindPrefix(t.m)}/${t.name} condition met\n`);
    }
    return 0;
  },
};

/** Metrics API errors as kubectl top prints them. */
async function metrics(ctx: CommandContext, path: string, q: Record<string, string>): Promise<Obj[]> {
  try {
    const l = (await ctx.rest.getJson(path, q)) as { items?: Obj[] };
    return l.items ?? [];
  } catch (e) {
    if (e instanceof ApiError && (e.status.code === 404 || e.status.code === 503))
      throw new CommandError("Metrics API not available");
    throw e;
  }
}

const topPod: Command = {
  path: ["top", "pod"],
  aliases: ["pods", "po"],
  flags: [
    { name: "all-namespaces", short: "A", type: "bool", default: false },
    { name: "selector", short: "l", type: "string", default: "" },
    { name: "containers", type: "bool", default: false },
    { name: "no-headers", type: "bool", default: false },
    { name: "sort-by", type: "string", default: "" },
    { name: "sum", type: "bool", default: false },
    { name: "field-selector", type: "string", default: "" },
    { name: "use-protocol-buffers", type: "bool", default: true },
  ],
  async run(ctx, args) {
    const allNs = bool(ctx.flags, "all-namespaces");
    const ns = allNs ? "" : `/namespaces/${ctx.namespace}`;
    const q: Record<string, string> = {};
    if (str(ctx.flags, "selector")) q.labelSelector = str(ctx.flags, "selector");
    let items = await metrics(
      ctx,
      `/apis/metrics.k8s.io/v1beta1${ns}/pods${args[0] ? `/${args[0]}` : ""}`,
      q,
    );
    if (args[0])
      items = items.length
        ? items
        : [(await ctx.rest.getJson(`/apis/metrics.k8s.io/v1beta1${ns}/pods/${args[0]}`)) as Obj];
    if (items.length === 0) {
      ctx.err(allNs ? "No resources found\n" : `No resources found in ${ctx.namespace} namespace.\n`);
      return 0;
    }
    const w = new TabWriter(KUBECTL_TABLE);
    if (!bool(ctx.flags, "no-headers"))
      w.write(`${allNs ? "NAMESPACE\t" : ""}NAME\tCPU(cores)\tMEMORY(bytes)\n`);
    for (const p of items) {
      let cpu = 0;
      let mem = 0;
      for (const c of p.containers ?? []) {
        cpu += milliValue(parseQuantity(String(c.usage?.cpu ?? "0")));
        mem += wholeValue(parseQuantity(String(c.usage?.memory ?? "0")));
      }
      w.write(
        `${allNs ? `${p.metadata?.namespace}\t` : ""}${p.metadata?.name}\t${cpu}m\t${Math.floor(mem / (1024 * 1024))}Mi\n`,
      );
    }
    ctx.out(w.flush());
    return 0;
  },
};

const topNode: Command = {
  path: ["top", "node"],
  aliases: ["nodes", "no"],
  flags: [
    { name: "selector", short: "l", type: "string", default: "" },
    { name: "no-headers", type: "bool", default: false },
    { name: "sort-by", type: "string", default: "" },
    { name: "show-capacity", type: "bool", default: false },
    { name: "use-protocol-buffers", type: "bool", default: true },
  ],
  async run(ctx, args) {
    const items = await metrics(ctx, "/apis/metrics.k8s.io/v1beta1/nodes", {});
    // top node: no samples yet is an error (pkg/cmd/top/top_node.go).
    if (items.length === 0) throw new CommandError("metrics not available yet");
    const nodes = (await ctx.rest.getJson("/api/v1/nodes")) as { items?: Obj[] };
    const w = new TabWriter(KUBECTL_TABLE);
    if (!bool(ctx.flags, "no-headers")) w.write("NAME\tCPU(cores)\tCPU(%)\tMEMORY(bytes)\tMEMORY(%)\n");
    for (const n of items) {
      if (args[0] && n.metadata?.name !== args[0]) continue;
      const node = (nodes.items ?? []).find((x) => x.metadata?.name === n.metadata?.name);
      const alloc = bool(ctx.flags, "show-capacity") ? node?.status?.capacity : node?.status?.allocatable;
      const cpu = milliValue(parseQuantity(String(n.usage?.cpu ?? "0")));
      const mem = wholeValue(parseQuantity(String(n.usage?.memory ?? "0")));
      const cpuAlloc = milliValue(parseQuantity(String(alloc?.cpu ?? "0")));
      const memAlloc = wholeValue(parseQuantity(String(alloc?.memory ?? "0")));
      const pct = (a: number, b: number) => (b > 0 ? `${Math.floor((a * 100) / b)}%` : "<unknown>");
      w.write(
        `${n.metadata?.name}\t${cpu}m\t${pct(cpu, cpuAlloc)}\t${Math.floor(mem / (1024 * 1024))}Mi\t${pct(mem, memAlloc)}\n`,
      );
    }
    ctx.out(w.flush());
    return 0;
  },
};

const drainCommand: Command = {
  path: ["drain"],
  flags: [
    { name: "ignore-daemonsets", type: "bool", default: false },
    { name: "delete-emptydir-data", type: "bool", default: false },
    { name: "force", type: "bool", default: false },
    { name: "grace-period", type: "int", default: -1 },
    { name: "timeout", type: "string", default: "0s" },
    { name: "disable-eviction", type: "bool", default: false },
    { name: "pod-selector", type: "string", default: "" },
    { name: "selector", short: "l", type: "string", default: "" },
    { name: "skip-wait-for-delete-timeout", type: "int", default: 0 },
    { name: "dry-run", type: "string", default: "none", noOptDefault: "unchanged" },
    { name: "chunk-size", type: "int", default: 500 },
  ],
  async run(ctx, args) {
    if (args.length === 0)
      throw new RawError("error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples");
    const nodeName = args[0]!;
    const nodes = await ctx.discovery.mappingFor("nodes");
    const node = (await ctx.rest.getJson(resourcePath(nodes, undefined, nodeName))) as Obj;
    if (!node.spec?.unschedulable) {
      await ctx.rest.send(
        "PATCH",
        resourcePath(nodes, undefined, nodeName),
        { spec: { unschedulable: true } },
        {
          contentType: "application/strategic-merge-patch+json",
          query: {},
        },
      );
      ctx.out(`node/${nodeName} cordoned\n`);
    } else ctx.out(`node/${nodeName} already cordoned\n`);
    const podsMapping = await ctx.discovery.mappingFor("pods");
    const list = (await ctx.rest.getJson(resourcePath(podsMapping, undefined), {
      fieldSelector: `spec.nodeName=${nodeName}`,
    })) as { items?: Obj[] };
    const daemon: string[] = [];
    const unmanaged: string[] = [];
    const emptyDir: string[] = [];
    const evict: Obj[] = [];
    for (const p of list.items ?? []) {
      const key = `${p.metadata?.namespace}/${p.metadata?.name}`;
      if (p.metadata?.annotations?.["kubernetes.io/config.mirror"]) continue;
      if (p.status?.phase === "Succeeded" || p.status?.phase === "Failed") {
        evict.push(p);
        continue;
      }
      const ref = (p.metadata?.ownerReferences ?? []).find((o: Obj) => o.controller);
      if (ref?.kind === "DaemonSet") {
        daemon.push(key);
        continue;
      }
      if (!ref) unmanaged.push(key);
      if ((p.spec?.volumes ?? []).some((v: Obj) => v.emptyDir)) emptyDir.push(key);
      evict.push(p);
    }
    const problems: string[] = [];
    if (unmanaged.length > 0 && !bool(ctx.flags, "force"))
      problems.push(
        `cannot delete Pods that declare no controller (use --force to override): ${unmanaged.join(", ")}`,
      );
    if (daemon.length > 0 && !bool(ctx.flags, "ignore-daemonsets"))
      problems.push(
        `cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${daemon.join(", ")}`,
      );
    if (emptyDir.length > 0 && !bool(ctx.flags, "delete-emptydir-data"))
      problems.push(
        `cannot delete Pods with local storage (use --delete-emptydir-data to override): ${emptyDir.join(", ")}`,
      );
    if (problems.length > 0) {
      throw new RawError(
        `error: unable to drain node "${nodeName}" due to error: ${problems.join(", ")}, continuing command...\nThere are pending nodes to be drained:\n ${nodeName}\n${problems.map((p) => `error: ${p}`).join("\n")}`,
      );
    }
    if (daemon.length > 0) ctx.err(`Warning: ignoring DaemonSet-managed Pods: ${daemon.join(", ")}\n`);
    if (unmanaged.length > 0)
      ctx.err(`Warning: deleting Pods that declare no controller: ${unmanaged.join(", ")}\n`);
    for (const p of evict) {
      ctx.out(`evicting pod ${p.metadata.namespace}/${p.metadata.name}\n`);
      const body: Obj = {
        apiVersion: "policy/v1",
        kind: "Eviction",
        metadata: { name: p.metadata.name, namespace: p.metadata.namespace },
      };
      if (ctx.flags["grace-period"] !== -1)
        body.deleteOptions = { gracePeriodSeconds: ctx.flags["grace-period"] };
      await ctx.rest.send(
        "POST",
        resourcePath(podsMapping, p.metadata.namespace, p.metadata.name, "eviction"),
        body,
      );
    }
    for (const p of evict) {
      await waitForObject(ctx, podsMapping, p.metadata.namespace, p.metadata.name, null, {
        uid: p.metadata.uid,
        timeoutMs: 7 * 24 * 3_600_000,
      });
      ctx.out(`pod/${p.metadata.name} evicted\n`);
    }
    ctx.out(`node/${nodeName} drained\n`);
    return 0;
  },
};

/** events, wait, top, drain. */
export const observeCommands = [eventsCommand, waitCommand, topPod, topNode, drainCommand];
