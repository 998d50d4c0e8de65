import { describe, expect, it } from "vitest";
import { decodeObject, knownFieldsAt } from "./decode";
import { scanJsonKeys } from "./json-keys";
import { validateAgainstSchema } from "./schema-validation";
import { goTypeName, rootStructType } from "./type-model";

// biome-ignore lint/suspicious/noExplicitAny: tests poke into unstructured objects
type Loose = any;

const deployment = () => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", labels: { app: "web" } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] },
    },
  },
});

describe("type model", () => {
  it("knows the v1.32 structs", () => {
    const st = rootStructType("apps", "v1", "Deployment")!;
    expect(st.goName).toBe("Deployment");
    expect([...st.fields.keys()]).toEqual(["apiVersion", "kind", "metadata", "spec", "status"]);
    expect(rootStructType("", "v1", "Event")?.name).toBe("CoreV1Event");
    expect(rootStructType("events.k8s.io", "v1", "Event")?.name).toBe("EventsV1Event");
    expect(rootStructType("autoscaling", "v2", "HorizontalPodAutoscaler")?.goPackage).toBe("v2");
    expect(goTypeName({ kind: "array", items: { kind: "struct", type: "V1Container" } })).toBe(
      "[]v1.Container",
    );
    expect(knownFieldsAt("apps", "v1", "Deployment", "spec.template.spec.containers")).toContain(
      "imagePullPolicy",
    );
  });
});

describe("decoding", () => {
  it("passes a valid object through untouched", () => {
    const d = deployment();
    const r = decodeObject(d);
    expect(r.status).toBeUndefined();
    expect(r.object).toBe(d);
    expect(r.warnings).toEqual([]);
  });

  it("fails wrong JSON types with the Go decoder's message", () => {
    const d = deployment() as Loose;
    d.spec.replicas = "3";
    expect(decodeObject(d).status).toMatchObject({
      code: 400,
      reason: "BadRequest",
      message:
        'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    });
    const p = deployment() as Loose;
    p.spec.template.spec.containers[0].ports[0].containerPort = 1.5;
    expect(decodeObject(p).status?.message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32',
    );
    const l = deployment() as Loose;
    l.metadata.labels.app = 5;
    expect(decodeObject(l).status?.message).toContain(
      "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string",
    );
    const q = deployment() as Loose;
    q.spec.template.spec.containers[0].resources = { limits: { cpu: "lots" } };
    expect(decodeObject(q).status?.message).toBe(
      "Deployment in version \"v1\" cannot be handled as a Deployment: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });

  it("reports unknown and duplicate fields by fieldValidation, in document order", () => {
    const raw = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"a","name":"b","unknownMeta":"x"},
      "spec":{"unknown1":"v","unknownDupe":1,"unknownDupe":2,"paused":true,"paused":false,
      "selector":{"matchLabels":{"app":"nginx"}},
      "template":{"metadata":{"labels":{"app":"nginx"}},"spec":{"containers":[{"name":"nginx","image":"nginx",
      "unknownNested":"v","imagePullPolicy":"Always","imagePullPolicy":"Never"}]}}}}`;
    const body = JSON.parse(raw);
    const strict = decodeObject(body, { fieldValidation: "Strict", rawJson: raw });
    expect(strict.status?.message).toBe(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: duplicate field "metadata.name", unknown field "metadata.unknownMeta", unknown field "spec.unknown1", unknown field "spec.unknownDupe", duplicate field "spec.paused", unknown field "spec.template.spec.containers[0].unknownNested", duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
    );
    const warn = decodeObject(body, { rawJson: raw });
    expect(warn.status).toBeUndefined();
    expect(warn.warnings).toHaveLength(7);
    expect(warn.object?.spec.unknown1).toBeUndefined();
    expect(warn.object?.spec.template.spec.containers[0]).toEqual({
      name: "nginx",
      image: "nginx",
      imagePullPolicy: "Never",
    });
    // The caller's object is left alone.
    expect(body.spec.unknown1).toBe("v");
    const ignore = decodeObject(body, { fieldValidation: "Ignore", rawJson: raw });
    expect(ignore.warnings).toEqual([]);
    expect(ignore.object?.metadata).toEqual({ name: "b" });
  });

  it("refuses bodies without a usable kind, as the universal deserializer does", () => {
    expect(decodeObject({ apiVersion: "v1", metadata: {} }).status?.message).toBe(
      `Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{}}'`,
    );
    expect(decodeObject({ apiVersion: ["v1"], kind: "Pod" }).status?.message).toBe(
      "couldn't get version/kind; json parse error: json: cannot unmarshal array into Go struct field .apiVersion of type string",
    );
  });

  it("decodes null list items and map values to zero values", () => {
    const d = deployment() as Loose;
    d.metadata.labels.app = null;
    d.spec.template.spec.containers.push(null);
    const out = decodeObject(d).object as Loose;
    expect(out.metadata.labels.app).toBe("");
    expect(out.spec.template.spec.containers[1]).toEqual({});
  });

  it("drops nulls as the Go struct does", () => {
    const d = deployment() as Loose;
    d.spec.strategy = null;
    expect("strategy" in decodeObject(d).object!.spec).toBe(false);
  });

  it("scans keys of raw JSON", () => {
    expect(scanJsonKeys('{"a":{"b":[{"c":1,"c":2}]},"a":3}')).toEqual([
      { path: "a", duplicate: false },
      { path: "a.b", duplicate: false },
      { path: "a.b[0].c", duplicate: false },
      { path: "a.b[0].c", duplicate: true },
      { path: "a", duplicate: true },
    ]);
  });
});

describe("OpenAPI schema validation", () => {
  it("accepts a valid object", () => {
    expect(validateAgainstSchema(deployment())).toEqual([]);
  });

  it("reports required fields and enums as field errors", () => {
    const d = deployment() as Loose;
    delete d.spec.selector;
    d.spec.strategy = { type: "Foo" };
    d.spec.template.spec.containers[0].imagePullPolicy = "Sometimes";
    delete d.spec.template.spec.containers[0].name;
    const errs = validateAgainstSchema(d);
    expect(errs.map((e) => `${e.field}|${e.type}`)).toEqual([
      "spec.selector|FieldValueRequired",
      "spec.strategy.type|FieldValueNotSupported",
      "spec.template.spec.containers[0].name|FieldValueRequired",
      "spec.template.spec.containers[0].imagePullPolicy|FieldValueNotSupported",
    ]);
    expect(errs[1]?.detail).toBe('supported values: "Recreate", "RollingUpdate"');
    expect(errs[1]?.badValue).toBe("Foo");
  });

  it("covers the other common kinds", () => {
    expect(
      validateAgainstSchema({
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "s" },
        spec: { type: "Bogus" },
      }),
    ).toHaveLength(1);
    expect(
      validateAgainstSchema({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, spec: {} }),
    ).toEqual([expect.objectContaining({ field: "spec.template", type: "FieldValueRequired" })]);
  });
});
