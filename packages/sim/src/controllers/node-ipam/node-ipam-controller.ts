/**
 * The node IPAM controller's range allocator (`pkg/controller/nodeipam/ipam/range_allocator.go`,
 * v1.32): with `--allocate-node-cidrs` (kubeadm sets it when the cluster has a pod subnet), every
 * node gets `spec.podCIDR` / `spec.podCIDRs` — a /24 of `--cluster-cidr` by default — which the
 * CNI plugin hands pod IPs from. Nodes that already have one keep it; a deleted node's range
 * is freed. When the range is exhausted the node gets a `CIDRNotAvailable` event.
 */
import type { KubeObject } from "../../api/types";
import { defineController, errorMessage, isSuccess, type SyncContext } from "../framework";
import { allocateNext, type CidrSetState, newCidrSet, occupy, release } from "./cidr-set";

/** The controller's canonical name (`names.NodeIpamController`); alias `nodeipam`. */
export const NODE_IPAM_CONTROLLER = "node-ipam-controller";

/**
 * Its flags, read from the manager's settings when present (`allocateNodeCidrs`,
 * `clusterCidr`, `nodeCidrMaskSize`): `--allocate-node-cidrs` (false by default; kubeadm: true
 * with `--cluster-cidr` = `networking.podSubnet`), `--node-cidr-mask-size` (24 for IPv4).
 */
export interface NodeIpamSettings {
  allocateNodeCidrs?: boolean;
  clusterCidr?: string;
  nodeCidrMaskSize?: number;
}

/** The controller's plain data. */
export interface NodeIpamData {
  /** Null: allocation is off (or the cluster CIDR is invalid). */
  cidrs: CidrSetState | null;
  /** Node name → the range it was given (to release it on deletion). */
  allocated: Record<string, string>;
}

type Ctx = SyncContext<NodeIpamData>;

function nodeCidr(node: KubeObject): string | undefined {
  return node.spec?.podCIDRs?.[0] ?? node.spec?.podCIDR;
}

function syncNode(c: Ctx, name: string): void {
  const cidrs = c.data.cidrs;
  if (!cidrs) return;
  const node = c.get("nodes", "", name);
  if (!node) {
    // ReleaseCIDR: the node was deleted.
    const cidr = c.data.allocated[name];
    if (cidr) release(cidrs, cidr);
    delete c.data.allocated[name];
    return;
  }
  const existing = nodeCidr(node);
  if (existing) {
    if (!c.data.allocated[name]) {
      occupy(cidrs, existing);
      c.data.allocated[name] = existing;
    }
    return;
  }
  if (c.data.allocated[name]) {
    // Allocated already; the patch is on its way (or failed and is retried with the same range).
    patch(c, name, c.data.allocated[name]!);
    return;
  }
  const cidr = allocateNext(cidrs);
  if (!cidr) {
    c.event(
      { apiVersion: "v1", kind: "Node", metadata: { name, uid: node.metadata.uid ?? "" } },
      "Normal",
      "CIDRNotAvailable",
      `Node ${name} status is now: CIDRNotAvailable`,
    );
    c.fail(
      "failed to allocate cidr from cluster cidr: CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range",
    );
    return;
  }
  c.data.allocated[name] = cidr;
  patch(c, name, cidr);
}

/** `PatchNodeCIDRs`. */
function patch(c: Ctx, name: string, cidr: string): void {
  c.patch("nodes", "", name, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, "strategic");
  c.continueWith("patched", { name, cidr });
}

/** The node IPAM controller (range allocator). */
export const nodeIpamController = defineController<NodeIpamData>({
  name: NODE_IPAM_CONTROLLER,
  aliases: ["nodeipam"],
  // The Events source and service account are "node-controller" (the IPAM half of the old node controller).
  component: "node-controller",
  serviceAccount: "node-controller",
  // cidrUpdateWorkers
  workers: 30,
  informers: [{ resource: "nodes" }],
  init: (settings) => {
    const s = settings as unknown as NodeIpamSettings;
    const cidrs =
      s.allocateNodeCidrs && s.clusterCidr ? newCidrSet(s.clusterCidr, s.nodeCidrMaskSize ?? 24) : null;
    return { cidrs, allocated: {} };
  },
  handlers: {
    nodes: (c, d) => {
      if (!c.data.cidrs) return;
      // Only nodes without a range (or gone) need work; heartbeats are ignored.
      if (d.type === "MODIFIED" && nodeCidr(d.object) && c.data.allocated[d.object.metadata.name ?? ""])
        return;
      c.enqueue(d.object.metadata.name ?? "");
    },
  },
  onSynced(c) {
    // The allocator first occupies the ranges nodes already have (NewCIDRRangeAllocator).
    if (!c.data.cidrs) return;
    for (const node of c.list("nodes")) {
      const cidr = nodeCidr(node);
      if (cidr && occupy(c.data.cidrs, cidr)) c.data.allocated[node.metadata.name ?? ""] = cidr;
    }
  },
  sync: syncNode,
  steps: {
    patched(c, results, data) {
      const { name } = data as { name: string; cidr: string };
      const r = results[0]!;
      if (isSuccess(r) || r.code === 404) return;
      c.event(
        { apiVersion: "v1", kind: "Node", metadata: { name } },
        "Normal",
        "CIDRAssignmentFailed",
        `Node ${name} status is now: CIDRAssignmentFailed`,
      );
      c.fail(errorMessage(r));
    },
  },
});
