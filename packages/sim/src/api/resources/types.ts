/** What discovery says about one resource and its subresources (the `APIResource` of `/api/v1`, `/apis/<g>/<v>`). */

/** A subresource (`pods/status`, `deployments/scale`, `pods/log`...). */
export interface SubresourceInfo {
  /** The subresource name after the slash: "status", "scale", "log". */
  name: string;
  /** The kind the subresource serves (`Scale`, `Eviction`, the parent kind for status). */
  kind: string;
  /** Group and version of that kind when it differs from the parent's (`autoscaling/v1` for Scale). */
  group?: string;
  version?: string;
  verbs: readonly string[];
}

/** One resource of one group version, as a v1.32 apiserver's discovery reports it. */
export interface ResourceInfo {
  group: string;
  version: string;
  /** The plural resource name used in URLs ("deployments"). */
  resource: string;
  /** `singularName` ("deployment"). */
  singular: string;
  kind: string;
  /** The list kind ("DeploymentList"). */
  listKind: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  verbs: readonly string[];
  subresources: readonly SubresourceInfo[];
  /** False for versions served but not preferred (autoscaling/v1 beside v2). */
  preferred: boolean;
  /** True when the resource comes from a CustomResourceDefinition. */
  custom?: boolean;
}
