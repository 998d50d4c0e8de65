/**
 * Deriving registry entries from a CustomResourceDefinition, as apiextensions-apiserver's
 * discovery does (`pkg/apiserver/customresource_discovery_controller.go`): one resource per
 * served version, the standard verbs, `status`/`scale` subresources when enabled, the CRD's
 * short names and categories, and the highest-priority served version as preferred.
 */
import type { CustomResourceDefinition } from "kubernetes-types/apiextensions/v1";
import { STANDARD_VERBS } from "./builtin";
import type { ResourceInfo, SubresourceInfo } from "./types";
import { compareKubeAwareVersions } from "./version-priority";

/** The resources a CRD serves (empty if it serves no version). */
export function customResourcesFromCRD(crd: CustomResourceDefinition): ResourceInfo[] {
  const spec = crd.spec;
  const names = spec.names;
  const served = spec.versions.filter((v) => v.served);
  const preferred = [...served.map((v) => v.name)].sort(compareKubeAwareVersions)[0];
  return served.map((v) => {
    const subresources: SubresourceInfo[] = [];
    if (v.subresources?.scale) {
      subresources.push({
        name: "scale",
        kind: "Scale",
        group: "autoscaling",
        version: "v1",
        verbs: ["get", "patch", "update"],
      });
    }
    if (v.subresources?.status) {
      subresources.push({ name: "status", kind: names.kind, verbs: ["get", "patch", "update"] });
    }
    return {
      group: spec.group,
      version: v.name,
      resource: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      namespaced: spec.scope === "Namespaced",
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      verbs: STANDARD_VERBS,
      subresources,
      preferred: v.name === preferred,
      custom: true,
    };
  });
}
