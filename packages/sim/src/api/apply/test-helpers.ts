/** Small helpers shared by this folder's tests. */
import type { JsonValue } from "../types";
import { mergeValues as merge, type Relation } from "./typed";

/** The relation of a struct type by client model name. */
export function rootRelationForTest(type: string): Relation {
  return { kind: "struct", type };
}

/** Re-export for tests. */
export function mergeValues(lhs: JsonValue, rhs: JsonValue, rel: Relation): JsonValue | undefined {
  return merge(lhs, rhs, rel);
}
