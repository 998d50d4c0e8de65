/** Plugin names (`pkg/scheduler/framework/plugins/names/names.go`). */
export const Names = {
  PrioritySort: "PrioritySort",
  DefaultBinder: "DefaultBinder",
  DefaultPreemption: "DefaultPreemption",
  ImageLocality: "ImageLocality",
  InterPodAffinity: "InterPodAffinity",
  NodeAffinity: "NodeAffinity",
  NodeName: "NodeName",
  NodePorts: "NodePorts",
  NodeResourcesBalancedAllocation: "NodeResourcesBalancedAllocation",
  NodeResourcesFit: "NodeResourcesFit",
  NodeUnschedulable: "NodeUnschedulable",
  PodTopologySpread: "PodTopologySpread",
  SchedulingGates: "SchedulingGates",
  TaintToleration: "TaintToleration",
  VolumeBinding: "VolumeBinding",
} as const;
