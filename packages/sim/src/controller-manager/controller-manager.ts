/**
 * The kube-controller-manager process: one component that runs the enabled controllers over
 * shared informers (one list+watch per resource type for all of them, as the real
 * `SharedInformerFactory`), with one API connection. With `--leader-elect`, only the holder of
 * the `kube-system/kube-controller-manager` Lease runs controllers (15 s lease, 10 s renew
 * deadline, 2 s retry); the real process starts its informers and controllers in
 * `OnStartedLeading`, and exits when it loses the lease (here: it restarts as a new process).
 *
 * ```ts
 * sim.addComponent("kube-controller-manager-0", KUBE_CONTROLLER_MANAGER_KIND,
 *   createControllerManager({ hostname: "cp-0" }));
 * ```
 */
import {
  type ApiClientEvent,
  apiRequest,
  cancelWatch,
  createApiClient,
  handleApiMessage,
  handleApiTimer,
} from "../apiserver/client/api-client";
import {
  createInformer,
  handleInformerEvent,
  handleInformerTimer,
  startInformer,
} from "../apiserver/client/informer";
import type { UserInfo } from "../apiserver/http";
import { resourceInfo, resourcePath } from "../controllers/framework/resources";
import {
  type ControllerHost,
  createControllerRuntime,
  dispatchDeltas,
  handleControllerResponse,
  handleControllerTimer,
  startSyncedControllers,
} from "../controllers/framework/runtime";
import type { Context, Message, Timer } from "../core/component";
import { defineBehavior } from "../core/component";
import {
  createLeaderElection,
  type ElectionResult,
  handleElectionMessage,
  handleElectionTimer,
  type LeaderElectionState,
  newHolderIdentity,
  startElection,
} from "../leader-election";
import { type ControllerManagerConfig, defaultControllerManagerConfig, isControllerEnabled } from "./config";
import { allControllers, controllerDefinition } from "./registry";

/** The component kind. */
export const KUBE_CONTROLLER_MANAGER_KIND = "kube-controller-manager";

/** The manager's state (plain data). */
export interface ControllerManagerState extends ControllerHost {
  config: ControllerManagerConfig;
  /** Group-resource → names of the controllers with handlers on it. */
  watchers: Record<string, string[]>;
  /** True while this instance runs controllers (it leads, or leader election is off). */
  leading: boolean;
  /** The elector on `kube-system/kube-controller-manager` (`--leader-elect`), else null. */
  election: LeaderElectionState | null;
  /** Times this process lost the lease and "exited" (restarted as a new process). */
  restarts: number;
}

/**
 * The manager's own identity (`system:kube-controller-manager`, its client certificate's CN).
 * Workaround: `system:masters` is added until the apiserver's RBAC bootstrap policy has the
 * `system:kube-controller-manager` and `system:controller:*` roles.
 */
const KCM_USER: UserInfo = {
  username: "system:kube-controller-manager",
  groups: ["system:authenticated", "system:masters"],
};

/** The identity of one controller's client (`--use-service-account-credentials`). */
function controllerUser(cfg: ControllerManagerConfig, serviceAccount: string): UserInfo {
  if (!cfg.useServiceAccountCredentials) return KCM_USER;
  return {
    username: `system:serviceaccount:kube-system:${serviceAccount}`,
    // Workaround (see KCM_USER): system:masters until the system:controller:* roles exist.
    groups: [
      "system:serviceaccounts",
      "system:serviceaccounts:kube-system",
      "system:authenticated",
      "system:masters",
    ],
  };
}

/** A new kube-controller-manager's state. */
export function createControllerManager(
  config: Partial<ControllerManagerConfig> = {},
): ControllerManagerState {
  const cfg = defaultControllerManagerConfig(config);
  return {
    config: cfg,
    client: createApiClient(cfg.server, KCM_USER),
    informers: {},
    controllers: {},
    watchers: {},
    leading: false,
    election: null,
    restarts: 0,
  };
}

/** The names of the controllers this configuration enables, in registry order. */
export function enabledControllers(cfg: ControllerManagerConfig): string[] {
  return allControllers()
    .filter((d) =>
      isControllerEnabled([d.name, ...(d.aliases ?? [])], d.enabledByDefault !== false, cfg.controllers),
    )
    .map((d) => d.name);
}

/** Become the active instance: build the shared informers and the controllers, and start them. */
function startLeading(ctx: Context, s: ControllerManagerState): void {
  s.leading = true;
  const needs: Record<string, Set<string>> = {};
  for (const name of enabledControllers(s.config)) {
    const def = controllerDefinition(name);
    s.controllers[name] = createControllerRuntime(def, {
      workers: s.config.concurrency[name] ?? def.workers,
      user: controllerUser(s.config, def.serviceAccount ?? def.component),
      qps: s.config.kubeApiQps,
      burst: s.config.kubeApiBurst,
      settings: s.config.settings,
    });
    for (const need of def.informers) {
      let set = needs[need.resource];
      if (!set) {
        // Every shared informer keeps the namespace index (client-go's NamespaceIndex), so
        // `list(resource, namespace)` is a look-up; controllers add the indexes they need.
        set = new Set(["namespace"]);
        needs[need.resource] = set;
      }
      for (const ix of need.indexers ?? []) set.add(ix);
      if (def.handlers[need.resource]) {
        const w = s.watchers[need.resource] ?? [];
        w.push(name);
        s.watchers[need.resource] = w;
      }
    }
  }
  // SAControllerClientBuilder: each controller's ServiceAccount in kube-system is created if missing.
  if (s.config.useServiceAccountCredentials) {
    const accounts = new Set(
      Object.keys(s.controllers).map((n) => {
        const def = controllerDefinition(n);
        return def.serviceAccount ?? def.component;
      }),
    );
    for (const name of [...accounts].sort())
      apiRequest(
        ctx,
        s.client,
        {
          method: "POST",
          path: "/api/v1/namespaces/kube-system/serviceaccounts",
          body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: "kube-system" } },
        },
        "kcm:serviceaccount",
      );
  }
  for (const resource of Object.keys(needs).sort()) {
    const inf = createInformer(resource, resourcePath(resource), { indexers: [...needs[resource]!].sort() });
    s.informers[resource] = inf;
    startInformer(ctx, s.client, inf);
  }
  // Controllers that need no informer start at once.
  startSyncedControllers(ctx, s, controllerDefinition);
}

