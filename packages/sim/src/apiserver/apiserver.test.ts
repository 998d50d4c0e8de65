import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { KubeObject } from "../api/types";
import { Simulation } from "../core/simulation";
import { EtcdErrors } from "../etcd/errors";
import { controlPlaneBehaviors } from "./control-plane";
import { ControlPlaneHarness } from "./testing";

const deployment = (name: string, replicas = 1): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: "nginx", image: "nginx" }] },
    },
  },
});

const pod = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, labels: { app: "web" } },
  spec: { containers: [{ name: "c", image: "nginx:1.27" }], ...extra },
});

const serviceAccount = (ns: string) => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name: "default", namespace: ns },
});

function boot(seed = 1, spec = {}): ControlPlaneHarness {
  return new ControlPlaneHarness({ seed, spec }).boot();
}

describe("kube-apiserver", () => {
  it("boots on etcd and creates the default namespaces and system PriorityClasses", () => {
    const h = boot();
    const r = h.request("GET", "/api/v1/namespaces");
    expect(r.code).toBe(200);
    const list = r.body as { kind: string; metadata: { resourceVersion: string }; items: KubeObject[] };
    expect(list.kind).toBe("NamespaceList");
    expect(list.items.map((n) => n.metadata.name).sort()).toEqual([
      "default",
      "kube-node-lease",
      "kube-public",
      "kube-system",
    ]);
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThan(1);
    const pc = h.request("GET", "/apis/scheduling.k8s.io/v1/priorityclasses/system-node-critical");
    expect(pc.body).toMatchObject({ kind: "PriorityClass", value: 2000001000 });
  });

  it("creates, gets and lists a Deployment with uid, creationTimestamp, generation and resourceVersion", () => {
    const h = boot();
    const created = h.request("POST", "/apis/apps/v1/namespaces/default/deployments", {
      body: deployment("web"),
    });
    expect(created.code).toBe(201);
    const obj = created.body as KubeObject;
    expect(obj.metadata).toMatchObject({ name: "web", namespace: "default", generation: 1 });
    expect(obj.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(obj.metadata.creationTimestamp).toMatch(/^2025-01-01T00:00:0\dZ$/);
    const got = h.request("GET", "/apis/apps/v1/namespaces/default/deployments/web");
    expect(got.code).toBe(200);
    expect((got.body as KubeObject).metadata.resourceVersion).toBe(obj.metadata.resourceVersion);
    const list = h.request("GET", "/apis/apps/v1/namespaces/default/deployments");
    expect((list.body as { items: KubeObject[] }).items.map((d) => d.metadata.name)).toEqual(["web"]);
    const again = h.request("POST", "/apis/apps/v1/namespaces/default/deployments", {
      body: deployment("web"),
    });
    expect(again.code).toBe(409);
    expect(again.body).toMatchObject({
      reason: "AlreadyExists",
      message: 'deployments.apps "web" already exists',
    });
  });

  it("answers a stale resourceVersion with 409 Conflict and the real message", () => {
    const h = boot();
    const created = h.request("POST", "/apis/apps/v1/namespaces/default/deployments", {
      body: deployment("web"),
    }).body as KubeObject;
    const v1 = { ...created, spec: { ...created.spec, replicas: 2 } };
    const ok = h.request("PUT", "/apis/apps/v1/namespaces/default/deployments/web", { body: v1 });
    expect(ok.code).toBe(200);
    expect((ok.body as KubeObject).metadata.generation).toBe(2);
    const stale = h.request("PUT", "/apis/apps/v1/namespaces/default/deployments/web", {
      body: { ...created, spec: { ...created.spec, replicas: 5 } },
    });
    expect(stale.code).toBe(409);
    expect(stale.body).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "Conflict",
      code: 409,
      message:
        'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    });
    const now = h.request("GET", "/apis/apps/v1/namespaces/default/deployments/web").body as KubeObject;
    expect(now.spec.replicas).toBe(2);
  });

  it("rejects an invalid name with 422 and field causes, and changes nothing", () => {
    const h = boot();
    const r = h.request("POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "Bad_Name" } },
    });
    expect(r.code).toBe(422);
    expect(r.body).toMatchObject({
      reason: "Invalid",
      details: { causes: [{ field: "metadata.name", reason: "FieldValueInvalid" }] },
    });
    expect((r.body as { message: string }).message).toMatch(
      /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
    const list = h.request("GET", "/api/v1/namespaces/default/configmaps");
    expect((list.body as { items: unknown[] }).items).toHaveLength(0);
  });

  it("admits pods: ServiceAccount token volume, default tolerations, priority, QoS, Pending", () => {
    const h = boot();
    const denied = h.request("POST", "/api/v1/namespaces/default/pods", { body: pod("p1") });
    expect(denied.code).toBe(403);
    expect((denied.body as { message: string }).message).toBe(
      'pods "p1" is forbidden: error looking up service account default/default: serviceaccount "default" not found',
    );
    expect(
      h.request("POST", "/api/v1/namespaces/default/serviceaccounts", { body: serviceAccount("default") })
        .code,
    ).toBe(201);
    const r = h.request("POST", "/api/v1/namespaces/default/pods", { body: pod("p1") });
    expect(r.code).toBe(201);
    const p = r.body as KubeObject;
    expect(p.spec.serviceAccountName).toBe("default");
    expect(p.spec.volumes[0].name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(p.spec.containers[0].volumeMounts[0]).toMatchObject({
      mountPath: "/var/run/secrets/kubernetes.io/serviceaccount",
      readOnly: true,
    });
    expect(p.spec.tolerations).toEqual([
      {
        key: "node.kubernetes.io/not-ready",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
      {
        key: "node.kubernetes.io/unreachable",
        operator: "Exists",
        effect: "NoExecute",
        tolerationSeconds: 300,
      },
    ]);
    expect(p.spec.priority).toBe(0);
    expect(p.status).toEqual({ phase: "Pending", qosClass: "BestEffort" });
  });

  it("refuses objects in a missing namespace and new objects in a terminating one", () => {
    const h = boot();
    const missing = h.request("POST", "/api/v1/namespaces/nope/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } },
    });
    expect(missing.code).toBe(404);
    expect((missing.body as { message: string }).message).toBe('namespaces "nope" not found');
    h.request("POST", "/api/v1/namespaces", {
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "team" } },
    });
    const del = h.request("DELETE", "/api/v1/namespaces/team");
    expect(del.code).toBe(200);
    expect((del.body as KubeObject).status.phase).toBe("Terminating");
    h.sim.advanceBy(50);
    const refused = h.request("POST", "/api/v1/namespaces/team/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } },
    });
    expect(refused.code).toBe(403);
    expect((refused.body as { message: string }).message).toBe(
      'configmaps "x" is forbidden: unable to create new content in namespace team because it is being terminated',
    );
    const immortal = h.request("DELETE", "/api/v1/namespaces/default");
    expect(immortal.code).toBe(403);
  });

  it("defaults, validates against the schema and warns about unknown fields", () => {
    const h = boot();
    const d = h.request("POST", "/apis/apps/v1/namespaces/default/deployments", { body: deployment("web") })
      .body as KubeObject;
    expect(d.spec.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
    });
    expect(d.spec.revisionHistoryLimit).toBe(10);
    expect(d.spec.progressDeadlineSeconds).toBe(600);
    expect(d.spec.template.spec.restartPolicy).toBe("Always");
    const noContainers = h.request("POST", "/apis/apps/v1/namespaces/default/deployments", {
      body: {
        ...deployment("bad"),
        spec: { ...deployment("bad").spec, template: { metadata: { labels: { app: "bad" } }, spec: {} } },
      },
    });
    expect(noContainers.code).toBe(422);
    expect(noContainers.body).toMatchObject({
      reason: "Invalid",
      details: { causes: [{ field: "spec.template.spec.containers" }] },
    });
    const warned = h.request("POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "w" }, dta: { a: "b" } },
    });
    expect(warned.code).toBe(201);
    expect(warned.warnings).toEqual(['unknown field "dta"']);
    const strict = h.request("POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "s" }, dta: { a: "b" } },
      query: { fieldValidation: "Strict" },
    });
    expect(strict.code).toBe(400);
  });

  it("patches with JSON merge, JSON and strategic merge patches", () => {
    const h = boot();
    h.request("POST", "/apis/apps/v1/namespaces/default/deployments", { body: deployment("web") });
    const merge = h.request("PATCH", "/apis/apps/v1/namespaces/default/deployments/web", {
      body: { spec: { replicas: 3 } },
      contentType: "application/merge-patch+json",
    });
    expect(merge.code).toBe(200);
    expect((merge.body as KubeObject).spec.replicas).toBe(3);
    expect((merge.body as KubeObject).metadata.generation).toBe(2);
    // Strategic merge: containers merge by name instead of replacing the list.
    const smp = h.request("PATCH", "/apis/apps/v1/namespaces/default/deployments/web", {
      body: { spec: { template: { spec: { containers: [{ name: "sidecar", image: "busybox" }] } } } },
      contentType: "application/strategic-merge-patch+json",
    });
    expect(smp.code).toBe(200);
    expect(
      (smp.body as KubeObject).spec.template.spec.containers.map((c: { name: string }) => c.name).sort(),
    ).toEqual(["nginx", "sidecar"]);
    const json = h.request("PATCH", "/apis/apps/v1/namespaces/default/deployments/web", {
      body: [{ op: "replace", path: "/spec/replicas", value: 1 }],
      contentType: "application/json-patch+json",
    });
    expect((json.body as KubeObject).spec.replicas).toBe(1);
    const failing = h.request("PATCH", "/apis/apps/v1/namespaces/default/deployments/web", {
      body: [{ op: "test", path: "/spec/replicas", value: 7 }],
      contentType: "application/json-patch+json",
    });
    expect(failing.code).toBe(422);
    const stale = h.request("PATCH", "/apis/apps/v1/namespaces/default/deployments/web", {
      body: { metadata: { resourceVersion: "2" }, spec: { replicas: 2 } },
      contentType: "application/merge-patch+json",
    });
    expect(stale.code).toBe(409);
    const scaled = h.request("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale", {
      body: { spec: { replicas: 5 } },
      contentType: "application/merge-patch+json",
    });
    expect(scaled.body).toMatchObject({ kind: "Scale", spec: { replicas: 5 } });
    const missing = h.request("PATCH", "/apis/apps/v1/namespaces/default/deployments/nope", {
      body: { spec: { replicas: 2 } },
      contentType: "application/merge-patch+json",
    });
    expect(missing.code).toBe(404);
    const unknownType = h.request("PATCH", "/apis/apps/v1/namespaces/default/deployments/web", {
      body: {},
      contentType: "text/plain",
    });
    expect(unknownType.code).toBe(415);
  });

  it("authorizes with RBAC: denies with the real message until a Role and RoleBinding allow", () => {
    const h = boot();
    const jane = { username: "jane", groups: ["developers"] };
    const denied = h.request("GET", "/api/v1/namespaces/default/pods", { user: jane });
    expect(denied.code).toBe(403);
    expect((denied.body as { message: string }).message).toBe(
      'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    const cluster = h.request("GET", "/api/v1/nodes", { user: jane });
    expect((cluster.body as { message: string }).message).toBe(
      'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope',
    );
    h.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", {
      body: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "pod-reader" },
        rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
      },
    });
    h.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", {
      body: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: "devs-read-pods" },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "developers" }],
      },
    });
    h.sim.advanceBy(20);
    expect(h.request("GET", "/api/v1/namespaces/default/pods", { user: jane }).code).toBe(200);
    expect(h.request("GET", "/api/v1/namespaces/kube-system/pods", { user: jane }).code).toBe(403);
    const del = h.request("DELETE", "/api/v1/namespaces/default/pods/x", { user: jane });
    expect((del.body as { message: string }).message).toBe(
      'pods "x" is forbidden: User "jane" cannot delete resource "pods" in API group "" in the namespace "default"',
    );
    expect(h.request("GET", "/version", { user: { username: "system:anonymous" } }).code).toBe(200);
    // The bootstrap policy: the scheduler reads nodes and binds pods; a kubelet (Node authorizer) writes pod status.
    const scheduler = { username: "system:kube-scheduler" };
    expect(h.request("GET", "/api/v1/nodes", { user: scheduler }).code).toBe(200);
    expect(
      h.request("POST", "/apis/apps/v1/namespaces/default/deployments", {
        user: scheduler,
        body: deployment("x"),
      }).code,
    ).toBe(403);
    const kubelet = { username: "system:node:node-1", groups: ["system:nodes"] };
    expect(h.request("GET", "/api/v1/pods", { user: kubelet }).code).toBe(200);
    expect(
      h.request("DELETE", "/apis/apps/v1/namespaces/default/deployments/x", { user: kubelet }).code,
    ).toBe(403);
    expect(h.request("GET", "/apis", { user: { username: "system:anonymous" } }).code).toBe(403);
  });

  it("enforces ResourceQuota on create with the real messages", () => {
    const h = boot();
    h.request("POST", "/api/v1/namespaces/default/serviceaccounts", { body: serviceAccount("default") });
    const q = h.request("POST", "/api/v1/namespaces/default/resourcequotas", {
      body: {
        apiVersion: "v1",
        kind: "ResourceQuota",
        metadata: { name: "compute" },
        spec: { hard: { pods: "2", "requests.cpu": "1" } },
      },
    });
    expect(q.code).toBe(201);
    h.sim.advanceBy(20);
    const noRequests = h.request("POST", "/api/v1/namespaces/default/pods", { body: pod("p0") });
    expect(noRequests.code).toBe(403);
    expect((noRequests.body as { message: string }).message).toBe(
      'pods "p0" is forbidden: failed quota: compute: must specify requests.cpu for: c',
    );
    const withCpu = (name: string, cpu: string) =>
      pod(name, { containers: [{ name: "c", image: "nginx:1.27", resources: { requests: { cpu } } }] });
    expect(h.request("POST", "/api/v1/namespaces/default/pods", { body: withCpu("p1", "400m") }).code).toBe(
      201,
    );
    expect(h.request("POST", "/api/v1/namespaces/default/pods", { body: withCpu("p2", "400m") }).code).toBe(
      201,
    );
    const third = h.request("POST", "/api/v1/namespaces/default/pods", { body: withCpu("p3", "100m") });
    expect(third.code).toBe(403);
    expect((third.body as { message: string }).message).toBe(
      'pods "p3" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2',
    );
    const quota = h.request("GET", "/api/v1/namespaces/default/resourcequotas/compute").body as KubeObject;
    expect(quota.status.used).toEqual({ pods: "2", "requests.cpu": "800m" });
  });

  it("serves custom resources once their CustomResourceDefinition exists", () => {
    const h = boot();
    const crd = h.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
      body: {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: "crontabs.stable.example.com" },
        spec: {
          group: "stable.example.com",
          scope: "Namespaced",
          names: { plural: "crontabs", singular: "crontab", kind: "CronTab", shortNames: ["ct"] },
          versions: [
            {
              name: "v1",
              served: true,
              storage: true,
              schema: {
                openAPIV3Schema: {
                  type: "object",
                  properties: { spec: { type: "object", properties: { cronSpec: { type: "string" } } } },
                },
              },
              subresources: { status: {} },
            },
          ],
        },
      },
    });
    expect(crd.code).toBe(201);
    h.sim.advanceBy(20);
    const created = h.request("POST", "/apis/stable.example.com/v1/namespaces/default/crontabs", {
      body: {
        apiVersion: "stable.example.com/v1",
        kind: "CronTab",
        metadata: { name: "every-minute" },
        spec: { cronSpec: "* * * * *" },
      },
    });
    expect(created.code).toBe(201);
    expect((created.body as KubeObject).metadata.generation).toBe(1);
    const list = h.request("GET", "/apis/stable.example.com/v1/namespaces/default/crontabs");
    expect(list.body).toMatchObject({
      kind: "CronTabList",
      items: [{ kind: "CronTab", metadata: { name: "every-minute" } }],
    });
    expect(h.request("GET", "/apis/stable.example.com/v1").code).toBe(200);
    const smp = h.request("PATCH", "/apis/stable.example.com/v1/namespaces/default/crontabs/every-minute", {
      body: { spec: { cronSpec: "*/5 * * * *" } },
      contentType: "application/strategic-merge-patch+json",
    });
    expect(smp.code).toBe(415);
  });

  it("stores Events with a one-hour etcd lease", () => {
    const h = boot();
    const ev = h.request("POST", "/api/v1/namespaces/default/events", {
      body: {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name: "web.1" },
        involvedObject: { kind: "Deployment", namespace: "default", name: "web", apiVersion: "apps/v1" },
        reason: "ScalingReplicaSet",
        message: "Scaled up replica set web-7d4b9c8f6 from 0 to 3",
        type: "Normal",
        source: { component: "deployment-controller" },
      },
    });
    expect(ev.code).toBe(201);
    expect(h.request("GET", "/api/v1/namespaces/default/events/web.1").code).toBe(200);
    // --event-ttl 1h (+ the 60 s lease reuse window): gone after that.
    h.sim.advanceBy(3_600_000 + 60_000 + 2_000);
    expect(h.request("GET", "/api/v1/namespaces/default/events/web.1").code).toBe(404);
  });

  it("deletes a collection by label selector", () => {
    const h = boot();
    for (const [name, tier] of [
      ["a", "web"],
      ["b", "web"],
      ["c", "db"],
    ] as const) {
      h.request("POST", "/api/v1/namespaces/default/configmaps", {
        body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name, labels: { tier } } },
      });
    }
    const r = h.request("DELETE", "/api/v1/namespaces/default/configmaps", {
      query: { labelSelector: "tier=web" },
    });
    expect(r.code).toBe(200);
    expect((r.body as { kind: string; items: KubeObject[] }).kind).toBe("ConfigMapList");
    expect((r.body as { items: KubeObject[] }).items.map((c) => c.metadata.name).sort()).toEqual(["a", "b"]);
    h.sim.advanceBy(20);
    const left = h.request("GET", "/api/v1/namespaces/default/configmaps");
    expect((left.body as { items: KubeObject[] }).items.map((c) => c.metadata.name)).toEqual(["c"]);
  });

  it("compacts etcd every 5 minutes, after which an old continue token expires", () => {
    const h = boot();
    for (let i = 0; i < 4; i++) {
      h.request("POST", "/api/v1/namespaces/default/configmaps", {
        body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `c${i}` } },
      });
    }
    const page = h.request("GET", "/api/v1/namespaces/default/configmaps", { query: { limit: "2" } });
    const token = (page.body as { metadata: { continue: string } }).metadata.continue;
    expect(token).toBeTruthy();
    // Later writes, then two compaction rounds: the second compacts to the revision seen by the first.
    h.request("POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "later" } },
    });
    h.sim.advanceBy(5 * 60_000 + 1000);
    h.request("POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "later2" } },
    });
    h.sim.advanceBy(5 * 60_000 + 1000);
    const compactRev = h.sim.componentState<{ store: { compactRevision: number } }>("etcd-0").store
      .compactRevision;
    expect(compactRev).toBeGreaterThan(0);
    const expired = h.request("GET", "/api/v1/namespaces/default/configmaps", {
      query: { limit: "2", continue: token },
    });
    expect(expired.code).toBe(410);
    expect(expired.body).toMatchObject({ reason: "Expired" });
    expect((expired.body as { message: string }).message).toMatch(
      /^The provided continue parameter is too old/,
    );
  });

  it("binds a pod to a node once, as the scheduler's binder does", () => {
    const h = boot();
    h.request("POST", "/api/v1/namespaces/default/serviceaccounts", { body: serviceAccount("default") });
    h.request("POST", "/api/v1/namespaces/default/pods", { body: pod("p") });
    const binding = (node: string) => ({
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name: "p", namespace: "default" },
      target: { apiVersion: "v1", kind: "Node", name: node },
    });
    const ok = h.request("POST", "/api/v1/namespaces/default/pods/p/binding", { body: binding("node-1") });
    expect(ok.code).toBe(201);
    expect(ok.body).toMatchObject({ kind: "Status", status: "Success", code: 201 });
    const p = h.request("GET", "/api/v1/namespaces/default/pods/p").body as KubeObject;
    expect(p.spec.nodeName).toBe("node-1");
    expect(p.status.conditions).toEqual([
      { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: expect.any(String) },
    ]);
    const again = h.request("POST", "/api/v1/namespaces/default/pods/p/binding", { body: binding("node-2") });
    expect(again.code).toBe(409);
    expect((again.body as { message: string }).message).toBe(
      'Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "node-1"',
    );
  });

  it("allocates ClusterIPs and NodePorts for Services, refusing taken ones", () => {
    const h = boot();
    const k8s = h.request("GET", "/api/v1/namespaces/default/services/kubernetes").body as KubeObject;
    expect(k8s.spec).toMatchObject({
      clusterIP: "10.96.0.1",
      ports: [{ name: "https", port: 443, targetPort: 6443 }],
    });
    const svc = (name: string, spec: Record<string, unknown>) => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name },
      spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
    });
    const web = h.request("POST", "/api/v1/namespaces/default/services", { body: svc("web", {}) })
      .body as KubeObject;
    expect(web.spec).toMatchObject({
      type: "ClusterIP",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
    });
    const ip = web.spec.clusterIP as string;
    expect(ip).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    expect(web.spec.clusterIPs).toEqual([ip]);
    const np = h.request("POST", "/api/v1/namespaces/default/services", {
      body: svc("np", { type: "NodePort" }),
    }).body as KubeObject;
    expect(np.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(np.spec.ports[0].nodePort).toBeLessThanOrEqual(32767);
    const taken = h.request("POST", "/api/v1/namespaces/default/services", {
      body: svc("dns", { clusterIP: "10.96.0.1" }),
    });
    expect(taken.code).toBe(422);
    expect((taken.body as { message: string }).message).toBe(
      'Service "dns" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: failed to allocate IP 10.96.0.1: provided IP is already allocated',
    );
    const dns = h.request("POST", "/api/v1/namespaces/default/services", {
      body: svc("kube-dns", { clusterIP: "10.96.0.10" }),
    });
    expect((dns.body as KubeObject).spec.clusterIP).toBe("10.96.0.10");
    // A later update that leaves clusterIP out keeps it.
    const { clusterIP: _ip, clusterIPs: _ips, ...specWithoutIP } = web.spec;
    const upd = h.request("PUT", "/api/v1/namespaces/default/services/web", {
      body: { ...web, spec: { ...specWithoutIP, ports: [{ port: 8080 }] } },
    });
    expect((upd.body as KubeObject).spec.clusterIP).toBe(ip);
  });

  it("publishes the live apiservers in the kubernetes Endpoints and drops a dead one after its lease", () => {
    const h = boot(2, { apiServers: 2 });
    h.sim.advanceBy(11_000);
    const ips = () =>
      (
        (h.request("GET", "/api/v1/namespaces/default/endpoints/kubernetes").body as KubeObject).subsets[0]
          .addresses as {
          ip: string;
        }[]
      ).map((a) => a.ip);
    expect(ips()).toEqual(["172.18.0.2", "172.18.0.3"]);
    const slice = h.request("GET", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes")
      .body as KubeObject;
    expect(slice).toMatchObject({
      addressType: "IPv4",
      ports: [{ name: "https", port: 6443, protocol: "TCP" }],
    });
    h.sim.stop("kube-apiserver-1");
    // Lease TTL 15 s, then the next 10 s round of the survivor.
    h.sim.advanceBy(30_000);
    expect(ips()).toEqual(["172.18.0.2"]);
  });

  it("generates names from generateName", () => {
    const h = boot();
    const r = h.request("POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "cfg-" } },
    });
    expect(r.code).toBe(201);
    expect((r.body as KubeObject).metadata.name).toMatch(/^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it("deletes gracefully, honours finalizers and deletes when the last finalizer goes", () => {
    const h = boot();
    h.request("POST", "/api/v1/namespaces/default/serviceaccounts", { body: serviceAccount("default") });
    h.request("POST", "/api/v1/namespaces/default/pods", { body: pod("bound", { nodeName: "node-1" }) });
    const graceful = h.request("DELETE", "/api/v1/namespaces/default/pods/bound");
    expect(graceful.code).toBe(200);
    expect((graceful.body as KubeObject).metadata.deletionGracePeriodSeconds).toBe(30);
    expect((graceful.body as KubeObject).metadata.deletionTimestamp).toBeDefined();
    expect(h.request("GET", "/api/v1/namespaces/default/pods/bound").code).toBe(200);
    const final = h.request("DELETE", "/api/v1/namespaces/default/pods/bound", {
      body: { gracePeriodSeconds: 0 },
    });
    expect(final.code).toBe(200);
    expect(h.request("GET", "/api/v1/namespaces/default/pods/bound").code).toBe(404);

    h.request("POST", "/api/v1/namespaces/default/configmaps", {
      body: {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "held", finalizers: ["example.com/hold"] },
      },
    });
    const marked = h.request("DELETE", "/api/v1/namespaces/default/configmaps/held");
    expect(marked.code).toBe(200);
    const held = h.request("GET", "/api/v1/namespaces/default/configmaps/held").body as KubeObject;
    expect(held.metadata.deletionTimestamp).toBeDefined();
    const released = h.request("PUT", "/api/v1/namespaces/default/configmaps/held", {
      body: { ...held, metadata: { ...held.metadata, finalizers: [] } },
    });
    expect(released.code).toBe(200);
    expect(h.request("GET", "/api/v1/namespaces/default/configmaps/held").code).toBe(404);

    h.request("POST", "/apis/apps/v1/namespaces/default/deployments", { body: deployment("web") });
    const gone = h.request("DELETE", "/apis/apps/v1/namespaces/default/deployments/web");
    expect(gone.body).toMatchObject({
      kind: "Status",
      status: "Success",
      details: { name: "web", group: "apps", kind: "deployments" },
    });
    const fg = h.request("POST", "/apis/apps/v1/namespaces/default/deployments", { body: deployment("fg") });
    expect(fg.code).toBe(201);
    const foreground = h.request("DELETE", "/apis/apps/v1/namespaces/default/deployments/fg", {
      body: { propagationPolicy: "Foreground" },
    });
    expect((foreground.body as KubeObject).metadata.finalizers).toEqual(["foregroundDeletion"]);
  });

  it("pages lists with limit and continue, and filters by label and field selectors", () => {
    const h = boot();
    for (let i = 0; i < 7; i++) {
      h.request("POST", "/api/v1/namespaces/default/configmaps", {
        body: {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: `cm-${i}`, labels: { parity: i % 2 ? "odd" : "even" } },
        },
      });
    }
    const names: string[] = [];
    let cont = "";
    let pages = 0;
    do {
      const r = h.request("GET", "/api/v1/namespaces/default/configmaps", {
        query: cont ? { limit: "3", continue: cont } : { limit: "3", resourceVersion: "" },
      });
      const list = r.body as {
        metadata: { continue?: string; remainingItemCount?: number };
        items: KubeObject[];
      };
      names.push(...list.items.map((c) => c.metadata.name!));
      cont = list.metadata.continue ?? "";
      pages++;
    } while (cont);
    expect(names).toEqual(["cm-0", "cm-1", "cm-2", "cm-3", "cm-4", "cm-5", "cm-6"]);
    expect(pages).toBe(3);
    const odd = h.request("GET", "/api/v1/namespaces/default/configmaps", {
      query: { labelSelector: "parity in (odd)" },
    });
    expect((odd.body as { items: KubeObject[] }).items.map((c) => c.metadata.name)).toEqual([
      "cm-1",
      "cm-3",
      "cm-5",
    ]);
    const byName = h.request("GET", "/api/v1/configmaps", { query: { fieldSelector: "metadata.name=cm-4" } });
    expect((byName.body as { items: KubeObject[] }).items).toHaveLength(1);
    const bad = h.request("GET", "/api/v1/pods", { query: { fieldSelector: "spec.foo=bar" } });
    expect(bad.code).toBe(400);
    expect((bad.body as { message: string }).message).toBe("field label not supported: spec.foo");
  });

  it("streams watch events, resumes from a resourceVersion, sends bookmarks", () => {
    const h = boot(1, { apiServer: { watchCacheCapacity: 10 } });
    const w = h.send("GET", "/api/v1/namespaces/default/configmaps", {
      query: { watch: "true", allowWatchBookmarks: "true" },
    });
    expect(h.await(w).code).toBe(200);
    const c = h.request("POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { k: "1" } },
    }).body as KubeObject;
    h.request("PUT", "/api/v1/namespaces/default/configmaps/a", { body: { ...c, data: { k: "2" } } });
    h.request("DELETE", "/api/v1/namespaces/default/configmaps/a");
    h.sim.advanceBy(20);
    expect(h.events(w).map((e) => e.type)).toEqual(["ADDED", "MODIFIED", "DELETED"]);
    const resumed = h.send("GET", "/api/v1/namespaces/default/configmaps", {
      query: { watch: "true", resourceVersion: c.metadata.resourceVersion! },
    });
    h.await(resumed);
    h.sim.advanceBy(20);
    expect(h.events(resumed).map((e) => e.type)).toEqual(["MODIFIED", "DELETED"]);
    h.sim.advanceBy(61_000);
    expect(h.events(w).some((e) => e.type === "BOOKMARK")).toBe(true);
    // Push the first events out of a small watch-cache window, then ask for them.
    for (let i = 0; i < 12; i++) {
      h.request("POST", "/api/v1/namespaces/default/configmaps", {
        body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `fill-${i}` } },
      });
    }
    const tooOld = h.send("GET", "/api/v1/namespaces/default/configmaps", {
      query: { watch: "true", resourceVersion: c.metadata.resourceVersion! },
    });
    h.await(tooOld);
    h.sim.advanceBy(20);
    const err = h.events(tooOld)[0]!;
    expect(err.type).toBe("ERROR");
    expect(err.object).toMatchObject({ code: 410, reason: "Expired" });
  });

  it("serves status and scale subresources with their rules", () => {
    const h = boot();
    const d = h.request("POST", "/apis/apps/v1/namespaces/default/deployments", {
      body: deployment("web", 2),
    }).body as KubeObject;
    const st = h.request("PUT", "/apis/apps/v1/namespaces/default/deployments/web/status", {
      body: { ...d, spec: { ...d.spec, replicas: 9 }, status: { replicas: 2, readyReplicas: 1 } },
    });
    expect(st.code).toBe(200);
    const afterStatus = st.body as KubeObject;
    expect(afterStatus.status).toEqual({ replicas: 2, readyReplicas: 1 });
    expect(afterStatus.spec.replicas).toBe(2);
    expect(afterStatus.metadata.generation).toBe(1);
    const main = h.request("PUT", "/apis/apps/v1/namespaces/default/deployments/web", {
      body: { ...afterStatus, status: { replicas: 100 } },
    });
    expect((main.body as KubeObject).status).toEqual({ replicas: 2, readyReplicas: 1 });
    const scale = h.request("GET", "/apis/apps/v1/namespaces/default/deployments/web/scale");
    expect(scale.body).toMatchObject({
      kind: "Scale",
      apiVersion: "autoscaling/v1",
      spec: { replicas: 2 },
      status: { replicas: 2, selector: "app=web" },
    });
    const scaled = h.request("PUT", "/apis/apps/v1/namespaces/default/deployments/web/scale", {
      body: { spec: { replicas: 4 } },
    });
    expect(scaled.body).toMatchObject({ spec: { replicas: 4 } });
    const now = h.request("GET", "/apis/apps/v1/namespaces/default/deployments/web").body as KubeObject;
    expect(now.spec.replicas).toBe(4);
    expect(now.metadata.generation).toBe(2);
  });

  it("answers what a real apiserver does when etcd loses quorum, and recovers", () => {
    const h = boot(3);
    const before = h.request("POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "before" } },
    });
    expect(before.code).toBe(201);
    h.sim.stop("etcd-1");
    h.sim.stop("etcd-2");
    const write = h.request("POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "during" } },
    });
    expect(write.code).toBe(500);
    expect(write.body).toMatchObject({ kind: "Status", status: "Failure", reason: "", code: 500 });
    expect(Object.values(EtcdErrors)).toContain((write.body as { message: string }).message);
    const read = h.request("GET", "/api/v1/namespaces/default/configmaps/before");
    expect(read.code).toBe(500);
    expect((read.body as { message: string }).message).toBe(EtcdErrors.requestTimedOut);
    h.sim.start("etcd-1");
    h.sim.advanceBy(5000);
    const after = h.request("POST", "/api/v1/namespaces/default/configmaps", {
      body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "after" } },
    });
    expect(after.code).toBe(201);
    expect(h.request("GET", "/api/v1/namespaces/default/configmaps/before").code).toBe(200);
  });

  it("keeps serving through the load balancer when one of two apiservers dies; with none, the connection fails", () => {
    const h = boot(4, { apiServers: 2 });
    h.sim.stop("kube-apiserver-0");
    for (let i = 0; i < 4; i++) expect(h.request("GET", "/api/v1/namespaces/default").code).toBe(200);
    h.sim.stop("kube-apiserver-1");
    const r = h.request("GET", "/api/v1/namespaces/default");
    expect(r).toMatchObject({ code: 0, error: "EOF" });
    h.sim.start("kube-apiserver-0");
    h.sim.advanceBy(6000);
    expect(h.request("GET", "/api/v1/namespaces/default").code).toBe(200);
  });

  it("answers unknown paths and resources with 404 and serves discovery and health", () => {
    const h = boot();
    expect(h.request("GET", "/api/v1/widgets").code).toBe(404);
    const v1 = h.request("GET", "/api/v1");
    expect(
      (v1.body as { resources: { name: string }[] }).resources.some((r) => r.name === "pods/status"),
    ).toBe(true);
    expect(h.request("GET", "/readyz")).toMatchObject({ code: 200, body: "ok" });
    expect(h.request("GET", "/version").body).toMatchObject({ gitVersion: "v1.32.0" });
  });

  it("gives the same future after restore at random cut points, with random faults (property)", () => {
    type Input = { at: number; op: "create" | "stop" | "start"; target: string };
    const inputArb = fc.array(
      fc.record({
        at: fc.integer({ min: 2500, max: 12_000 }),
        op: fc.constantFrom("create" as const, "create" as const, "stop" as const, "start" as const),
        target: fc.constantFrom("etcd-0", "etcd-1", "etcd-2", "kube-apiserver-0", "kube-apiserver-1"),
      }),
      { maxLength: 12 },
    );
    const run = (seed: number, inputs: Input[], cut: number | null) => {
      const h = new ControlPlaneHarness({
        seed,
        spec: { apiServers: 2 },
        trace: { enabled: true, limit: 1_000_000, excludeVerbs: [] },
      });
      let sim = h.sim;
      const trace: unknown[] = [];
      let n = 0;
      const apply = (i: Input) => {
        sim.advanceTo(i.at);
        if (i.op === "create") {
          sim.inject("kubectl", "kube-apiserver-lb", {
            verb: "POST",
            requestId: n++,
            origin: "kubectl",
            path: "/api/v1/namespaces/default/configmaps",
            user: { username: "kubernetes-admin", groups: ["kubeadm:cluster-admins"] },
            body: { apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "c-" } },
          });
        } else if (i.op === "stop") sim.stop(i.target);
        else sim.start(i.target);
      };
      for (const i of inputs) {
        if (cut !== null && i.at >= cut && sim === h.sim) {
          sim.advanceTo(cut);
          trace.push(...sim.drainTrace());
          sim = Simulation.restore(sim.serialize(), controlPlaneBehaviors);
        }
        apply(i);
      }
      if (cut !== null && sim === h.sim) {
        sim.advanceTo(cut);
        trace.push(...sim.drainTrace());
        sim = Simulation.restore(sim.serialize(), controlPlaneBehaviors);
      }
      sim.advanceTo(20_000);
      trace.push(...sim.drainTrace());
      return JSON.stringify(trace) + sim.serialize();
    };
    fc.assert(
      fc.property(fc.integer(), inputArb, fc.integer({ min: 0, max: 19_000 }), (seed, raw, cut) => {
        const inputs = [...raw].sort((a, b) => a.at - b.at);
        expect(run(seed, inputs, cut)).toBe(run(seed, inputs, null));
      }),
      { numRuns: 12 },
    );
  });

  it("is deterministic and restores from a snapshot to the same future", () => {
    const script = (h: ControlPlaneHarness) => {
      for (let i = 0; i < 5; i++) {
        h.send("POST", "/api/v1/namespaces/default/configmaps", {
          body: { apiVersion: "v1", kind: "ConfigMap", metadata: { generateName: "c-" } },
        });
        h.sim.advanceBy(3);
      }
    };
    const run = (cut: number | null, compact = false) => {
      const h = new ControlPlaneHarness({
        seed: 9,
        trace: { enabled: true, limit: 1_000_000, excludeVerbs: [] },
      });
      let sim = h.sim;
      const trace: unknown[] = [];
      sim.advanceTo(3000);
      script(h);
      if (cut !== null) {
        sim.advanceTo(cut);
        trace.push(...sim.drainTrace());
        sim = Simulation.restore(sim.serialize({ compact }), controlPlaneBehaviors);
      }
      sim.advanceTo(9000);
      trace.push(...sim.drainTrace());
      return { trace: JSON.stringify(trace), state: sim.serialize() };
    };
    const straight = run(null);
    for (const [cut, compact] of [
      [3005, false],
      [3020, false],
      [5000, false],
      [3010, true],
    ] as const) {
      const r = run(cut, compact);
      expect(r.trace).toBe(straight.trace);
      expect(r.state).toBe(straight.state);
    }
  });
});
