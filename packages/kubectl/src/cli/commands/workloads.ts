/**
 * `kubectl run` (a Pod; kubectl `pkg/cmd/run`), `kubectl expose` (a Service selecting a
 * workload's pods; `pkg/cmd/expose`), `kubectl edit` (through the terminal's editor callback;
 * `pkg/cmd/util/editor`) and `kubectl exec` (the transport's exec stream).
 */
import { type ResourceMapping, resourcePath } from "../../client/discovery";
import { CommandError, RawError } from "../../client/errors";
import { printYaml } from "../../printers/yaml";
import type { Command } from "../command";
import { kindPrefix } from "../context";
import { bool, list, num, str } from "../flags";
import { parseManifest } from "../manifests";
import { DRY_RUN_FLAG, dryRun, postObject, printResult, verbText } from "./create";
import { createThreeWayPatch } from "./three-way-patch";

// biome-ignore lint/suspicious/noExplicitAny: objects are unstructured JSON
type Obj = any;

/** The Pod `kubectl run NAME --image=…` builds (PodSpec fields in Go struct order). */
export function generateRunPod(o: {
  name: string;
  namespace?: string;
  image: string;
  labels: Record<string, string>;
  env: string[];
  port: number;
  restart: string;
  command: boolean;
  args: string[];
  imagePullPolicy: string;
}): Obj {
  const c: Obj = { name: o.name, image: o.image };
  if (o.args.length > 0) c[o.command ? "command" : "args"] = o.args;
  if (o.port >= 0) c.ports = [{ containerPort: o.port }];
  if (o.env.length > 0) {
    c.env = o.env.map((e) => {
      const idx = e.indexOf("=");
      return { name: e.slice(0, idx), value: e.slice(idx + 1) };
    });
  }
  c.resources = {};
  if (o.imagePullPolicy) c.imagePullPolicy = o.imagePullPolicy;
  const meta: Obj = { name: o.name };
  if (o.namespace) meta.namespace = o.namespace;
  meta.creationTimestamp = null;
  meta.labels = o.labels;
  return {
    kind: "Pod",
    apiVersion: "v1",
    metadata: meta,
    spec: { containers: [c], restartPolicy: o.restart || "Always", dnsPolicy: "ClusterFirst" },
    status: {},
  };
}

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(",")) {
    const idx = part.indexOf("=");
    if (idx <= 0) throw new CommandError(`invalid label spec: ${part}`);
    out[part.slice(0, idx)] = part.slice(idx + 1);
  }
  return out;
}

const runCommand: Command = {
  path: ["run"],
  required: ["image"],
  flags: [
    DRY_RUN_FLAG,
    { name: "output", short: "o", type: "string", default: "" },
    { name: "image", type: "string", default: "" },
    { name: "labels", short: "l", type: "string", default: "" },
    { name: "env", type: "stringArray", default: [] },
    { name: "port", type: "int", default: -1 },
    { name: "restart", type: "string", default: "Always" },
    { name: "command", type: "bool", default: false },
    { name: "image-pull-policy", type: "string", default: "" },
    { name: "rm", type: "bool", default: false },
    { name: "stdin", short: "i", type: "bool", default: false },
    { name: "tty", short: "t", type: "bool", default: false },
    { name: "attach", type: "bool", default: false },
    { name: "expose", type: "bool", default: false },
    { name: "annotations", type: "stringArray", default: [] },
    { name: "field-manager", type: "string", default: "kubectl-run" },
    { name: "overrides", type: "string", default: "" },
    { name: "privileged", type: "bool", default: false },
    { name: "pod-running-timeout", type: "string", default: "1m0s" },
  ],
  async run(ctx, args, afterDash) {
    if (args.length === 0) throw new CommandError("NAME is required for run");
    const name = args[0]!;
    const pod = generateRunPod({
      name,
      namespace: ctx.namespaceExplicit ? ctx.namespace : undefined,
      image: str(ctx.flags, "image"),
      labels: str(ctx.flags, "labels") ? parseLabels(str(ctx.flags, "labels")) : { run: name },
      env: list(ctx.flags, "env"),
      port: num(ctx.flags, "port"),
      restart: str(ctx.flags, "restart"),
      command: bool(ctx.flags, "command"),
      args: [...args.slice(1), ...(afterDash ?? [])],
      imagePullPolicy: str(ctx.flags, "image-pull-policy"),
    });
    const annotations = list(ctx.flags, "annotations");
    if (annotations.length > 0) pod.metadata.annotations = parseLabels(annotations.join(","));
    const mode = dryRun(ctx);
    const m = await ctx.discovery.mappingFor("pods");
    if (mode === "client") {
      printResult(ctx, m, pod, verbText("created", mode), true);
      return 0;
    }
    const created = await postObject(ctx, m, ctx.namespace, pod, mode, "kubectl-run");
    printResult(ctx, m, created, verbText("created", mode), false);
    return 0;
  },
};

