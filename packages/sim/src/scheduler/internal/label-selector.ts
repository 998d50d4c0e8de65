/**
 * Label selectors as the scheduler evaluates them (`k8s.io/apimachinery/pkg/labels`), compiled
 * once into plain data (so they can live in cached pod infos that are serialised with the
 * scheduler's state) and matched many times.
 *
 * Semantics kept from apimachinery:
 * - `metav1.LabelSelectorAsSelector(nil)` is `labels.Nothing()`: it matches nothing;
 * - an empty selector `{}` is `labels.Everything()`: it matches everything, and `Empty()` is true;
 * - `NotIn` and `DoesNotExist` match when the key is absent.
 *
 * NOTE: the "api" helper is writing label selectors under `packages/sim/src/api/`; this private
 * copy exists so the scheduler does not wait for it and can be swapped later.
 */
import type { LabelSelector } from "kubernetes-types/meta/v1";

/** Selector operators (apimachinery `selection.Operator`), including the node-affinity Gt/Lt. */
export type SelectorOperator = "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt";

/** One requirement of a compiled selector. */
export interface Requirement {
  key: string;
  operator: SelectorOperator;
  values: string[];
}

/** A compiled selector: `nothing` true means it matches no object (a nil selector). */
export interface Selector {
  nothing: boolean;
  requirements: Requirement[];
}

/** The selector that matches nothing (`labels.Nothing()`). */
export const NOTHING: Selector = Object.freeze({ nothing: true, requirements: [] }) as Selector;

/** The selector that matches everything (`labels.Everything()`). */
export const EVERYTHING: Selector = Object.freeze({ nothing: false, requirements: [] }) as Selector;

/** Labels of an object (`labels.Set`). */
export type Labels = Record<string, string>;

/**
 * `metav1.LabelSelectorAsSelector`: nil → Nothing, `{}` → Everything. Returns null when the
 * selector is invalid (an unknown operator, or In/NotIn without values), as the Go function
 * returns an error then.
 */
export function compileLabelSelector(selector: LabelSelector | null | undefined): Selector | null {
  if (selector === null || selector === undefined) return NOTHING;
  const requirements: Requirement[] = [];
  const matchLabels = selector.matchLabels;
  if (matchLabels) {
    for (const key of Object.keys(matchLabels).sort()) {
      requirements.push({ key, operator: "In", values: [matchLabels[key] ?? ""] });
    }
  }
  for (const expr of selector.matchExpressions ?? []) {
    const op = expr.operator;
    const values = expr.values ?? [];
    if (op === "In" || op === "NotIn") {
      if (values.length === 0) return null;
    } else if (op === "Exists" || op === "DoesNotExist") {
      if (values.length > 0) return null;
    } else {
      return null;
    }
    requirements.push({ key: expr.key, operator: op, values: [...values] });
  }
  if (requirements.length === 0) return EVERYTHING;
  return { nothing: false, requirements };
}

/** `labels.SelectorFromSet`: every key equal to its value. An empty set selects everything. */
export function selectorFromSet(set: Labels | null | undefined): Selector {
  if (!set) return EVERYTHING;
  const keys = Object.keys(set).sort();
  if (keys.length === 0) return EVERYTHING;
  return {
    nothing: false,
    requirements: keys.map((key) => ({ key, operator: "In", values: [set[key] ?? ""] })),
  };
}

/** `Selector.Add`: a new selector with extra requirements (Nothing stays Nothing). */
export function addRequirements(selector: Selector, extra: Requirement[]): Selector {
  if (selector.nothing || extra.length === 0) return selector;
  return { nothing: false, requirements: [...selector.requirements, ...extra] };
}

/** `Selector.Empty()`: true for Everything (no requirements), false for Nothing. */
export function isEmptySelector(selector: Selector): boolean {
  return !selector.nothing && selector.requirements.length === 0;
}

function requirementMatches(r: Requirement, labels: Labels | undefined): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case "In":
      if (!has) return false;
      return r.values.length === 1
        ? labels[r.key] === r.values[0]
        : r.values.includes(labels[r.key] as string);
    case "NotIn":
      return !has || !r.values.includes(labels[r.key] as string);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "Gt":
    case "Lt": {
      // Node affinity only; the requirement was validated to hold one integer.
      if (!has) return false;
      const text = labels[r.key] as string;
      if (!/^[+-]?\d+$/.test(text)) return false;
      const labelValue = Number.parseInt(text, 10);
      const bound = Number.parseInt(r.values[0] as string, 10);
      return r.operator === "Gt" ? labelValue > bound : labelValue < bound;
    }
  }
}

/** `Selector.Matches(labels.Set(labels))`. */
export function selectorMatches(selector: Selector, labels: Labels | undefined): boolean {
  if (selector.nothing) return false;
  const reqs = selector.requirements;
  for (let i = 0; i < reqs.length; i++) {
    if (!requirementMatches(reqs[i] as Requirement, labels)) return false;
  }
  return true;
}
