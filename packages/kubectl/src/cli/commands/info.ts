/**
 * Commands about the cluster and the client rather than objects: `version`, `api-resources`,
 * `config view`, `explain` (from the server's OpenAPI), `auth can-i` (SelfSubjectAccessReview).
 */
import { CommandError, RawError } from "../../client/errors";
import { printJson } from "../../printers/json";
import { KUBECTL_TABLE, TabWriter } from "../../printers/tabwriter";
import { printYaml } from "../../printers/yaml";
import type { Command } from "../command";
import { bool, str } from "../flags";

/** This kubectl's version (the one whose behaviour it follows). */
export const CLIENT_VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.4",
  gitCommit: "59526cd4867447956156ae3a602fcbac10a2c335",
  gitTreeState: "clean",
  buildDate: "2025-04-22T16:02:27Z",
  goVersion: "go1.23.6",
  compiler: "gc",
  platform: "linux/amd64",
};

const versionCommand: Command = {
  path: ["version"],
  flags: [
    { name: "client", type: "bool", default: false },
    { name: "output", short: "o", type: "string", default: "" },
  ],
  async run(ctx) {
    const o = str(ctx.flags, "output");
    const client = bool(ctx.flags, "client");
    let server: Record<string, unknown> | null = null;
    let serverErr: unknown = null;
    if (!client) {
      try {
        server = (await ctx.rest.getJson("/version")) as Record<string, unknown>;
      } catch (e) {
        serverErr = e;
      }
    }
    if (o === "json" || o === "yaml") {
      const v: Record<string, unknown> = { clientVersion: CLIENT_VERSION, kustomizeVersion: "v5.5.0" };
      if (server) v.serverVersion = server;
      ctx.out(o === "json" ? printJson(v, false) : printYaml(v));
    } else if (o !== "") {
      throw new CommandError(`--output must be 'yaml' or 'json'`);
    } else {
      ctx.out(`Client Version: ${CLIENT_VERSION.gitVersion}\nKustomize Version: v5.5.0\n`);
      if (server) ctx.out(`Server Version: ${server.gitVersion}\n`);
    }
    if (serverErr) throw serverErr;
    return 0;
  },
};

const apiResourcesCommand: Command = {
  path: ["api-resources"],
  flags: [
    { name: "output", short: "o", type: "string", default: "" },
    { name: "namespaced", type: "bool", default: true },
    { name: "api-group", type: "string", default: "" },
    { name: "verbs", type: "stringSlice", default: [] },
    { name: "no-headers", type: "bool", default: false },
    { name: "sort-by", type: "string", default: "" },
    { name: "cached", type: "bool", default: false },
    { name: "categories", type: "stringSlice", default: [] },
  ],
  async run(ctx) {
    let all = (await ctx.discovery.resources()).filter((r) => r.preferred);
    if (ctx.changed.has("namespaced"))
      all = all.filter((r) => r.namespaced === bool(ctx.flags, "namespaced"));
    if (ctx.changed.has("api-group")) all = all.filter((r) => r.group === str(ctx.flags, "api-group"));
    const verbs = (ctx.flags.verbs as string[]) ?? [];
    if (verbs.length > 0) all = all.filter((r) => verbs.every((v) => r.verbs.includes(v)));
    const cats = (ctx.flags.categories as string[]) ?? [];
    if (cats.length > 0) all = all.filter((r) => cats.every((c) => r.categories.includes(c)));
    // api-resources.go sorts by group, then name.
    all = [...all].sort((a, b) =>
      a.group === b.group ? (a.resource < b.resource ? -1 : 1) : a.group < b.group ? -1 : 1,
    );
    if (str(ctx.flags, "sort-by") === "kind")
      all.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
    const o = str(ctx.flags, "output");
    if (o === "name") {
      for (const r of all) ctx.out(`${r.group ? `${r.resource}.${r.group}` : r.resource}\n`);
      return 0;
    }
    const w = new TabWriter(KUBECTL_TABLE);
    const wide = o === "wide";
    if (!bool(ctx.flags, "no-headers")) {
      w.write(`NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND${wide ? "\tVERBS\tCATEGORIES" : ""}\n`);
    }
    for (const r of all) {
      const gv = r.group ? `${r.group}/${r.version}` : r.version;
      const cells = [r.resource, r.shortNames.join(","), gv, String(r.namespaced), r.kind];
      if (wide) cells.push(`[${r.verbs.join(" ")}]`, r.categories.join(","));
      w.write(`${cells.join("\t")}\n`);
    }
    ctx.out(w.flush());
    return 0;
  },
};

