/**
 * The in-tree plugin registry (`plugins/registry.go` `NewInTreeRegistry`) with each plugin's
 * default arguments (`pkg/scheduler/apis/config/v1/defaults.go`, v1.32).
 */
import type { Registry } from "../framework/framework";
import { DefaultBinder } from "./default-binder/default-binder";
import { DefaultPreemption, type DefaultPreemptionArgs } from "./default-preemption/default-preemption";
import { ImageLocality } from "./image-locality/image-locality";
import { InterPodAffinity, type InterPodAffinityArgs } from "./inter-pod-affinity/inter-pod-affinity";
import { Names } from "./names";
import { NodeAffinity, type NodeAffinityArgs } from "./node-affinity/node-affinity";
import { NodeName } from "./node-name/node-name";
import { NodePorts } from "./node-ports/node-ports";
import {
  type BalancedAllocationArgs,
  NodeResourcesBalancedAllocation,
} from "./node-resources-balanced-allocation/node-resources-balanced-allocation";
import { NodeResourcesFit, type NodeResourcesFitArgs } from "./node-resources-fit/node-resources-fit";
import { NodeUnschedulable } from "./node-unschedulable/node-unschedulable";
import { PodTopologySpread, type PodTopologySpreadArgs } from "./pod-topology-spread/pod-topology-spread";
import { PrioritySort } from "./priority-sort/priority-sort";
import { SchedulingGates } from "./scheduling-gates/scheduling-gates";
import { TaintToleration } from "./taint-toleration/taint-toleration";
import { VolumeBinding } from "./volume-binding/volume-binding";

/** Every in-tree plugin the simulation implements. */
export function inTreeRegistry(): Registry {
  return {
    [Names.SchedulingGates]: { factory: () => new SchedulingGates() },
    [Names.PrioritySort]: { factory: () => new PrioritySort() },
    [Names.NodeUnschedulable]: { factory: () => new NodeUnschedulable() },
    [Names.NodeName]: { factory: () => new NodeName() },
    [Names.TaintToleration]: { factory: () => new TaintToleration() },
    [Names.NodeAffinity]: { factory: (args) => new NodeAffinity(args as NodeAffinityArgs) },
    [Names.NodePorts]: { factory: () => new NodePorts() },
    [Names.NodeResourcesFit]: {
      factory: (args) => new NodeResourcesFit(args as NodeResourcesFitArgs),
      defaultArgs: {
        scoringStrategy: {
          type: "LeastAllocated",
          resources: [
            { name: "cpu", weight: 1 },
            { name: "memory", weight: 1 },
          ],
        },
      },
    },
    [Names.VolumeBinding]: {
      factory: (_args, h) => new VolumeBinding(h),
      defaultArgs: { bindTimeoutSeconds: 600 },
    },
    [Names.PodTopologySpread]: {
      factory: (args, h) => new PodTopologySpread(args as PodTopologySpreadArgs, h),
      defaultArgs: { defaultingType: "System" },
    },
    [Names.InterPodAffinity]: {
      factory: (args, h) => new InterPodAffinity(args as InterPodAffinityArgs, h),
      defaultArgs: { hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: false },
    },
    [Names.DefaultPreemption]: {
      factory: (args, h) => new DefaultPreemption(args as DefaultPreemptionArgs, h),
      defaultArgs: { minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 },
    },
    [Names.NodeResourcesBalancedAllocation]: {
      factory: (args) => new NodeResourcesBalancedAllocation(args as BalancedAllocationArgs),
      defaultArgs: {
        resources: [
          { name: "cpu", weight: 1 },
          { name: "memory", weight: 1 },
        ],
      },
    },
    [Names.ImageLocality]: { factory: (_args, h) => new ImageLocality(h) },
    [Names.DefaultBinder]: { factory: () => new DefaultBinder() },
  };
}
