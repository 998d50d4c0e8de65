/**
 * A read-only API server over a fixed set of objects, for printing tests: the discovery
 * documents of a v1.32 apiserver (from the simulation's resource registry), lists and GETs of the
 * fixtures with label and field selectors, and NotFound Statuses — real protocol shapes, no
 * simulation. Lists answer with objects (no Table), so kubectl builds the Table itself with the
 * same printers a server uses.
 */
import {
  apiGroupListDocument,
  apiResourceListDocument,
  apiVersionsDocument,
  createResourceRegistry,
  getResourceForKind,
  listResources,
} from "../../../sim/src/api/resources";
import { fieldsMatch, parseFieldSelector } from "../../../sim/src/api/selectors/field-selector";
import { labelsMatch, parseLabelSelector } from "../../../sim/src/api/selectors/label-selector";
import { generateTable } from "../printers/table/generate-table";
import { printerFor } from "../printers/table/registry";
import type { HttpRequest, HttpResponse, KubeTransport, WatchStream } from "../transport";

// biome-ignore lint/suspicious/noExplicitAny: fixtures are unstructured JSON
type Obj = any;

const json = (status: number, body: unknown): HttpResponse => ({
  status,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/** The transport; `now` is the fixed time outputs are computed at. */
export class FixtureTransport implements KubeTransport {
  readonly server = "https://127.0.0.1:6443";
  private readonly reg = createResourceRegistry();

  constructor(
    private readonly objects: Obj[],
    private readonly time: number,
    /** Answer `Accept: …;as=Table` with a server-side Table (as a real apiserver does). */
    private readonly serveTables = false,
  ) {}

  now(): number {
    return this.time;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const path = req.path;
    if (req.method !== "GET")
      return json(405, {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        reason: "MethodNotAllowed",
        code: 405,
        message: "read-only fixtures",
      });
    if (path === "/api") return json(200, apiVersionsDocument("172.18.0.2:6443"));
    if (path === "/apis") return json(200, apiGroupListDocument(this.reg));
    const disc = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (disc) return json(200, apiResourceListDocument(this.reg, disc[2] ?? "", disc[1] ?? disc[3]!));
    const m = /^\/(?:api\/v1|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(
      path,
    );
    if (!m)
      return json(404, {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        reason: "NotFound",
        code: 404,
        message: "the server could not find the requested resource",
      });
    const group = m[1] ?? "";
    const version = m[2] ?? "v1";
    const ns = m[3];
    const resource = m[4]!;
    const name = m[5] ? decodeURIComponent(m[5]) : undefined;
    const info = listResources(this.reg, group, version).find((r) => r.resource === resource);
    if (!info)
      return json(404, {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        reason: "NotFound",
        code: 404,
        message: "the server could not find the requested resource",
      });
    const apiVersion = group ? `${group}/${version}` : version;
    let items = this.objects.filter(
      (o) => o.kind === info.kind && o.apiVersion === apiVersion && (!ns || o.metadata?.namespace === ns),
    );
    if (name !== undefined) {
      const found = items.find((o) => o.metadata?.name === name);
      if (found && this.wantsTable(req)) return json(200, this.table(info.resource, group, [found]));
      if (found) return json(200, found);
      const gr = group ? `${resource}.${group}` : resource;
      return json(404, {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: `${gr} "${name}" not found`,
        reason: "NotFound",
        details: { name, ...(group ? { group } : {}), kind: resource },
        code: 404,
      });
    }
    const q = req.query ?? {};
    if (q.labelSelector) {
      const reqs = parseLabelSelector(q.labelSelector);
      items = items.filter((o) => labelsMatch(reqs, o.metadata?.labels ?? {}));
    }
    if (q.fieldSelector) {
      const reqs = parseFieldSelector(q.fieldSelector);
      items = items.filter((o) => fieldsMatch(reqs, o));
    }
    // etcd key order: namespace, then name.
    const key = (o: Obj) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
    items = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if (this.wantsTable(req)) return json(200, this.table(info.resource, group, items));
    // Lists carry items without apiVersion/kind, as a real server sends them.
    const stripped = items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
    return json(200, {
      kind: `${info.kind}List`,
      apiVersion,
      metadata: { resourceVersion: "2000" },
      items: stripped,
    });
  }

  private wantsTable(req: HttpRequest): boolean {
    return this.serveTables && (req.headers?.accept ?? "").includes("as=Table");
  }

  /** The apiserver's TableConvertor: all columns (Wide on), rows with PartialObjectMetadata. */
  private table(resource: string, group: string, items: Obj[]) {
    return generateTable(printerFor(resource, group), items, { now: this.time, resourceVersion: "2000" });
  }

  async watch(): Promise<WatchStream> {
    return { status: 200, events: (async function* () {})(), cancel() {} };
  }
}

/** Whether a kind is served (for fixtures' sanity). */
export function servesKind(apiVersion: string, kind: string): boolean {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return (
    getResourceForKind(createResourceRegistry(), { group: group!, version: version!, kind }) !== undefined
  );
}
