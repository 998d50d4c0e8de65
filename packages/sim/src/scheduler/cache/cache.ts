/**
 * The scheduler cache (`pkg/scheduler/backend/cache/cache.go`): NodeInfos built incrementally
 * from node and pod events, plus pods the scheduler has *assumed* on a node before the binding
 * reached the apiserver, so that the next cycle already counts them.
 *
 * Pod lifecycle in the cache (the Go comment's state machine):
 *
 *     assumePod → [Assumed] → finishBinding → [Assumed, binding finished] → addPod (informer) → [Added]
 *                      └── forgetPod (binding failed) → gone
 *     addPod (a pod bound by someone else) → [Added] → updatePod → [Added] → removePod → gone
 *
 * All state is plain data (`SchedulerCacheState`); `SchedulerCache` is a thin wrapper around it.
 * The snapshot a scheduling cycle reads is a view of the same NodeInfos: the simulation runs a
 * cycle within one handler, so nothing changes the cache while a cycle runs, and no copy is
 * needed (the Go cache copies because informers run concurrently).
 */
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { Snapshot } from "../framework/interface";
import {
  addPodInfo,
  clearNode,
  newNodeInfo,
  removePod as removePodFromNode,
  setNode,
} from "../framework/node-info";
import { newPodInfo, podKey } from "../framework/pod-info";
import type { NodeInfo, PodInfo } from "../framework/types";
import {
  addNodeToTree,
  listNodeTree,
  type NodeTreeState,
  newNodeTree,
  removeNodeFromTree,
  updateNodeInTree,
} from "./node-tree";

/** Where a pod known to the cache is, and whether it is only assumed. */
export interface PodState {
  nodeName: string;
  assumed: boolean;
  bindingFinished: boolean;
  /** Virtual ms after which an assumed pod whose binding finished expires; null: never. */
  deadline: number | null;
}

/** An image known on some nodes (`ImageStateSummary`). */
export interface ImageState {
  size: number;
  nodes: string[];
}

/** The cache's whole state, JSON-serialisable. */
export interface SchedulerCacheState {
  nodes: Record<string, NodeInfo>;
  nodeTree: NodeTreeState;
  podStates: Record<string, PodState>;
  imageStates: Record<string, ImageState>;
  /**
   * How long an assumed pod lives after its binding finished without the informer confirming it;
   * 0 means forever. v1.32: `durationToExpireAssumedPod = 0` (`pkg/scheduler/scheduler.go`).
   */
  assumedPodTTLMs: number;
}

/** The v1.32 assumed-pod TTL: 0, assumed pods never expire. */
export const DURATION_TO_EXPIRE_ASSUMED_POD_MS = 0;

/** An empty cache state. */
export function newSchedulerCacheState(
  assumedPodTTLMs: number = DURATION_TO_EXPIRE_ASSUMED_POD_MS,
): SchedulerCacheState {
  return { nodes: {}, nodeTree: newNodeTree(), podStates: {}, imageStates: {}, assumedPodTTLMs };
}

/** The cache operations over a `SchedulerCacheState`. Errors are returned as messages (Go returns errors). */
export class SchedulerCache {
  private nodeListCache: NodeInfo[] | null = null;
  private affinityListCache: NodeInfo[] | null = null;
  private antiAffinityListCache: NodeInfo[] | null = null;
  private readonly view: Snapshot;

  constructor(readonly state: SchedulerCacheState) {
    this.view = {
      nodeInfoList: () => this.nodeInfoList(),
      havePodsWithAffinityList: () => this.havePodsWithAffinityList(),
      havePodsWithRequiredAntiAffinityList: () => this.havePodsWithRequiredAntiAffinityList(),
      get: (name) => {
        const n = this.state.nodes[name];
        return n !== undefined && n.node !== null ? n : undefined;
      },
      numNodes: () => this.state.nodeTree.numNodes,
      imageNumNodes: (image) => this.state.imageStates[image]?.nodes.length ?? 0,
    };
  }

  // --- snapshot -----------------------------------------------------------------------------

  /** The node view a scheduling cycle reads (`UpdateSnapshot` + `Snapshot`). */
  snapshot(): Snapshot {
    return this.view;
  }

  private nodeInfoList(): NodeInfo[] {
    if (this.nodeListCache === null) {
      const list: NodeInfo[] = [];
      for (const name of listNodeTree(this.state.nodeTree)) {
        const n = this.state.nodes[name];
        if (n !== undefined && n.node !== null) list.push(n);
      }
      this.nodeListCache = list;
    }
    return this.nodeListCache;
  }

  private havePodsWithAffinityList(): NodeInfo[] {
    if (this.affinityListCache === null) {
      this.affinityListCache = this.nodeInfoList().filter((n) => n.podsWithAffinity.length > 0);
    }
    return this.affinityListCache;
  }

  private havePodsWithRequiredAntiAffinityList(): NodeInfo[] {
    if (this.antiAffinityListCache === null) {
      this.antiAffinityListCache = this.nodeInfoList().filter(
        (n) => n.podsWithRequiredAntiAffinity.length > 0,
      );
    }
    return this.antiAffinityListCache;
  }