const exposeCommand: Command = {
  path: ["expose"],
  flags: [
    DRY_RUN_FLAG,
    { name: "output", short: "o", type: "string", default: "" },
    { name: "port", type: "string", default: "" },
    { name: "target-port", type: "string", default: "" },
    { name: "protocol", type: "string", default: "" },
    { name: "type", type: "string", default: "" },
    { name: "name", type: "string", default: "" },
    { name: "selector", type: "string", default: "" },
    { name: "labels", short: "l", type: "string", default: "" },
    { name: "cluster-ip", type: "string", default: "" },
    { name: "external-ip", type: "string", default: "" },
    { name: "load-balancer-ip", type: "string", default: "" },
    { name: "session-affinity", type: "string", default: "" },
    { name: "filename", short: "f", type: "stringSlice", default: [] },
    { name: "field-manager", type: "string", default: "kubectl-expose" },
    { name: "override-type", type: "string", default: "merge" },
  ],
  async run(ctx, args) {
    const groups = await ctx.resolveArgs(args);
    const g = groups[0];
    if (!g || g.names.length === 0) {
      throw new RawError(
        "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
      );
    }
    const m: ResourceMapping = g.mapping;
    const obj = (await ctx.rest.getJson(resourcePath(m, ctx.namespace, g.names[0]))) as Obj;
    let selector: Record<string, string> | undefined;
    if (str(ctx.flags, "selector")) selector = parseLabels(str(ctx.flags, "selector"));
    else if (m.kind === "Pod") selector = obj.metadata?.labels;
    else if (m.kind === "Service" || m.kind === "ReplicationController") selector = obj.spec?.selector;
    else {
      if (obj.spec?.selector?.matchExpressions?.length) {
        throw new CommandError(
          `couldn't retrieve selectors via --selector flag or introspection: the ${m.kind} has a selector with matchExpressions, which expose cannot use`,
        );
      }
      selector = obj.spec?.selector?.matchLabels;
    }
    if (!selector || Object.keys(selector).length === 0) {
      throw new CommandError(
        `couldn't retrieve selectors via --selector flag or introspection: the ${m.kind} has no selector`,
      );
    }
    let portsText = str(ctx.flags, "port");
    if (!portsText) {
      // PortsForObject: the container ports of the pod (template).
      const spec = m.kind === "Pod" ? obj.spec : obj.spec?.template?.spec;
      const ports: string[] = [];
      for (const c of spec?.containers ?? [])
        for (const p of c.ports ?? []) ports.push(String(p.containerPort));
      if (m.kind === "Service") for (const p of obj.spec?.ports ?? []) ports.push(String(p.port));
      if (ports.length === 0) throw new CommandError(`couldn't find port via --port flag or introspection`);
      portsText = ports.join(",");
    }
    const portList = portsText.split(",");
    const protocol = str(ctx.flags, "protocol") || "TCP";
    const ports = portList.map((p, i) => {
      const sp: Obj = {};
      if (portList.length > 1) sp.name = `port-${i + 1}`;
      sp.protocol = protocol;
      sp.port = Number(p);
      const tp = str(ctx.flags, "target-port");
      sp.targetPort = tp ? (/^\d+$/.test(tp) ? Number(tp) : tp) : Number(p);
      return sp;
    });
    const name = str(ctx.flags, "name") || g.names[0]!;
    const labels = str(ctx.flags, "labels") ? parseLabels(str(ctx.flags, "labels")) : obj.metadata?.labels;
    const meta: Obj = { name };
    meta.creationTimestamp = null;
    if (labels) meta.labels = labels;
    const spec: Obj = { ports, selector };
    if (str(ctx.flags, "cluster-ip")) spec.clusterIP = str(ctx.flags, "cluster-ip");
    if (str(ctx.flags, "type")) spec.type = str(ctx.flags, "type");
    if (str(ctx.flags, "external-ip")) spec.externalIPs = [str(ctx.flags, "external-ip")];
    if (str(ctx.flags, "session-affinity")) spec.sessionAffinity = str(ctx.flags, "session-affinity");
    const svc = { kind: "Service", apiVersion: "v1", metadata: meta, spec, status: { loadBalancer: {} } };
    const svcMapping = await ctx.discovery.mappingFor("services");
    const mode = dryRun(ctx);
    if (mode === "client") {
      printResult(ctx, svcMapping, svc, verbText("exposed", mode), true);
      return 0;
    }
    const created = await postObject(ctx, svcMapping, ctx.namespace, svc, mode, "kubectl-expose");
    printResult(ctx, svcMapping, created, verbText("exposed", mode), false);
    return 0;
  },
};

