/**
 * The EndpointSlice controller (`pkg/controller/endpointslice/endpointslice_controller.go`,
 * v1.32) on the controller framework: for each Service with a selector, the EndpointSlices of
 * its pods (`reconciler.ts`), labelled `kubernetes.io/service-name` and
 * `endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io`, owned by the
 * Service, at most 100 endpoints each. A pod that stops being Ready (e.g. its node went
 * NotReady) stays in its slice with `ready: false`, which kube-proxy skips.
 *
 * Like the real one, it keeps track of the slices it wrote (`EndpointSliceTracker`) so a sync on
 * a cache that has not seen its own writes yet retries instead of creating duplicates, and it
 * ignores informer events for its own writes.
 */
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { KubeObject } from "../../api/types";
import { registerIndexFunction } from "../../apiserver/client/informer";
import {
  defineController,
  errorMessage,
  isSuccess,
  keyOf,
  type SyncContext,
  splitKey,
  type WriteResult,
} from "../framework";
import { addressTypesForService } from "./endpoints-from-pods";
import {
  ANNOTATION_LAST_CHANGE_TRIGGER_TIME,
  ENDPOINTSLICE_CONTROLLER_NAME,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  MAX_ENDPOINTS_PER_SLICE,
  reconcileEndpointSlices,
} from "./reconciler";
import {
  enqueueServicesForPod,
  POD_LABEL_INDEX,
  podsForService,
  SERVICE_SELECTOR_INDEX,
} from "./service-membership";
import { computeLastChangeTriggerTime, type ServiceTriggerState } from "./trigger-time";

/** The controller's canonical name (`names.EndpointSliceController`); `endpointslice` is its alias. */
export const ENDPOINTSLICE_CONTROLLER = "endpointslice-controller";

/** Index of EndpointSlices managed by this controller, by `namespace/service`. */
export const SLICE_SERVICE_INDEX = "endpointSliceService";
registerIndexFunction(SLICE_SERVICE_INDEX, (o) => {
  const labels = o.metadata.labels ?? {};
  const svc = labels[LABEL_SERVICE_NAME];
  if (svc === undefined || labels[LABEL_MANAGED_BY] !== ENDPOINTSLICE_CONTROLLER_NAME) return [];
  return [`${o.metadata.namespace ?? ""}/${svc}`];
});

const SLICES = "endpointslices.discovery.k8s.io";

/** The controller's plain data. */
export interface EndpointSliceData {
  /** `--max-endpoints-per-slice`. */
  maxEndpointsPerSlice: number;
  /** `TriggerTimeTracker` state per Service key. */
  triggers: Record<string, ServiceTriggerState>;
  /**
   * `EndpointSliceTracker`: per Service key, the slices this controller wrote and not yet seen
   * back through the informer: name → resourceVersion written, or "deleted".
   */
  expected: Record<string, Record<string, string>>;
}

type Ctx = SyncContext<EndpointSliceData>;

function rvNumber(rv: string | undefined): number {
  return rv ? Number(rv) : 0;
}

/** `StaleSlices`: the cache has not caught up with a write of ours. Met expectations are dropped. */
function staleSlices(c: Ctx, key: string, slices: readonly KubeObject[]): boolean {
  const exp = c.data.expected[key];
  if (!exp) return false;
  const byName: Record<string, KubeObject> = {};
  for (const s of slices) byName[s.metadata.name ?? ""] = s;
  let stale = false;
  for (const [name, rv] of Object.entries(exp)) {
    const cached = byName[name];
    const met =
      rv === "deleted" ? !cached : !!cached && rvNumber(cached.metadata.resourceVersion) >= rvNumber(rv);
    if (met) delete exp[name];
    else stale = true;
  }
  if (Object.keys(exp).length === 0) delete c.data.expected[key];
  return stale;
}

/** Drop expectations the cache has met (called from the slice handler). */
function observeSlice(data: EndpointSliceData, slice: KubeObject, deleted: boolean): boolean {
  const svc = slice.metadata.labels?.[LABEL_SERVICE_NAME];
  if (svc === undefined) return false;
  const key = `${slice.metadata.namespace ?? ""}/${svc}`;
  const exp = data.expected[key];
  const name = slice.metadata.name ?? "";
  const want = exp?.[name];
  if (want === undefined) return false;
  const ours = deleted ? want === "deleted" : rvNumber(slice.metadata.resourceVersion) <= rvNumber(want);
  if (deleted || rvNumber(slice.metadata.resourceVersion) >= rvNumber(want)) delete exp![name];
  if (exp && Object.keys(exp).length === 0) delete data.expected[key];
  return ours;
}

function withTriggerTime(slice: EndpointSlice, triggerTime: string): KubeObject {
  const annotations = { ...(slice.metadata?.annotations ?? {}) };
  if (triggerTime) annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME] = triggerTime;
  else delete annotations[ANNOTATION_LAST_CHANGE_TRIGGER_TIME];
  const out = { ...slice, metadata: { ...slice.metadata } } as KubeObject;
  if (Object.keys(annotations).length > 0) out.metadata.annotations = annotations;
  else delete out.metadata.annotations;
  return out;
}

interface WrittenStep {
  key: string;
  errors: string[];
}

