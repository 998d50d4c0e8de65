/**
 * # The controller framework
 *
 * Every controller of kube-controller-manager is the same loop, as in `pkg/controller/<name>/`:
 * **shared informers → event handlers → rate-limited work queue → `sync(key)`**. Here the loop
 * is plain data run by the `kube-controller-manager` component (`controller-manager/`): it owns
 * one informer per resource for all controllers, the API client, and per controller a work
 * queue (per-item back-off 5 ms → 1000 s and a 10 qps/100 bucket), N workers, an event recorder
 * and the client's 20 qps/30 burst limiter. A controller is only code plus its own plain data.
 *
 * ## Writing a controller
 *
 * One folder per controller, `controllers/<name>/<name>-controller.ts`, exporting a definition:
 *
 * ```ts
 * import { defineController, getControllerOf, isSuccess, splitKey, type SyncContext } from "../framework";
 *
 * interface Data { expectations: Expectations }          // plain data, serialised with the manager
 *
 * export const replicaSetController = defineController<Data>({
 *   name: "replicaset-controller",                       // canonical name (cmd/kube-controller-manager/names)
 *   aliases: ["replicaset"],                             // older --controllers names
 *   component: "replicaset-controller",                  // event source + kube-system SA
 *   workers: 5,                                          // --concurrent-replicaset-syncs
 *   informers: [
 *     { resource: "replicasets.apps" },
 *     { resource: "pods", indexers: [CONTROLLER_UID_INDEX, ORPHAN_INDEX] },
 *   ],
 *   init: (settings) => ({ expectations: {} }),          // settings: KCM flags some controllers read
 *   handlers: {                                          // event handlers: enqueue keys, no writes
 *     "replicasets.apps": (c, d) => c.enqueue(keyOf(d.object)),
 *     pods: (c, d) => { const ref = getControllerOf(d.object); if (ref?.kind === "ReplicaSet") c.enqueue(`${d.object.metadata.namespace}/${ref.name}`); },
 *   },
 *   sync(c, key) {                                       // read caches, write through c
 *     const { namespace, name } = splitKey(key);
 *     const rs = c.get("replicasets.apps", namespace, name);
 *     if (!rs) return;                                   // deleted: nothing to do
 *     const pods = c.byIndex("pods", CONTROLLER_UID_INDEX, rs.metadata.uid!);
 *     for (let i = pods.length; i < rs.spec.replicas; i++)
 *       c.create("pods", namespace, podFromTemplate(rs), { label: i });
 *     c.continueWith("created", { want: rs.spec.replicas });     // continue once every answer is in
 *   },
 *   steps: {
 *     created(c, results, data) {                        // results: one WriteResult per call
 *       const failed = results.filter((r) => !isSuccess(r)).length;
 *       if (failed > 0) c.fail(`${failed} creates failed`);   // → AddRateLimited(key)
 *     },
 *   },
 * });
 * ```
 *
 * Then list it in `controller-manager/registry.ts` (`CONTROLLERS`). That is all: the manager
 * builds the informers the enabled controllers ask for (merging their indexes), waits for them
 * to sync, calls `onSynced`, dispatches deltas to `handlers`, and runs `sync` on up to `workers`
 * keys at once.
 *
 * ## Rules of the loop
 *
 * - **Handlers** (`HandlerContext`) read caches and enqueue (`enqueue`, `enqueueAfter`,
 *   `enqueueRateLimited`); they never write. They run for the initial list as ADDED deltas too.
 * - **`sync(c, key)`** reads the caches (`get`, `list`, `byIndex` — use indexes, never scan every
 *   object per event) and queues calls (`create`, `update`, `updateStatus`, `patch`, `delete`,
 *   `request`) and events (`event`, fire-and-forget through the recorder's correlator). It returns
 *   at once; the key keeps its worker until every call is answered.
 * - **Steps**: a sync that must see answers before going on calls `c.continueWith("step", data)`; the
 *   framework runs `steps.step(c, results, data)` when the calls made so far are all answered.
 *   A step may call again and `continueWith` again (slow-start batches are a step that loops).
 * - **Outcome**: `c.fail(msg)`, or any failed call (code 0 or ≥ 400, but a DELETE's 404) in the
 *   last phase when no step inspects it, retries the key with the rate limiter
 *   (`AddRateLimited`); otherwise the key is `Forget`-ed. `c.enqueueAfter(key, ms)` is
 *   client-go's `AddAfter` (progress deadlines, Job back-off, CronJob schedules).
 * - **Expectations** (`expectations.ts`) for controllers that create/delete many objects.
 * - **Plain data only** in `data`: no Maps, classes or closures; cached objects are shared and
 *   read-only (copy before changing: `{ ...obj, metadata: { ...obj.metadata, labels } }`).
 *
 * Tests: `controller-manager/testing/cluster.ts` (`ControllerTestCluster`) boots a control
 * plane with kube-controller-manager replicas running chosen controllers (`--controllers`
 * names or aliases) and a stand-in kubelet (`testing/fake-kubelet.ts`) that makes pods
 * Running/Ready and ends them by annotation; read results with `get`/`list`/`events`.
 */
export * from "./claim";
export * from "./controller";
export * from "./controller-ref";
export * from "./events";
export * from "./expectations";
export * from "./pod-util";
export * from "./resources";
export * from "./runtime";
export * from "./time";
export * from "./work-queue";
