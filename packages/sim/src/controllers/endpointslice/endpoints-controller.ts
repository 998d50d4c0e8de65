/**
 * The Endpoints controller (`pkg/controller/endpoint/endpoints_controller.go`, v1.32): the
 * legacy `Endpoints` object named after each Service with a selector, which `kubectl get
 * endpoints` and `kubectl describe service` show (ready pod IPs in `addresses`, the others in
 * `notReadyAddresses`). It deletes the object when the Service goes.
 */
import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1";
import type { KubeObject } from "../../api/types";
import { defineController, errorMessage, isSuccess, keyOf, type SyncContext, splitKey } from "../framework";
import { desiredEndpoints } from "./endpoints";
import {
  enqueueServicesForPod,
  POD_LABEL_INDEX,
  podsForService,
  SERVICE_SELECTOR_INDEX,
} from "./service-membership";
import { computeLastChangeTriggerTime, type ServiceTriggerState } from "./trigger-time";

/** The controller's canonical name (`names.EndpointsController`); `endpoint` is its alias. */
export const ENDPOINTS_CONTROLLER = "endpoints-controller";

/** The controller's plain data. */
export interface EndpointsData {
  triggers: Record<string, ServiceTriggerState>;
}

type Ctx = SyncContext<EndpointsData>;

function syncService(c: Ctx, key: string): void {
  const { namespace, name } = splitKey(key);
  const service = c.get("services", namespace, name) as Service | undefined;
  if (!service) {
    // The Service is gone: so goes its Endpoints object (it has no owner reference).
    delete c.data.triggers[key];
    if (c.get("endpoints", namespace, name)) {
      c.delete("endpoints", namespace, name);
      c.continueWith("written", { key, op: "delete" });
    }
    return;
  }
  if (!service.spec?.selector) return;
  const pods = podsForService(c, service) as Pod[];
  const t = computeLastChangeTriggerTime(c.data.triggers[key], service, pods);
  c.data.triggers[key] = t.state;
  const current = c.get("endpoints", namespace, name) as Endpoints | undefined;
  const next = desiredEndpoints(service, pods, current, t.triggerTime);
  if (!next) return;
  if (!current) c.create("endpoints", namespace, next as KubeObject);
  else c.update("endpoints", next as KubeObject);
  c.continueWith("written", { key, op: current ? "update" : "create" });
}

/** The Endpoints controller. */
export const endpointsController = defineController<EndpointsData>({
  name: ENDPOINTS_CONTROLLER,
  aliases: ["endpoint"],
  // Events source and service account: "endpoint-controller".
  component: "endpoint-controller",
  // --concurrent-endpoint-syncs
  workers: 5,
  informers: [
    { resource: "services", indexers: [SERVICE_SELECTOR_INDEX] },
    { resource: "pods", indexers: [POD_LABEL_INDEX] },
    { resource: "endpoints" },
  ],
  init: () => ({ triggers: {} }),
  handlers: {
    services: (c, d) => c.enqueue(keyOf(d.object)),
    pods: (c, d) => enqueueServicesForPod(c, d),
    // onEndpointsDelete: an Endpoints object deleted by hand is recreated.
    endpoints: (c, d) => {
      if (d.type === "DELETED") c.enqueue(keyOf(d.object));
    },
  },
  sync: syncService,
  steps: {
    written(c, results, data) {
      const { key, op } = data as { key: string; op: string };
      const r = results[0];
      if (!r || isSuccess(r) || (op === "delete" && r.code === 404)) return;
      const { namespace, name } = splitKey(key);
      const service = c.get("services", namespace, name);
      if (service && op !== "delete")
        c.event(
          service,
          "Warning",
          op === "create" ? "FailedToCreateEndpoint" : "FailedToUpdateEndpoint",
          `Failed to ${op} endpoint for service ${key}: ${errorMessage(r)}`,
        );
      c.fail(errorMessage(r));
    },
  },
});
