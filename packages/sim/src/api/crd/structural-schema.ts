/**
 * Custom resources against their CRD's structural `openAPIV3Schema`, as apiextensions-apiserver
 * (v1.32) treats them:
 * - pruning: fields the schema does not declare are dropped (unless
 *   `x-kubernetes-preserve-unknown-fields`), and reported for `fieldValidation` as
 *   `unknown field "spec.foo"` (embedded resources keep apiVersion/kind/metadata);
 * - defaulting: `default` values fill absent fields;
 * - validation: type, required, enum, pattern, minimum/maximum, length and item limits,
 *   uniqueItems, int-or-string, nullable, with the messages the kube-openapi validator
 *   produces after `apiextensions` turns them into field errors ("spec.replicas in body must
 *   be of type integer: \"string\"", "... should be greater than or equal to 0").
 * CEL rules (`x-kubernetes-validations`) are not evaluated.
 */
import type { JSONSchemaProps as BaseSchemaProps } from "kubernetes-types/apiextensions/v1";
import {
  duplicate,
  type FieldErrorList,
  FieldPath,
  invalid,
  notSupported,
  required,
  tooLong,
  tooMany,
} from "../field-errors";
import type { JsonValue } from "../types";

/** `JSONSchemaProps` with the Kubernetes extensions (kubernetes-types spells them in camelCase only). */
export type JSONSchemaProps = Omit<BaseSchemaProps, "properties" | "items" | "additionalProperties"> & {
  properties?: Record<string, JSONSchemaProps>;
  items?: JSONSchemaProps;
  additionalProperties?: JSONSchemaProps | boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: string[];
};

type Obj = Record<string, JsonValue>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (typeof v === "boolean") return "boolean";
  return typeof v;
}

function matchesType(v: unknown, type: string | undefined): boolean {
  switch (type) {
    case undefined:
    case "":
      return true;
    case "object":
      return isObj(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number";
    case "boolean":
      return typeof v === "boolean";
    default:
      return true;
  }
}

/** Go's %q-like rendering of the value in type messages. */
function quoted(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : JSON.stringify(JSON.stringify(v) ?? "null");
}

function child(path: FieldPath | null, name: string): FieldPath {
  return path === null ? FieldPath.root(name) : path.child(name);
}

/**
 * Validates a value against a schema; `path` is where it sits (null at the root).
 * Returns field errors in the apiserver's form.
 */
export function validateAgainstStructuralSchema(
  value: unknown,
  schema: JSONSchemaProps,
  path: FieldPath | null = null,
): FieldErrorList {
  const errs: FieldErrorList = [];
  const where = path?.toString() ?? "";
  const body = where === "" ? "body" : `${where} in body`;
  const p = path ?? FieldPath.root("");
  if (value === null) {
    if (!schema.nullable && schema.type)
      errs.push(invalid(p, "null", `${body} must be of type ${schema.type}: "null"`));
    return errs;
  }
  if (schema["x-kubernetes-int-or-string"]) {
    if (!(typeof value === "string" || (typeof value === "number" && Number.isInteger(value)))) {
      errs.push(
        invalid(p, typeName(value), `${body} must be of type int-or-string: ${quoted(typeName(value))}`),
      );
      return errs;
    }
  } else if (!matchesType(value, schema.type)) {
    errs.push(
      invalid(p, typeName(value), `${body} must be of type ${schema.type}: ${quoted(typeName(value))}`),
    );
    return errs;
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errs.push(
      notSupported(
        p,
        value,
        schema.enum.map((e) => (typeof e === "string" ? e : JSON.stringify(e))),
      ),
    );
  }
  if (typeof value === "string") {
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength)
      errs.push(tooLong(p, schema.maxLength));
    if (schema.minLength !== undefined && [...value].length < schema.minLength) {
      errs.push(invalid(p, value, `${body} should be at least ${schema.minLength} chars long`));
    }
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) {
      errs.push(invalid(p, value, `${body} should match '${schema.pattern}'`));
    }
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined) {
      if (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum) {
        errs.push(
          invalid(
            p,
            value,
            `${body} should be greater than ${schema.exclusiveMinimum ? "" : "or equal to "}${schema.minimum}`,
          ),
        );
      }
    }
    if (schema.maximum !== undefined) {
      if (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum) {
        errs.push(
          invalid(
            p,
            value,
            `${body} should be less than ${schema.exclusiveMaximum ? "" : "or equal to "}${schema.maximum}`,
          ),
        );
      }
    }
    if (schema.multipleOf !== undefined && value % schema.multipleOf !== 0) {
      errs.push(invalid(p, value, `${body} should be a multiple of ${schema.multipleOf}`));
    }
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems)
      errs.push(tooMany(p, value.length, schema.maxItems));
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      errs.push(invalid(p, value.length, `${body} should have at least ${schema.minItems} items`));
    }
    if (schema.uniqueItems || schema["x-kubernetes-list-type"] === "set") {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        const k = JSON.stringify(item);
        if (seen.has(k)) errs.push(duplicate(p.index(i), item));
        seen.add(k);
      });
    }
    if (schema["x-kubernetes-list-type"] === "map") {
      const keys = schema["x-kubernetes-list-map-keys"] ?? [];
      const seen = new Set<string>();
      value.forEach((item, i) => {
        if (!isObj(item)) return;
        const k = JSON.stringify(keys.map((key) => item[key]));
        if (seen.has(k))
          errs.push(duplicate(p.index(i), Object.fromEntries(keys.map((key) => [key, item[key]]))));
        seen.add(k);
      });
    }
    const items = schema.items;
    if (items) {
      value.forEach((item, i) => {
        errs.push(...validateAgainstStructuralSchema(item, items, p.index(i)));
      });
    }
  }
  if (isObj(value)) {
    for (const r of schema.required ?? []) if (!(r in value)) errs.push(required(child(path, r)));
    if (schema.maxProperties !== undefined && Object.keys(value).length > schema.maxProperties) {
      errs.push(tooMany(p, Object.keys(value).length, schema.maxProperties));
    }
    if (schema.minProperties !== undefined && Object.keys(value).length < schema.minProperties) {
      errs.push(
        invalid(
          p,
          Object.keys(value).length,
          `${body} should have at least ${schema.minProperties} properties`,
        ),
      );
    }
    const props = schema.properties ?? {};
    for (const [k, v] of Object.entries(value)) {
      if (path === null && (k === "apiVersion" || k === "kind" || k === "metadata")) continue;
      const ps = props[k] ?? (isObj(schema.additionalProperties) ? schema.additionalProperties : undefined);
      if (ps)
        errs.push(
          ...validateAgainstStructuralSchema(
            v,
            ps,
            path === null
              ? FieldPath.root(k)
              : isObj(schema.additionalProperties) && !props[k]
                ? p.key(k)
                : p.child(k),
          ),
        );
    }
  }
  return errs;
}