/** Start as a new process: campaign for the lease, or run controllers at once without election. */
function startProcess(ctx: Context, s: ControllerManagerState): void {
  if (!s.config.leaderElect) {
    startLeading(ctx, s);
    return;
  }
  s.election = createLeaderElection({
    lease: { namespace: "kube-system", name: "kube-controller-manager" },
    identity: newHolderIdentity(ctx, s.config.hostname),
    eventSource: "kube-controller-manager",
    leaseDurationMs: s.config.leaseDurationMs,
    renewDeadlineMs: s.config.renewDeadlineMs,
    retryPeriodMs: s.config.retryPeriodMs,
  });
  startElection(ctx, s.client, s.election);
}

/**
 * The lease was lost: the real process exits ("leaderelection lost") and its static pod is
 * restarted. Everything in memory goes (watches are closed); the new process campaigns again
 * under a new identity. Request ids keep counting so late answers to the old calls are ignored.
 */
function exitAndRestart(ctx: Context, s: ControllerManagerState): void {
  for (const inf of Object.values(s.informers))
    if (inf.phase === "watching") cancelWatch(ctx, s.client, inf.requestId);
  const fresh = createControllerManager(s.config);
  fresh.client.nextRequestId = s.client.nextRequestId;
  fresh.restarts = s.restarts + 1;
  Object.assign(s, fresh);
  startProcess(ctx, s);
}

/** Apply what the elector reported. */
function onElection(ctx: Context, s: ControllerManagerState, r: ElectionResult): void {
  if (r === "becameLeader") startLeading(ctx, s);
  else if (r === "lostLeadership") exitAndRestart(ctx, s);
}

/** Route an API client event: the elector's, informer traffic, then controller calls. */
function onClientEvent(ctx: Context, s: ControllerManagerState, ev: ApiClientEvent): void {
  if (s.election) {
    const r = handleElectionMessage(ctx, s.client, s.election, ev);
    if (r !== null) {
      onElection(ctx, s, r);
      return;
    }
  }
  const colon = ev.tag.lastIndexOf(":");
  const inf = colon > 0 ? s.informers[ev.tag.slice(0, colon)] : undefined;
  if (inf) {
    const update = handleInformerEvent(ctx, s.client, inf, ev);
    if (!update) return;
    // Items of a list carry no apiVersion/kind (typed lists); a Go controller knows them from
    // its scheme. Fill them in on the list's own copies so controller code can rely on them.
    if (ev.tag.endsWith(":list")) {
      const info = resourceInfo(inf.id);
      const apiVersion = info.group ? `${info.group}/${info.version}` : info.version;
      for (const d of update.deltas) {
        if (d.object.kind) continue;
        d.object.apiVersion = apiVersion;
        d.object.kind = info.kind;
      }
    }
    dispatchDeltas(ctx, s, controllerDefinition, s.watchers[inf.id] ?? [], inf.id, update.deltas);
    if (update.justSynced) startSyncedControllers(ctx, s, controllerDefinition);
    return;
  }
  if (ev.tag === "kcm:serviceaccount") return; // created, or already there
  handleControllerResponse(ctx, s, controllerDefinition, ev);
}

/** The kube-controller-manager behaviour. */
export const kubeControllerManagerBehavior = defineBehavior<ControllerManagerState>({
  kind: KUBE_CONTROLLER_MANAGER_KIND,
  onStart(ctx, s) {
    startProcess(ctx, s);
  },
  onMessage(ctx, s, msg: Message) {
    const ev = handleApiMessage(ctx, s.client, msg);
    if (ev) onClientEvent(ctx, s, ev);
  },
  onTimer(ctx, s, timer: Timer) {
    const ev = handleApiTimer(ctx, s.client, timer);
    if (ev) {
      onClientEvent(ctx, s, ev);
      return;
    }
    if (s.election) {
      const r = handleElectionTimer(ctx, s.client, s.election, timer);
      if (r !== null) {
        onElection(ctx, s, r);
        return;
      }
    }
    if (handleControllerTimer(ctx, s, controllerDefinition, timer)) return;
    const colon = timer.name.lastIndexOf(":");
    const inf = colon > 0 ? s.informers[timer.name.slice(0, colon)] : undefined;
    if (inf) handleInformerTimer(ctx, s.client, inf, timer);
  },
  onStop(s) {
    // A process keeps nothing in memory across a crash: caches, queues and expectations go.
    const fresh = createControllerManager(s.config);
    fresh.client.nextRequestId = s.client.nextRequestId;
    fresh.restarts = s.restarts;
    return fresh;
  },
});
