/**
 * Defaulting of apps/v1 and batch/v1 workloads (kubernetes `pkg/apis/apps/v1/defaults.go`,
 * `pkg/apis/batch/v1/defaults.go`, v1.32). Mutates in place.
 */
import { defaultPersistentVolumeClaim, defaultPodTemplateSpec } from "./core";
import { child, eachObject, type Obj, setDefault } from "./util";

/** `SetDefaults_Deployment`. */
export function defaultDeployment(d: Obj): void {
  const spec = child(d, "spec");
  setDefault(spec, "replicas", 1);
  const strategy = child(spec, "strategy");
  setDefault(strategy, "type", "RollingUpdate");
  if (strategy.type === "RollingUpdate") {
    const ru = child(strategy, "rollingUpdate");
    setDefault(ru, "maxUnavailable", "25%");
    setDefault(ru, "maxSurge", "25%");
  }
  setDefault(spec, "revisionHistoryLimit", 10);
  setDefault(spec, "progressDeadlineSeconds", 600);
  defaultPodTemplateSpec(child(spec, "template"));
}

/** `SetDefaults_ReplicaSet`. */
export function defaultReplicaSet(rs: Obj): void {
  const spec = child(rs, "spec");
  setDefault(spec, "replicas", 1);
  defaultPodTemplateSpec(child(spec, "template"));
}

/** `SetDefaults_DaemonSet`. */
export function defaultDaemonSet(ds: Obj): void {
  const spec = child(ds, "spec");
  const strategy = child(spec, "updateStrategy");
  setDefault(strategy, "type", "RollingUpdate");
  if (strategy.type === "RollingUpdate") {
    const ru = child(strategy, "rollingUpdate");
    setDefault(ru, "maxUnavailable", 1);
    setDefault(ru, "maxSurge", 0);
  }
  setDefault(spec, "revisionHistoryLimit", 10);
  defaultPodTemplateSpec(child(spec, "template"));
}

/** `SetDefaults_StatefulSet` (StatefulSetAutoDeletePVC is beta and on in 1.32). */
export function defaultStatefulSet(sts: Obj): void {
  const spec = child(sts, "spec");
  setDefault(spec, "podManagementPolicy", "OrderedReady");
  const strategy = child(spec, "updateStrategy");
  if (!strategy.type) {
    strategy.type = "RollingUpdate";
    if (!strategy.rollingUpdate) strategy.rollingUpdate = {};
  }
  if (strategy.type === "RollingUpdate" && strategy.rollingUpdate)
    setDefault(strategy.rollingUpdate, "partition", 0);
  const retention = child(spec, "persistentVolumeClaimRetentionPolicy");
  setDefault(retention, "whenDeleted", "Retain");
  setDefault(retention, "whenScaled", "Retain");
  setDefault(spec, "replicas", 1);
  setDefault(spec, "revisionHistoryLimit", 10);
  defaultPodTemplateSpec(child(spec, "template"));
  eachObject(spec.volumeClaimTemplates, (pvc) => {
    defaultPersistentVolumeClaim(pvc);
  });
}

/** `SetDefaults_Job`. */
export function defaultJob(job: Obj): void {
  const spec = child(job, "spec");
  // A non-parallel job leaves both unset: both become 1.
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, "parallelism", 1);
  if (spec.backoffLimit == null) spec.backoffLimit = spec.backoffLimitPerIndex != null ? 2147483647 : 6;
  const labels = spec.template?.metadata?.labels;
  const meta = child(job, "metadata");
  if (labels && (!meta.labels || Object.keys(meta.labels).length === 0)) meta.labels = { ...labels };
  setDefault(spec, "completionMode", "NonIndexed");
  setDefault(spec, "suspend", false);
  eachObject(spec.podFailurePolicy?.rules, (rule) =>
    eachObject(rule.onPodConditions, (c) => setDefault(c, "status", "True")),
  );
  // JobPodReplacementPolicy is beta and on in 1.32.
  setDefault(spec, "podReplacementPolicy", spec.podFailurePolicy ? "Failed" : "TerminatingOrFailed");
  defaultPodTemplateSpec(child(spec, "template"));
}

/**
 * What the Job registry does on create when `manualSelector` is not true
 * (`pkg/registry/batch/job/strategy.go` generateSelector): label the template with the
 * controller uid and job name (new and legacy keys) and select on the uid.
 */
export function generateJobSelector(job: Obj): void {
  const spec = child(job, "spec");
  if (spec.manualSelector === true) return;
  const uid = String(job.metadata?.uid ?? "");
  const name = String(job.metadata?.name ?? "");
  const template = child(spec, "template");
  const labels = child(child(template, "metadata"), "labels");
  labels["batch.kubernetes.io/controller-uid"] ??= uid;
  labels["batch.kubernetes.io/job-name"] ??= name;
  labels["controller-uid"] ??= uid;
  labels["job-name"] ??= name;
  if (!spec.selector) spec.selector = { matchLabels: { "batch.kubernetes.io/controller-uid": uid } };
}

/** `SetDefaults_CronJob`. */
export function defaultCronJob(cj: Obj): void {
  const spec = child(cj, "spec");
  setDefault(spec, "concurrencyPolicy", "Allow");
  setDefault(spec, "suspend", false);
  setDefault(spec, "successfulJobsHistoryLimit", 3);
  setDefault(spec, "failedJobsHistoryLimit", 1);
  const jobSpec = child(child(spec, "jobTemplate"), "spec");
  defaultPodTemplateSpec(child(jobSpec, "template"));
}
