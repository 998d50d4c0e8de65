/**
 * Scheduler profiles (`KubeSchedulerProfile`): a `schedulerName`, its plugins (MultiPoint, in
 * order, with score weights) and their arguments. Pods choose a profile with `spec.schedulerName`.
 */

/** A plugin enabled in a profile, with its score weight (score plugins without one weigh 1). */
export interface PluginRef {
  name: string;
  weight?: number;
}

/** A scheduler profile. */
export interface Profile {
  schedulerName: string;
  /** Plugins enabled at every extension point they implement (MultiPoint), in this order. */
  plugins: PluginRef[];
  /** Per-plugin arguments, merged over each plugin's defaults. */
  pluginConfig?: Record<string, Record<string, unknown>>;
  /** Per-profile `percentageOfNodesToScore`; unset means the scheduler-wide value. */
  percentageOfNodesToScore?: number;
}

/** `v1.DefaultSchedulerName`. */
export const DEFAULT_SCHEDULER_NAME = "default-scheduler";

/**
 * `getDefaultPlugins()` of `pkg/scheduler/apis/config/v1/default_plugins.go` (v1.32), with its
 * score weights: TaintToleration 3, NodeAffinity 2, NodeResourcesFit 1, PodTopologySpread 2,
 * InterPodAffinity 2, NodeResourcesBalancedAllocation 1, ImageLocality 1.
 *
 * The real list also has VolumeRestrictions, NodeVolumeLimits and VolumeZone (between
 * NodeResourcesFit and PodTopologySpread); they are not implemented in the simulation (no CSI
 * drivers, volume attachments or zonal volumes exist in it), so they are left out here.
 */
export const DEFAULT_PLUGINS: readonly PluginRef[] = Object.freeze([
  { name: "SchedulingGates" },
  { name: "PrioritySort" },
  { name: "NodeUnschedulable" },
  { name: "NodeName" },
  { name: "TaintToleration", weight: 3 },
  { name: "NodeAffinity", weight: 2 },
  { name: "NodePorts" },
  { name: "NodeResourcesFit", weight: 1 },
  { name: "VolumeBinding" },
  { name: "PodTopologySpread", weight: 2 },
  { name: "InterPodAffinity", weight: 2 },
  { name: "DefaultPreemption" },
  { name: "NodeResourcesBalancedAllocation", weight: 1 },
  { name: "ImageLocality", weight: 1 },
  { name: "DefaultBinder" },
]);

/** The `default-scheduler` profile with the default plugins. */
export function defaultProfile(schedulerName: string = DEFAULT_SCHEDULER_NAME): Profile {
  return { schedulerName, plugins: DEFAULT_PLUGINS.map((p) => ({ ...p })) };
}

/**
 * `percentageOfNodesToScore` default: 0, meaning adaptive
 * (`pkg/scheduler/apis/config/v1/defaults.go`; `DefaultPercentageOfNodesToScore`).
 */
export const DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE = 0;
