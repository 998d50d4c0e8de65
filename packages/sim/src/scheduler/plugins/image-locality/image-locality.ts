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
  // A memo of the last pod's normalised image names (pure: recomputed when the pod changes).
  private memoPod: PodInfo | null = null;
  private memoImages: string[] = [];

  constructor(private readonly handle: Handle) {}

  private imagesOf(pod: PodInfo): string[] {
    if (this.memoPod !== pod) {
      const spec = pod.pod.spec;
      const images: string[] = [];
      for (const c of spec?.initContainers ?? []) if (c.image) images.push(normalizedImageName(c.image));
      for (const c of spec?.containers ?? []) if (c.image) images.push(normalizedImageName(c.image));
      this.memoPod = pod;
      this.memoImages = images;
    }
    return this.memoImages;
  }

  scoreNodes(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], out: number[]): void {
    // When none of the pod's images is on any node, every node scores the same: skip the lookups.
    const snapshot = this.handle.snapshot();
    const images = this.imagesOf(pod);
    let anywhere = false;
    for (const name of images) if (snapshot.imageNumNodes(name) > 0) anywhere = true;
    if (!anywhere) {
      const spec = pod.pod.spec;
      const constant = calculatePriority(
        0,
        (spec?.initContainers?.length ?? 0) + (spec?.containers?.length ?? 0),
      );
      for (let i = 0; i < nodes.length; i++) out.push(constant);
      return;
    }
    for (let i = 0; i < nodes.length; i++) out.push(this.score(state, pod, nodes[i] as NodeInfo));
  }

  score(_state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): number {
    const spec = pod.pod.spec;
    const numContainers = (spec?.initContainers?.length ?? 0) + (spec?.containers?.length ?? 0);
    const images = this.imagesOf(pod);
    const sizes = nodeInfo.imageSizes;
    let sum = 0;
    let snapshot: ReturnType<Handle["snapshot"]> | null = null;
    for (let i = 0; i < images.length; i++) {
      const name = images[i] as string;
      const size = sizes[name];
      if (size === undefined) continue;
      snapshot ??= this.handle.snapshot();
      // scaledImageScore: size × (nodes having it / all nodes).
      sum += Math.trunc(size * (snapshot.imageNumNodes(name) / snapshot.numNodes()));
    }
    return calculatePriority(sum, numContainers);
  }
}
