/**
 * Workload printers, ports of kubernetes `pkg/printers/internalversion/printers.go` (v1.32):
 * printDeployment, printReplicaSet, printReplicationController, printDaemonSet, printStatefulSet,
 * printJob (with the STATUS column of PR #123226), printCronJob, printControllerRevision.
 * Column descriptions that the source takes from swagger docs are left empty (kubectl never
 * prints them).
 */
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from "kubernetes-types/apps/v1";
import type { CronJob, Job, JobCondition } from "kubernetes-types/batch/v1";
import type { ReplicationController } from "kubernetes-types/core/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { age, formatLabelSelector, formatLabels, humanDuration, layoutContainerCells } from "../helpers";
import { AGE_COLUMN, column, NAME_COLUMN, type ResourcePrinter } from "../types";

const CONTAINERS = column("Containers", "string", "Names of each container in the template.", {
  priority: 1,
});
const IMAGES = column("Images", "string", "Images referenced by each container in the template.", {
  priority: 1,
});
const SELECTOR = column("Selector", "string", "", { priority: 1 });

/** `labels.Selector.String()` of a LabelSelector ("" for an empty one, unlike FormatLabelSelector). */
function selectorString(sel: LabelSelector | undefined): string {
  const s = formatLabelSelector(sel);
  return s === "<none>" ? "" : s;
}

/** Deployments: NAME READY UP-TO-DATE AVAILABLE AGE | CONTAINERS IMAGES SELECTOR. */
export const deploymentPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Ready", "string", "Number of the pod with ready state"),
    column("Up-to-date", "string"),
    column("Available", "string"),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(d: Deployment, { now }) {
    const [names, images] = layoutContainerCells(d.spec?.template?.spec?.containers);
    // The server has defaulted spec.replicas (1); the internal type's zero value is 0.
    return [
      d.metadata?.name ?? "",
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      age(d.metadata?.creationTimestamp, now),
      names,
      images,
      selectorString(d.spec?.selector),
    ];
  },
};

/** ReplicaSets: NAME DESIRED CURRENT READY AGE | CONTAINERS IMAGES SELECTOR. */
export const replicaSetPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Desired", "integer"),
    column("Current", "integer"),
    column("Ready", "integer"),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(rs: ReplicaSet, { now }) {
    const [names, images] = layoutContainerCells(rs.spec?.template?.spec?.containers);
    return [
      rs.metadata?.name ?? "",
      rs.spec?.replicas ?? 0,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      age(rs.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(rs.spec?.selector),
    ];
  },
};

/** ReplicationControllers: like ReplicaSets, with a map selector. */
export const replicationControllerPrinter: ResourcePrinter = {
  columns: replicaSetPrinter.columns,
  cells(rc: ReplicationController, { now }) {
    const [names, images] = layoutContainerCells(rc.spec?.template?.spec?.containers);
    return [
      rc.metadata?.name ?? "",
      rc.spec?.replicas ?? 0,
      rc.status?.replicas ?? 0,
      rc.status?.readyReplicas ?? 0,
      age(rc.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabels(rc.spec?.selector),
    ];
  },
};

/** DaemonSets: NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE | CONTAINERS IMAGES SELECTOR. */
export const daemonSetPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Desired", "integer"),
    column("Current", "integer"),
    column("Ready", "integer"),
    column("Up-to-date", "integer"),
    column("Available", "integer"),
    column("Node Selector", "string"),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(ds: DaemonSet, { now }) {
    const [names, images] = layoutContainerCells(ds.spec?.template?.spec?.containers);
    const st = ds.status;
    return [
      ds.metadata?.name ?? "",
      st?.desiredNumberScheduled ?? 0,
      st?.currentNumberScheduled ?? 0,
      st?.numberReady ?? 0,
      st?.updatedNumberScheduled ?? 0,
      st?.numberAvailable ?? 0,
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      age(ds.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(ds.spec?.selector),
    ];
  },
};

/** StatefulSets: NAME READY AGE | CONTAINERS IMAGES. */
export const statefulSetPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Ready", "string", "Number of the pod with ready state"),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
  ],
  cells(ss: StatefulSet, { now }) {
    const [names, images] = layoutContainerCells(ss.spec?.template?.spec?.containers);
    return [
      ss.metadata?.name ?? "",
      `${ss.status?.readyReplicas ?? 0}/${ss.spec?.replicas ?? 0}`,
      age(ss.metadata?.creationTimestamp, now),
      names,
      images,
    ];
  },
};

