/**
 * `kubectl describe` (kubectl `pkg/cmd/describe`): each object (by name, name prefix, selector
 * or all of a type) through its describer, with its events (`involvedObject` field selector),
 * separated by a blank line pair as kubectl does.
 */
import { type ResourceMapping, resourcePath } from "../../client/discovery";
import { ApiError } from "../../client/errors";
import {
  describeConfigMap,
  describeDaemonSet,
  describeDeployment,
  describeGeneric,
  describeJob,
  describeNamespace,
  describeNode,
  describePod,
  describeReplicaSet,
  describeSecret,
  describeService,
  describeStatefulSet,
} from "../../describe/describers";
import type { DescribedEvent } from "../../describe/prefix-writer";
import type { Command } from "../command";
import type { CommandContext } from "../context";
import { bool, str } from "../flags";

// biome-ignore lint/suspicious/noExplicitAny: described objects are unstructured JSON
type Obj = any;

async function listAll(
  ctx: CommandContext,
  resource: string,
  ns: string | undefined,
  query: Record<string, string> = {},
): Promise<Obj[]> {
  try {
    const m = await ctx.discovery.mappingFor(resource);
    const l = (await ctx.rest.getJson(resourcePath(m, ns), query)) as { items?: Obj[] };
    return l.items ?? [];
  } catch {
    return [];
  }
}

/** searchEvents: the object's events by involvedObject name, namespace, kind (not for pods) and uid. */
async function eventsFor(
  ctx: CommandContext,
  obj: Obj,
  m: ResourceMapping,
): Promise<DescribedEvent[] | null> {
  if (!bool(ctx.flags, "show-events")) return null;
  const fields = [`involvedObject.name=${obj.metadata?.name}`];
  const ns = obj.metadata?.namespace ?? "";
  fields.push(`involvedObject.namespace=${ns}`);
  if (m.kind !== "Pod") fields.push(`involvedObject.kind=${m.kind}`);
  if (obj.metadata?.uid) fields.push(`involvedObject.uid=${obj.metadata.uid}`);
  return listAll(ctx, "events", ns || undefined, { fieldSelector: fields.sort().join(",") });
}

async function describeObject(ctx: CommandContext, m: ResourceMapping, obj: Obj): Promise<string> {
  const now = ctx.now();
  const events = await eventsFor(ctx, obj, m);
  const ns = obj.metadata?.namespace;
  switch (`${m.group}/${m.kind}`) {
    case "/Pod":
      return describePod(obj, { now, events });
    case "apps/Deployment": {
      const rss = (await listAll(ctx, "replicasets.apps", ns)).filter((rs) =>
        (rs.metadata?.ownerReferences ?? []).some((o: Obj) => o.uid === obj.metadata?.uid && o.controller),
      );
      // deploymentutil: the new RS has the deployment's template (ignoring pod-template-hash).
      const strip = (t: Obj) => {
        const c = structuredClone(t ?? {});
        if (c.metadata?.labels) delete c.metadata.labels["pod-template-hash"];
        return JSON.stringify(c);
      };
      const tpl = strip(obj.spec?.template);
      const newRSs = rss.filter((rs) => strip(rs.spec?.template) === tpl).slice(0, 1);
      // GetAllReplicaSets' allOldRSs: every other owned ReplicaSet.
      const oldRSs = rss.filter((rs) => !newRSs.includes(rs));
      return describeDeployment(obj, { now, events, oldRSs, newRSs });
    }
    case "apps/ReplicaSet":
      return describeReplicaSet(obj, { now, events, pods: await listAll(ctx, "pods", ns) });
    case "apps/DaemonSet":
      return describeDaemonSet(obj, { now, events, pods: await listAll(ctx, "pods", ns) });
    case "apps/StatefulSet":
      return describeStatefulSet(obj, { now, events, pods: await listAll(ctx, "pods", ns) });
    case "batch/Job":
      return describeJob(obj, { now, events });
    case "/Service": {
      const slices = await listAll(ctx, "endpointslices.discovery.k8s.io", ns, {
        labelSelector: `kubernetes.io/service-name=${obj.metadata?.name}`,
      });
      return describeService(obj, { now, events, endpointSlices: slices });
    }
    case "/Namespace":
      return describeNamespace(obj, {
        now,
        events: null,
        quotas: await listAll(ctx, "resourcequotas", obj.metadata?.name),
        limitRanges: await listAll(ctx, "limitranges", obj.metadata?.name),
      });
    case "/ConfigMap":
      return describeConfigMap(obj, { now, events });
    case "/Secret":
      return describeSecret(obj);
    case "/Node": {
      const pods = await listAll(ctx, "pods", undefined, {
        fieldSelector: `spec.nodeName=${obj.metadata?.name},status.phase!=Failed,status.phase!=Succeeded`,
      });
      try {
        const lease = await ctx.rest.getJson(
          `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${obj.metadata?.name}`,
        );
        return describeNode(obj, { now, events, pods, lease });
      } catch (e) {
        return describeNode(obj, {
          now,
          events,
          pods,
          leaseError: e instanceof Error ? e.message : String(e),
        });
      }
    }
    default:
      return describeGeneric(obj, { now, events });
  }
}

