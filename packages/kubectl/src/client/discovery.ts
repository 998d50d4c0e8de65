/**
 * Discovery and the RESTMapper: which resource a name on the command line means (`po`, `pods`,
 * `pod`, `Pod`, `deployments.apps`, `deploy`, `deployments.v1.apps`), found from the server's
 * discovery documents as client-go's `DiscoveryClient` and `restmapper` do. Legacy discovery
 * (`/api`, `/api/v1`, `/apis`, `/apis/<group>/<version>`) and the aggregated v2 form of `/api` and
 * `/apis` are both understood.
 */
import { CommandError } from "./errors";
import type { RestClient } from "./rest";

/** A resource the server serves. */
export interface ResourceMapping {
  group: string;
  version: string;
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  categories: string[];
  /** Whether `version` is the group's preferred version. */
  preferred: boolean;
}

/** `apps/v1` or `v1`. */
export function groupVersion(m: { group: string; version: string }): string {
  return m.group ? `${m.group}/${m.version}` : m.version;
}

interface ApiResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
}

/** The Accept header kubectl sends for discovery (aggregated v2 first, then the legacy form). */
const DISCOVERY_ACCEPT =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

/** All served resources, in the RESTMapper's priority order (core first, then groups as /apis lists them). */
export class Discovery {
  private cache: ResourceMapping[] | null = null;

  constructor(private readonly rest: RestClient) {}

  /** Discover (once) every served resource. */
  async resources(): Promise<ResourceMapping[]> {
    if (this.cache) return this.cache;
    const out: ResourceMapping[] = [];
    const api = (await this.rest.getJson("/api", {}, DISCOVERY_ACCEPT)) as Record<string, unknown>;
    const apis = (await this.rest.getJson("/apis", {}, DISCOVERY_ACCEPT)) as Record<string, unknown>;
    for (const doc of [api, apis]) {
      if (doc.kind === "APIGroupDiscoveryList") this.addAggregated(doc, out);
    }
    if (api.kind === "APIVersions") {
      for (const v of (api.versions as string[]) ?? []) await this.addLegacy("", v, true, out);
    }
    if (apis.kind === "APIGroupList") {
      for (const g of (apis.groups as {
        name: string;
        versions: { version: string }[];
        preferredVersion?: { version: string };
      }[]) ?? []) {
        const preferred = g.preferredVersion?.version ?? g.versions[0]?.version;
        const versions = [preferred, ...g.versions.map((v) => v.version).filter((v) => v !== preferred)];
        for (const v of versions) if (v) await this.addLegacy(g.name, v, v === preferred, out);
      }
    }
    this.cache = out;
    return out;
  }

  private async addLegacy(
    group: string,
    version: string,
    preferred: boolean,
    out: ResourceMapping[],
  ): Promise<void> {
    const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
    let doc: { resources?: ApiResource[] };
    try {
      doc = (await this.rest.getJson(path, {})) as { resources?: ApiResource[] };
    } catch {
      // A group whose discovery fails is skipped (client-go reports it as a partial failure).
      return;
    }
    for (const r of doc.resources ?? []) {
      if (r.name.includes("/")) continue;
      out.push({
        group,
        version,
        resource: r.name,
        kind: r.kind,
        singular: r.singularName || r.kind.toLowerCase(),
        namespaced: r.namespaced,
        shortNames: r.shortNames ?? [],
        verbs: r.verbs ?? [],
        categories: r.categories ?? [],
        preferred,
      });
    }
  }

  private addAggregated(doc: Record<string, unknown>, out: ResourceMapping[]): void {
    type V2 = {
      metadata?: { name?: string };
      versions?: {
        version: string;
        resources?: {
          resource: string;
          responseKind?: { kind?: string };
          singularResource?: string;
          scope?: string;
          shortNames?: string[];
          verbs?: string[];
          categories?: string[];
        }[];
      }[];
    };
    for (const g of (doc.items as V2[]) ?? []) {
      const group = g.metadata?.name ?? "";
      (g.versions ?? []).forEach((v, i) => {
        for (const r of v.resources ?? []) {
          out.push({
            group,
            version: v.version,
            resource: r.resource,
            kind: r.responseKind?.kind ?? "",
            singular: r.singularResource ?? "",
            namespaced: r.scope === "Namespaced",
            shortNames: r.shortNames ?? [],
            verbs: r.verbs ?? [],
            categories: r.categories ?? [],
            preferred: i === 0,
          });
        }
      });
    }
  }

  /**
   * The mapping for a resource argument, or `error: the server doesn't have a resource type "x"`.
   * Forms: `name`, `name.group`, `name.version.group`; the name may be plural, singular, a short
   * name or the kind (case-insensitive).
   */
  async mappingFor(arg: string): Promise<ResourceMapping> {
    const all = await this.resources();
    const m = findMapping(all, arg);
    if (!m) throw new CommandError(`the server doesn't have a resource type "${arg}"`);
    return m;
  }

  /** The mapping of a kind in an apiVersion (`apps/v1`, `Deployment`), as objects in files name them. */
  async mappingForKind(apiVersion: string, kind: string): Promise<ResourceMapping> {
    const all = await this.resources();
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    const m = all.find((r) => r.group === group && r.version === version && r.kind === kind);
    if (!m) {
      // kubectl: `resource mapping not found for name: "x" namespace: "" from "f.yaml": no matches for kind "K" in version "g/v"`
      throw new CommandError(`no matches for kind "${kind}" in version "${apiVersion}"`);
    }
    return m;
  }
}

/** The RESTMapper lookup over a discovered list (pure; exported for tests). */
export function findMapping(all: ResourceMapping[], arg: string): ResourceMapping | undefined {
  const lower = arg.toLowerCase();
  const candidates: { name: string; group?: string; version?: string }[] = [{ name: lower }];
  const parts = lower.split(".");
  if (parts.length >= 2) candidates.push({ name: parts[0]!, group: parts.slice(1).join(".") });
  if (parts.length >= 3)
    candidates.push({ name: parts[0]!, version: parts[1]!, group: parts.slice(2).join(".") });
  for (const c of candidates) {
    const matches = all.filter(
      (r) =>
        (c.group === undefined || r.group === c.group) &&
        (c.version === undefined || r.version === c.version) &&
        (r.resource === c.name ||
          r.singular === c.name ||
          r.shortNames.includes(c.name) ||
          r.kind.toLowerCase() === c.name),
    );
    // The preferred version of the first group that has it.
    const best = matches.find((r) => r.preferred) ?? matches[0];
    if (best) {
      const sameGroupPreferred = matches.find((r) => r.group === best.group && r.preferred);
      return c.version ? best : (sameGroupPreferred ?? best);
    }
  }
  return undefined;
}

/** The URL path of a resource (collection when `name` is empty). */
export function resourcePath(
  m: ResourceMapping,
  namespace: string | undefined,
  name?: string,
  subresource?: string,
): string {
  let p = m.group ? `/apis/${m.group}/${m.version}` : `/api/${m.version}`;
  if (m.namespaced && namespace) p += `/namespaces/${namespace}`;
  p += `/${m.resource}`;
  if (name) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}