const configViewCommand: Command = {
  path: ["config", "view"],
  flags: [
    { name: "output", short: "o", type: "string", default: "yaml" },
    { name: "minify", type: "bool", default: false },
    { name: "raw", type: "bool", default: false },
    { name: "flatten", type: "bool", default: false },
    { name: "merge", type: "bool", default: true },
  ],
  async run(ctx) {
    const k = ctx.io.kubeconfig;
    const config = k
      ? {
          apiVersion: "v1",
          clusters: [
            { cluster: { server: k.server, "certificate-authority-data": "DATA+OMITTED" }, name: k.cluster },
          ],
          contexts: [
            {
              context: {
                cluster: k.cluster,
                user: k.user,
                ...(k.namespace ? { namespace: k.namespace } : {}),
              },
              name: k.currentContext,
            },
          ],
          "current-context": k.currentContext,
          kind: "Config",
          preferences: {},
          users: [{ name: k.user, user: { token: "REDACTED" } }],
        }
      : {
          apiVersion: "v1",
          clusters: null,
          contexts: null,
          "current-context": "",
          kind: "Config",
          preferences: {},
          users: null,
        };
    const o = str(ctx.flags, "output");
    ctx.out(o === "json" ? printJson(config) : printYaml(config));
    return 0;
  },
};

const explainCommand: Command = {
  path: ["explain"],
  flags: [
    { name: "recursive", type: "bool", default: false },
    { name: "api-version", type: "string", default: "" },
    { name: "output", short: "o", type: "string", default: "plaintext" },
  ],
  async run(ctx, args) {
    if (args.length === 0) {
      throw new RawError(
        `You must specify the type of resource to explain. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nSee 'kubectl explain -h' for help and examples`,
      );
    }
    const [type, ...fields] = args[0]!.split(".");
    const m = await ctx.discovery.mappingFor(type!);
    // kubectl 1.32 explains from OpenAPI v3 (`/openapi/v3/<group-version path>`).
    const gvPath = m.group ? `apis/${m.group}/${m.version}` : `api/${m.version}`;
    let doc: { components?: { schemas?: Record<string, Record<string, unknown>> } };
    try {
      doc = (await ctx.rest.getJson(`/openapi/v3/${gvPath}`)) as typeof doc;
    } catch {
      throw new CommandError(
        `couldn't find resource for "${m.group ? `${m.group}/${m.version}` : m.version}, Kind=${m.kind}"`,
      );
    }
    const schemas = doc.components?.schemas ?? {};
    const entry = Object.entries(schemas).find(([, s]) =>
      (
        (s["x-kubernetes-group-version-kind"] as
          | { group: string; version: string; kind: string }[]
          | undefined) ?? []
      ).some((g) => g.group === m.group && g.version === m.version && g.kind === m.kind),
    );
    if (!entry)
      throw new CommandError(
        `couldn't find resource for "${m.group ? `${m.group}/` : ""}${m.version}, Kind=${m.kind}"`,
      );
    let schema: Record<string, unknown> = entry[1];
    const resolve = (s: Record<string, unknown>): Record<string, unknown> => {
      const ref = (s.$ref as string | undefined) ?? (s.allOf as { $ref?: string }[] | undefined)?.[0]?.$ref;
      return ref ? (schemas[ref.split("/").pop()!] ?? s) : s;
    };
    let path = "";
    for (const f of fields) {
      const props = (resolve(schema).properties as Record<string, Record<string, unknown>> | undefined) ?? {};
      let next = props[f];
      if (next?.type === "array" && next.items)
        next = { ...(next.items as Record<string, unknown>), description: next.description };
      if (!next) throw new CommandError(`field "${f}" does not exist`);
      path += `.${f}`;
      schema = { ...resolve(next), description: next.description ?? resolve(next).description };
    }
    const indent = (t: string) =>
      t
        .split("\n")
        .map((l) => (l ? `    ${l}` : ""))
        .join("\n");
    let out = `GROUP:      ${m.group}\nKIND:       ${m.kind}\nVERSION:    ${m.version}\n\n`;
    if (path) out += `FIELD: ${fields[fields.length - 1]} <${String(schema.type ?? "Object")}>\n\n`;
    out += `DESCRIPTION:\n${indent(String(schema.description ?? "<empty>"))}\n    \n`;
    const props = (resolve(schema).properties as Record<string, Record<string, unknown>> | undefined) ?? {};
    const required = new Set((resolve(schema).required as string[] | undefined) ?? []);
    if (Object.keys(props).length > 0) {
      out += "FIELDS:\n";
      for (const [k, v] of Object.entries(props).sort(([a], [b]) => (a < b ? -1 : 1))) {
        const t =
          v.type === "array"
            ? `[]${String((v.items as { type?: string })?.type ?? "Object")}`
            : String(v.type ?? "Object");
        out += `  ${k}\t<${t}>${required.has(k) ? " -required-" : ""}\n${indent(
          indent(String(v.description ?? "")).trimStart(),
        ).replace(/^/, "    ")}\n\n`;
      }
    }
    ctx.out(out);
    return 0;
  },
};

