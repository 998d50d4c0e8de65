/**
 * Where each resource lives in etcd. The apiserver stores objects under `/registry/<prefix>/`
 * with `<namespace>/<name>` or `<name>` after it. Most prefixes are the resource name; the
 * exceptions below are kube-apiserver's (pkg/registry/<group>/<resource>/storage and
 * pkg/kubeapiserver/default_storage_factory_builder.go), and custom resources are
 * `/registry/<group>/<resource>` (apiextensions-apiserver).
 */
import type { ResourceInfo } from "../api/resources";

const SPECIAL_PREFIXES: Record<string, string> = {
  "/nodes": "minions",
  "/services": "services/specs",
  "/endpoints": "services/endpoints",
  "networking.k8s.io/ingresses": "ingress",
  "apiextensions.k8s.io/customresourcedefinitions": "apiextensions.k8s.io/customresourcedefinitions",
  "apiregistration.k8s.io/apiservices": "apiregistration.k8s.io/apiservices",
  // events.k8s.io/v1 Events are the same objects as core/v1 Events.
  "events.k8s.io/events": "events",
};

/** The etcd key prefix of a resource, without a trailing slash: `/registry/pods`, `/registry/minions`. */
export function storagePrefix(info: ResourceInfo): string {
  if (info.custom) return `/registry/${info.group}/${info.resource}`;
  const special = SPECIAL_PREFIXES[`${info.group}/${info.resource}`];
  return `/registry/${special ?? info.resource}`;
}

/** The etcd key of one object. */
export function storageKey(prefix: string, namespace: string, name: string): string {
  return namespace ? `${prefix}/${namespace}/${name}` : `${prefix}/${name}`;
}
