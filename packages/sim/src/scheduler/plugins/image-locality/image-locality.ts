/**
 * ImageLocality (`plugins/imagelocality/image_locality.go`): prefers nodes that already have the
 * pod's images, weighted by image size and by how widely the image is spread (an image present
 * everywhere does not favour any node).
 */
import type { CycleState } from "../../framework/cycle-state";
import type { Handle, ScorePlugin } from "../../framework/interface";
import { MAX_NODE_SCORE, type NodeInfo, type PodInfo } from "../../framework/types";
import { Names } from "../names";

const MB = 1024 * 1024;
/** `minThreshold`: 23 MB, below which an image does not count. */
export const MIN_THRESHOLD = 23 * MB;
/** `maxContainerThreshold`: 1000 MB per container. */
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/**
 * `normalizedImageName`: appends ":latest" when the name has no tag. Note that, as in the real
 * scheduler, "nginx:1.27" does not match a node image listed as "docker.io/library/nginx:1.27".
 */
export function normalizedImageName(name: string): string {
  if (name.lastIndexOf(":") <= name.lastIndexOf("/")) return `${name}:latest`;
  return name;
}

/** `calculatePriority`: clamps the sum to [min, max × containers] and scales it to [0, 100]. */
export function calculatePriority(sumScores: number, numContainers: number): number {
  const maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
  let s = sumScores;
  if (s < MIN_THRESHOLD) s = MIN_THRESHOLD;
  else if (s > maxThreshold) s = maxThreshold;
  return Math.trunc((MAX_NODE_SCORE * (s - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
}

/** The plugin. */
export class ImageLocality implements ScorePlugin {
  readonly name = Names.ImageLocality;

  constructor(private readonly handle: Handle) {}

  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const snapshot = this.handle.snapshot();
    const totalNumNodes = snapshot.numNodes();
    const spec = pod.pod.spec;
    let sum = 0;
    let numContainers = 0;
    const sizes = nodeInfo.imageSizes;
    for (const list of [spec?.initContainers, spec?.containers]) {
      if (!list) continue;
      numContainers += list.length;
      for (const c of list) {
        if (!c.image) continue;
        const name = normalizedImageName(c.image);
        const size = sizes[name];
        if (size === undefined) continue;
        // scaledImageScore: size × (nodes having it / all nodes).
        sum += Math.trunc(size * (snapshot.imageNumNodes(name) / totalNumNodes));
      }
    }
    return calculatePriority(sum, numContainers);
  }
}
