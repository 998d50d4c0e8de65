import type { CustomResourceDefinition } from "kubernetes-types/apiextensions/v1";
import { describe, expect, it } from "vitest";
import { formatFieldError } from "../field-errors";
import type { KubeObject } from "../types";
import { crdVersionSchema, decodeCustomResource, validateCustomResource } from "./custom-resource";

const crd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "crontabs.stable.example.com" },
  spec: {
    group: "stable.example.com",
    scope: "Namespaced",
    names: { plural: "crontabs", singular: "crontab", kind: "CronTab" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                required: ["cronSpec"],
                properties: {
                  cronSpec: { type: "string", pattern: "^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$" },
                  image: { type: "string", maxLength: 20 },
                  replicas: { type: "integer", minimum: 1, maximum: 10, default: 1 },
                  mode: { type: "string", enum: ["fast", "slow"] },
                  port: { "x-kubernetes-int-or-string": true },
                  extra: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
                  ports: {
                    type: "array",
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["containerPort"],
                    items: {
                      type: "object",
                      required: ["containerPort"],
                      properties: { containerPort: { type: "integer" } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
} as unknown as CustomResourceDefinition;

const schema = crdVersionSchema(crd, "v1");
const cr = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: "stable.example.com/v1",
  kind: "CronTab",
  metadata: { name: "my-cron", namespace: "default" },
  spec,
});

describe("custom resources", () => {
  it("prunes and reports unknown fields, keeps preserved ones, applies defaults", () => {
    const r = decodeCustomResource(
      cr({ cronSpec: "* * * * */5", bogus: 1, extra: { anything: true } }),
      schema,
    );
    expect(r.warnings).toEqual(['unknown field "spec.bogus"']);
    expect(r.object?.spec).toEqual({ cronSpec: "* * * * */5", extra: { anything: true }, replicas: 1 });
    const strict = decodeCustomResource(cr({ cronSpec: "* * * * */5", bogus: 1 }), schema, "Strict");
    expect(strict.status?.message).toBe(
      'CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.bogus"',
    );
  });

  it("validates with the apiextensions messages", () => {
    const obj = cr({
      image: "a-very-long-image-name-indeed",
      replicas: "3",
      mode: "medium",
      port: true,
      ports: [{ containerPort: 1 }, { containerPort: 1 }],
    });
    expect(validateCustomResource(obj, schema, true).map(formatFieldError)).toEqual([
      "spec.cronSpec: Required value",
      "spec.image: Too long: may not be more than 20 bytes",
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      'spec.mode: Unsupported value: "medium": supported values: "fast", "slow"',
      'spec.port: Invalid value: "boolean": spec.port in body must be of type int-or-string: "boolean"',
      'spec.ports[1]: Duplicate value: {"containerPort":1}',
    ]);
    expect(
      validateCustomResource(cr({ cronSpec: "bad", replicas: 0 }), schema, true).map(formatFieldError),
    ).toEqual([
      `spec.cronSpec: Invalid value: "bad": spec.cronSpec in body should match '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'`,
      "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
    ]);
    expect(validateCustomResource(cr({ cronSpec: "* * * * *" }), schema, true)).toEqual([]);
  });
});
