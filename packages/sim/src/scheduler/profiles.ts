/**
 * Several schedulers in one (`profile.NewMap`): one Framework per profile, keyed by
 * `schedulerName`; a pod is handled by the profile named in its `spec.schedulerName` and ignored
 * when no profile has that name. All profiles must share the same QueueSort plugin, since there
 * is a single queue.
 */
import type { Pod } from "kubernetes-types/core/v1";
import type { ClusterEventRegistration } from "./framework/events";
import { Framework, type FrameworkDeps, type Registry } from "./framework/framework";
import { DEFAULT_SCHEDULER_NAME, defaultProfile, type Profile } from "./framework/profile";
import { inTreeRegistry } from "./plugins/registry";
import type { SchedulingQueueHooks } from "./queue/scheduling-queue";

/** Frameworks by scheduler name. */
export type Profiles = ReadonlyMap<string, Framework>;

/** Builds the frameworks of the given profiles (default: the `default-scheduler` profile). */
export function buildFrameworks(
  deps: FrameworkDeps,
  profiles: Profile[] = [defaultProfile()],
  registry: Registry = inTreeRegistry(),
): Profiles {
  const out = new Map<string, Framework>();
  let queueSort: string | null = null;
  for (const p of profiles) {
    if (out.has(p.schedulerName))
      throw new Error(`duplicate profile with scheduler name "${p.schedulerName}"`);
    const fwk = new Framework(p, registry, deps);
    const qs = fwk.queueSortPlugin?.name ?? null;
    if (queueSort !== null && qs !== queueSort) {
      throw new Error(
        `different queue sort plugins for profile "${p.schedulerName}": "${qs}", first: "${queueSort}"`,
      );
    }
    queueSort = qs;
    out.set(p.schedulerName, fwk);
  }
  return out;
}

/** `frameworkForPod`: the profile that handles this pod, or undefined (another scheduler's pod). */
export function frameworkForPod(profiles: Profiles, pod: Pod): Framework | undefined {
  return profiles.get(pod.spec?.schedulerName ?? DEFAULT_SCHEDULER_NAME);
}

/** The queue hooks (QueueSort, PreEnqueue, event registrations) of a set of profiles. */
export function queueHooksFor(profiles: Profiles): SchedulingQueueHooks {
  const first = profiles.values().next().value as Framework | undefined;
  if (first === undefined || first.queueSortPlugin === null) throw new Error("no profile");
  const qs = first.queueSortPlugin;
  const events = new Map<string, Record<string, ClusterEventRegistration[]>>();
  for (const [name, fwk] of profiles) events.set(name, fwk.eventsToRegister());
  return {
    less: (a, b) => qs.less(a, b),
    runPreEnqueue: (podInfo) => frameworkForPod(profiles, podInfo.pod)?.runPreEnqueuePlugins(podInfo) ?? null,
    eventsToRegister: (schedulerName) => events.get(schedulerName) ?? {},
  };
}
