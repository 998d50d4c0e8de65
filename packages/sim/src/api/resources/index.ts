/** The resource registry: built-in resources of a v1.32 apiserver and those of CRDs. */
export { BUILTIN_GROUP_ORDER, BUILTIN_RESOURCES, STANDARD_VERBS } from "./builtin";
export { customResourcesFromCRD } from "./custom-resources";
export {
  aggregatedDiscoveryDocument,
  apiGroupListDocument,
  apiResourceListDocument,
  apiVersionsDocument,
  storageVersionHash,
} from "./discovery";
export {
  createResourceRegistry,
  getResource,
  getResourceForKind,
  groupVersions,
  listGroups,
  listResources,
  type ResourceRegistry,
  registerResources,
  resolveResource,
  resourceKey,
  resourcesInCategory,
  unregisterResource,
} from "./registry";
export type { ResourceInfo, SubresourceInfo } from "./types";
export { compareKubeAwareVersions } from "./version-priority";