const canICommand: Command = {
  path: ["auth", "can-i"],
  flags: [
    { name: "all-namespaces", short: "A", type: "bool", default: false },
    { name: "quiet", short: "q", type: "bool", default: false },
    { name: "subresource", type: "string", default: "" },
    { name: "list", type: "bool", default: false },
    { name: "no-headers", type: "bool", default: false },
  ],
  async run(ctx, args) {
    if (args.length < 2) {
      throw new RawError(
        "error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.",
      );
    }
    const verb = args[0]!;
    const target = args[1]!;
    const attrs: Record<string, unknown> = { verb };
    if (target.startsWith("/")) {
      attrs.path = target;
      delete attrs.verb;
      const review = {
        kind: "SelfSubjectAccessReview",
        apiVersion: "authorization.k8s.io/v1",
        spec: { nonResourceAttributes: { path: target, verb } },
      };
      return report(
        await ctx.rest.send("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review),
      );
    }
    const [res, name] = target.split("/");
    let resource = res!;
    let group = "";
    try {
      const m = await ctx.discovery.mappingFor(res!);
      resource = m.resource;
      group = m.group;
    } catch {
      ctx.err(`Warning: the server doesn't have a resource type '${res}'\n\n`);
    }
    const resourceAttributes: Record<string, unknown> = {};
    if (!bool(ctx.flags, "all-namespaces")) resourceAttributes.namespace = ctx.namespace;
    resourceAttributes.verb = verb;
    resourceAttributes.group = group;
    resourceAttributes.resource = resource;
    if (str(ctx.flags, "subresource")) resourceAttributes.subresource = str(ctx.flags, "subresource");
    if (name) resourceAttributes.name = name;
    const review = {
      kind: "SelfSubjectAccessReview",
      apiVersion: "authorization.k8s.io/v1",
      spec: { resourceAttributes },
    };
    return report(
      await ctx.rest.send("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", review),
    );

    function report(res: unknown): number {
      const st =
        (res as { status?: { allowed?: boolean; reason?: string; evaluationError?: string } }).status ?? {};
      if (!bool(ctx.flags, "quiet")) {
        if (st.allowed) ctx.out("yes\n");
        else {
          ctx.out(st.reason ? `no - ${st.reason}\n` : "no\n");
        }
      }
      return st.allowed ? 0 : 1;
    }
  },
};

/** The informational commands. */
export const infoCommands = [
  versionCommand,
  apiResourcesCommand,
  configViewCommand,
  explainCommand,
  canICommand,
];
