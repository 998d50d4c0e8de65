/**
 * Validation of RBAC bindings (`pkg/apis/rbac/validation`), Node taints, Lease and
 * PriorityClass (`pkg/apis/core/validation`, `coordination`, `scheduling`), v1.32.
 */
import {
  duplicate,
  type FieldErrorList,
  FieldPath,
  forbidden,
  goQuote,
  invalid,
  notSupported,
  RenderedValue,
  required,
} from "../field-errors";
import { isQualifiedName, isValidLabelValue } from "./names";

// biome-ignore lint/suspicious/noExplicitAny: validation walks unstructured JSON
type Obj = Record<string, any>;

const RBAC_GROUP = "rbac.authorization.k8s.io";

function goRoleRef(ref: Obj | undefined): RenderedValue {
  const r = ref ?? {};
  return new RenderedValue(
    `rbac.RoleRef{APIGroup:${goQuote(String(r.apiGroup ?? ""))}, Kind:${goQuote(String(r.kind ?? ""))}, Name:${goQuote(String(r.name ?? ""))}}`,
  );
}

/** `ValidateRoleBinding` / `ValidateClusterRoleBinding`. */
export function validateRoleBinding(binding: Obj, clusterScoped: boolean): FieldErrorList {
  const errs: FieldErrorList = [];
  const ref = binding.roleRef ?? {};
  const refPath = FieldPath.root("roleRef");
  if (ref.apiGroup !== RBAC_GROUP)
    errs.push(notSupported(refPath.child("apiGroup"), ref.apiGroup ?? "", [RBAC_GROUP]));
  const kinds = clusterScoped ? ["ClusterRole"] : ["Role", "ClusterRole"];
  if (!kinds.includes(ref.kind)) errs.push(notSupported(refPath.child("kind"), ref.kind ?? "", kinds));
  if (!ref.name) errs.push(required(refPath.child("name")));
  (binding.subjects ?? []).forEach((s: Obj, i: number) => {
    const p = FieldPath.root("subjects").index(i);
    if (!s.name) errs.push(required(p.child("name")));
    switch (s.kind) {
      case "ServiceAccount":
        if (s.apiGroup) errs.push(notSupported(p.child("apiGroup"), s.apiGroup, [""]));
        if (!s.namespace && clusterScoped) errs.push(required(p.child("namespace")));
        break;
      case "User":
      case "Group":
        if (s.apiGroup !== RBAC_GROUP)
          errs.push(notSupported(p.child("apiGroup"), s.apiGroup ?? "", [RBAC_GROUP]));
        break;
      default:
        errs.push(notSupported(p.child("kind"), s.kind ?? "", ["ServiceAccount", "User", "Group"]));
    }
  });
  return errs;
}

/** `ValidateRoleBindingUpdate`: the roleRef may not change. */
export function validateRoleBindingUpdate(n: Obj, o: Obj): FieldErrorList {
  return JSON.stringify(n.roleRef ?? null) === JSON.stringify(o.roleRef ?? null)
    ? []
    : [invalid(FieldPath.root("roleRef"), goRoleRef(n.roleRef), "cannot change roleRef")];
}

const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/** `validateNodeTaints`. */
export function validateNodeSpec(spec: Obj | undefined): FieldErrorList {
  const errs: FieldErrorList = [];
  const seen = new Set<string>();
  (spec?.taints ?? []).forEach((t: Obj, i: number) => {
    const p = FieldPath.root("spec", "taints").index(i);
    for (const m of isQualifiedName(t.key ?? "")) errs.push(invalid(p.child("key"), t.key ?? "", m));
    if (t.value) for (const m of isValidLabelValue(t.value)) errs.push(invalid(p.child("value"), t.value, m));
    if (!t.effect) errs.push(required(p.child("effect")));
    else if (!TAINT_EFFECTS.includes(t.effect))
      errs.push(notSupported(p.child("effect"), t.effect, TAINT_EFFECTS));
    const k = `${t.key}:${t.effect}`;
    if (seen.has(k))
      errs.push(
        duplicate(
          p,
          new RenderedValue(
            `core.Taint{Key:${goQuote(String(t.key ?? ""))}, Value:${goQuote(String(t.value ?? ""))}, Effect:${goQuote(String(t.effect ?? ""))}, TimeAdded:<nil>}`,
          ),
        ),
      );
    seen.add(k);
  });
  return errs;
}

/** `ValidateLeaseSpec`. */
export function validateLeaseSpec(spec: Obj | undefined): FieldErrorList {
  const errs: FieldErrorList = [];
  const s = spec ?? {};
  if (s.leaseDurationSeconds !== undefined && s.leaseDurationSeconds <= 0) {
    errs.push(
      invalid(
        FieldPath.root("spec", "leaseDurationSeconds"),
        s.leaseDurationSeconds,
        "must be greater than 0",
      ),
    );
  }
  if (s.leaseTransitions !== undefined && s.leaseTransitions < 0) {
    errs.push(
      invalid(
        FieldPath.root("spec", "leaseTransitions"),
        s.leaseTransitions,
        "must be greater than or equal to 0",
      ),
    );
  }
  return errs;
}

/** System priority classes the apiserver creates itself (`scheduling.SystemPriorityClasses`). */
const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  "system-node-critical": 2000001000,
  "system-cluster-critical": 2000000000,
};
/** `HighestUserDefinablePriority`. */
const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;

/** `ValidatePriorityClass`. */
export function validatePriorityClass(pc: Obj): FieldErrorList {
  const errs: FieldErrorList = [];
  const name = String(pc.metadata?.name ?? "");
  if (name in SYSTEM_PRIORITY_CLASSES) {
    if (pc.value !== SYSTEM_PRIORITY_CLASSES[name]) {
      errs.push(
        forbidden(FieldPath.root("value"), `value of ${name} must be ${SYSTEM_PRIORITY_CLASSES[name]}`),
      );
    }
  } else {
    if (name.startsWith("system-")) {
      errs.push(
        forbidden(
          FieldPath.root("metadata", "name"),
          "priority class names with 'system-' prefix are reserved",
        ),
      );
    }
    if (typeof pc.value === "number" && pc.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
      errs.push(
        forbidden(
          FieldPath.root("value"),
          `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`,
        ),
      );
    }
  }
  if (pc.preemptionPolicy && !["PreemptLowerPriority", "Never"].includes(pc.preemptionPolicy)) {
    errs.push(
      notSupported(FieldPath.root("preemptionPolicy"), pc.preemptionPolicy, [
        "PreemptLowerPriority",
        "Never",
      ]),
    );
  }
  return errs;
}

/** `ValidatePriorityClassUpdate`: value and preemptionPolicy are immutable. */
export function validatePriorityClassUpdate(n: Obj, o: Obj): FieldErrorList {
  const errs: FieldErrorList = [];
  if (n.value !== o.value) errs.push(forbidden(FieldPath.root("value"), "may not be changed in an update."));
  if ((n.preemptionPolicy ?? "") !== (o.preemptionPolicy ?? "")) {
    errs.push(invalid(FieldPath.root("preemptionPolicy"), n.preemptionPolicy ?? "", "field is immutable"));
  }
  return errs;
}