/** `syncService`. */
function syncService(c: Ctx, key: string): void {
  const { namespace, name } = splitKey(key);
  const service = c.get("services", namespace, name) as Service | undefined;
  if (!service) {
    // Deleted: its slices go with it (owner references, garbage collector).
    delete c.data.triggers[key];
    delete c.data.expected[key];
    return;
  }
  // ExternalName Services get no endpoints; Services without a selector get slices written by
  // someone else through the API.
  if (service.spec?.type === "ExternalName" || !service.spec?.selector) return;

  const pods = podsForService(c, service) as Pod[];
  const t = computeLastChangeTriggerTime(c.data.triggers[key], service, pods);
  c.data.triggers[key] = t.state;

  const slices = c
    .byIndex(SLICES, SLICE_SERVICE_INDEX, key)
    // dropEndpointSlicesPendingDeletion
    .filter((s) => !s.metadata.deletionTimestamp);
  if (staleSlices(c, key, slices)) {
    c.fail("EndpointSlice informer cache is out of date");
    return;
  }

  const nodeOf = (n: string) => c.get("nodes", "", n) as Node | undefined;
  const errors: string[] = [];
  const supported = addressTypesForService(service);
  for (const addressType of supported) {
    const existing = slices.filter((s) => s.addressType === addressType) as EndpointSlice[];
    const changes = reconcileEndpointSlices(
      service,
      pods,
      existing,
      addressType,
      nodeOf,
      c.data.maxEndpointsPerSlice,
    );
    if (changes.podsWithMissingNode > 0)
      errors.push(`skipping ${changes.podsWithMissingNode} Pod(s) for Service ${key}: Node Not Found`);
    // Don't create slices for a Service being deleted: the garbage collector is removing them.
    if (!service.metadata?.deletionTimestamp)
      for (const s of changes.create)
        c.create(SLICES, namespace, withTriggerTime(s, t.triggerTime), { label: { op: "create" } });
    for (const s of changes.update)
      c.update(SLICES, withTriggerTime(s, t.triggerTime), {
        label: { op: "update", name: s.metadata?.name },
      });
    for (const s of changes.delete)
      c.delete(SLICES, namespace, s.metadata?.name ?? "", undefined, {
        label: { op: "delete", name: s.metadata?.name },
      });
  }
  // Slices of an address type the Service no longer has.
  for (const s of slices)
    if (!supported.includes(s.addressType))
      c.delete(SLICES, namespace, s.metadata.name ?? "", undefined, {
        label: { op: "delete", name: s.metadata.name },
      });
  c.continueWith("written", { key, errors } satisfies WrittenStep);
}

function written(c: Ctx, results: WriteResult[], data: unknown): void {
  const { key, errors } = data as WrittenStep;
  const exp = c.data.expected[key] ?? {};
  c.data.expected[key] = exp;
  for (const r of results) {
    const label = r.label as { op: string; name?: string };
    if (isSuccess(r)) {
      const body = r.body as KubeObject;
      if (label.op === "delete") exp[label.name ?? ""] = "deleted";
      else exp[body.metadata.name ?? ""] = body.metadata.resourceVersion ?? "";
    } else if (!(label.op === "delete" && r.code === 404)) errors.push(errorMessage(r));
  }
  if (Object.keys(exp).length === 0) delete c.data.expected[key];
  if (errors.length > 0) {
    const service = c.get("services", splitKey(key).namespace, splitKey(key).name);
    if (service)
      c.event(
        service,
        "Warning",
        "FailedToUpdateEndpointSlices",
        `Error updating Endpoint Slices for Service ${key}: ${errors.join(", ")}`,
      );
    c.fail(errors.join(", "));
  }
}

/** The EndpointSlice controller. */
export const endpointSliceController = defineController<EndpointSliceData>({
  name: ENDPOINTSLICE_CONTROLLER,
  aliases: ["endpointslice"],
  // The Events source is "endpoint-slice-controller"; the service account "endpointslice-controller".
  component: "endpoint-slice-controller",
  serviceAccount: "endpointslice-controller",
  // --concurrent-service-endpoint-syncs
  workers: 5,
  informers: [
    { resource: "services", indexers: [SERVICE_SELECTOR_INDEX] },
    { resource: "pods", indexers: [POD_LABEL_INDEX] },
    { resource: "nodes" },
    { resource: SLICES, indexers: [SLICE_SERVICE_INDEX] },
  ],
  init: () => ({ maxEndpointsPerSlice: MAX_ENDPOINTS_PER_SLICE, triggers: {}, expected: {} }),
  handlers: {
    services: (c, d) => c.enqueue(keyOf(d.object)),
    pods: (c, d) => enqueueServicesForPod(c, d),
    [SLICES]: (c, d) => {
      const labels = d.object.metadata.labels ?? {};
      if (labels[LABEL_MANAGED_BY] !== ENDPOINTSLICE_CONTROLLER_NAME) return;
      const svc = labels[LABEL_SERVICE_NAME];
      if (svc === undefined) return;
      // Our own writes coming back need no sync; anyone else's change does.
      if (observeSlice(c.data, d.object, d.type === "DELETED")) return;
      c.enqueue(`${d.object.metadata.namespace ?? ""}/${svc}`);
    },
  },
  sync: syncService,
  steps: { written },
});