function hasJobCondition(conditions: JobCondition[] | undefined, type: string): boolean {
  const c = (conditions ?? []).find((x) => x.type === type);
  return c?.status === "True";
}

/** Jobs: NAME STATUS COMPLETIONS DURATION AGE | CONTAINERS IMAGES SELECTOR. */
export const jobPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Status", "string", "Status of the job."),
    column("Completions", "string"),
    column("Duration", "string", "Time required to complete the job."),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(job: Job, { now }) {
    const spec = job.spec;
    const st = job.status ?? {};
    const succeeded = st.succeeded ?? 0;
    let completions: string;
    if (spec?.completions !== undefined && spec.completions !== null)
      completions = `${succeeded}/${spec.completions}`;
    else {
      const parallelism = spec?.parallelism ?? 0;
      completions = parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
    }
    let duration = "";
    if (st.startTime) {
      const start = Date.parse(st.startTime);
      duration = humanDuration((st.completionTime ? Date.parse(st.completionTime) : now) - start);
    }
    let status: string;
    if (hasJobCondition(st.conditions, "Complete")) status = "Complete";
    else if (hasJobCondition(st.conditions, "Failed")) status = "Failed";
    else if (job.metadata?.deletionTimestamp) status = "Terminating";
    else if (hasJobCondition(st.conditions, "Suspended")) status = "Suspended";
    else if (hasJobCondition(st.conditions, "FailureTarget")) status = "FailureTarget";
    else status = "Running";
    const [names, images] = layoutContainerCells(spec?.template?.spec?.containers);
    return [
      job.metadata?.name ?? "",
      status,
      completions,
      duration,
      age(job.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(spec?.selector),
    ];
  },
};

/** CronJobs: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST SCHEDULE AGE | CONTAINERS IMAGES SELECTOR. */
export const cronJobPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Schedule", "string"),
    column("Timezone", "string"),
    column("Suspend", "boolean"),
    column("Active", "integer"),
    column("Last Schedule", "string"),
    AGE_COLUMN,
    CONTAINERS,
    IMAGES,
    SELECTOR,
  ],
  cells(cj: CronJob, { now }) {
    const last = cj.status?.lastScheduleTime ? age(cj.status.lastScheduleTime, now) : "<none>";
    const jobSpec = cj.spec?.jobTemplate?.spec;
    const [names, images] = layoutContainerCells(jobSpec?.template?.spec?.containers);
    // printBoolPtr: "<unset>" for nil.
    const suspend = cj.spec?.suspend === undefined || cj.spec?.suspend === null ? "<unset>" : cj.spec.suspend;
    return [
      cj.metadata?.name ?? "",
      cj.spec?.schedule ?? "",
      cj.spec?.timeZone ?? "<none>",
      suspend,
      cj.status?.active?.length ?? 0,
      last,
      age(cj.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(jobSpec?.selector),
    ];
  },
};

/** ControllerRevisions: NAME CONTROLLER REVISION AGE. */
export const controllerRevisionPrinter: ResourcePrinter = {
  columns: [
    NAME_COLUMN,
    column("Controller", "string", "Controller of the object"),
    column("Revision", "string"),
    AGE_COLUMN,
  ],
  // biome-ignore lint/suspicious/noExplicitAny: ControllerRevision as unstructured JSON
  cells(cr: any, { now }) {
    const ref = (cr.metadata?.ownerReferences ?? []).find((o: { controller?: boolean }) => o.controller);
    let controller = "<none>";
    if (ref) {
      const group = String(ref.apiVersion).includes("/") ? String(ref.apiVersion).split("/")[0] : "";
      controller = `${(group ? `${ref.kind}.${group}` : ref.kind).toLowerCase()}/${ref.name}`;
    }
    return [cr.metadata?.name ?? "", controller, cr.revision ?? 0, age(cr.metadata?.creationTimestamp, now)];
  },
};
