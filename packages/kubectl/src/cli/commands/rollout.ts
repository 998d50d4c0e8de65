/**
 * `kubectl rollout status|history|undo` (kubectl `pkg/cmd/rollout`, `polymorphichelpers`
 * rollout_status.go, history.go, rollback.go) for Deployments, DaemonSets and StatefulSets.
 */
import { type ResourceMapping, resourcePath } from "../../client/discovery";
import { CommandError } from "../../client/errors";
import { KUBECTL_DESCRIBE, TabWriter } from "../../printers/tabwriter";
import type { Command } from "../command";
import { type CommandContext, kindPrefix } from "../context";
import { bool, num, str } from "../flags";
import { parseDuration, waitForObject } from "../watch-until";
import { DRY_RUN_FLAG, dryRun, verbText } from "./create";

// biome-ignore lint/suspicious/noExplicitAny: workload objects are unstructured JSON
type Obj = any;

/** The status line of a workload and whether its rollout is done (StatusViewer.Status). */
export function rolloutStatus(obj: Obj): { text: string; done: boolean } {
  const name = obj.metadata?.name;
  const gen = obj.metadata?.generation ?? 0;
  const st = obj.status ?? {};
  if (obj.kind === "Deployment") {
    if (gen <= (st.observedGeneration ?? 0)) {
      const cond = (st.conditions ?? []).find((c: Obj) => c.type === "Progressing");
      if (cond?.reason === "ProgressDeadlineExceeded")
        throw new CommandError(`deployment "${name}" exceeded its progress deadline`);
      const replicas = obj.spec?.replicas;
      const updated = st.updatedReplicas ?? 0;
      if (replicas !== undefined && updated < replicas) {
        return {
          text: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...\n`,
          done: false,
        };
      }
      if ((st.replicas ?? 0) > updated) {
        return {
          text: `Waiting for deployment "${name}" rollout to finish: ${(st.replicas ?? 0) - updated} old replicas are pending termination...\n`,
          done: false,
        };
      }
      if ((st.availableReplicas ?? 0) < updated) {
        return {
          text: `Waiting for deployment "${name}" rollout to finish: ${st.availableReplicas ?? 0} of ${updated} updated replicas are available...\n`,
          done: false,
        };
      }
      return { text: `deployment "${name}" successfully rolled out\n`, done: true };
    }
    return { text: "Waiting for deployment spec update to be observed...\n", done: false };
  }
  if (obj.kind === "DaemonSet") {
    if (obj.spec?.updateStrategy?.type !== "RollingUpdate")
      throw new CommandError("rollout status is only available for RollingUpdate strategy type");
    if (gen <= (st.observedGeneration ?? 0)) {
      const desired = st.desiredNumberScheduled ?? 0;
      if ((st.updatedNumberScheduled ?? 0) < desired) {
        return {
          text: `Waiting for daemon set "${name}" rollout to finish: ${st.updatedNumberScheduled ?? 0} out of ${desired} new pods have been updated...\n`,
          done: false,
        };
      }
      if ((st.numberAvailable ?? 0) < desired) {
        return {
          text: `Waiting for daemon set "${name}" rollout to finish: ${st.numberAvailable ?? 0} of ${desired} updated pods are available...\n`,
          done: false,
        };
      }
      return { text: `daemon set "${name}" successfully rolled out\n`, done: true };
    }
    return { text: "Waiting for daemon set spec update to be observed...\n", done: false };
  }
  if (obj.kind === "StatefulSet") {
    if (obj.spec?.updateStrategy?.type !== "RollingUpdate")
      throw new CommandError("rollout status is only available for RollingUpdate strategy type");
    if ((st.observedGeneration ?? 0) === 0 || gen > st.observedGeneration)
      return { text: "Waiting for statefulset spec update to be observed...\n", done: false };
    const replicas = obj.spec?.replicas ?? 1;
    if ((st.readyReplicas ?? 0) < replicas)
      return { text: `Waiting for ${replicas - (st.readyReplicas ?? 0)} pods to be ready...\n`, done: false };
    const partition = obj.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    if (partition > 0) {
      if ((st.updatedReplicas ?? 0) < replicas - partition) {
        return {
          text: `Waiting for partitioned roll out to finish: ${st.updatedReplicas ?? 0} out of ${replicas - partition} new pods have been updated...\n`,
          done: false,
        };
      }
      return {
        text: `partitioned roll out complete: ${st.updatedReplicas ?? 0} new pods have been updated...\n`,
        done: true,
      };
    }
    if (st.updateRevision !== st.currentRevision) {
      return {
        text: `waiting for statefulset rolling update to complete ${st.updatedReplicas ?? 0} pods at revision ${st.updateRevision}...\n`,
        done: false,
      };
    }
    return {
      text: `statefulset rolling update complete ${st.currentReplicas ?? 0} pods at revision ${st.currentRevision}...\n`,
      done: true,
    };
  }
  throw new CommandError(`no status viewer has been implemented for ${obj.kind}`);
}

async function oneTarget(
  ctx: CommandContext,
  args: string[],
): Promise<{ m: ResourceMapping; ns?: string; name: string }> {
  const groups = await ctx.resolveArgs(args);
  const g = groups[0];
  if (g?.names.length !== 1) throw new CommandError("required resource not specified");
  return g.mapping.namespaced
    ? { m: g.mapping, ns: ctx.namespace, name: g.names[0]! }
    : { m: g.mapping, name: g.names[0]! };
}

const statusCommand: Command = {
  path: ["rollout", "status"],
  flags: [
    { name: "watch", short: "w", type: "bool", default: true },
    { name: "timeout", type: "string", default: "0s" },
    { name: "revision", type: "int", default: 0 },
    { name: "selector", short: "l", type: "string", default: "" },
    { name: "filename", short: "f", type: "stringSlice", default: [] },
  ],
  async run(ctx, args) {
    const t = await oneTarget(ctx, args);
    const timeout = parseDuration(str(ctx.flags, "timeout"));
    let last = "";
    const check = (obj: Obj) => {
      const s = rolloutStatus(obj);
      if (s.text !== last || !s.done) ctx.out(s.text);
      last = s.text;
      return s.done || !bool(ctx.flags, "watch");
    };
    const outcome = await waitForObject(ctx, t.m, t.ns, t.name, check, {
      timeoutMs: timeout > 0 ? timeout : 7 * 24 * 3_600_000,
    });
    if (outcome.kind === "deleted") throw new CommandError(`object has been deleted`);
    if (outcome.kind === "timeout") throw new CommandError("timed out waiting for the condition");
    return 0;
  },
};

/** The ReplicaSets (or ControllerRevisions) a workload owns, by revision. */
async function history(
  ctx: CommandContext,
  t: { m: ResourceMapping; ns?: string; name: string },
): Promise<Map<number, Obj>> {
  const obj = (await ctx.rest.getJson(resourcePath(t.m, t.ns, t.name))) as Obj;
  const out = new Map<number, Obj>();
  if (t.m.kind === "Deployment") {
    const rsMapping = await ctx.discovery.mappingFor("replicasets.apps");
    const list = (await ctx.rest.getJson(resourcePath(rsMapping, t.ns))) as { items?: Obj[] };
    for (const rs of list.items ?? []) {
      if (!(rs.metadata?.ownerReferences ?? []).some((o: Obj) => o.uid === obj.metadata?.uid && o.controller))
        continue;
      const rev = Number(rs.metadata?.annotations?.["deployment.kubernetes.io/revision"] ?? 0);
      out.set(rev, { template: rs.spec?.template, annotations: rs.metadata?.annotations ?? {}, rs });
    }
    return out;
  }
  const crMapping = await ctx.discovery.mappingFor("controllerrevisions.apps");
  const list = (await ctx.rest.getJson(resourcePath(crMapping, t.ns))) as { items?: Obj[] };
  for (const cr of list.items ?? []) {
    if (!(cr.metadata?.ownerReferences ?? []).some((o: Obj) => o.uid === obj.metadata?.uid && o.controller))
      continue;
    out.set(Number(cr.revision ?? 0), {
      template: cr.data?.spec?.template,
      annotations: cr.metadata?.annotations ?? {},
      cr,
    });
  }
  return out;
}

const historyCommand: Command = {
  path: ["rollout", "history"],
  flags: [
    { name: "revision", type: "int", default: 0 },
    { name: "output", short: "o", type: "string", default: "" },
    { name: "selector", short: "l", type: "string", default: "" },
    { name: "filename", short: "f", type: "stringSlice", default: [] },
  ],
  async run(ctx, args) {
    const t = await oneTarget(ctx, args);
    const h = await history(ctx, t);
    const revisions = [...h.keys()].sort((a, b) => a - b);
    const w = new TabWriter(KUBECTL_DESCRIBE);
    ctx.out(`${kindPrefix(t.m)}/${t.name} \n`);
    const rev = num(ctx.flags, "revision");
    if (rev > 0) {
      const entry = h.get(rev);
      if (!entry) throw new CommandError(`unable to find the specified revision`);
      ctx.out(
        `Pod Template:\n  Labels:\t${Object.entries(entry.template?.metadata?.labels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join("\n\t")}\n`,
      );
      return 0;
    }
    if (revisions.length === 0) {
      ctx.out("No rollout history found.\n");
      return 0;
    }
    w.write("REVISION\tCHANGE-CAUSE\n");
    for (const r of revisions)
      w.write(`${r}\t${h.get(r).annotations["kubernetes.io/change-cause"] || "<none>"}\n`);
    ctx.out(`${w.flush()}\n`);
    return 0;
  },
};

const undoCommand: Command = {
  path: ["rollout", "undo"],
  flags: [
    DRY_RUN_FLAG,
    { name: "to-revision", type: "int", default: 0 },
    { name: "output", short: "o", type: "string", default: "" },
    { name: "selector", short: "l", type: "string", default: "" },
    { name: "filename", short: "f", type: "stringSlice", default: [] },
  ],
  async run(ctx, args) {
    const t = await oneTarget(ctx, args);
    if (t.m.kind !== "Deployment")
      throw new CommandError(`no rollbacker has been implemented for "${t.m.kind}"`);
    const deployment = (await ctx.rest.getJson(resourcePath(t.m, t.ns, t.name))) as Obj;
    if (deployment.spec?.paused) {
      throw new CommandError(
        `you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${t.name}' and try again`,
      );
    }
    const h = await history(ctx, t);
    const toRevision = num(ctx.flags, "to-revision");
    let target: Obj;
    if (toRevision > 0) {
      target = h.get(toRevision);
      if (!target) throw new CommandError(`unable to find specified revision ${toRevision} in history`);
    } else {
      const revs = [...h.keys()].sort((a, b) => b - a);
      if (revs.length < 2) throw new CommandError(`no rollout history found for deployment "${t.name}"`);
      target = h.get(revs[1]!);
    }
    // rollback.go: the template without the pod-template-hash label; the annotations the RS carried.
    const template = structuredClone(target.template ?? {});
    if (template.metadata?.labels) delete template.metadata.labels["pod-template-hash"];
    const current = JSON.stringify(deployment.spec?.template ?? {});
    if (current === JSON.stringify(template)) {
      ctx.out(
        `${kindPrefix(t.m)}/${t.name} skipped rollback (current template already matches revision ${toRevision || "previous"})\n`,
      );
      return 0;
    }
    const skip = new Set([
      "deployment.kubernetes.io/revision",
      "deployment.kubernetes.io/revision-history",
      "deployment.kubernetes.io/desired-replicas",
      "deployment.kubernetes.io/max-replicas",
      "kubectl.kubernetes.io/last-applied-configuration",
    ]);
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(deployment.metadata?.annotations ?? {}))
      if (skip.has(k)) annotations[k] = v as string;
    for (const [k, v] of Object.entries(target.annotations ?? {}))
      if (!skip.has(k)) annotations[k] = v as string;
    const patch = [
      { op: "replace", path: "/spec/template", value: template },
      { op: "replace", path: "/metadata/annotations", value: annotations },
    ];
    if (dryRun(ctx) !== "client") {
      const query: Record<string, string> = { fieldManager: "kubectl-rollout" };
      if (dryRun(ctx) === "server") query.dryRun = "All";
      await ctx.rest.send("PATCH", resourcePath(t.m, t.ns, t.name), patch, {
        query,
        contentType: "application/json-patch+json",
      });
    }
    ctx.out(`${kindPrefix(t.m)}/${t.name} ${verbText("rolled back", dryRun(ctx))}\n`);
    return 0;
  },
};

/** The rollout commands with a watch or history. */
export const rolloutCommands = [statusCommand, historyCommand, undoCommand];
