/**
 * The scheduler cache's node tree (`pkg/scheduler/backend/cache/node_tree.go`): node names grouped
 * by zone, listed zone by zone in round-robin so that consecutive nodes of the list come from
 * different zones. Plain data.
 */
import type { Node } from "kubernetes-types/core/v1";

/** Node names per zone, zones in the order they were first seen. */
export interface NodeTreeState {
  zones: string[];
  tree: Record<string, string[]>;
  numNodes: number;
}

/** An empty tree. */
export function newNodeTree(): NodeTreeState {
  return { zones: [], tree: {}, numNodes: 0 };
}

/**
 * `utilnode.GetZoneKey`: "<region>:\x00:<zone>" from the topology labels (or their deprecated
 * failure-domain.beta forms); "" when the node has neither.
 */
export function zoneKey(node: Node): string {
  const labels = node.metadata?.labels ?? {};
  const zone =
    labels["topology.kubernetes.io/zone"] ?? labels["failure-domain.beta.kubernetes.io/zone"] ?? "";
  const region =
    labels["topology.kubernetes.io/region"] ?? labels["failure-domain.beta.kubernetes.io/region"] ?? "";
  if (region === "" && zone === "") return "";
  return `${region}:\x00:${zone}`;
}

/** `nodeTree.addNode`: appends the node to its zone (a new zone goes last). */
export function addNodeToTree(t: NodeTreeState, node: Node): void {
  const zone = zoneKey(node);
  const name = node.metadata?.name ?? "";
  const na = t.tree[zone];
  if (na !== undefined) {
    if (na.includes(name)) return;
    na.push(name);
  } else {
    t.zones.push(zone);
    t.tree[zone] = [name];
  }
  t.numNodes++;
}

/** `nodeTree.removeNode`: removes the node, and its zone when it becomes empty. */
export function removeNodeFromTree(t: NodeTreeState, node: Node): boolean {
  const zone = zoneKey(node);
  const name = node.metadata?.name ?? "";
  const na = t.tree[zone];
  if (na === undefined) return false;
  const i = na.indexOf(name);
  if (i < 0) return false;
  na.splice(i, 1);
  if (na.length === 0) {
    delete t.tree[zone];
    const zi = t.zones.indexOf(zone);
    if (zi >= 0) t.zones.splice(zi, 1);
  }
  t.numNodes--;
  return true;
}

/** `nodeTree.updateNode`: moves the node when its zone changed. */
export function updateNodeInTree(t: NodeTreeState, oldNode: Node | null, newNode: Node): void {
  if (oldNode !== null) {
    if (zoneKey(oldNode) === zoneKey(newNode)) return;
    removeNodeFromTree(t, oldNode);
  }
  addNodeToTree(t, newNode);
}

/** `nodeTree.list`: the first node of every zone, then the second of every zone, and so on. */
export function listNodeTree(t: NodeTreeState): string[] {
  const out: string[] = [];
  if (t.zones.length === 0) return out;
  let exhausted = 0;
  for (let nodeIndex = 0; out.length < t.numNodes && exhausted < t.zones.length; nodeIndex++) {
    for (const zone of t.zones) {
      const na = t.tree[zone] as string[];
      if (nodeIndex >= na.length) {
        if (nodeIndex === na.length) exhausted++;
        continue;
      }
      out.push(na[nodeIndex] as string);
    }
  }
  return out;
}
