/**
 * Discovery documents built from the registry, in the shapes a v1.32 apiserver serves:
 * `/api` (APIVersions), `/apis` (APIGroupList), `/api/v1` and `/apis/<g>/<v>` (APIResourceList),
 * and the aggregated `apidiscovery.k8s.io/v2` APIGroupDiscoveryList that kubectl 1.30+ asks for.
 */
import type { ResourceRegistry } from "./registry";
import { listGroups, listResources } from "./registry";
import { base64, sha256 } from "./sha256";
import type { ResourceInfo } from "./types";

/** Resources that are not stored (no storageVersionHash): reviews, bindings, component statuses. */
const NOT_STORED = new Set([
  "/bindings",
  "/componentstatuses",
  "authentication.k8s.io/tokenreviews",
  "authentication.k8s.io/selfsubjectreviews",
  "authorization.k8s.io/localsubjectaccessreviews",
  "authorization.k8s.io/selfsubjectaccessreviews",
  "authorization.k8s.io/selfsubjectrulesreviews",
  "authorization.k8s.io/subjectaccessreviews",
]);

/** The group/version/kind a resource is stored as, when it differs from the served one. */
const STORAGE_VERSION: Record<string, string> = {
  "autoscaling/horizontalpodautoscalers": "autoscaling/v2/HorizontalPodAutoscaler",
  // events.k8s.io events share storage with core events.
  "events.k8s.io/events": "/v1/Event",
};

/** `discovery.StorageVersionHash`: base64 of the first 8 bytes of sha256("<group>/<version>/<kind>") of the storage version. */
export function storageVersionHash(r: ResourceInfo): string | undefined {
  const key = `${r.group}/${r.resource}`;
  if (NOT_STORED.has(key)) return undefined;
  const gvk = STORAGE_VERSION[key] ?? `${r.group}/${r.version}/${r.kind}`;
  return base64(sha256(gvk).slice(0, 8));
}

const gv = (group: string, version: string) => (group === "" ? version : `${group}/${version}`);

/** `/api`: the legacy core versions. */
export function apiVersionsDocument(serverAddress: string) {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

/** `/apis`: every named group with its versions, preferred first. */
export function apiGroupListDocument(reg: ResourceRegistry) {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: listGroups(reg)
      .filter((g) => g.group !== "")
      .map((g) => ({
        name: g.group,
        versions: g.versions.map((v) => ({ groupVersion: gv(g.group, v), version: v })),
        preferredVersion: { groupVersion: gv(g.group, g.preferredVersion), version: g.preferredVersion },
      })),
  };
}

/** `/api/v1` or `/apis/<group>/<version>`: resources and subresources with their verbs. */
export function apiResourceListDocument(reg: ResourceRegistry, group: string, version: string) {
  const resources: Record<string, unknown>[] = [];
  for (const r of listResources(reg, group, version)) {
    const entry: Record<string, unknown> = {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: [...r.verbs],
    };
    if (r.shortNames.length > 0) entry.shortNames = [...r.shortNames];
    if (r.categories.length > 0) entry.categories = [...r.categories];
    const hash = storageVersionHash(r);
    if (hash) entry.storageVersionHash = hash;
    resources.push(entry);
    for (const s of r.subresources) {
      const sub: Record<string, unknown> = {
        name: `${r.resource}/${s.name}`,
        singularName: "",
        namespaced: r.namespaced,
      };
      if (s.group !== undefined) sub.group = s.group;
      if (s.version !== undefined) sub.version = s.version;
      sub.kind = s.kind;
      sub.verbs = [...s.verbs];
      resources.push(sub);
    }
  }
  const doc: Record<string, unknown> = { kind: "APIResourceList" };
  if (group !== "") doc.apiVersion = "v1";
  doc.groupVersion = gv(group, version);
  doc.resources = resources;
  return doc;
}

/**
 * The aggregated discovery document (`apidiscovery.k8s.io/v2` APIGroupDiscoveryList) for
 * `/api` (`legacy: true`, the core group) or `/apis` (every named group).
 */
export function aggregatedDiscoveryDocument(reg: ResourceRegistry, legacy: boolean) {
  const items = listGroups(reg)
    .filter((g) => (legacy ? g.group === "" : g.group !== ""))
    .map((g) => {
      const metadata: Record<string, unknown> = { creationTimestamp: null };
      if (g.group !== "") metadata.name = g.group;
      return {
        metadata,
        versions: g.versions.map((v) => ({
          version: v,
          resources: listResources(reg, g.group, v).map((r) => {
            const res: Record<string, unknown> = {
              resource: r.resource,
              responseKind: { group: "", version: "", kind: r.kind },
              scope: r.namespaced ? "Namespaced" : "Cluster",
              singularResource: r.singular,
              verbs: [...r.verbs],
            };
            if (r.shortNames.length > 0) res.shortNames = [...r.shortNames];
            if (r.categories.length > 0) res.categories = [...r.categories];
            if (r.subresources.length > 0) {
              res.subresources = r.subresources.map((s) => ({
                subresource: s.name,
                responseKind: { group: s.group ?? "", version: s.version ?? "", kind: s.kind },
                verbs: [...s.verbs],
              }));
            }
            return res;
          }),
          freshness: "Current",
        })),
      };
    });
  return { kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {}, items };
}
