/**
 * Go `%#v` renderings of the few struct values that validation errors print as bad values
 * (apimachinery 1.32 prints them Go-style; 1.34 switched to JSON). They are wrapped in
 * `RenderedValue` so `field-errors` prints them as they are.
 */
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { goQuote, RenderedValue } from "../field-errors";

function goStringMap(m: Record<string, string> | undefined | null): string {
  if (!m) return "map[string]string(nil)";
  const entries = Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `map[string]string{${entries.map(([k, v]) => `${goQuote(k)}:${goQuote(v)}`).join(", ")}}`;
}

function goStringSlice(s: readonly string[] | undefined | null): string {
  if (!s) return "[]string(nil)";
  return `[]string{${s.map(goQuote).join(", ")}}`;
}

/** `v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`. */
export function goLabelSelector(ls: LabelSelector | null | undefined): RenderedValue {
  if (ls === null || ls === undefined) return new RenderedValue("null");
  const exprs = ls.matchExpressions
    ? `[]v1.LabelSelectorRequirement{${ls.matchExpressions
        .map(
          (e) =>
            `v1.LabelSelectorRequirement{Key:${goQuote(e.key)}, Operator:${goQuote(e.operator)}, Values:${goStringSlice(e.values)}}`,
        )
        .join(", ")}}`
    : "[]v1.LabelSelectorRequirement(nil)";
  return new RenderedValue(
    `v1.LabelSelector{MatchLabels:${goStringMap(ls.matchLabels)}, MatchExpressions:${exprs}}`,
  );
}

/** `intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}` (a value, so its pointer-receiver String() is not used). */
export function goIntOrString(v: unknown): RenderedValue {
  if (typeof v === "string")
    return new RenderedValue(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`);
  return new RenderedValue(`intstr.IntOrString{Type:0, IntVal:${Number(v ?? 0)}, StrVal:""}`);
}

/** A Go map[string]string value (labels, selectors). */
export function goMap(m: Record<string, string> | undefined | null): RenderedValue {
  return new RenderedValue(goStringMap(m));
}
