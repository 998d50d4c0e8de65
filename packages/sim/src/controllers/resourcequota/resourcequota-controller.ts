/**
 * The ResourceQuota controller (`pkg/controller/resourcequota/resource_quota_controller.go`,
 * v1.32): it keeps each quota's `status.hard` equal to `spec.hard` and recomputes
 * `status.used` from what the namespace holds — when a quota is created or its limits change,
 * when tracked objects are deleted or pods finish (replenishment), and every 5 minutes
 * (`--resource-quota-sync-period`). The apiserver's ResourceQuota admission plugin charges new
 * objects against `status.used` and refuses what exceeds `spec.hard`; this controller gives the
 * usage back.
 */
import { formatQuantity, tryParseQuantity } from "../../api/quantity";
import type { KubeObject } from "../../api/types";
import {
  defineController,
  errorMessage,
  type HandlerContext,
  isSuccess,
  keyOf,
  splitKey,
} from "../framework";
import { calculateUsage, podCountsForQuota, resourceOfQuotaName } from "./usage";

/** The controller's canonical name (`names.ResourceQuotaController`); alias `resourcequota`. */
export const RESOURCEQUOTA_CONTROLLER = "resourcequota-controller";

/** `--resource-quota-sync-period`. */
export const RESOURCE_QUOTA_SYNC_PERIOD_MS = 5 * 60_000;

const QUOTAS = "resourcequotas";
const RESYNC_KEY = "#resync";

/**
 * The resources whose usage quotas can count here (the quota monitor's informers): the core
 * evaluators' kinds and the common `count/<resource>.<group>` targets.
 */
export const QUOTA_MONITORED_RESOURCES = [
  "pods",
  "services",
  "persistentvolumeclaims",
  "configmaps",
  "secrets",
  "replicationcontrollers",
  QUOTAS,
  "deployments.apps",
  "replicasets.apps",
  "statefulsets.apps",
  "daemonsets.apps",
  "jobs.batch",
  "cronjobs.batch",
] as const;

type HCtx = HandlerContext<Record<string, never>>;

function canonical(m: Record<string, string> | undefined): string {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(m ?? {})) {
    const q = tryParseQuantity(String(v));
    out.push([k, q ? formatQuantity(q) : String(v)]);
  }
  out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(out);
}

/** `replenishQuota`: quotas of the namespace that track something of this resource look again. */
function replenish(c: HCtx, resource: string, namespace: string): void {
  for (const quota of c.list(QUOTAS, namespace)) {
    const names = Object.keys(quota.status?.hard ?? quota.spec?.hard ?? {});
    if (names.some((n) => resourceOfQuotaName(n) === resource)) c.enqueue(keyOf(quota));
  }
}

function onTracked(resource: string) {
  return (c: HCtx, d: { type: string; object: KubeObject; old?: KubeObject }): void => {
    const ns = d.object.metadata.namespace ?? "";
    if (d.type === "DELETED") {
      replenish(c, resource, ns);
      return;
    }
    // A pod that finished (or is stuck terminating) stops being charged.
    if (
      resource === "pods" &&
      d.old &&
      podCountsForQuota(d.old, c.unixMs) &&
      !podCountsForQuota(d.object, c.unixMs)
    )
      replenish(c, resource, ns);
  };
}

const handlers: Record<string, (c: HCtx, d: { type: string; object: KubeObject; old?: KubeObject }) => void> =
  {};
for (const r of QUOTA_MONITORED_RESOURCES) if (r !== QUOTAS) handlers[r] = onTracked(r);
handlers[QUOTAS] = (c, d) => {
  if (d.type === "DELETED") return;
  // updateQuota: only a change of the hard limits needs a recalculation.
  if (d.old && canonical(d.old.spec?.hard) === canonical(d.object.spec?.hard)) return;
  c.enqueue(keyOf(d.object));
};

/** The ResourceQuota controller. */
export const resourceQuotaController = defineController<Record<string, never>>({
  name: RESOURCEQUOTA_CONTROLLER,
  aliases: ["resourcequota"],
  component: "resourcequota-controller",
  // --concurrent-resource-quota-syncs
  workers: 5,
  informers: QUOTA_MONITORED_RESOURCES.map((resource) => ({ resource })),
  init: () => ({}),
  handlers,
  onSynced(c) {
    c.enqueue(RESYNC_KEY);
  },
  sync(c, key) {
    if (key === RESYNC_KEY) {
      // The periodic full resync: every quota is recalculated.
      for (const q of c.list(QUOTAS)) c.enqueue(keyOf(q));
      c.enqueueAfter(RESYNC_KEY, RESOURCE_QUOTA_SYNC_PERIOD_MS);
      return;
    }
    const { namespace, name } = splitKey(key);
    const quota = c.get(QUOTAS, namespace, name);
    if (!quota) return;
    const hard = (quota.spec?.hard ?? {}) as Record<string, string>;
    const used = calculateUsage(
      quota,
      (res) =>
        (QUOTA_MONITORED_RESOURCES as readonly string[]).includes(res) ? c.list(res, namespace) : null,
      c.unixMs,
    );
    const dirty =
      quota.status?.hard === undefined ||
      quota.status?.used === undefined ||
      canonical(hard) !== canonical(quota.status.hard) ||
      canonical(used) !== canonical(quota.status.used);
    if (!dirty) return;
    c.updateStatus(QUOTAS, { ...quota, status: { hard: { ...hard }, used } });
    c.continueWith("written", null);
  },
  steps: {
    written(c, results) {
      const r = results[0];
      // A conflict (admission charged the quota meanwhile) is retried with back-off.
      if (r && !isSuccess(r)) c.fail(errorMessage(r));
    },
  },
});
