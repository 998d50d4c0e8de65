/**
 * Parse a request path the way the apiserver's RequestInfoFactory does
 * (apiserver `pkg/endpoints/request/requestinfo.go`): API prefix, group, version, namespace,
 * resource, name, subresource.
 */

/** What a path addresses. */
export interface RequestInfo {
  isResourceRequest: boolean;
  /** For non-resource paths: the path itself (`/healthz`, `/version`, `/api`, `/apis`, discovery). */
  path: string;
  group: string;
  version: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  /** The Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
}

/** Parse `method` + `path` (+ whether it is a watch) into a RequestInfo. */
export function parseRequestInfo(method: string, path: string, watch: boolean): RequestInfo {
  const info: RequestInfo = {
    isResourceRequest: false,
    path,
    group: "",
    version: "",
    namespace: "",
    resource: "",
    name: "",
    subresource: "",
    verb: method.toLowerCase(),
  };
  const parts = path.split("/").filter((p) => p !== "");
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 2) {
    info.version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 3) {
    info.group = parts[1]!;
    info.version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return info;
  }
  if (rest.length === 0) return info;
  info.isResourceRequest = true;
  // /namespaces/{ns}/{resource}/... but /namespaces/{name}[/status|/finalize] is the namespace itself.
  if (rest[0] === "namespaces" && rest.length >= 2) {
    if (rest.length >= 3 && rest[2] !== "status" && rest[2] !== "finalize") {
      info.namespace = rest[1]!;
      rest = rest.slice(2);
    } else {
      info.namespace = rest[1]!;
    }
  }
  info.resource = rest[0] ?? "";
  info.name = rest[1] ?? "";
  info.subresource = rest.slice(2).join("/");
  if (info.resource === "namespaces") info.namespace = info.name;
  switch (method) {
    case "POST":
      info.verb = "create";
      break;
    case "GET":
      info.verb = watch ? "watch" : info.name === "" ? "list" : "get";
      break;
    case "PUT":
      info.verb = "update";
      break;
    case "PATCH":
      info.verb = "patch";
      break;
    case "DELETE":
      info.verb = info.name === "" ? "deletecollection" : "delete";
      break;
  }
  return info;
}