/** The `describe` command. */
export const describeCommand: Command = {
  path: ["describe"],
  flags: [
    { name: "selector", short: "l", type: "string", default: "" },
    { name: "all-namespaces", short: "A", type: "bool", default: false },
    { name: "show-events", type: "bool", default: true },
    { name: "chunk-size", type: "int", default: 500 },
    { name: "filename", short: "f", type: "stringSlice", default: [] },
    { name: "recursive", short: "R", type: "bool", default: false },
    { name: "kustomize", short: "k", type: "string", default: "" },
  ],
  async run(ctx, args) {
    if (args.length === 0) {
      throw new Error(
        `You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.\n`,
      );
    }
    const allNs = bool(ctx.flags, "all-namespaces");
    const outputs: string[] = [];
    const errors: unknown[] = [];
    for (const g of await ctx.resolveArgs(args)) {
      const ns = g.mapping.namespaced ? (allNs ? undefined : ctx.namespace) : undefined;
      let objects: Obj[] = [];
      if (g.names.length === 0) {
        const q: Record<string, string> = {};
        if (str(ctx.flags, "selector")) q.labelSelector = str(ctx.flags, "selector");
        const l = (await ctx.rest.getJson(resourcePath(g.mapping, ns), q)) as { items?: Obj[] };
        objects = (l.items ?? []).map((i) => ({
          apiVersion: g.mapping.group ? `${g.mapping.group}/${g.mapping.version}` : g.mapping.version,
          kind: g.mapping.kind,
          ...i,
        }));
      }
      for (const name of g.names) {
        try {
          objects.push(await ctx.rest.getJson(resourcePath(g.mapping, ns, name)));
        } catch (e) {
          // DescribeMatchingResources: a name that is a prefix of existing objects describes those.
          if (!(e instanceof ApiError) || e.status.reason !== "NotFound") throw e;
          const l = (await ctx.rest.getJson(resourcePath(g.mapping, ns))) as { items?: Obj[] };
          const matching = (l.items ?? []).filter((i) => String(i.metadata?.name ?? "").startsWith(name));
          if (matching.length === 0) errors.push(e);
          objects.push(...matching.map((i) => ({ kind: g.mapping.kind, ...i })));
        }
      }
      for (const o of objects) outputs.push(await describeObject(ctx, g.mapping, o));
    }
    if (outputs.length === 0 && errors.length === 0) {
      ctx.err(allNs ? "No resources found\n" : `No resources found in ${ctx.namespace} namespace.\n`);
    }
    ctx.out(outputs.join("\n\n"));
    if (errors.length > 0) throw new AggregateError(errors);
    return 0;
  },
};
