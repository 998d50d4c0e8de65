/**
 * How much CPU and memory a container uses: its image's idle profile plus what its request rate
 * costs (`cpuMilliPerRps`, `memoryMiBPerRps` in the node side's image catalogue), CPU capped at
 * the container's limit (the CFS quota throttles beyond it). The kubelet's resource metrics
 * integrate this over time; metrics-server turns two samples into a rate.
 */
import { parseMilliValue } from "../../api/quantity";
import { IMAGE_CATALOGUE, type ResourceProfile } from "../../node/images/catalogue";
import { isReferenceError, parseImageReference, repositoryName } from "../../node/images/image-reference";

/** An unknown image: a plain long-running process. */
export const DEFAULT_PROFILE: ResourceProfile = {
  idleCpuMilli: 1,
  idleMemoryMiB: 5,
  cpuMilliPerRps: 1,
  memoryMiBPerRps: 0.05,
};

/** The resource profile of an image reference. */
export function profileOfImage(image: string): ResourceProfile {
  const ref = parseImageReference(image);
  if (isReferenceError(ref)) return DEFAULT_PROFILE;
  const repo = repositoryName(ref);
  return IMAGE_CATALOGUE.find((d) => d.repository === repo)?.profile ?? DEFAULT_PROFILE;
}

/** Usage of one container: CPU in millicores, working set in bytes. */
export interface ContainerUsage {
  cpuMilli: number;
  memoryBytes: number;
}

/** A container's usage at a request rate, within its limits (`resources.limits`). */
export function containerUsage(
  profile: ResourceProfile,
  rps: number,
  limits: { cpu?: string; memory?: string } = {},
): ContainerUsage {
  let cpuMilli = profile.idleCpuMilli + rps * profile.cpuMilliPerRps;
  if (limits.cpu) cpuMilli = Math.min(cpuMilli, parseMilliValue(limits.cpu));
  let memoryBytes = (profile.idleMemoryMiB + rps * profile.memoryMiBPerRps) * 1_048_576;
  if (limits.memory) memoryBytes = Math.min(memoryBytes, parseMilliValue(limits.memory) / 1000);
  return { cpuMilli, memoryBytes: Math.round(memoryBytes) };
}