  private nodesChanged(): void {
    this.nodeListCache = null;
    this.affinityListCache = null;
    this.antiAffinityListCache = null;
  }

  // --- nodes --------------------------------------------------------------------------------

  private nodeInfoFor(name: string): NodeInfo {
    let n = this.state.nodes[name];
    if (n === undefined) {
      n = newNodeInfo(name);
      this.state.nodes[name] = n;
    }
    return n;
  }

  /** `AddNode`. */
  addNode(node: Node): NodeInfo {
    const name = node.metadata?.name ?? "";
    const n = this.nodeInfoFor(name);
    if (n.node !== null) {
      this.removeNodeImageStates(n);
      updateNodeInTree(this.state.nodeTree, n.node, node);
    } else {
      addNodeToTree(this.state.nodeTree, node);
    }
    this.addNodeImageStates(node, n);
    setNode(n, node);
    this.nodesChanged();
    return n;
  }

  /** `UpdateNode`. */
  updateNode(oldNode: Node | null, newNode: Node): NodeInfo {
    const name = newNode.metadata?.name ?? "";
    const n = this.nodeInfoFor(name);
    if (n.node === null) {
      addNodeToTree(this.state.nodeTree, newNode);
    } else {
      updateNodeInTree(this.state.nodeTree, n.node ?? oldNode, newNode);
      this.removeNodeImageStates(n);
    }
    this.addNodeImageStates(newNode, n);
    setNode(n, newNode);
    this.nodesChanged();
    return n;
  }

  /**
   * `RemoveNode`: the node leaves the tree; its NodeInfo stays while pods are still on it (they
   * are removed by their own delete events), as in the Go cache.
   */
  removeNode(node: Node): string | null {
    const name = node.metadata?.name ?? "";
    const n = this.state.nodes[name];
    if (n === undefined) return `node ${name} is not found`;
    this.removeNodeImageStates(n);
    if (n.node !== null) removeNodeFromTree(this.state.nodeTree, n.node);
    clearNode(n);
    if (n.pods.length === 0) delete this.state.nodes[name];
    this.nodesChanged();
    return null;
  }

  private addNodeImageStates(node: Node, n: NodeInfo): void {
    const sizes: Record<string, number> = {};
    for (const image of node.status?.images ?? []) {
      for (const name of image.names ?? []) {
        let st = this.state.imageStates[name];
        if (st === undefined) {
          st = { size: image.sizeBytes ?? 0, nodes: [n.name] };
          this.state.imageStates[name] = st;
        } else if (!st.nodes.includes(n.name)) {
          st.nodes.push(n.name);
        }
        if (sizes[name] === undefined) sizes[name] = st.size;
      }
    }
    n.imageSizes = sizes;
  }

  private removeNodeImageStates(n: NodeInfo): void {
    for (const name of Object.keys(n.imageSizes)) {
      const st = this.state.imageStates[name];
      if (st === undefined) continue;
      const i = st.nodes.indexOf(n.name);
      if (i >= 0) st.nodes.splice(i, 1);
      if (st.nodes.length === 0) delete this.state.imageStates[name];
    }
    n.imageSizes = {};
  }

  // --- pods ---------------------------------------------------------------------------------

  private addPodToNode(pi: PodInfo, nodeName: string): void {
    const n = this.nodeInfoFor(nodeName);
    const before = n.podsWithAffinity.length;
    const beforeAnti = n.podsWithRequiredAntiAffinity.length;
    addPodInfo(n, pi);
    if (before === 0 && n.podsWithAffinity.length > 0) this.affinityListCache = null;
    if (beforeAnti === 0 && n.podsWithRequiredAntiAffinity.length > 0) this.antiAffinityListCache = null;
  }

  private removePodFromNode(key: string, nodeName: string): void {
    const n = this.state.nodes[nodeName];
    if (n === undefined) return;
    const before = n.podsWithAffinity.length;
    const beforeAnti = n.podsWithRequiredAntiAffinity.length;
    removePodFromNode(n, key);
    if (before > 0 && n.podsWithAffinity.length === 0) this.affinityListCache = null;
    if (beforeAnti > 0 && n.podsWithRequiredAntiAffinity.length === 0) this.antiAffinityListCache = null;
    if (n.pods.length === 0 && n.node === null) delete this.state.nodes[nodeName];
  }

  /**
   * `AssumePod`: counts the pod on `pod.spec.nodeName` before it is bound. `podInfo` may be given
   * to reuse an already computed PodInfo of the same pod.
   */
  assumePod(pod: Pod, podInfo?: PodInfo): string | null {
    const key = podKey(pod);
    if (this.state.podStates[key] !== undefined) {
      return `pod ${key}(${pod.metadata?.namespace}/${pod.metadata?.name}) is in the cache, so can't be assumed`;
    }
    const nodeName = pod.spec?.nodeName ?? "";
    const pi = podInfo !== undefined && podInfo.pod === pod ? podInfo : newPodInfo(pod);
    this.addPodToNode(pi, nodeName);
    this.state.podStates[key] = { nodeName, assumed: true, bindingFinished: false, deadline: null };
    return null;
  }

