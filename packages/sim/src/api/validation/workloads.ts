/**
 * Validation of apps/v1 and batch/v1 workloads: kubernetes `pkg/apis/apps/validation/validation.go`
 * and `pkg/apis/batch/validation/validation.go` (v1.32), plus the selector immutability the
 * apps registries add on update.
 */
import { type FieldErrorList, FieldPath, forbidden, invalid, notSupported, required } from "../field-errors";
import {
  LabelSelectorError,
  labelSelectorFromObject,
  labelsMatch,
  validateRequirement,
} from "../selectors/label-selector";
import { goIntOrString, goLabelSelector, goMap } from "./go-values";
import { validateImmutable, validateLabels, validateNonnegative } from "./object-meta";
import { validatePodTemplateSpec } from "./pod-spec";

// biome-ignore lint/suspicious/noExplicitAny: validation walks unstructured JSON
type Obj = Record<string, any>;

const spec = FieldPath.root("spec");

/** `ValidateLabelSelector` (strict: label values must be valid). */
export function validateLabelSelector(ls: Obj | undefined, path: FieldPath): FieldErrorList {
  if (!ls) return [];
  const errs: FieldErrorList = [];
  (ls.matchExpressions ?? []).forEach((e: Obj, i: number) => {
    const p = path.child("matchExpressions").index(i);
    const op = e.operator;
    const values: string[] = e.values ?? [];
    if (op === "In" || op === "NotIn") {
      if (values.length === 0)
        errs.push(required(p.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (op === "Exists" || op === "DoesNotExist") {
      if (values.length > 0)
        errs.push(
          forbidden(p.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
    } else {
      errs.push(invalid(p.child("operator"), op, "not a valid selector operator"));
    }
    const keyErrs = validateRequirement(e.key ?? "", "exists", [], p);
    errs.push(...keyErrs);
  });
  errs.push(...validateLabels(ls.matchLabels, path.child("matchLabels")));
  return errs;
}

/** The selector check shared by ReplicaSets, Deployments, StatefulSets, DaemonSets and Jobs. */
function selectorErrors(
  sel: Obj | undefined,
  template: Obj | undefined,
  kindWord: string,
  requireSelector: boolean,
): FieldErrorList {
  const errs: FieldErrorList = [];
  const selPath = spec.child("selector");
  if (!sel) {
    if (requireSelector) errs.push(required(selPath));
  } else {
    errs.push(...validateLabelSelector(sel, selPath));
    if (Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0) {
      errs.push(invalid(selPath, goLabelSelector(sel), `empty selector is invalid for ${kindWord}`));
    }
  }
  if (sel) {
    try {
      const s = labelSelectorFromObject(sel);
      const labels = template?.metadata?.labels;
      if (s !== null && s.length > 0 && !labelsMatch(s, labels ?? {})) {
        errs.push(
          invalid(
            spec.child("template", "metadata", "labels"),
            goMap(labels),
            "`selector` does not match template `labels`",
          ),
        );
      }
    } catch (e) {
      if (!(e instanceof LabelSelectorError)) throw e;
      errs.push(invalid(selPath, goLabelSelector(sel), "invalid label selector"));
    }
  }
  return errs;
}

/** `ValidatePositiveIntOrPercent` + `IsNotMoreThan100Percent`. */
function intOrPercent(v: unknown, path: FieldPath, checkMax: boolean): FieldErrorList {
  const errs: FieldErrorList = [];
  if (typeof v === "string") {
    if (!/^[0-9]+%$/.test(v))
      errs.push(
        invalid(
          path,
          goIntOrString(v),
          "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        ),
      );
    else if (checkMax && Number(v.slice(0, -1)) > 100)
      errs.push(invalid(path, goIntOrString(v), "must not be greater than 100%"));
  } else if (typeof v === "number" && v < 0) {
    errs.push(invalid(path, v, "must be greater than or equal to 0"));
  }
  return errs;
}

function intOrPercentValue(v: unknown): number {
  if (typeof v === "string" && /^[0-9]+%$/.test(v)) return Number(v.slice(0, -1));
  return typeof v === "number" ? v : 0;
}

function templateForReplicaSet(template: Obj | undefined, kind: string): FieldErrorList {
  const errs: FieldErrorList = [];
  const tPath = spec.child("template");
  if (!template) return [required(tPath)];
  errs.push(...validatePodTemplateSpec(template, tPath));
  const rp = template.spec?.restartPolicy;
  if (rp !== "Always") errs.push(notSupported(tPath.child("spec", "restartPolicy"), rp ?? "", ["Always"]));
  if (template.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(
      forbidden(
        tPath.child("spec", "activeDeadlineSeconds"),
        `activeDeadlineSeconds in ${kind} is not Supported`,
      ),
    );
  }
  return errs;
}

/** `ValidateDeploymentSpec`. */
export function validateDeploymentSpec(s: Obj = {}): FieldErrorList {
  const errs: FieldErrorList = [];
  errs.push(...validateNonnegative(s.replicas, spec.child("replicas")));
  errs.push(...selectorErrors(s.selector, s.template, "deployment", true));
  errs.push(...templateForReplicaSet(s.template, "ReplicaSet"));
  const strategy = s.strategy ?? {};
  const sPath = spec.child("strategy");
  if (strategy.type === "Recreate") {
    if (strategy.rollingUpdate) {
      errs.push(
        forbidden(sPath.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'"),
      );
    }
  } else if (strategy.type === "RollingUpdate") {
    const ru = strategy.rollingUpdate;
    const ruPath = sPath.child("rollingUpdate");
    if (!ru) errs.push(required(ruPath, "this should be defaulted and never be nil"));
    else {
      errs.push(...intOrPercent(ru.maxUnavailable, ruPath.child("maxUnavailable"), false));
      errs.push(...intOrPercent(ru.maxSurge, ruPath.child("maxSurge"), false));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(
          invalid(
            ruPath.child("maxUnavailable"),
            goIntOrString(ru.maxUnavailable),
            "may not be 0 when `maxSurge` is 0",
          ),
        );
      }
      errs.push(
        ...intOrPercent(ru.maxUnavailable, ruPath.child("maxUnavailable"), true).filter((e) =>
          e.detail.startsWith("must not be greater"),
        ),
      );
    }
  } else {
    errs.push(notSupported(sPath, strategy.type ?? "", ["Recreate", "RollingUpdate"]));
  }
  errs.push(...validateNonnegative(s.minReadySeconds, spec.child("minReadySeconds")));
  errs.push(...validateNonnegative(s.revisionHistoryLimit, spec.child("revisionHistoryLimit")));
  if (typeof s.progressDeadlineSeconds === "number") {
    errs.push(...validateNonnegative(s.progressDeadlineSeconds, spec.child("progressDeadlineSeconds")));
    if (s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0)) {
      errs.push(
        invalid(
          spec.child("progressDeadlineSeconds"),
          s.progressDeadlineSeconds,
          "must be greater than minReadySeconds",
        ),
      );
    }
  }
  return errs;
}

/** `ValidateReplicaSetSpec` (its empty-selector text says "deployment" too, as upstream). */
export function validateReplicaSetSpec(s: Obj = {}): FieldErrorList {
  const errs: FieldErrorList = [];
  errs.push(...validateNonnegative(s.replicas, spec.child("replicas")));
  errs.push(...validateNonnegative(s.minReadySeconds, spec.child("minReadySeconds")));
  errs.push(...selectorErrors(s.selector, s.template, "deployment", true));
  errs.push(...templateForReplicaSet(s.template, "ReplicaSet"));
  return errs;
}

/** `ValidateDaemonSetSpec`. */
export function validateDaemonSetSpec(s: Obj = {}): FieldErrorList {
  const errs: FieldErrorList = [];
  errs.push(...selectorErrors(s.selector, s.template, "daemonset", true));
  const tPath = spec.child("template");
  errs.push(...validatePodTemplateSpec(s.template, tPath));
  if (s.template?.spec?.restartPolicy !== "Always") {
    errs.push(
      notSupported(tPath.child("spec", "restartPolicy"), s.template?.spec?.restartPolicy ?? "", ["Always"]),
    );
  }
  if (s.template?.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(
      forbidden(
        tPath.child("spec", "activeDeadlineSeconds"),
        "activeDeadlineSeconds in DaemonSet is not Supported",
      ),
    );
  }
  errs.push(...validateNonnegative(s.minReadySeconds, spec.child("minReadySeconds")));
  const us = s.updateStrategy ?? {};
  const usPath = spec.child("updateStrategy");
  if (us.type === "RollingUpdate") {
    const ru = us.rollingUpdate;
    if (!ru) errs.push(required(usPath.child("rollingUpdate")));
    else {
      const ruPath = usPath.child("rollingUpdate");
      errs.push(...intOrPercent(ru.maxUnavailable, ruPath.child("maxUnavailable"), true));
      errs.push(...intOrPercent(ru.maxSurge, ruPath.child("maxSurge"), true));
      const hasU = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasS = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasU && hasS)
        errs.push(
          invalid(
            ruPath.child("maxSurge"),
            goIntOrString(ru.maxSurge),
            "may not be set when maxUnavailable is non-zero",
          ),
        );
      if (!hasU && !hasS)
        errs.push(required(ruPath.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
    }
  } else if (us.type !== "OnDelete") {
    errs.push(notSupported(usPath, us.type ?? "", ["RollingUpdate", "OnDelete"]));
  }
  errs.push(...validateNonnegative(s.revisionHistoryLimit, spec.child("revisionHistoryLimit")));
  return errs;
}

/** `ValidateStatefulSetSpec` (its template check covers labels/annotations only, as upstream). */
export function validateStatefulSetSpec(s: Obj = {}): FieldErrorList {
  const errs: FieldErrorList = [];
  const pmp = s.podManagementPolicy;
  if (!pmp) errs.push(required(spec.child("podManagementPolicy")));
  else if (pmp !== "OrderedReady" && pmp !== "Parallel") {
    errs.push(invalid(spec.child("podManagementPolicy"), pmp, "must be 'OrderedReady' or 'Parallel'"));
  }
  const us = s.updateStrategy ?? {};
  if (!us.type) errs.push(required(spec.child("updateStrategy")));
  else if (us.type === "OnDelete") {
    if (us.rollingUpdate)
      errs.push(
        invalid(
          spec.child("updateStrategy", "rollingUpdate"),
          us.rollingUpdate,
          "only allowed for updateStrategy 'RollingUpdate'",
        ),
      );
  } else if (us.type === "RollingUpdate") {
    if (us.rollingUpdate)
      errs.push(
        ...validateNonnegative(
          us.rollingUpdate.partition,
          spec.child("updateStrategy", "rollingUpdate", "partition"),
        ),
      );
  } else {
    errs.push(invalid(spec.child("updateStrategy"), us, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = s.persistentVolumeClaimRetentionPolicy;
  if (retention) {
    for (const f of ["whenDeleted", "whenScaled"]) {
      if (!["Retain", "Delete"].includes(retention[f])) {
        errs.push(
          notSupported(spec.child("persistentVolumeClaimRetentionPolicy", f), retention[f] ?? "", [
            "Retain",
            "Delete",
          ]),
        );
      }
    }
  }
  errs.push(...validateNonnegative(s.replicas, spec.child("replicas")));
  errs.push(...validateNonnegative(s.minReadySeconds, spec.child("minReadySeconds")));
  errs.push(...selectorErrors(s.selector, s.template, "statefulset", true));
  const tPath = spec.child("template");
  errs.push(...validateLabels(s.template?.metadata?.labels, tPath.child("labels")));
  if (s.template?.spec?.restartPolicy !== "Always") {
    errs.push(
      notSupported(tPath.child("spec", "restartPolicy"), s.template?.spec?.restartPolicy ?? "", ["Always"]),
    );
  }
  if (s.template?.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(
      forbidden(
        tPath.child("spec", "activeDeadlineSeconds"),
        "activeDeadlineSeconds in StatefulSet is not Supported",
      ),
    );
  }
  return errs;
}

/** `ValidateJobSpec` (for jobs and CronJob job templates, rooted at `path`). */
export function validateJobSpec(
  s: Obj = {},
  path: FieldPath = spec,
  selectorRequired = true,
): FieldErrorList {
  const errs: FieldErrorList = [];
  errs.push(...validateNonnegative(s.parallelism, path.child("parallelism")));
  errs.push(...validateNonnegative(s.completions, path.child("completions")));
  if (s.activeDeadlineSeconds !== undefined)
    errs.push(...validateNonnegative(s.activeDeadlineSeconds, path.child("activeDeadlineSeconds")));
  errs.push(...validateNonnegative(s.backoffLimit, path.child("backoffLimit")));
  errs.push(...validateNonnegative(s.ttlSecondsAfterFinished, path.child("ttlSecondsAfterFinished")));
  if (s.completionMode && !["NonIndexed", "Indexed"].includes(s.completionMode)) {
    errs.push(notSupported(path.child("completionMode"), s.completionMode, ["NonIndexed", "Indexed"]));
  }
  if (s.completionMode === "Indexed" && s.completions == null) {
    errs.push(required(path.child("completions"), "when completion mode is Indexed"));
  }
  if (path === spec) {
    if (!s.selector && selectorRequired) errs.push(required(path.child("selector")));
    else if (s.selector) {
      errs.push(...validateLabelSelector(s.selector, path.child("selector")));
      try {
        const sel = labelSelectorFromObject(s.selector);
        if (sel && sel.length > 0 && !labelsMatch(sel, s.template?.metadata?.labels ?? {})) {
          errs.push(
            invalid(
              path.child("template", "metadata", "labels"),
              goMap(s.template?.metadata?.labels),
              "`selector` does not match template `labels`",
            ),
          );
        }
      } catch {
        errs.push(invalid(path.child("selector"), goLabelSelector(s.selector), "invalid label selector"));
      }
    }
  }
  const tPath = path.child("template");
  errs.push(...validatePodTemplateSpec(s.template, tPath));
  const rp = s.template?.spec?.restartPolicy;
  if (rp !== "OnFailure" && rp !== "Never") {
    errs.push(notSupported(tPath.child("spec", "restartPolicy"), rp ?? "", ["OnFailure", "Never"]));
  }
  return errs;
}

const CRON_FIELD =
  /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?)*$/;
const CRON_MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/** `ValidateCronJobSpec` with the robfig/cron standard parser's shape check. */
export function validateCronJobSpec(s: Obj = {}): FieldErrorList {
  const errs: FieldErrorList = [];
  if (!s.schedule) errs.push(required(spec.child("schedule")));
  else {
    const sched = String(s.schedule).replace(/^(TZ|CRON_TZ)=\S+\s+/, "");
    const fields = sched.trim().split(/\s+/);
    const ok =
      CRON_MACROS.includes(sched.trim()) ||
      sched.startsWith("@every ") ||
      (fields.length === 5 && fields.every((f) => CRON_FIELD.test(f)));
    if (!ok) {
      // robfig/cron ParseStandard's errors.
      const detail =
        fields.length !== 5 && !sched.startsWith("@")
          ? `expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`
          : sched.startsWith("@")
            ? `unrecognized descriptor: ${sched}`
            : `failed to parse schedule: ${sched}`;
      errs.push(invalid(spec.child("schedule"), s.schedule, detail));
    }
    if (/^(TZ|CRON_TZ)=/.test(String(s.schedule))) {
      errs.push(
        invalid(
          spec.child("schedule"),
          s.schedule,
          "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
        ),
      );
    }
  }
  if (s.concurrencyPolicy && !["Allow", "Forbid", "Replace"].includes(s.concurrencyPolicy)) {
    errs.push(
      notSupported(spec.child("concurrencyPolicy"), s.concurrencyPolicy, ["Allow", "Forbid", "Replace"]),
    );
  }
  errs.push(...validateNonnegative(s.startingDeadlineSeconds, spec.child("startingDeadlineSeconds")));
  errs.push(...validateNonnegative(s.successfulJobsHistoryLimit, spec.child("successfulJobsHistoryLimit")));
  errs.push(...validateNonnegative(s.failedJobsHistoryLimit, spec.child("failedJobsHistoryLimit")));
  errs.push(
    ...validateLabels(s.jobTemplate?.metadata?.labels, spec.child("jobTemplate", "metadata", "labels")),
  );
  errs.push(...validateJobSpec(s.jobTemplate?.spec, spec.child("jobTemplate", "spec"), false));
  return errs;
}

/** The apps registries' selector immutability on update (apps/v1): `spec.selector: Invalid value: v1.LabelSelector{...}: field is immutable`. */
export function validateSelectorImmutable(
  newSpec: Obj | undefined,
  oldSpec: Obj | undefined,
): FieldErrorList {
  return validateImmutable(
    newSpec?.selector,
    oldSpec?.selector,
    spec.child("selector"),
    goLabelSelector(newSpec?.selector),
  );
}

/** StatefulSet spec updates may only touch some fields (`ValidateStatefulSetUpdate`). */
export function validateStatefulSetSpecUpdate(newSpec: Obj = {}, oldSpec: Obj = {}): FieldErrorList {
  const mutable = [
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
  ];
  const strip = (o: Obj) => Object.fromEntries(Object.entries(o).filter(([k]) => !mutable.includes(k)));
  if (JSON.stringify(strip(newSpec)) === JSON.stringify(strip(oldSpec))) return [];
  return [
    forbidden(
      spec,
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

/** Job updates: the pod template, completions (unless scaling Indexed jobs) and selector are immutable. */
export function validateJobSpecUpdate(newSpec: Obj = {}, oldSpec: Obj = {}): FieldErrorList {
  const errs: FieldErrorList = [];
  errs.push(
    ...validateImmutable(
      newSpec.selector,
      oldSpec.selector,
      spec.child("selector"),
      goLabelSelector(newSpec.selector),
    ),
  );
  errs.push(
    ...validateImmutable(newSpec.completionMode, oldSpec.completionMode, spec.child("completionMode")),
  );
  // Templates may only change while a job is suspended (to adjust scheduling directives); approximated as "immutable".
  if (!(newSpec.suspend === true && oldSpec.suspend === true)) {
    if (JSON.stringify(newSpec.template ?? null) !== JSON.stringify(oldSpec.template ?? null)) {
      errs.push(invalid(spec.child("template"), "core.PodTemplateSpec{...}", "field is immutable"));
    }
  }
  return errs;
}
