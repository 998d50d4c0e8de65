import { describe, expect, it } from "vitest";
import { applyDefaults } from "../defaults";
import { aggregateFieldErrors, formatFieldError } from "../field-errors";
import type { KubeObject } from "../types";
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from "./names";
import { invalidStatus, validateObject, validateObjectUpdate } from "./validate-object";

const deployment = (): KubeObject =>
  applyDefaults({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default" },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image: "nginx:1.27", ports: [{ containerPort: 80 }] }] },
      },
    },
  }) as KubeObject;

const messages = (obj: KubeObject) => validateObject(obj).map(formatFieldError);

describe("name validators", () => {
  it("use apimachinery's wording", () => {
    expect(isDNS1123Subdomain("Web")).toEqual([
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
    expect(isDNS1123Label("a.b")).toEqual(["must not contain dots"]);
    expect(isQualifiedName("example.com/")).toEqual([
      "name part must be non-empty",
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
  });
});

describe("validateObject", () => {
  it("accepts a valid defaulted Deployment", () => {
    expect(validateObject(deployment())).toEqual([]);
  });

  it("reports negative replicas with the real text (the 422 of issue 3 done-when 6)", () => {
    const d = deployment();
    d.spec.replicas = -1;
    const status = invalidStatus(d, validateObject(d))!;
    expect(status.code).toBe(422);
    expect(status.message).toBe(
      'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
    expect(status.details?.causes).toEqual([
      {
        reason: "FieldValueInvalid",
        message: "Invalid value: -1: must be greater than or equal to 0",
        field: "spec.replicas",
      },
    ]);
  });

  it("checks the selector against template labels", () => {
    const d = deployment();
    d.spec.template.metadata.labels = { app: "check-out" };
    expect(messages(d)).toEqual([
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"check-out"}: `selector` does not match template `labels`',
    ]);
    d.spec.selector = {};
    expect(messages(d)).toContain(
      "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
    );
  });

  it("checks containers: names, duplicates, images, ports, pull policy, resources", () => {
    const d = deployment();
    d.spec.template.spec.containers = [
      { ...d.spec.template.spec.containers[0] },
      {
        ...d.spec.template.spec.containers[0],
        image: "",
        ports: [{ containerPort: 70000, protocol: "TCP" }],
      },
      { ...d.spec.template.spec.containers[0], name: "Side_car", imagePullPolicy: "Sometimes" },
      {
        ...d.spec.template.spec.containers[0],
        name: "res",
        resources: { limits: { cpu: "1" }, requests: { cpu: "2" } },
      },
    ];
    const m = messages(d);
    expect(m).toContain('spec.template.spec.containers[1].name: Duplicate value: "web"');
    expect(m).toContain("spec.template.spec.containers[1].image: Required value");
    expect(m).toContain(
      "spec.template.spec.containers[1].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
    );
    expect(
      m.some((x) =>
        x.startsWith(
          'spec.template.spec.containers[2].name: Invalid value: "Side_car": a lowercase RFC 1123 label',
        ),
      ),
    ).toBe(true);
    expect(m).toContain(
      'spec.template.spec.containers[2].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
    );
    expect(m).toContain(
      'spec.template.spec.containers[3].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    );
    // Schema and semantic rules both know imagePullPolicy: reported once.
    expect(m.filter((x) => x.includes("imagePullPolicy"))).toHaveLength(1);
  });

  it("checks metadata: names, namespace scope, labels", () => {
    const d = deployment();
    d.metadata = { name: "Web", labels: { "bad key": "x" } };
    const m = messages(d);
    expect(m[0]).toMatch(/^metadata\.name: Invalid value: "Web": a lowercase RFC 1123 subdomain/);
    expect(m).toContain("metadata.namespace: Required value");
    expect(
      m.some((x) => x.startsWith('metadata.labels: Invalid value: "bad key": name part must consist')),
    ).toBe(true);
    const ns = applyDefaults({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "dev", namespace: "x" },
    }) as KubeObject;
    expect(messages(ns)).toEqual(["metadata.namespace: Forbidden: not allowed on this type"]);
    const noName = { apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "default" } } as KubeObject;
    expect(messages(noName)).toEqual(["metadata.name: Required value: name or generateName is required"]);
  });

  it("jobs need OnFailure or Never", () => {
    const job = applyDefaults({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "pi", namespace: "default" },
      spec: {
        selector: { matchLabels: { a: "b" } },
        template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "pi", image: "perl" }] } },
      },
    }) as KubeObject;
    expect(messages(job)).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ]);
  });

  it("services, configmaps, cronjobs", () => {
    const svc = applyDefaults({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace: "default" },
      spec: { ports: [{ port: 80 }, { port: 443 }] },
    }) as KubeObject;
    expect(messages(svc)).toEqual([
      "spec.ports[0].name: Required value",
      "spec.ports[1].name: Required value",
    ]);
    const cm = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", namespace: "d" },
      data: { "a b": "x" },
    } as KubeObject;
    expect(messages(cm)[0]).toMatch(/^data\[a b\]: Invalid value: "a b": a valid config key must consist/);
    const cj = applyDefaults({
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "c", namespace: "d" },
      spec: {
        schedule: "* * *",
        jobTemplate: {
          spec: {
            template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } },
          },
        },
      },
    }) as KubeObject;
    expect(messages(cj)).toEqual([
      'spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]',
    ]);
  });
});

