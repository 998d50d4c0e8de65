/**
 * The write pipeline as a client sees it: decode (fieldValidation, duplicate fields in a raw
 * JSON body), defaulting, the strategies' semantic validation with the real 422 texts, update
 * rules, and the guarantee that a rejected write changes nothing in etcd.
 */
import { describe, expect, it } from "vitest";
import type { KubeObject, Status } from "../api/types";
import type { ApiResponse } from "./http";
import { ControlPlaneHarness } from "./testing";

const DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";

const deployment = (name: string, replicas: number): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: "nginx", image: "nginx" }] },
    },
  },
});

function boot(): ControlPlaneHarness {
  const h = new ControlPlaneHarness({ seed: 7 }).boot();
  h.sim.advanceBy(1000); // the last bootstrap writes land
  return h;
}

function etcdRevision(h: ControlPlaneHarness): number {
  return h.sim.componentState<{ store: { revision: number } }>("etcd-0").store.revision;
}

function status(r: ApiResponse): Status {
  return r.body as Status;
}

/** Runs `write` and checks that it was refused with `code` and left etcd and watchers untouched. */
function expectNothingWritten(
  h: ControlPlaneHarness,
  collection: string,
  write: () => ApiResponse,
  code: number,
) {
  const watch = h.send("GET", collection, {
    query: { watch: "true", resourceVersion: String(etcdRevision(h)) },
  });
  expect(h.await(watch).code).toBe(200);
  const before = etcdRevision(h);
  const r = write();
  expect(r.code).toBe(code);
  h.sim.advanceBy(50);
  expect(etcdRevision(h)).toBe(before);
  expect(h.events(watch)).toEqual([]);
  return r;
}

