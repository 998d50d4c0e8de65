/**
 * The ServiceAccount controller (pkg/controller/serviceaccount/serviceaccounts_controller.go):
 * every active namespace has the `default` ServiceAccount; deleting it brings it back.
 * Pods cannot be created in a namespace until it exists (ServiceAccount admission).
 */
import type { KubeObject } from "../../api/types";
import { defineController, isSuccess, statusReason, type WriteResult } from "../framework/controller";

/** `serviceAccountsToEnsure`. */
export const SERVICE_ACCOUNTS_TO_ENSURE = ["default"];

const NS = "namespaces";
const SA = "serviceaccounts";

function namespaceTerminating(r: WriteResult): boolean {
  const causes =
    (r.body as { details?: { causes?: { type?: string }[] } } | undefined)?.details?.causes ?? [];
  return causes.some((x) => x.type === "NamespaceTerminating");
}

/** The ServiceAccount controller. */
export const serviceAccountController = defineController<null>({
  name: "serviceaccount-controller",
  aliases: ["serviceaccount"],
  component: "serviceaccount-controller",
  serviceAccount: "service-account-controller",
  // startServiceAccountController runs one worker.
  workers: 1,
  informers: [{ resource: SA }, { resource: NS }],
  init: () => null,
  handlers: {
    [SA]: (c, d) => {
      if (d.type === "DELETED") c.enqueue(d.object.metadata.namespace ?? "");
    },
    [NS]: (c, d) => {
      if (d.type !== "DELETED") c.enqueue(d.object.metadata.name ?? "");
    },
  },
  sync(c, key) {
    const ns = c.get(NS, "", key);
    // Nothing to do for a namespace that is gone or terminating.
    if (ns?.status?.phase !== "Active") return;
    for (const name of SERVICE_ACCOUNTS_TO_ENSURE) {
      if (c.get(SA, key, name)) continue;
      const sa: KubeObject = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name } };
      c.create(SA, key, sa);
    }
    c.continueWith("created");
  },
  steps: {
    created(c, results) {
      for (const r of results) {
        if (isSuccess(r) || statusReason(r) === "AlreadyExists" || namespaceTerminating(r)) continue;
        c.fail(`creating ServiceAccount: ${r.code}`);
      }
    },
  },
});