/** The header kubectl edit puts above the object. */
const EDIT_HEADER =
  "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

const editCommand: Command = {
  path: ["edit"],
  flags: [
    { name: "output", short: "o", type: "string", default: "yaml" },
    { name: "filename", short: "f", type: "stringSlice", default: [] },
    { name: "save-config", type: "bool", default: false },
    { name: "validate", type: "string", default: "strict", noOptDefault: "strict" },
    { name: "windows-line-endings", type: "bool", default: false },
    { name: "field-manager", type: "string", default: "kubectl-edit" },
    { name: "subresource", type: "string", default: "" },
    { name: "show-managed-fields", type: "bool", default: false },
  ],
  async run(ctx, args) {
    if (!ctx.io.edit) throw new CommandError("no editor is available in this terminal");
    for (const g of await ctx.resolveArgs(args)) {
      const ns = g.mapping.namespaced ? ctx.namespace : undefined;
      for (const name of g.names) {
        const original = (await ctx.rest.getJson(resourcePath(g.mapping, ns, name))) as Obj;
        const shown = structuredClone(original);
        if (!bool(ctx.flags, "show-managed-fields")) delete shown.metadata?.managedFields;
        const text = EDIT_HEADER + printYaml(shown);
        const edited = await ctx.io.edit(text, `kubectl-edit-${name}.yaml`);
        const stripped = edited
          .split("\n")
          .filter((l) => !l.startsWith("#"))
          .join("\n");
        if (stripped.trim() === "") {
          ctx.err("Edit cancelled, no changes made.\n");
          continue;
        }
        const [doc] = parseManifest(stripped, "edited file");
        if (!doc) throw new CommandError("Edit cancelled, no valid changes were saved.");
        const patch = createThreeWayPatch(
          shown,
          doc.obj,
          shown,
          g.mapping.group === "" || !g.mapping.group.includes("."),
        );
        if (Object.keys(patch).length === 0) {
          ctx.err("Edit cancelled, no changes made.\n");
          continue;
        }
        // The edit is sent against the version it was made from (a conflict is reported, not merged).
        const body = {
          ...patch,
          metadata: {
            ...((patch.metadata as Obj) ?? {}),
            resourceVersion: original.metadata?.resourceVersion,
          },
        };
        await ctx.rest.send("PATCH", resourcePath(g.mapping, ns, name), body, {
          query: { fieldManager: str(ctx.flags, "field-manager") },
          contentType: "application/merge-patch+json",
        });
        ctx.out(`${kindPrefix(g.mapping)}/${name} edited\n`);
      }
    }
    return 0;
  },
};

