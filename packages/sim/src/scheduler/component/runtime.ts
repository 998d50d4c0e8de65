/**
 * The code objects a scheduler component works through — the `SchedulerCache` and
 * `SchedulingQueue` wrappers and one `Framework` per profile — rebuilt from its plain-data state
 * and memoised per state object. They hold nothing that is not derived from the state (plugin
 * instances, list caches), so a state restored from a snapshot rebuilds identical ones.
 */
import { newSchedulerCacheState, SchedulerCache, type SchedulerCacheState } from "../cache/cache";
import { buildFrameworks, type Profiles, queueHooksFor } from "../profiles";
import {
  newSchedulingQueueState,
  SchedulingQueue,
  type SchedulingQueueState,
} from "../queue/scheduling-queue";
import type { KubeSchedulerConfig } from "./config";
import { type SchedulerInformers, schedulerListers } from "./informers";

/** The parts of the component state the runtime is built from. */
export interface RuntimeSource {
  config: KubeSchedulerConfig;
  informers: SchedulerInformers;
  cache: SchedulerCacheState;
  queue: SchedulingQueueState;
}

/** The scheduler's code objects over its state. */
export interface SchedulerRuntime {
  readonly cache: SchedulerCache;
  readonly queue: SchedulingQueue;
  readonly profiles: Profiles;
}

interface Memo extends SchedulerRuntime {
  informers: SchedulerInformers;
  cacheState: SchedulerCacheState;
  queueState: SchedulingQueueState;
}

const memo = new WeakMap<object, Memo>();

/** New cache and queue states for a configuration. */
export function newSchedulerStates(config: KubeSchedulerConfig): {
  cache: SchedulerCacheState;
  queue: SchedulingQueueState;
} {
  return {
    cache: newSchedulerCacheState(),
    queue: newSchedulingQueueState({
      podInitialBackoffMs: config.podInitialBackoffMs,
      podMaxBackoffMs: config.podMaxBackoffMs,
    }),
  };
}

/** The runtime of a component state (built on first use, and again when the state was replaced). */
export function schedulerRuntime(s: RuntimeSource): SchedulerRuntime {
  const m = memo.get(s);
  if (m !== undefined && m.cacheState === s.cache && m.queueState === s.queue && m.informers === s.informers)
    return m;
  const cache = new SchedulerCache(s.cache);
  let queue: SchedulingQueue | null = null;
  const profiles = buildFrameworks(
    {
      snapshot: () => cache.snapshot(),
      listers: schedulerListers(s.informers),
      nominator: () => queue?.nominator() ?? null,
    },
    s.config.profiles,
  );
  queue = new SchedulingQueue(s.queue, queueHooksFor(profiles));
  const built: Memo = {
    cache,
    queue,
    profiles,
    informers: s.informers,
    cacheState: s.cache,
    queueState: s.queue,
  };
  memo.set(s, built);
  return built;
}