/** Fills `default`s into absent fields (apiextensions structural defaulting), in place. */
export function applyStructuralDefaults(value: JsonValue, schema: JSONSchemaProps): void {
  if (isObj(value)) {
    for (const [k, ps] of Object.entries(schema.properties ?? {})) {
      if (value[k] === undefined && ps.default !== undefined)
        value[k] = structuredClone(ps.default as JsonValue);
      if (value[k] !== undefined && value[k] !== null) applyStructuralDefaults(value[k]!, ps);
    }
    if (isObj(schema.additionalProperties)) {
      for (const [k, v] of Object.entries(value)) {
        if (!schema.properties?.[k] && v !== null)
          applyStructuralDefaults(v, schema.additionalProperties as JSONSchemaProps);
      }
    }
  } else if (Array.isArray(value) && schema.items) {
    for (const item of value) if (item !== null) applyStructuralDefaults(item, schema.items);
  }
}

/**
 * Prunes fields the schema does not declare (in place) and returns their paths, as
 * `unknown field` reports name them ("spec.foo", "spec.ports[0].bar").
 */
export function pruneUnknownFields(
  value: JsonValue,
  schema: JSONSchemaProps,
  isRoot = true,
  path = "",
): string[] {
  const unknown: string[] = [];
  if (isObj(value)) {
    if (schema["x-kubernetes-preserve-unknown-fields"] && !schema.properties) return unknown;
    const embedded = isRoot || schema["x-kubernetes-embedded-resource"] === true;
    for (const k of Object.keys(value)) {
      const childPath = path === "" ? k : `${path}.${k}`;
      if (embedded && (k === "apiVersion" || k === "kind" || k === "metadata")) continue;
      const ps =
        schema.properties?.[k] ??
        (isObj(schema.additionalProperties) ? schema.additionalProperties : undefined);
      if (!ps) {
        if (schema["x-kubernetes-preserve-unknown-fields"] || schema.additionalProperties === true) continue;
        unknown.push(childPath);
        delete value[k];
        continue;
      }
      unknown.push(...pruneUnknownFields(value[k]!, ps, false, childPath));
    }
  } else if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    value.forEach((item, i) => {
      unknown.push(...pruneUnknownFields(item, items, false, `${path}[${i}]`));
    });
  }
  return unknown;
}
