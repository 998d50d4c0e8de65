import path from "node:path";
import { parseAllDocuments } from "yaml";
import { commandWorks, runCommand } from "./find-command";
import { repoRoot } from "./repo-root";

/** A rendered Kubernetes object, loosely typed: tests read the fields they assert on. */
// biome-ignore lint/suspicious/noExplicitAny: manifests are open-ended JSON documents.
export type KubeObject = any;

/** Why kustomize rendering cannot run here, or undefined when the real kubectl is on the PATH. */
export function kubectlMissingReason(): string | undefined {
  if (commandWorks("kubectl", ["version", "--client"])) return undefined;
  return "`kubectl` is not on the PATH (install kubectl 1.27 or newer; `kubectl kustomize` renders offline)";
}

/**
 * Renders `infra/k8s/<dir>` with the real `kubectl kustomize` (offline) and
 * returns its objects. Throws with kubectl's own message when rendering fails.
 */
export function renderKustomization(dir: string): KubeObject[] {
  const result = runCommand("kubectl", ["kustomize", path.join(repoRoot, "infra/k8s", dir)]);
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((document) => document.toJS())
    .filter((object): object is KubeObject => object != null);
}

/** The one object of `kind` named `name`, or an error listing what was rendered. */
export function findObject(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) {
    const rendered = objects.map((object) => `${object.kind}/${object.metadata.name}`).join(", ");
    throw new Error(`no ${kind}/${name} among: ${rendered}`);
  }
  return found;
}