describe("kube-apiserver write pipeline", () => {
  it("answers an invalid Deployment with the real 422 Status and writes nothing", () => {
    const h = boot();
    const r = expectNothingWritten(
      h,
      DEPLOYMENTS,
      () => h.request("POST", DEPLOYMENTS, { body: deployment("web", -1) }),
      422,
    );
    expect(r.body).toEqual({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message:
        'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      reason: "Invalid",
      details: {
        name: "web",
        group: "apps",
        kind: "Deployment",
        causes: [
          {
            reason: "FieldValueInvalid",
            message: "Invalid value: -1: must be greater than or equal to 0",
            field: "spec.replicas",
          },
        ],
      },
      code: 422,
    });
    expect(h.request("GET", `${DEPLOYMENTS}/web`).code).toBe(404);
  });

  it("reports several causes in the aggregated form, for several kinds", () => {
    const h = boot();
    const sts = h.request("POST", "/apis/apps/v1/namespaces/default/statefulsets", {
      body: {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "db" },
        spec: {
          replicas: -2,
          selector: { matchLabels: { app: "db" } },
          template: {
            metadata: { labels: { app: "other" } },
            spec: { containers: [{ name: "c", image: "i" }] },
          },
        },
      },
    });
    expect(sts.code).toBe(422);
    expect(status(sts).message).toBe(
      'StatefulSet.apps "db" is invalid: [spec.replicas: Invalid value: -2: must be greater than or equal to 0, spec.template.metadata.labels: Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`]',
    );
    expect(status(sts).details?.causes?.map((c) => c.field)).toEqual([
      "spec.replicas",
      "spec.template.metadata.labels",
    ]);
    const svc = h.request("POST", "/api/v1/namespaces/default/services", {
      body: { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { ports: [{ port: 0 }] } },
    });
    expect(status(svc).message).toBe(
      'Service "web" is invalid: [spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive]',
    );
    const cm = h.request("POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { "a b": "x" } },
    });
    expect(status(cm).message).toBe(
      `ConfigMap "c" is invalid: data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    );
    // Pod validation runs after admission (ServiceAccount), as in the real handler chain.
    h.request("POST", "/api/v1/namespaces/default/serviceaccounts", {
      body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } },
    });
    const pod = h.request("POST", "/api/v1/namespaces/default/pods", {
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p" },
        spec: { containers: [{ name: "Bad_Name" }] },
      },
    });
    expect(pod.code).toBe(422);
    expect(status(pod).details?.causes).toEqual([
      {
        reason: "FieldValueInvalid",
        message: expect.stringMatching(
          /^Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of/,
        ),
        field: "spec.containers[0].name",
      },
      { reason: "FieldValueRequired", message: "Required value", field: "spec.containers[0].image" },
    ]);
    expect(status(pod).message).toMatch(
      /^Pod "p" is invalid: \[spec\.containers\[0\]\.name: Invalid value: /,
    );
  });

  it("applies the update rules (immutable selector) and leaves the object as it was", () => {
    const h = boot();
    const d = h.request("POST", DEPLOYMENTS, { body: deployment("web", 1) }).body as KubeObject;
    const moved = {
      ...d,
      spec: {
        ...d.spec,
        selector: { matchLabels: { app: "other" } },
        template: { ...d.spec.template, metadata: { labels: { app: "other" } } },
      },
    };
    const r = expectNothingWritten(
      h,
      DEPLOYMENTS,
      () => h.request("PUT", `${DEPLOYMENTS}/web`, { body: moved }),
      422,
    );
    expect(status(r).message).toBe(
      'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
    const now = h.request("GET", `${DEPLOYMENTS}/web`).body as KubeObject;
    expect(now.metadata.resourceVersion).toBe(d.metadata.resourceVersion);
    expect(now.spec.selector).toEqual({ matchLabels: { app: "web" } });
  });

  it("validates the result of a patch and writes nothing when it is invalid", () => {
    const h = boot();
    const d = h.request("POST", DEPLOYMENTS, { body: deployment("web", 1) }).body as KubeObject;
    const r = expectNothingWritten(
      h,
      DEPLOYMENTS,
      () =>
        h.request("PATCH", `${DEPLOYMENTS}/web`, {
          body: { spec: { replicas: -1 } },
          contentType: "application/merge-patch+json",
        }),
      422,
    );
    expect(status(r).message).toBe(
      'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
    const now = h.request("GET", `${DEPLOYMENTS}/web`).body as KubeObject;
    expect(now.metadata.resourceVersion).toBe(d.metadata.resourceVersion);
    expect(now.spec.replicas).toBe(1);
  });

  it("honours fieldValidation with duplicate fields from a raw JSON body, and warns by default", () => {
    const h = boot();
    const raw =
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"x"},"spec":{"replicas":1,"replicas":2,"foo":1,' +
      '"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}';
    const strict = expectNothingWritten(
      h,
      DEPLOYMENTS,
      () => h.request("POST", DEPLOYMENTS, { body: raw, query: { fieldValidation: "Strict" } }),
      400,
    );
    expect(status(strict)).toMatchObject({
      reason: "BadRequest",
      message:
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: duplicate field "spec.replicas", unknown field "spec.foo"',
    });
    const warned = h.request("POST", DEPLOYMENTS, { body: raw });
    expect(warned.code).toBe(201);
    expect(warned.warnings).toEqual(['duplicate field "spec.replicas"', 'unknown field "spec.foo"']);
    // The last duplicate wins, as in Go's decoder.
    expect((warned.body as KubeObject).spec.replicas).toBe(2);
    const ignored = h.request("POST", DEPLOYMENTS, {
      body: raw.replace('"name":"x"', '"name":"y"'),
      query: { fieldValidation: "Ignore" },
    });
    expect(ignored.code).toBe(201);
    expect(ignored.warnings).toBeUndefined();
    const bad = h.request("POST", DEPLOYMENTS, {
      body: deployment("z", 1),
      query: { fieldValidation: "Loud" },
    });
    expect(bad.code).toBe(422);
    expect(status(bad).message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn"',
    );
  });

  it("answers malformed JSON as Go's decoder does", () => {
    const h = boot();
    const cases: [string, string][] = [
      ['{"apiVersion": "v1", x}', "invalid character 'x' looking for beginning of object key string"],
      ['{"kind" "ConfigMap"}', "invalid character '\"' after object key"],
      ['{"kind": "ConfigMap"}}', "invalid character '}' after top-level value"],
      ['{"kind": tru}', "invalid character '}' in literal true (expecting 'e')"],
      ['{"kind": ', "unexpected end of JSON input"],
    ];
    for (const [body, err] of cases) {
      const r = h.request("POST", "/api/v1/namespaces/default/configmaps", { body });
      expect(r.code).toBe(400);
      expect(status(r).message).toBe(`couldn't get version/kind; json parse error: ${err}`);
    }
  });

  it("generates a Job's selector and labels as the Job strategy does", () => {
    const h = boot();
    const r = h.request("POST", "/apis/batch/v1/namespaces/default/jobs", {
      body: {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "pi" },
        spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "pi", image: "perl" }] } } },
      },
    });
    expect(r.code).toBe(201);
    const job = r.body as KubeObject;
    const uid = job.metadata.uid!;
    expect(job.spec.selector).toEqual({ matchLabels: { "batch.kubernetes.io/controller-uid": uid } });
    expect(job.spec.template.metadata.labels).toEqual({
      "job-name": "pi",
      "batch.kubernetes.io/job-name": "pi",
      "controller-uid": uid,
      "batch.kubernetes.io/controller-uid": uid,
    });
  });

  it("validates custom resources against their CRD's schema", () => {
    const h = boot();
    h.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
      body: {
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
                      properties: { replicas: { type: "integer", minimum: 0 }, cronSpec: { type: "string" } },
                    },
                  },
                },
              },
            },
          ],
        },
      },
    });
    h.sim.advanceBy(20);
    const path = "/apis/stable.example.com/v1/namespaces/default/crontabs";
    const r = expectNothingWritten(
      h,
      path,
      () =>
        h.request("POST", path, {
          body: {
            apiVersion: "stable.example.com/v1",
            kind: "CronTab",
            metadata: { name: "c" },
            spec: { replicas: -1 },
          },
        }),
      422,
    );
    expect(status(r).message).toBe(
      'CronTab.stable.example.com "c" is invalid: spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0',
    );
    const pruned = h.request("POST", path, {
      body: {
        apiVersion: "stable.example.com/v1",
        kind: "CronTab",
        metadata: { name: "d" },
        spec: { extra: 1 },
      },
    });
    expect(pruned.code).toBe(201);
    expect(pruned.warnings).toEqual(['unknown field "spec.extra"']);
    expect((pruned.body as KubeObject).spec).toEqual({});
  });

  it("runs a dry run through validation and admission without writing", () => {
    const h = boot();
    const ok = expectNothingWritten(
      h,
      DEPLOYMENTS,
      () => h.request("POST", DEPLOYMENTS, { body: deployment("web", 2), query: { dryRun: "All" } }),
      201,
    );
    expect((ok.body as KubeObject).metadata.uid).toBeDefined();
    expect((ok.body as KubeObject).metadata.resourceVersion).toBeUndefined();
    expect(h.request("GET", `${DEPLOYMENTS}/web`).code).toBe(404);
    const invalid = h.request("POST", DEPLOYMENTS, { body: deployment("web", -1), query: { dryRun: "All" } });
    expect(invalid.code).toBe(422);
    const badValue = h.request("POST", DEPLOYMENTS, {
      body: deployment("web", 1),
      query: { dryRun: "Some" },
    });
    expect(status(badValue).message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"',
    );
  });
});