const execCommand: Command = {
  path: ["exec"],
  flags: [
    { name: "container", short: "c", type: "string", default: "" },
    { name: "stdin", short: "i", type: "bool", default: false },
    { name: "tty", short: "t", type: "bool", default: false },
    { name: "quiet", short: "q", type: "bool", default: false },
    { name: "filename", short: "f", type: "stringSlice", default: [] },
    { name: "pod-running-timeout", type: "string", default: "1m0s" },
  ],
  async run(ctx, args, afterDash) {
    if (args.length === 0)
      throw new RawError(
        "error: expected 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'.\nPOD or TYPE/NAME is a required argument for the exec command\nSee 'kubectl exec -h' for help and examples",
      );
    const command = afterDash ?? args.slice(1);
    if (command.length === 0)
      throw new CommandError("you must specify at least one command for the container");
    const podName = args[0]!.includes("/") ? args[0]!.split("/")[1]! : args[0]!;
    const m = await ctx.discovery.mappingFor("pods");
    const pod = (await ctx.rest.getJson(resourcePath(m, ctx.namespace, podName))) as Obj;
    if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") {
      throw new CommandError(
        `cannot exec into a container in a completed pod; current phase is ${pod.status.phase}`,
      );
    }
    const containers: string[] = (pod.spec?.containers ?? []).map((c: Obj) => c.name);
    let container = str(ctx.flags, "container");
    if (!container) {
      container =
        pod.metadata?.annotations?.["kubectl.kubernetes.io/default-container"] ?? containers[0] ?? "";
      if (containers.length > 1 && !bool(ctx.flags, "quiet")) {
        ctx.err(`Defaulted container "${container}" out of: ${containers.join(", ")}\n`);
      }
    }
    if (!ctx.io.transport.exec) throw new CommandError("exec is not supported by this connection");
    const query: Record<string, string> = {
      container,
      stdout: "true",
      stderr: String(!bool(ctx.flags, "tty")),
    };
    if (bool(ctx.flags, "stdin")) query.stdin = "true";
    if (bool(ctx.flags, "tty")) query.tty = "true";
    const session = await ctx.io.transport.exec({
      method: "POST",
      path: resourcePath(m, ctx.namespace, podName, "exec"),
      query: { ...query, command: JSON.stringify(command) },
    });
    const pump = async (it: AsyncIterable<string>, out: (s: string) => void) => {
      for await (const chunk of it) out(chunk);
    };
    const stdinPump = (async () => {
      if (!bool(ctx.flags, "stdin") || !ctx.io.stdin) return;
      for await (const line of ctx.io.stdin) session.writeStdin(line);
      session.closeStdin();
    })();
    await Promise.all([pump(session.stdout, (s) => ctx.out(s)), pump(session.stderr, (s) => ctx.err(s))]);
    void stdinPump;
    const result = (await session.result) as {
      status?: string;
      reason?: string;
      message?: string;
      details?: { causes?: { reason?: string; message?: string }[] };
    } | null;
    if (result && result.status === "Failure") {
      const exit = result.details?.causes?.find((c) => c.reason === "ExitCode")?.message;
      if (result.reason === "NonZeroExitCode" && exit) {
        ctx.err(`command terminated with exit code ${exit}\n`);
        return Number(exit);
      }
      throw new CommandError(result.message ?? "exec failed");
    }
    return 0;
  },
};

/** run, expose, edit, exec. */
export const workloadCommands = [runCommand, exposeCommand, editCommand, execCommand];
