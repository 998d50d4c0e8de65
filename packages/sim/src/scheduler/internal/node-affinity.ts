/**
 * Node selectors and node affinity as `k8s.io/component-helpers/scheduling/corev1/nodeaffinity`
 * evaluates them: `RequiredNodeAffinity` (a pod's `nodeSelector` AND its required node affinity)
 * and `PreferredSchedulingTerms` (the weighted preferred terms). Compiled to plain data.
 */
import type {
  Node,
  NodeSelector,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Pod,
  PreferredSchedulingTerm,
} from "kubernetes-types/core/v1";
import {
  type Labels,
  type Requirement,
  type Selector,
  selectorFromSet,
  selectorMatches,
} from "./label-selector";

/** The only field a node selector term may match on (`metav1.ObjectNameField`). */
export const OBJECT_NAME_FIELD = "metadata.name";

/** A parsed `NodeSelectorTerm`: its label part and its field part (each null when absent). */
export interface CompiledNodeSelectorTerm {
  matchLabels: Selector | null;
  /** Field requirements on `metadata.name`: `In` (equals) or `NotIn` (differs), one value each. */
  matchFields: { operator: "In" | "NotIn"; value: string }[] | null;
  /** True when the term failed to parse: it then matches no node (the Go code returns errors). */
  invalid: boolean;
}

function compileRequirements(reqs: NodeSelectorRequirement[]): Selector | null {
  const out: Requirement[] = [];
  for (const r of reqs) {
    const values = r.values ?? [];
    switch (r.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) return null;
        out.push({ key: r.key, operator: r.operator, values: [...values] });
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) return null;
        out.push({ key: r.key, operator: r.operator, values: [] });
        break;
      case "Gt":
      case "Lt":
        if (values.length !== 1 || !/^[+-]?\d+$/.test(values[0] as string)) return null;
        out.push({ key: r.key, operator: r.operator, values: [values[0] as string] });
        break;
      default:
        return null;
    }
  }
  return { nothing: false, requirements: out };
}

/** `newNodeSelectorTerm`. */
export function compileNodeSelectorTerm(term: NodeSelectorTerm): CompiledNodeSelectorTerm {
  const parsed: CompiledNodeSelectorTerm = { matchLabels: null, matchFields: null, invalid: false };
  if (term.matchExpressions && term.matchExpressions.length > 0) {
    parsed.matchLabels = compileRequirements(term.matchExpressions);
    if (parsed.matchLabels === null) parsed.invalid = true;
  }
  if (term.matchFields && term.matchFields.length > 0) {
    const fields: { operator: "In" | "NotIn"; value: string }[] = [];
    for (const f of term.matchFields) {
      const values = f.values ?? [];
      // nodeSelectorRequirementsAsFieldSelector: only In/NotIn with exactly one value.
      if (
        (f.operator !== "In" && f.operator !== "NotIn") ||
        values.length !== 1 ||
        f.key !== OBJECT_NAME_FIELD
      ) {
        parsed.invalid = true;
        break;
      }
      fields.push({ operator: f.operator, value: values[0] as string });
    }
    parsed.matchFields = fields;
  }
  return parsed;
}

/** `nodeSelectorTerm.match`. */
export function nodeSelectorTermMatches(
  term: CompiledNodeSelectorTerm,
  labels: Labels,
  nodeName: string,
): boolean {
  if (term.invalid) return false;
  if (term.matchLabels !== null && !selectorMatches(term.matchLabels, labels)) return false;
  if (term.matchFields !== null) {
    for (const f of term.matchFields) {
      if (f.operator === "In" ? nodeName !== f.value : nodeName === f.value) return false;
    }
  }
  return true;
}

function isEmptyTerm(term: NodeSelectorTerm): boolean {
  return (term.matchExpressions?.length ?? 0) === 0 && (term.matchFields?.length ?? 0) === 0;
}

/** `NewLazyErrorNodeSelector`: terms are ORed; an empty term selects no objects and is dropped. */
export function compileNodeSelector(selector: NodeSelector): CompiledNodeSelectorTerm[] {
  const terms: CompiledNodeSelectorTerm[] = [];
  for (const term of selector.nodeSelectorTerms ?? []) {
    if (isEmptyTerm(term)) continue;
    terms.push(compileNodeSelectorTerm(term));
  }
  return terms;
}

/** `RequiredNodeAffinity`: a pod's `spec.nodeSelector` plus its required node affinity terms. */
export interface RequiredNodeAffinity {
  /** From `spec.nodeSelector` when it has entries. */
  labelSelector: Selector | null;
  /** From `requiredDuringSchedulingIgnoredDuringExecution`; null when the pod has none. */
  nodeSelector: CompiledNodeSelectorTerm[] | null;
}

/** `GetRequiredNodeAffinity(pod)`. */
export function getRequiredNodeAffinity(pod: Pod): RequiredNodeAffinity {
  const spec = pod.spec;
  const nodeSelector = spec?.nodeSelector;
  const labelSelector =
    nodeSelector && Object.keys(nodeSelector).length > 0 ? selectorFromSet(nodeSelector) : null;
  const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return { labelSelector, nodeSelector: required ? compileNodeSelector(required) : null };
}

/** `RequiredNodeAffinity.Match(node)`. */
export function requiredNodeAffinityMatches(
  affinity: RequiredNodeAffinity,
  labels: Labels,
  nodeName: string,
): boolean {
  if (affinity.labelSelector !== null && !selectorMatches(affinity.labelSelector, labels)) return false;
  if (affinity.nodeSelector !== null) {
    for (const term of affinity.nodeSelector) {
      if (nodeSelectorTermMatches(term, labels, nodeName)) return true;
    }
    return false;
  }
  return true;
}

/** Convenience for callers holding a Node object. */
export function requiredNodeAffinityMatchesNode(affinity: RequiredNodeAffinity, node: Node): boolean {
  return requiredNodeAffinityMatches(affinity, node.metadata?.labels ?? {}, node.metadata?.name ?? "");
}

/** A parsed preferred term with its weight. */
export interface CompiledPreferredTerm {
  term: CompiledNodeSelectorTerm;
  weight: number;
}

/**
 * `NewPreferredSchedulingTerms`: terms with weight 0 are dropped. Note that an empty preference
 * (no expressions, no fields) matches every node, as in the Go code.
 */
export function compilePreferredSchedulingTerms(terms: PreferredSchedulingTerm[]): CompiledPreferredTerm[] {
  const out: CompiledPreferredTerm[] = [];
  for (const t of terms) {
    if (!t.weight) continue;
    out.push({ term: compileNodeSelectorTerm(t.preference ?? {}), weight: t.weight });
  }
  return out;
}

/** `PreferredSchedulingTerms.Score`: the sum of the weights of the terms the node matches. */
export function preferredSchedulingTermsScore(
  terms: CompiledPreferredTerm[],
  labels: Labels,
  nodeName: string,
): number {
  let score = 0;
  for (const t of terms) {
    if (nodeSelectorTermMatches(t.term, labels, nodeName)) score += t.weight;
  }
  return score;
}
