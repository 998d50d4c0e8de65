import type { CustomResourceDefinition } from "kubernetes-types/apiextensions/v1";
import { describe, expect, it } from "vitest";
import { customResourcesFromCRD } from "./custom-resources";
import { aggregatedDiscoveryDocument, apiGroupListDocument, apiResourceListDocument } from "./discovery";
import {
  createResourceRegistry,
  getResource,
  getResourceForKind,
  listGroups,
  listResources,
  registerResources,
  resolveResource,
  resourcesInCategory,
  unregisterResource,
} from "./registry";
import { compareKubeAwareVersions } from "./version-priority";

describe("built-in registry", () => {
  const reg = createResourceRegistry();

  it("knows scope, short names, verbs and subresources", () => {
    const deploy = getResource(reg, { group: "apps", version: "v1", resource: "deployments" })!;
    expect(deploy).toMatchObject({
      kind: "Deployment",
      namespaced: true,
      shortNames: ["deploy"],
      categories: ["all"],
    });
    expect(deploy.subresources.map((s) => s.name)).toEqual(["scale", "status"]);
    expect(deploy.subresources[0]).toMatchObject({ kind: "Scale", group: "autoscaling", version: "v1" });
    const nsInfo = getResource(reg, { group: "", version: "v1", resource: "namespaces" })!;
    expect(nsInfo.namespaced).toBe(false);
    expect(nsInfo.verbs).not.toContain("deletecollection");
    const pods = getResource(reg, { group: "", version: "v1", resource: "pods" })!;
    expect(pods.subresources.find((s) => s.name === "eviction")).toMatchObject({
      kind: "Eviction",
      group: "policy",
    });
    expect(pods.subresources.find((s) => s.name === "log")?.verbs).toEqual(["get"]);
  });

  it("maps kinds back to resources", () => {
    expect(getResourceForKind(reg, { group: "batch", version: "v1", kind: "CronJob" })?.resource).toBe(
      "cronjobs",
    );
    expect(getResourceForKind(reg, { group: "", version: "v1", kind: "Endpoints" })?.singular).toBe(
      "endpoints",
    );
  });

  it("lists groups in discovery order with autoscaling/v2 preferred", () => {
    const groups = listGroups(reg);
    expect(groups[0]?.group).toBe("");
    expect(groups.map((g) => g.group).slice(1, 4)).toEqual([
      "apiregistration.k8s.io",
      "apps",
      "events.k8s.io",
    ]);
    expect(groups.find((g) => g.group === "autoscaling")).toEqual({
      group: "autoscaling",
      versions: ["v2", "v1"],
      preferredVersion: "v2",
    });
    const core = listResources(reg, "", "v1").map((r) => r.resource);
    expect(core).toEqual([...core].sort());
  });

  it("resolves what users type", () => {
    expect(resolveResource(reg, "deploy")?.kind).toBe("Deployment");
    expect(resolveResource(reg, "Deployment")?.group).toBe("apps");
    expect(resolveResource(reg, "deployments.apps")?.resource).toBe("deployments");
    expect(resolveResource(reg, "hpa")?.version).toBe("v2");
    expect(resolveResource(reg, "horizontalpodautoscalers.v1.autoscaling")?.version).toBe("v1");
    expect(resolveResource(reg, "ev")?.group).toBe("");
    expect(resolveResource(reg, "events.events.k8s.io")?.group).toBe("events.k8s.io");
    expect(resolveResource(reg, "crd")?.kind).toBe("CustomResourceDefinition");
    expect(resolveResource(reg, "foo")).toBeUndefined();
  });

  it("expands the all category", () => {
    expect(resourcesInCategory(reg, "all").map((r) => r.resource)).toEqual([
      "pods",
      "replicationcontrollers",
      "services",
      "daemonsets",
      "deployments",
      "replicasets",
      "statefulsets",
      "horizontalpodautoscalers",
      "cronjobs",
      "jobs",
    ]);
  });
});