  /** `FinishBinding`: the bind request was sent; starts the expiry clock when a TTL is set. */
  finishBinding(pod: Pod, now: number): string | null {
    const key = podKey(pod);
    const ps = this.state.podStates[key];
    if (ps === undefined || !ps.assumed) return null;
    ps.bindingFinished = true;
    ps.deadline = this.state.assumedPodTTLMs > 0 ? now + this.state.assumedPodTTLMs : null;
    return null;
  }

  /** `ForgetPod`: drops an assumed pod whose binding failed. */
  forgetPod(pod: Pod): string | null {
    const key = podKey(pod);
    const ps = this.state.podStates[key];
    if (ps === undefined) return null;
    const nodeName = pod.spec?.nodeName ?? "";
    if (ps.nodeName !== nodeName) {
      return `pod ${key}(${pod.metadata?.namespace}/${pod.metadata?.name}) was assumed on ${nodeName} but assigned to ${ps.nodeName}`;
    }
    if (!ps.assumed) {
      return `pod ${key}(${pod.metadata?.namespace}/${pod.metadata?.name}) wasn't assumed so cannot be forgotten`;
    }
    this.removePodFromNode(key, ps.nodeName);
    delete this.state.podStates[key];
    return null;
  }

  /**
   * `AddPod`: the informer saw a bound pod. An assumed pod is confirmed (moved if it landed
   * elsewhere); an unknown pod is added.
   */
  addPod(pod: Pod): string | null {
    const key = podKey(pod);
    const nodeName = pod.spec?.nodeName ?? "";
    const ps = this.state.podStates[key];
    if (ps?.assumed) {
      // Replace the assumed copy with the informer's object (its node may differ).
      this.removePodFromNode(key, ps.nodeName);
      this.addPodToNode(newPodInfo(pod), nodeName);
      this.state.podStates[key] = { nodeName, assumed: false, bindingFinished: false, deadline: null };
      return null;
    }
    if (ps !== undefined)
      return `pod ${key}(${pod.metadata?.namespace}/${pod.metadata?.name}) was already in added state`;
    this.addPodToNode(newPodInfo(pod), nodeName);
    this.state.podStates[key] = { nodeName, assumed: false, bindingFinished: false, deadline: null };
    return null;
  }

  /** `UpdatePod`: replaces an added pod's info (its requests or labels may have changed). */
  updatePod(oldPod: Pod, newPod: Pod): string | null {
    const key = podKey(oldPod);
    const ps = this.state.podStates[key];
    if (ps === undefined)
      return `pod ${key}(${oldPod.metadata?.namespace}/${oldPod.metadata?.name}) is not added to scheduler cache, so cannot be updated`;
    if (ps.assumed) return `assumed pod ${key} should not be updated`;
    this.removePodFromNode(key, ps.nodeName);
    const nodeName = newPod.spec?.nodeName ?? ps.nodeName;
    this.addPodToNode(newPodInfo(newPod), nodeName);
    ps.nodeName = nodeName;
    return null;
  }

  /** `RemovePod`. */
  removePod(pod: Pod): string | null {
    const key = podKey(pod);
    const ps = this.state.podStates[key];
    if (ps === undefined)
      return `pod ${key}(${pod.metadata?.namespace}/${pod.metadata?.name}) is not found in scheduler cache, so cannot be removed from it`;
    this.removePodFromNode(key, ps.nodeName);
    delete this.state.podStates[key];
    return null;
  }

  /** `IsAssumedPod`. */
  isAssumedPod(pod: Pod): boolean {
    return this.state.podStates[podKey(pod)]?.assumed === true;
  }

  /** The node a cached pod is on (assumed or added), or undefined. */
  podNodeName(pod: Pod): string | undefined {
    return this.state.podStates[podKey(pod)]?.nodeName;
  }

  /** `cleanupAssumedPods`: expires assumed pods whose binding finished past their deadline. */
  cleanupAssumedPods(now: number): Pod[] {
    const expired: Pod[] = [];
    for (const key of Object.keys(this.state.podStates)) {
      const ps = this.state.podStates[key] as PodState;
      if (!ps.assumed || !ps.bindingFinished || ps.deadline === null || now < ps.deadline) continue;
      const n = this.state.nodes[ps.nodeName];
      const pi = n?.pods.find((p) => p.key === key);
      this.removePodFromNode(key, ps.nodeName);
      delete this.state.podStates[key];
      if (pi) expired.push(pi.pod);
    }
    return expired;
  }

  /** Number of nodes with a Node object. */
  nodeCount(): number {
    return this.state.nodeTree.numNodes;
  }

  /** Number of pods in the cache (assumed included). */
  podCount(): number {
    return Object.keys(this.state.podStates).length;
  }
}