describe("validateObjectUpdate", () => {
  it("keeps the Deployment selector immutable", () => {
    const old = deployment();
    const upd = deployment();
    upd.spec.selector = { matchLabels: { app: "web2" } };
    upd.spec.template.metadata.labels = { app: "web2" };
    expect(validateObjectUpdate(upd, old).map(formatFieldError)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });

  it("forbids pod spec changes other than images", () => {
    const pod = applyDefaults({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "default" },
      spec: { containers: [{ name: "c", image: "nginx:1" }] },
    }) as KubeObject;
    const img = structuredClone(pod);
    img.spec.containers[0].image = "nginx:2";
    expect(validateObjectUpdate(img, pod)).toEqual([]);
    const port = structuredClone(pod);
    port.spec.containers[0].ports = [{ containerPort: 80, protocol: "TCP" }];
    expect(aggregateFieldErrors(validateObjectUpdate(port, pod))).toMatch(
      /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/,
    );
  });

  it("keeps names immutable", () => {
    const old = deployment();
    const upd = deployment();
    upd.metadata.name = "other";
    expect(validateObjectUpdate(upd, old).map(formatFieldError)).toEqual([
      'metadata.name: Invalid value: "other": field is immutable',
    ]);
  });
});

describe("cluster-scoped and RBAC kinds", () => {
  it("bindings, taints, leases and priority classes", () => {
    const rb = applyDefaults({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "rb", namespace: "default" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "r" },
      subjects: [{ kind: "User", name: "jane" }],
    }) as KubeObject;
    expect(validateObject(rb)).toEqual([]);
    const changed = structuredClone(rb);
    changed.roleRef.name = "other";
    expect(validateObjectUpdate(changed, rb).map(formatFieldError)).toEqual([
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef',
    ]);
    const crb = {
      ...structuredClone(rb),
      kind: "ClusterRoleBinding",
      metadata: { name: "crb" },
    } as KubeObject;
    expect(messages(crb)).toEqual([
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    ]);
    const node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n1" },
      spec: { taints: [{ key: "a", effect: "Sometimes" }] },
    } as KubeObject;
    expect(messages(node)).toEqual([
      'spec.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ]);
    const pc = applyDefaults({
      apiVersion: "scheduling.k8s.io/v1",
      kind: "PriorityClass",
      metadata: { name: "system-mine" },
      value: 5,
    }) as KubeObject;
    expect(messages(pc)).toEqual([
      "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved",
    ]);
  });
});