describe("custom resources", () => {
  const crd: CustomResourceDefinition = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "crontabs.stable.example.com" },
    spec: {
      group: "stable.example.com",
      scope: "Namespaced",
      names: {
        plural: "crontabs",
        singular: "crontab",
        kind: "CronTab",
        shortNames: ["ct"],
        categories: ["all"],
      },
      versions: [
        { name: "v1beta1", served: true, storage: false },
        {
          name: "v1",
          served: true,
          storage: true,
          subresources: {
            status: {},
            scale: { specReplicasPath: ".spec.replicas", statusReplicasPath: ".status.replicas" },
          },
        },
        { name: "v2alpha1", served: false, storage: false },
      ],
    },
  };

  it("derives one resource per served version with the preferred one marked", () => {
    const infos = customResourcesFromCRD(crd);
    expect(infos.map((i) => [i.version, i.preferred])).toEqual([
      ["v1beta1", false],
      ["v1", true],
    ]);
    expect(infos[1]).toMatchObject({
      listKind: "CronTabList",
      namespaced: true,
      shortNames: ["ct"],
      custom: true,
    });
    expect(infos[1]?.subresources.map((s) => s.name)).toEqual(["scale", "status"]);
  });

  it("registers and unregisters them", () => {
    const reg = createResourceRegistry();
    registerResources(reg, customResourcesFromCRD(crd));
    expect(resolveResource(reg, "ct")?.version).toBe("v1");
    expect(listGroups(reg).at(-1)).toMatchObject({ group: "stable.example.com", preferredVersion: "v1" });
    expect(resourcesInCategory(reg, "all").at(-1)?.kind).toBe("CronTab");
    unregisterResource(reg, "stable.example.com", "crontabs");
    expect(resolveResource(reg, "ct")).toBeUndefined();
    expect(listGroups(reg).some((g) => g.group === "stable.example.com")).toBe(false);
  });

  it("orders versions the Kubernetes way", () => {
    const vs = ["v1alpha1", "v2", "foo", "v1beta2", "v1", "v10beta1", "v1beta1", "bar"];
    expect(vs.sort(compareKubeAwareVersions)).toEqual([
      "v2",
      "v1",
      "v10beta1",
      "v1beta2",
      "v1beta1",
      "v1alpha1",
      "bar",
      "foo",
    ]);
  });
});

describe("discovery documents", () => {
  const reg = createResourceRegistry();

  it("hash storage versions as the apiserver does", () => {
    const doc = apiResourceListDocument(reg, "", "v1") as {
      resources: Record<string, unknown>[];
      apiVersion?: string;
    };
    const byName = new Map(doc.resources.map((r) => [r.name, r]));
    // Values seen in a real /api/v1 response.
    expect(byName.get("configmaps")?.storageVersionHash).toBe("qFsyl6wFWjQ=");
    expect(byName.get("endpoints")?.storageVersionHash).toBe("fWeeMqaN/OA=");
    expect(byName.get("events")?.storageVersionHash).toBe("r2yiGXH7wu8=");
    expect(byName.get("services")?.storageVersionHash).toBe("0/CO1lhkEBI=");
    expect(byName.get("serviceaccounts")?.storageVersionHash).toBe("pbx9ZvyFpBE=");
    expect(byName.get("services")?.verbs).toContain("deletecollection");
    expect(byName.get("bindings")).toEqual({
      name: "bindings",
      singularName: "binding",
      namespaced: true,
      kind: "Binding",
      verbs: ["create"],
    });
    expect(byName.get("pods/eviction")).toEqual({
      name: "pods/eviction",
      singularName: "",
      namespaced: true,
      group: "policy",
      version: "v1",
      kind: "Eviction",
      verbs: ["create"],
    });
    expect(doc.apiVersion).toBeUndefined();
  });

  it("serve the aggregated v2 form", () => {
    const agg = aggregatedDiscoveryDocument(reg, false);
    const apps = agg.items.find((i) => i.metadata.name === "apps")!;
    const deploy = apps.versions[0]!.resources.find((r) => r.resource === "deployments")!;
    expect(deploy).toMatchObject({
      scope: "Namespaced",
      singularResource: "deployment",
      shortNames: ["deploy"],
    });
    expect(deploy.subresources).toContainEqual({
      subresource: "scale",
      responseKind: { group: "autoscaling", version: "v1", kind: "Scale" },
      verbs: ["get", "patch", "update"],
    });
    expect(aggregatedDiscoveryDocument(reg, true).items).toHaveLength(1);
    expect(apiGroupListDocument(reg).groups.find((g) => g.name === "autoscaling")?.preferredVersion).toEqual({
      groupVersion: "autoscaling/v2",
      version: "v2",
    });
  });
});
