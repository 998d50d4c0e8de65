/**
 * The apiserver's validation step for built-in kinds: the registry strategy's Validate /
 * ValidateUpdate (semantic rules with the real field paths and messages), completed by the
 * OpenAPI schema's required fields and enums for anything the semantic rules do not cover.
 * Call after defaulting. `invalidStatus` turns the errors into the 422 `Invalid` Status.
 */
import type { FieldErrorList } from "../field-errors";
import { FieldPath, invalid } from "../field-errors";
import { BUILTIN_RESOURCES } from "../resources/builtin";
import { validateAgainstSchema } from "../schema/schema-validation";
import { newInvalid } from "../status";
import { type KubeObject, parseApiVersion, type Status } from "../types";
import {
  validateLeaseSpec,
  validateNodeSpec,
  validatePriorityClass,
  validatePriorityClassUpdate,
  validateRoleBinding,
  validateRoleBindingUpdate,
} from "./cluster-kinds";
import {
  validateConfigMap,
  validateHorizontalPodAutoscalerSpec,
  validateNamespace,
  validatePodSpecUpdate,
  validateSecret,
  validateServiceSpec,
} from "./core-kinds";
import {
  type NameValidator,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  nameIsPathSegment,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "./object-meta";
import { validatePodSpec, validatePodTemplateSpec } from "./pod-spec";
import {
  validateCronJobSpec,
  validateDaemonSetSpec,
  validateDeploymentSpec,
  validateJobSpec,
  validateJobSpecUpdate,
  validateReplicaSetSpec,
  validateSelectorImmutable,
  validateStatefulSetSpec,
  validateStatefulSetSpecUpdate,
} from "./workloads";

/** A string field of unstructured input, "" when it is anything else. */
const str = (v: unknown): string => (typeof v === "string" ? v : "");

// biome-ignore lint/suspicious/noExplicitAny: validation walks unstructured JSON
type Obj = Record<string, any>;

/** Name rules that differ from the DNS-subdomain default. */
const NAME_VALIDATORS: Record<string, NameValidator> = {
  "v1/Namespace": nameIsDNSLabel,
  "v1/Service": nameIsDNS1035Label,
  "apps/v1/StatefulSet": nameIsDNSLabel,
  "rbac.authorization.k8s.io/v1/Role": nameIsPathSegment,
  "rbac.authorization.k8s.io/v1/ClusterRole": nameIsPathSegment,
  "rbac.authorization.k8s.io/v1/RoleBinding": nameIsPathSegment,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": nameIsPathSegment,
};

type SpecValidator = (obj: Obj) => FieldErrorList;

const SPEC_VALIDATORS: Record<string, SpecValidator> = {
  "v1/Pod": (o) => validatePodSpec(o.spec, FieldPath.root("spec")),
  "v1/PodTemplate": (o) => validatePodTemplateSpec(o.template, FieldPath.root("template")),
  "v1/Service": (o) => validateServiceSpec(o.spec),
  "v1/ConfigMap": validateConfigMap,
  "v1/Secret": validateSecret,
  "v1/Namespace": validateNamespace,
  "apps/v1/Deployment": (o) => validateDeploymentSpec(o.spec),
  "apps/v1/ReplicaSet": (o) => validateReplicaSetSpec(o.spec),
  "apps/v1/DaemonSet": (o) => validateDaemonSetSpec(o.spec),
  "apps/v1/StatefulSet": (o) => validateStatefulSetSpec(o.spec),
  "batch/v1/Job": (o) => validateJobSpec(o.spec),
  "batch/v1/CronJob": (o) => {
    const errs: FieldErrorList = [];
    // CronJob names leave room for the 11-character job suffix (DNS1035LabelMaxLength - 11).
    const name = o.metadata?.name;
    if (typeof name === "string" && name.length > 52) {
      errs.push(invalid(FieldPath.root("metadata", "name"), name, "must be no more than 52 characters"));
    }
    return [...errs, ...validateCronJobSpec(o.spec)];
  },
  "autoscaling/v2/HorizontalPodAutoscaler": (o) => validateHorizontalPodAutoscalerSpec(o.spec),
  "v1/Node": (o) => validateNodeSpec(o.spec),
  "coordination.k8s.io/v1/Lease": (o) => validateLeaseSpec(o.spec),
  "scheduling.k8s.io/v1/PriorityClass": validatePriorityClass,
  "rbac.authorization.k8s.io/v1/RoleBinding": (o) => validateRoleBinding(o, false),
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": (o) => validateRoleBinding(o, true),
  "apiextensions.k8s.io/v1/CustomResourceDefinition": (o) => {
    const expected = `${o.spec?.names?.plural}.${o.spec?.group}`;
    return o.metadata?.name && o.metadata.name !== expected
      ? [
          invalid(
            FieldPath.root("metadata", "name"),
            o.metadata.name,
            'must be spec.names.plural+"."+spec.group',
          ),
        ]
      : [];
  },
};

type UpdateValidator = (n: Obj, o: Obj) => FieldErrorList;

const UPDATE_VALIDATORS: Record<string, UpdateValidator> = {
  "v1/Pod": (n, o) => validatePodSpecUpdate(n.spec, o.spec),
  "apps/v1/Deployment": (n, o) => validateSelectorImmutable(n.spec, o.spec),
  "apps/v1/ReplicaSet": (n, o) => validateSelectorImmutable(n.spec, o.spec),
  "apps/v1/DaemonSet": (n, o) => validateSelectorImmutable(n.spec, o.spec),
  "apps/v1/StatefulSet": (n, o) => validateStatefulSetSpecUpdate(n.spec, o.spec),
  "batch/v1/Job": (n, o) => validateJobSpecUpdate(n.spec, o.spec),
  "rbac.authorization.k8s.io/v1/RoleBinding": validateRoleBindingUpdate,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": validateRoleBindingUpdate,
  "scheduling.k8s.io/v1/PriorityClass": validatePriorityClassUpdate,
};

function key(obj: Obj): string {
  return `${typeof obj.apiVersion === "string" ? obj.apiVersion : ""}/${typeof obj.kind === "string" ? obj.kind : ""}`;
}

function isNamespaced(obj: Obj): boolean {
  const { group, version } = parseApiVersion(str(obj.apiVersion));
  const r = BUILTIN_RESOURCES.find((x) => x.group === group && x.version === version && x.kind === obj.kind);
  return r ? r.namespaced : true;
}

/** Adds the schema's errors for fields the semantic rules did not already report. */
function withSchemaErrors(obj: Obj, errs: FieldErrorList): FieldErrorList {
  const seen = new Set(errs.map((e) => e.field));
  return [...errs, ...validateAgainstSchema(obj).filter((e) => !seen.has(e.field))];
}

/** Options: `namespaced` overrides the registry's scope (for custom resources). */
export interface ValidateOptions {
  namespaced?: boolean;
}

/** Validates an object for create. Empty list = valid. */
export function validateObject(obj: KubeObject, options: ValidateOptions = {}): FieldErrorList {
  const o = obj as Obj;
  const k = key(o);
  const namespaced = options.namespaced ?? isNamespaced(o);
  const errs = validateObjectMeta(o.metadata, namespaced, NAME_VALIDATORS[k] ?? nameIsDNSSubdomain);
  const specFn = SPEC_VALIDATORS[k];
  if (specFn) errs.push(...specFn(o));
  return withSchemaErrors(o, errs);
}

/** Validates an update (`newObj` replacing `oldObj`). Empty list = valid. */
export function validateObjectUpdate(
  newObj: KubeObject,
  oldObj: KubeObject,
  _options: ValidateOptions = {},
): FieldErrorList {
  const n = newObj as Obj;
  const k = key(n);
  const errs = validateObjectMetaUpdate(n.metadata, (oldObj as Obj).metadata);
  const specFn = SPEC_VALIDATORS[k];
  if (specFn) errs.push(...specFn(n));
  const upd = UPDATE_VALIDATORS[k];
  if (upd) errs.push(...upd(n, oldObj as Obj));
  return withSchemaErrors(n, errs);
}

/** The 422 Invalid Status for an object's errors, or undefined when there are none. */
export function invalidStatus(obj: KubeObject, errs: FieldErrorList): Status | undefined {
  if (errs.length === 0) return undefined;
  const { group } = parseApiVersion(obj.apiVersion);
  return newInvalid({ group, kind: obj.kind }, obj.metadata?.name ?? "", errs);
}
